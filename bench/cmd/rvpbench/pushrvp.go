package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"rendezvous/bench/internal/proc"
	"rendezvous/bench/internal/rvpd"
	"rendezvous/bench/internal/rvpload"
	"rendezvous/bench/internal/stats"
	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

// recorder turns received IM texts ("m<ns>" measured, "w<ns>" warm-up) into
// send-to-receive samples. Safe for concurrent use.
type recorder struct {
	base     time.Time
	lat      *stats.Samples
	received atomic.Int64 // measured messages received
	bad      atomic.Int64 // bodies that did not decode
}

func newRecorder(limit int) *recorder {
	return &recorder{base: time.Now(), lat: stats.New(limit)}
}

// stamp is the IM text for a message sent now.
func (r *recorder) stamp(warm bool) string {
	p := "m"
	if warm {
		p = "w"
	}
	return p + strconv.FormatInt(int64(time.Since(r.base)), 10)
}

// note records one NOTIFY body that arrived at time at.
func (r *recorder) note(at time.Time, n rvpwire.Notification, err error) {
	now := at.Sub(r.base)
	if err != nil || n.MIME == nil {
		r.bad.Add(1)
		return
	}
	im, err := rvpwire.ParseIM(*n.MIME)
	if err != nil || len(im.Body) < 2 {
		r.bad.Add(1)
		return
	}
	ns, err := strconv.ParseInt(strings.TrimSpace(im.Body[1:]), 10, 64)
	if err != nil {
		r.bad.Add(1)
		return
	}
	if im.Body[0] == 'm' {
		r.received.Add(1)
		r.lat.Add(now - time.Duration(ns))
	}
}

// pushResult is one RVP push run.
type pushResult struct {
	lat        stats.Summary
	sent, ok   int64
	received   int64
	cpuPerMsg  time.Duration
	signInTime time.Duration
}

// pushRVP runs one RVP push measurement against a fresh rvpd: n recipients
// in mode "poll" (each holds a POLL) or "callback" (Default mode: rvpd
// opens a connection to the recipient's listener for each NOTIFY).
func pushRVP(ctx context.Context, e *env, mode string, n int, pc pushConfig) (pushResult, error) {
	dir := filepath.Join(e.work, fmt.Sprintf("push-%s-%d", mode, n))
	aliases := rvpd.Aliases("u", n)
	if err := rvpd.Seed(ctx, dir, append(aliases, "pub")); err != nil {
		return pushResult{}, err
	}
	in, err := rvpd.Start(ctx, rvpd.Config{Bin: e.rvpdBin, DataDir: dir, Log: e.logs})
	if err != nil {
		return pushResult{}, err
	}
	defer in.Stop(15 * time.Second)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	rec := newRecorder(pc.rate*int(pc.dur/time.Second+1) + 1000)
	t0 := time.Now()
	var stopClients func()
	if mode == "poll" {
		stopClients, err = startPollers(ctx, in, aliases, rec)
	} else {
		stopClients, err = startCallbacks(ctx, in, aliases, rec)
	}
	if err != nil {
		return pushResult{}, err
	}
	defer stopClients()
	res := pushResult{signInTime: time.Since(t0)}
	before, err := proc.ReadStats(in.Pid())
	if err != nil {
		return pushResult{}, err
	}
	var all int64
	res.sent, res.ok, all, err = publishIMs(ctx, in.Addr, aliases, rec, pc)
	if err != nil {
		return pushResult{}, err
	}
	for deadline := time.Now().Add(5 * time.Second); rec.received.Load() < res.ok && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	after, err := proc.ReadStats(in.Pid())
	if err != nil {
		return pushResult{}, err
	}
	res.received = rec.received.Load()
	res.lat = rec.lat.Summary()
	if all > 0 {
		res.cpuPerMsg = (after.CPU - before.CPU) / time.Duration(all)
	}
	return res, nil
}

// signInAll signs every alias in with up to 32 sign-ins at once.
func signInAll(ctx context.Context, aliases []string, signIn func(alias string) error) error {
	jobs := make(chan string)
	errs := make(chan error, 1)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for a := range jobs {
				if err := signIn(a); err != nil {
					select {
					case errs <- err:
					default:
					}
				}
			}
		})
	}
	for _, a := range aliases {
		if ctx.Err() != nil {
			break
		}
		jobs <- a
	}
	close(jobs)
	wg.Wait()
	select {
	case err := <-errs:
		return err
	default:
		return ctx.Err()
	}
}

// startPollers signs every alias in for polling on its own connection and
// keeps a POLL held for each; it returns once rvpd holds them all.
func startPollers(ctx context.Context, in *rvpd.Instance, aliases []string, rec *recorder) (func(), error) {
	return startPolling(ctx, in, aliases, "", func(_ string, r rvpload.PollResult) {
		for _, p := range r.Parts {
			n, err := rvpload.DecodePart(p)
			rec.note(r.At, n, err)
		}
	})
}

// startPolling signs every alias in for polling on its own connection,
// subscribes it to watch's presence when watch is set, and keeps a POLL
// held for each, handing every answer to note (on the alias's goroutine);
// it returns once rvpd holds them all. The returned stop closes every
// connection and waits for the goroutines.
func startPolling(ctx context.Context, in *rvpd.Instance, aliases []string, watch string,
	note func(alias string, r rvpload.PollResult)) (func(), error) {
	ctx, cancel := context.WithCancel(ctx)
	var (
		mu    sync.Mutex
		conns []*rvpload.Conn
		wg    sync.WaitGroup
	)
	stop := func() {
		cancel()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	}
	err := signInAll(ctx, aliases, func(a string) error {
		l, err := signInPoll(ctx, in.Addr, nil, a)
		if err != nil {
			return err
		}
		mu.Lock()
		conns = append(conns, l.Conn)
		mu.Unlock()
		if watch != "" {
			if err := l.Watch(watch); err != nil {
				return err
			}
		}
		wg.Go(func() { pollForever(ctx, l, 600, func(r rvpload.PollResult) { note(a, r) }) })
		return nil
	})
	if err == nil {
		err = waitHeld(ctx, in, len(aliases), time.Minute)
	}
	if err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}

// waitHeld waits until rvpd reports n held POLLs.
func waitHeld(ctx context.Context, in *rvpd.Instance, n int, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		v, ok, err := in.Metric("rvpd_polls_held")
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("rvpd exports no rvpd_polls_held")
		}
		if int(v) >= n {
			return nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("only %d of %d POLLs held after %s", int(v), n, limit)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// startCallbacks runs 16 callback listeners and signs every alias in with
// Call-Back http://127.0.0.1:<port>/c/<alias> (Default mode). Each NOTIFY
// arrives on a new connection, as rvpd opens one per delivery.
func startCallbacks(ctx context.Context, in *rvpd.Instance, aliases []string, rec *recorder) (func(), error) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, rvpload.MaxBody))
		if err == nil {
			at := time.Now()
			n, err := rvpload.Decode(body)
			rec.note(at, n, err)
		}
		w.Header().Set(rvpwire.HeaderVersion, rvpwire.Version)
		w.WriteHeader(http.StatusOK)
	})
	var servers []*http.Server
	var urls []string
	stop := func() {
		for _, s := range servers {
			s.Close()
		}
	}
	for range 16 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			stop()
			return nil, err
		}
		s := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 30 * time.Second}
		servers = append(servers, s)
		urls = append(urls, "http://"+l.Addr().String()+"/c/")
		go s.Serve(l)
	}
	pool := make(chan *rvpload.Conn, 32)
	defer func() {
		close(pool)
		for c := range pool {
			c.Close()
		}
	}()
	var next atomic.Int64
	err := signInAll(ctx, aliases, func(a string) error {
		var c *rvpload.Conn
		select {
		case c = <-pool:
		default:
			var err error
			if c, err = rvpload.Dial(ctx, in.Addr, nil, in.Addr); err != nil {
				return err
			}
		}
		auth, err := digest.NewClient(a, rvpd.Password(a))
		if err == nil {
			_, err = rvpload.SignIn(c, auth, rvpd.Domain, a, urls[int(next.Add(1))%len(urls)]+a)
		}
		if err != nil {
			c.Close()
			return err
		}
		pool <- c
		return nil
	})
	if err != nil {
		stop()
		return nil, err
	}
	return stop, nil
}
