package app

import (
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"
)

func TestLoopGuardLeavesANormalQuitAlone(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var shutdowns, exits atomic.Int32
		g := newLoopGuard(quitGrace, func(int) { exits.Add(1) }, discard())
		g.run(func() {
			g.quitRequested()
			time.Sleep(quitGrace / 2) // the loop takes a while to end, within the grace
		}, func() { shutdowns.Add(1) })
		if shutdowns.Load() != 1 || exits.Load() != 0 {
			t.Fatalf("shutdowns %d, exits %d; want 1, 0", shutdowns.Load(), exits.Load())
		}
	})
}

func TestLoopGuardShutsDownAHungLoop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var shutdowns atomic.Int32
		hung := make(chan struct{})
		exited := make(chan int, 1)
		g := newLoopGuard(quitGrace, func(code int) { exited <- code; close(hung) }, discard())
		start := time.Now()
		g.run(func() {
			g.quitRequested()
			g.quitRequested() // twice is fine
			<-hung            // Fyne's Run waiting for its own stopped hook
		}, func() { shutdowns.Add(1) })
		if got := <-exited; got != 0 || shutdowns.Load() != 1 {
			t.Fatalf("exit code %d, shutdowns %d; want 0, 1", got, shutdowns.Load())
		}
		if waited := time.Since(start); waited != quitGrace {
			t.Fatalf("gave up after %v, want %v", waited, quitGrace)
		}
	})
}

func TestLoopGuardWithoutQuitWaitsForever(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		g := newLoopGuard(quitGrace, func(int) { t.Error("exit without a quit request") }, discard())
		g.run(func() { time.Sleep(10 * quitGrace) }, func() {})
	})
}
