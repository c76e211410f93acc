package options

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"
)

// tasks owns the goroutines of one window or dialog. do starts work off the
// UI goroutine with the owner's context; work returns the function that
// applies its result, which runs in one fyne.Do unless stop was called
// meanwhile (the check runs on the UI goroutine, where stop is called too).
// stop is idempotent; wait waits for every goroutine started.
type tasks struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newTasks() *tasks {
	ctx, cancel := context.WithCancel(context.Background())
	return &tasks{ctx: ctx, cancel: cancel}
}

// do runs work on a new goroutine; after stop it starts nothing.
func (t *tasks) do(work func(ctx context.Context) (apply func())) {
	if t.ctx.Err() != nil {
		return
	}
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		apply := work(t.ctx)
		if apply == nil {
			return
		}
		fyne.Do(func() {
			if t.ctx.Err() == nil {
				apply()
			}
		})
	}()
}

func (t *tasks) stop() { t.cancel() }

func (t *tasks) wait() { t.wg.Wait() }
