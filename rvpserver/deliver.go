package rvpserver

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"rendezvous/internal/rvpwire"
)

// Callback delivery. A login's Call-Back gets each NOTIFY on a new
// connection, at exactly the registered scheme, host, port and path ("/"
// when none), bounded by Options.CallbackTimeout. Delivery is judged by the
// status line and headers alone: the body is never read.
//
// Dead callbacks: a transport failure (no connection, timeout, garbage) or
// a 404/410 answer (the listener is not that client any more) counts as a
// failure; any other answer, 500 included, proves the client alive and
// resets the count. After Options.DeadAfter consecutive failures the login
// is dead: it is removed like an UNSUBSCRIBE (no further deliveries, so a
// sender then gets 412), and when it was the principal's last login all of
// the principal's presence views end, so watchers are told offline.

// newCallbackClient builds the client for outgoing NOTIFYs: no proxies from
// the environment, no redirects, no keep-alive, tight timeouts.
func newCallbackClient(timeout time.Duration, dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Client {
	if dial == nil {
		dial = (&net.Dialer{Timeout: timeout}).DialContext
	}
	tr := &http.Transport{
		DialContext:            dial,
		TLSHandshakeTimeout:    timeout,
		ResponseHeaderTimeout:  timeout,
		DisableKeepAlives:      true,
		MaxResponseHeaderBytes: 64 << 10,
	}
	return &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// target is one callback login a NOTIFY goes to.
type target struct {
	sub    uint64
	url    string
	server bool // the Call-Back names a node on a server (federation.go)
}

// plan is where a NOTIFY goes: poll queue writes already made and the
// callbacks still to call.
type plan struct {
	logins    int
	queued    int // poll queues that took it
	full      int // poll queues that refused it (507)
	waits     []*commitWait
	callbacks []target
}

func (p *plan) waitQueued(ctx context.Context) error {
	for _, w := range p.waits {
		if err := w.wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// planLocked enqueues m for every polling login of alias and lists its
// callback logins; mu must be held.
func (s *Server) planLocked(alias string, m *outMsg) *plan {
	p := &plan{}
	for _, sub := range s.sortedSubsLocked(alias) {
		if sub.Type != rvpwire.PragmaNotify {
			continue
		}
		p.logins++
		if sub.queue == nil {
			_, server := serverRoute(sub.CallBack)
			p.callbacks = append(p.callbacks, target{sub.ID, sub.CallBack, server})
			continue
		}
		if w := s.enqueueLocked(sub, m); w != nil {
			p.queued++
			p.waits = append(p.waits, w)
		} else {
			p.full++
		}
	}
	return p
}

// dispatchAsyncLocked hands p's callbacks to the delivery workers.
func (s *Server) dispatchAsyncLocked(p *plan, m *outMsg) {
	for _, t := range p.callbacks {
		s.async(func(ctx context.Context) { s.deliver(ctx, t.sub, t.url, m) })
	}
}

// deliverAll calls every target concurrently and returns their status
// codes (0 for a transport failure).
func (s *Server) deliverAll(ctx context.Context, ts []target, m *outMsg) []int {
	out := make([]int, len(ts))
	var wg sync.WaitGroup
	for i, t := range ts {
		wg.Go(func() { out[i] = s.deliver(ctx, t.sub, t.url, m) })
	}
	wg.Wait()
	return out
}

// async queues a job for the delivery workers without blocking; when the
// queue is full the job is dropped and counted.
func (s *Server) async(job func(context.Context)) {
	select {
	case s.jobs <- job:
	default:
		s.met.asyncDropped.Add(1)
	}
}

// asyncWorker runs queued deliveries until Shutdown; s.bg is cancelled
// then, which cuts deliveries in flight.
func (s *Server) asyncWorker() {
	for {
		select {
		case <-s.stop:
			return
		case job := <-s.jobs:
			job(s.bg)
		}
	}
}

// deliver sends one NOTIFY to cb and records the outcome for login sub (0:
// not a login). It returns the status code, 0 on transport failure.
func (s *Server) deliver(ctx context.Context, sub uint64, cb string, m *outMsg) int {
	code, err := s.sendCounted(ctx, func(ctx context.Context) (int, error) {
		if u, ok := serverRoute(cb); ok {
			return s.forwardSync(ctx, u, m)
		}
		return s.post(ctx, cb, m)
	})
	failed := err != nil || code == http.StatusNotFound || code == http.StatusGone
	if failed {
		s.met.callbackFailures.Add(1)
		s.log.Info("callback delivery failed", "subscription", sub, "status", code, "err", err)
	} else {
		s.met.deliveries.Add(1)
	}
	if sub != 0 {
		s.recordDelivery(sub, failed)
	}
	return code
}

func (s *Server) post(ctx context.Context, cb string, m *outMsg) (int, error) {
	u, err := url.Parse(cb)
	if err != nil {
		return 0, err
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return s.postURL(ctx, u, "", m)
}

// postURL sends one NOTIFY to u with Host host ("" means u's host).
func (s *Server) postURL(ctx context.Context, u *url.URL, host string, m *outMsg) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.CallbackTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, rvpwire.MethodNotify, u.String(), bytes.NewReader(m.body))
	if err != nil {
		return 0, err
	}
	for k, v := range m.header {
		req.Header[k] = v
	}
	if host != "" {
		req.Host = host
	}
	req.Header.Set("Content-Type", "text/xml")
	req.Header.Set("Content-Length", strconv.Itoa(len(m.body)))
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, err
	}
	_ = resp.Body.Close() // never wait for a body: the status line decides
	if resp.StatusCode < 100 {
		return 0, errors.New("rvpserver: bad status from callback")
	}
	return resp.StatusCode, nil
}

// recordDelivery updates a callback login's failure count and declares it
// dead after DeadAfter consecutive failures.
func (s *Server) recordDelivery(id uint64, failed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.subs[id]
	if sub == nil || s.state != stateRunning {
		return
	}
	if !failed {
		sub.failures = 0
		return
	}
	sub.failures++
	if sub.failures < s.cfg.DeadAfter {
		return
	}
	s.met.deadLogins.Add(1)
	s.log.Warn("callback login declared dead", "subscription", id, "principal", sub.Node, "failures", sub.failures)
	s.removeSubLocked(sub, http.StatusNotFound)
	for _, other := range s.byNode[sub.Node] {
		if other.Type == rvpwire.PragmaNotify {
			return
		}
	}
	if views := s.liveViewsLocked(sub.Node); len(views) > 0 {
		s.endViewsLocked(sub.Node, views)
	}
}
