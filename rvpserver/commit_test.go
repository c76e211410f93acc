package rvpserver

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"
)

// gateStore blocks every Apply until released and counts the calls.
type gateStore struct {
	Store
	entered chan struct{}
	release chan struct{}
	mu      sync.Mutex
	calls   int
	ops     int
}

func (g *gateStore) Apply(ctx context.Context, ops []Op) error {
	g.mu.Lock()
	g.calls++
	g.ops += len(ops)
	g.mu.Unlock()
	g.entered <- struct{}{}
	<-g.release
	return g.Store.Apply(ctx, ops)
}

func TestCommitterGroupsWrites(t *testing.T) {
	g := &gateStore{Store: NewMemoryStore(), entered: make(chan struct{}, 8), release: make(chan struct{})}
	c := newCommitter(g)
	go c.run()
	first := c.submit(Put(BucketMeta, "k0", []byte("0")))
	<-g.entered // the first batch is in Apply; the next 50 queue behind it
	var ws []*commitWait
	for i := range 50 {
		ws = append(ws, c.submit(Put(BucketMeta, "k", []byte{byte(i)})))
	}
	close(g.release)
	for _, w := range append(ws, first) {
		if err := w.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if g.calls != 2 || g.ops != 51 {
		t.Fatalf("%d Apply calls for %d ops, want 2 for 51", g.calls, g.ops)
	}
	// Memory order is store order: the last put wins.
	if v, _ := g.Store.Get(context.Background(), BucketMeta, "k"); len(v) != 1 || v[0] != 49 {
		t.Fatalf("k = %v, want the 50th write", v)
	}
	c.close()
	if err := c.submit(Del(BucketMeta, "k")).wait(context.Background()); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("submit after close: %v", err)
	}
}

func TestSchedulerReplacesAndSkipsStale(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fired := make(chan timerKey, 8)
		s := newScheduler(time.Now, func(k timerKey) { fired <- k })
		a, b := timerKey{timerSub, 1}, timerKey{timerView, 2}
		start := time.Now()
		s.set(a, start.Add(10*time.Second))
		s.set(a, start.Add(10*time.Second)) // same deadline: no second entry
		s.set(b, start.Add(5*time.Second))
		s.set(b, start.Add(20*time.Second)) // moved later: the 5 s entry is stale
		s.cancel(a)
		s.set(a, start.Add(15*time.Second))
		if got := len(s.h); got != 4 {
			t.Fatalf("heap holds %d entries, want 4", got)
		}
		go s.run()
		defer s.close()
		if k := <-fired; k != a || time.Since(start) != 15*time.Second {
			t.Fatalf("first firing %v after %v", k, time.Since(start))
		}
		if k := <-fired; k != b || time.Since(start) != 20*time.Second {
			t.Fatalf("second firing %v after %v", k, time.Since(start))
		}
		synctest.Wait()
		if len(fired) != 0 {
			t.Fatal("a stale or cancelled entry fired")
		}
	})
}
