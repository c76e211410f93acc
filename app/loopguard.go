package app

import (
	"log/slog"
	"sync"
	"time"
)

// quitGrace bounds how long Fyne's Run may take to return once the app
// asked it to quit (or a signal did).
const quitGrace = 10 * time.Second

// loopGuard works around a shutdown race in Fyne 2.8.1: when the event loop
// ends, Fyne hands its own "stopped" hook to the loop that just ended, and
// Run can then wait for it forever (seen once in eight smoke runs).
// The process would live on without windows, still hosting this computer's
// server and holding its database. After quitRequested, if Run has not
// returned within grace, the guard runs the shutdown itself and exits.
//
// quitRequested may be called from any goroutine, any number of times.
type loopGuard struct {
	grace time.Duration
	exit  func(code int) // os.Exit
	log   *slog.Logger

	quitOnce sync.Once
	quit     chan struct{}
}

func newLoopGuard(grace time.Duration, exit func(int), log *slog.Logger) *loopGuard {
	return &loopGuard{grace: grace, exit: exit, log: log, quit: make(chan struct{})}
}

// quitRequested starts the grace period.
func (g *loopGuard) quitRequested() { g.quitOnce.Do(func() { close(g.quit) }) }

// run calls loop (Fyne's Run) and then shutdown, exactly once: on the
// calling goroutine when loop returns, or on the guard's goroutine (which
// then calls exit(0)) when loop hangs past the grace period.
func (g *loopGuard) run(loop, shutdown func()) {
	var once sync.Once
	finish := func() { once.Do(shutdown) }
	returned := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-g.quit:
		case <-returned:
			return
		}
		t := time.NewTimer(g.grace)
		defer t.Stop()
		select {
		case <-returned:
			return
		case <-t.C:
		}
		g.log.Warn("the event loop did not end after quitting; shutting down without it", "grace", g.grace)
		finish()
		g.exit(0)
	}()
	loop()
	close(returned)
	finish()
	wg.Wait()
}
