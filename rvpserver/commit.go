package rvpserver

import (
	"context"
	"sync"
)

// committer is rvpd's group commit: writes are submitted in the order the
// server made the matching in-memory changes (callers submit while holding
// Server.mu), and one goroutine applies everything pending in a single
// Store.Apply, so many concurrent requests share one fsync while the store
// sees the changes in memory order.
type committer struct {
	st Store

	mu      sync.Mutex
	pending []Op          // guarded by mu
	waiters []*commitWait // guarded by mu
	closed  bool          // guarded by mu: submissions then fail with ErrNotRunning
	wake    chan struct{} // capacity 1
	stop    chan struct{} // closed to stop after draining
	done    chan struct{} // closed when run returns
}

// commitWait is the outcome of one submission.
type commitWait struct {
	done chan struct{}
	err  error // valid after done is closed
}

func newCommitter(st Store) *committer {
	return &committer{st: st, wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

// submit queues ops; it never blocks on I/O. After close it fails at once.
func (c *committer) submit(ops ...Op) *commitWait {
	w := &commitWait{done: make(chan struct{})}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		w.err = ErrNotRunning
		close(w.done)
		return w
	}
	c.pending = append(c.pending, ops...)
	c.waiters = append(c.waiters, w)
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return w
}

// wait blocks until the submission is durable (or failed).
func (w *commitWait) wait(ctx context.Context) error {
	select {
	case <-w.done:
		return w.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run applies batches until stop is closed and nothing is pending.
func (c *committer) run() {
	defer close(c.done)
	for {
		select {
		case <-c.wake:
			c.flush()
		case <-c.stop:
			c.flush()
			return
		}
	}
}

func (c *committer) flush() {
	c.mu.Lock()
	ops, waiters := c.pending, c.waiters
	c.pending, c.waiters = nil, nil
	c.mu.Unlock()
	if len(waiters) == 0 {
		return
	}
	// Writes must not be lost to a request that went away, so the batch is
	// applied with its own context.
	err := c.st.Apply(context.Background(), ops)
	for _, w := range waiters {
		w.err = err
		close(w.done)
	}
}

// close refuses further submissions, flushes what is pending and stops
// the goroutine; called once, by Server.Shutdown.
func (c *committer) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	close(c.stop)
	<-c.done
}
