package app

import (
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// loopApp is Fyne's test app with the desktop driver's threading: every
// fyne.Do runs on one goroutine (the "UI goroutine" of the test), so the
// engine, window queues and the test never touch widgets at the same time.
type loopApp struct {
	fyne.App
	drv *loopDriver
}

func (a *loopApp) Driver() fyne.Driver { return a.drv }

type loopDriver struct {
	fyne.Driver
	mu   sync.Mutex
	fns  []func()
	wake chan struct{}
	stop chan struct{}
	done chan struct{}
}

func (d *loopDriver) DoFromGoroutine(f func(), wait bool) {
	var done chan struct{}
	if wait {
		done = make(chan struct{})
		g := f
		f = func() { g(); close(done) }
	}
	d.mu.Lock()
	d.fns = append(d.fns, f)
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
	if wait {
		<-done
	}
}

func (d *loopDriver) run() {
	defer close(d.done)
	for {
		select {
		case <-d.stop:
			return
		case <-d.wake:
		}
		for {
			d.mu.Lock()
			fns := d.fns
			d.fns = nil
			d.mu.Unlock()
			if len(fns) == 0 {
				break
			}
			for _, f := range fns {
				f()
			}
		}
	}
}

// newLoopApp installs a loopApp as the current app for the test.
func newLoopApp(t *testing.T) *loopApp {
	base := test.NewTempApp(t)
	d := &loopDriver{Driver: base.Driver(), wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	a := &loopApp{App: base, drv: d}
	fyne.SetCurrentApp(a)
	go d.run()
	t.Cleanup(func() { close(d.stop); <-d.done })
	return a
}

// do runs f on the UI goroutine and waits for it.
func (a *loopApp) do(f func()) { a.drv.DoFromGoroutine(f, true) }
