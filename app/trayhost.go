package app

import (
	"context"
	"sync"
	"sync/atomic"
)

// trayHost tracks whether a system tray host shows the app's tray icon, so
// that closing the main window hides it there only when the tray's menu can
// bring it back (ui.MainOptions.TrayHost). startTrayHost (one file per
// platform) starts the watcher. available never blocks; changed runs on the
// watcher's goroutine after each change, never after close returned; close
// stops the watcher and waits for it. Safe for concurrent use.
type trayHost struct {
	avail   atomic.Bool
	cancel  context.CancelFunc
	done    chan struct{}
	changed func()

	mu      sync.Mutex // held while changed runs; close sets stopped under it
	stopped bool
}

func newTrayHost(changed func()) (*trayHost, context.Context) {
	ctx, cancel := context.WithCancel(context.Background())
	return &trayHost{cancel: cancel, done: make(chan struct{}), changed: changed}, ctx
}

// available reports whether a tray host was there at the last news.
func (h *trayHost) available() bool { return h.avail.Load() }

func (h *trayHost) set(v bool) {
	if h.avail.Swap(v) == v {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.stopped && h.changed != nil {
		h.changed()
	}
}

// close stops the watcher and waits for it; idempotent.
func (h *trayHost) close() {
	h.mu.Lock()
	h.stopped = true
	h.mu.Unlock()
	h.cancel()
	<-h.done
}
