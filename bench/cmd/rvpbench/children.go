package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"os"
	"sync"
	"sync/atomic"

	"rendezvous/bench/internal/floor"
	"rendezvous/bench/internal/natsbench"
	"rendezvous/bench/internal/rvpd"
	"rendezvous/bench/internal/rvpload"
	"rendezvous/internal/digest"
)

func isChild(word string) bool {
	switch word {
	case "serve-floor", "serve-nats", "hold":
		return true
	}
	return false
}

func runChild(ctx context.Context, word string, args []string) error {
	switch word {
	case "serve-floor":
		return floor.Serve(ctx, os.Stdout)
	case "serve-nats":
		return natsbench.Serve(ctx, os.Stdout)
	default:
		return runHolder(ctx, args)
	}
}

// runHolder is one capacity worker: it signs in count users from a source
// address of its own, keeps one POLL held for each and re-polls after every
// answer until it is told to stop. It prints "READY <n>" once every user
// has sent its first POLL. It prints "READY" before it starts, so that the
// parent can watch the ramp; failures go to stderr.
func runHolder(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("hold", flag.ContinueOnError)
	addr := fs.String("addr", "", "rvpd host:port")
	local := fs.String("local", "127.0.0.1", "source address")
	prefix := fs.String("prefix", "u", "alias prefix")
	from := fs.Int("from", 0, "first user index")
	count := fs.Int("count", 0, "users")
	hold := fs.Int("hold", 600, "requested hold, seconds")
	conc := fs.Int("conc", 32, "sign-ins at once")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var (
		wg      sync.WaitGroup
		started atomic.Int64
		failed  atomic.Int64
		mu      sync.Mutex
		conns   []*rvpload.Conn
	)
	fmt.Println("READY")
	sem := make(chan struct{}, *conc)
	for i := *from; i < *from+*count && ctx.Err() == nil; i++ {
		sem <- struct{}{}
		alias := fmt.Sprintf("%s%05d", *prefix, i)
		wg.Go(func() {
			l, err := signInPoll(ctx, *addr, net.ParseIP(*local), alias)
			<-sem
			if err != nil {
				failed.Add(1)
				fmt.Fprintln(os.Stderr, "hold:", err)
				return
			}
			mu.Lock()
			conns = append(conns, l.Conn)
			mu.Unlock()
			started.Add(1)
			pollForever(ctx, l, *hold, nil)
		})
	}
	fmt.Fprintf(os.Stderr, "hold: %d signed in, %d failed\n", started.Load(), failed.Load())
	<-ctx.Done()
	mu.Lock()
	for _, c := range conns {
		c.Close()
	}
	mu.Unlock()
	wg.Wait()
	return nil
}

// signInPoll dials rvpd from local and signs alias in for polling.
func signInPoll(ctx context.Context, addr string, local net.IP, alias string) (*rvpload.Login, error) {
	c, err := rvpload.Dial(ctx, addr, local, addr)
	if err != nil {
		return nil, err
	}
	auth, err := digest.NewClient(alias, rvpd.Password(alias))
	if err != nil {
		c.Close()
		return nil, err
	}
	l, err := rvpload.SignIn(c, auth, rvpd.Domain, alias, "poll")
	if err != nil {
		c.Close()
		return nil, err
	}
	return l, nil
}

// pollForever polls until ctx ends or the connection fails, handing every
// answer to onAnswer (nil: ignore).
func pollForever(ctx context.Context, l *rvpload.Login, hold int, onAnswer func(rvpload.PollResult)) {
	for ctx.Err() == nil {
		res, err := l.Poll(hold)
		if err != nil {
			if ctx.Err() == nil {
				fmt.Fprintln(os.Stderr, "poll:", l.Alias, err)
			}
			return
		}
		if onAnswer != nil {
			onAnswer(res)
		}
	}
}
