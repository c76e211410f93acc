package options

import (
	"context"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"rendezvous/settings"
)

// Diagnostics is the state of the running connection, as the engine reports
// it for Help > Connection diagnostics. It is a plain value.
type Diagnostics struct {
	SignedIn      bool
	Mode          settings.PollingMode
	CallbackAddr  string        // Default and Fixed Port(s): the advertised Call-Back URL
	PollHold      time.Duration // Polling: the hold the server granted
	LastPoll      time.Time     // Polling: when the last poll was answered; zero if none
	LastRoundTrip time.Duration // Polling: that poll's round trip
	Queued        int           // Polling: items the server reported queued
	Dropped       int           // Polling: items the server reported dropped (RVP-Poll-Dropped)
	Reconnects    int
	LastError     string // "" when none
}

// DiagnosticsSource reports the connection's diagnostics. Diagnostics is
// called off the UI goroutine and must be safe for concurrent use.
type DiagnosticsSource interface {
	Diagnostics(ctx context.Context) (Diagnostics, error)
}

// Texts of the diagnostics window.
const (
	DiagnosticsTitle = "Connection diagnostics"
	NotSignedIn      = "Not signed in."
	CopiedNotice     = "Copied to the clipboard."
)

// DiagnosticsLine is one "label: value" line of the diagnostics.
type DiagnosticsLine struct{ Label, Value string }

// DiagnosticsLines lists what the window shows for d: the mode, the
// callback address (Default, Fixed Port(s)) or the poll hold, last poll,
// round trip and the server's queued and dropped counts (Polling), the
// reconnects and the last error.
func DiagnosticsLines(d Diagnostics) []DiagnosticsLine {
	if !d.SignedIn {
		return []DiagnosticsLine{{"Mode", NotSignedIn}}
	}
	lines := []DiagnosticsLine{{"Mode", d.Mode.String()}}
	if d.Mode == settings.ModePolling {
		lastPoll, roundTrip := "none yet", "none yet"
		if !d.LastPoll.IsZero() {
			lastPoll = d.LastPoll.Format("2006-01-02 15:04:05 MST")
			roundTrip = d.LastRoundTrip.Round(time.Millisecond).String()
		}
		lines = append(lines,
			DiagnosticsLine{"Poll hold", d.PollHold.Round(time.Second).String()},
			DiagnosticsLine{"Last poll", lastPoll},
			DiagnosticsLine{"Round trip", roundTrip},
			DiagnosticsLine{"Queued at the server", strconv.Itoa(d.Queued)},
			DiagnosticsLine{"Dropped by the server", strconv.Itoa(d.Dropped)},
		)
	} else {
		lines = append(lines, DiagnosticsLine{"Callback address", orNone(d.CallbackAddr)})
	}
	return append(lines,
		DiagnosticsLine{"Reconnects", strconv.Itoa(d.Reconnects)},
		DiagnosticsLine{"Last error", orNone(d.LastError)},
	)
}

func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}

// FormatDiagnostics renders d as the text the Copy button puts on the
// clipboard: a title line, then one "Label: value" line per
// DiagnosticsLines entry.
func FormatDiagnostics(d Diagnostics) string {
	var b strings.Builder
	b.WriteString(DiagnosticsTitle + "\n")
	for _, l := range DiagnosticsLines(d) {
		b.WriteString(l.Label + ": " + l.Value + "\n")
	}
	return b.String()
}

// DiagnosticsWindow is the Help > Connection diagnostics window. It reads
// the diagnostics off the UI goroutine when shown and on Refresh; Copy puts
// them on the clipboard as text; Close and Escape close it.
//
// Methods must be called on the UI goroutine, except Wait.
type DiagnosticsWindow struct {
	app     fyne.App
	win     fyne.Window
	src     DiagnosticsSource
	tasks   *tasks
	keys    dialogKeys
	grid    *fyne.Container
	status  *widget.Label
	refresh *keyButton
	copyBtn *keyButton
	closeB  *keyButton
	text    string // what Copy copies; "" until loaded
	closed  bool
}

// NewDiagnosticsWindow builds the window in app; it does no I/O.
func NewDiagnosticsWindow(app fyne.App, src DiagnosticsSource) *DiagnosticsWindow {
	w := &DiagnosticsWindow{app: app, win: app.NewWindow(DiagnosticsTitle), src: src, tasks: newTasks()}
	w.keys = dialogKeys{cancel: w.Close}
	w.grid = container.New(layout.NewFormLayout())
	w.status = widget.NewLabel("")
	w.status.Wrapping = fyne.TextWrapWord
	w.refresh = newKeyButton("Refresh", &w.keys, w.load)
	w.copyBtn = newKeyButton("Copy", &w.keys, w.copyText)
	w.closeB = newKeyButton("Close", &w.keys, w.Close)
	w.copyBtn.Disable()
	buttons := container.NewHBox(layout.NewSpacer(), w.refresh, w.copyBtn, w.closeB)
	w.win.SetContent(container.NewBorder(nil, container.NewVBox(w.status, buttons), nil, nil,
		withMinWidth(w.grid, 420)))
	w.keys.attach(w.win.Canvas())
	w.win.SetOnClosed(func() { w.closed = true; w.tasks.stop() })
	return w
}

// Show shows the window (bringing it to the front if shown) and reads the
// diagnostics.
func (w *DiagnosticsWindow) Show() {
	if w.closed {
		return
	}
	w.win.Show()
	w.load()
}

// Close closes the window; it is idempotent.
func (w *DiagnosticsWindow) Close() {
	if !w.closed {
		w.win.Close()
	}
}

// Closed reports whether the window was closed.
func (w *DiagnosticsWindow) Closed() bool { return w.closed }

// Wait waits for the window's goroutines; call it off the UI goroutine.
func (w *DiagnosticsWindow) Wait() { w.tasks.wait() }

// Text returns the text Copy puts on the clipboard ("" until loaded).
func (w *DiagnosticsWindow) Text() string { return w.text }

func (w *DiagnosticsWindow) load() {
	w.refresh.Disable()
	w.tasks.do(func(ctx context.Context) func() {
		d, err := w.src.Diagnostics(ctx)
		return func() { w.apply(d, err) }
	})
}

func (w *DiagnosticsWindow) apply(d Diagnostics, err error) {
	w.refresh.Enable()
	if err != nil {
		w.status.SetText(userMessage(err, "The diagnostics could not be read"))
		return
	}
	w.status.SetText("")
	w.grid.RemoveAll()
	for _, l := range DiagnosticsLines(d) {
		value := widget.NewLabel(l.Value)
		value.Selectable = true
		w.grid.Add(widget.NewLabelWithStyle(l.Label, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		w.grid.Add(value)
	}
	w.text = FormatDiagnostics(d)
	w.copyBtn.Enable()
}

func (w *DiagnosticsWindow) copyText() {
	w.app.Clipboard().SetContent(w.text)
	w.status.SetText(CopiedNotice)
}
