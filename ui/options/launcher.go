package options

import (
	"sync"

	"fyne.io/fyne/v2"
)

// Launcher opens the Options window and the diagnostics window for the main
// window's menu: ShowOptions and ShowDiagnostics fit MainOptions.ShowOptions
// and MainOptions.ShowDiagnostics of package ui. Each shows the open window
// if there is one and builds a new one otherwise, so at most one of each is
// open.
//
// ShowOptions, ShowDiagnostics and Close must be called on the UI
// goroutine; Wait may be called from any goroutine.
type Launcher struct {
	app  fyne.App
	deps func() Deps
	diag DiagnosticsSource

	options     *Window
	diagnostics *DiagnosticsWindow

	mu      sync.Mutex // guards waiters
	waiters []func()   // Wait of every window built
}

// NewLauncher returns a launcher. deps is called each time a new Options
// window is built (so it can pass the current Privacy source); diag (nil
// disables ShowDiagnostics) feeds the diagnostics window.
func NewLauncher(app fyne.App, deps func() Deps, diag DiagnosticsSource) *Launcher {
	return &Launcher{app: app, deps: deps, diag: diag}
}

// ShowOptions shows the Options window. The parent is not used: Options is
// a window of its own.
func (l *Launcher) ShowOptions(fyne.Window) {
	if l.options == nil || l.options.Closed() {
		l.options = NewWindow(l.app, l.deps())
		l.addWaiter(l.options.Wait)
	}
	l.options.Show()
}

// ShowDiagnostics shows the Connection diagnostics window.
func (l *Launcher) ShowDiagnostics(fyne.Window) {
	if l.diag == nil {
		return
	}
	if l.diagnostics == nil || l.diagnostics.Closed() {
		l.diagnostics = NewDiagnosticsWindow(l.app, l.diag)
		l.addWaiter(l.diagnostics.Wait)
	}
	l.diagnostics.Show()
}

// Close closes the windows it opened (at sign-out and exit); idempotent.
func (l *Launcher) Close() {
	if l.options != nil {
		l.options.Close()
	}
	if l.diagnostics != nil {
		l.diagnostics.Close()
	}
}

// Wait waits for the goroutines of every window the launcher built. Call it
// after Close, off the UI goroutine.
func (l *Launcher) Wait() {
	l.mu.Lock()
	waiters := append([]func(){}, l.waiters...)
	l.mu.Unlock()
	for _, wait := range waiters {
		wait()
	}
}

func (l *Launcher) addWaiter(wait func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waiters = append(l.waiters, wait)
}
