package rvpclient

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"rendezvous/internal/rvpwire"
)

// TestConcurrentUseAcrossRestart drives every API from several goroutines
// while the server loses its state, then checks the engine recovered. Under
// -race it proves the locking; errors during the outage must be typed.
func TestConcurrentUseAcrossRestart(t *testing.T) {
	p := newTestPair(t, polling)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cv, _ := p.alice.StartConversation("bob@example.com")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	typed := func(err error) {
		if err == nil || errors.Is(err, ErrNotConnected) || IsNetwork(err) || IsTimeout(err) ||
			rvpwire.StatusCode(err) != 0 || errors.Is(err, context.Canceled) {
			return // typed: the helpers and errors.Is tell the UI what happened
		}
		t.Errorf("untyped error: %v", err)
	}
	work := []func(){
		func() { typed(p.alice.SetStatus(ctx, StateBusy)) },
		func() { _, err := p.alice.AddContact(ctx, "carol@example.com"); typed(err) },
		func() { typed(p.alice.RemoveContact(ctx, "carol@example.com")) },
		func() { typed(cv.Send(ctx, "x")) },
		func() { typed(cv.Typing(ctx)) },
		func() { _ = p.alice.Diagnostics(); _ = p.alice.Contacts(); _ = p.alice.Conversations() },
		func() { _, err := p.alice.Watchers(ctx); typed(err) },
	}
	for _, w := range work {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					w()
				}
			}
		}()
	}
	p.srv.restart(true)
	p.aev.waitSeq(t, "reconnect", isConn(Reconnecting), isConn(Connected))
	close(stop)
	wg.Wait()
	if p.alice.State() != Connected {
		t.Errorf("state %v", p.alice.State())
	}
}
