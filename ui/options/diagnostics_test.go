package options

import (
	"context"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"rendezvous/settings"
)

type fakeDiagnostics struct {
	mu   sync.Mutex
	d    Diagnostics
	err  error
	gate gate
}

func (f *fakeDiagnostics) Diagnostics(ctx context.Context) (Diagnostics, error) {
	f.gate.wait(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.d, f.err
}

func (f *fakeDiagnostics) set(d Diagnostics) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.d = d
}

var pollingDiag = Diagnostics{
	SignedIn: true, Mode: settings.ModePolling, PollHold: 600 * time.Second,
	LastPoll:      time.Date(2026, 11, 21, 23, 50, 50, 0, time.UTC),
	LastRoundTrip: 123400 * time.Microsecond, Queued: 2, Dropped: 1, Reconnects: 3,
	LastError: "rvpclient: poll: connection reset",
}

const pollingDiagText = "Connection diagnostics\n" +
	"Mode: Polling\n" +
	"Poll hold: 10m0s\n" +
	"Last poll: 2026-11-21 23:50:50 UTC\n" +
	"Round trip: 123ms\n" +
	"Queued at the server: 2\n" +
	"Dropped by the server: 1\n" +
	"Reconnects: 3\n" +
	"Last error: rvpclient: poll: connection reset\n"

func TestFormatDiagnostics(t *testing.T) {
	tests := []struct {
		name string
		d    Diagnostics
		want string
	}{
		{"polling", pollingDiag, pollingDiagText},
		{"polling before the first answer", Diagnostics{SignedIn: true, Mode: settings.ModePolling, PollHold: time.Minute},
			"Connection diagnostics\nMode: Polling\nPoll hold: 1m0s\nLast poll: none yet\nRound trip: none yet\n" +
				"Queued at the server: 0\nDropped by the server: 0\nReconnects: 0\nLast error: none\n"},
		{"fixed port", Diagnostics{SignedIn: true, Mode: settings.ModeFixedPorts, CallbackAddr: "http://192.0.2.7:5000/", Reconnects: 1},
			"Connection diagnostics\nMode: Fixed Port(s)\nCallback address: http://192.0.2.7:5000/\nReconnects: 1\nLast error: none\n"},
		{"default", Diagnostics{SignedIn: true, Mode: settings.ModeDefault},
			"Connection diagnostics\nMode: Default\nCallback address: none\nReconnects: 0\nLast error: none\n"},
		{"signed out", Diagnostics{}, "Connection diagnostics\nMode: Not signed in.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatDiagnostics(tt.d); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func openDiagnostics(t *testing.T, src *fakeDiagnostics) (fyne.App, *DiagnosticsWindow) {
	t.Helper()
	app := test.NewTempApp(t)
	w := NewDiagnosticsWindow(app, src)
	t.Cleanup(func() { w.Close(); w.Wait() })
	if !w.copyBtn.Disabled() {
		t.Error("Copy enabled before anything was read")
	}
	w.Show()
	src.gate.pass()
	w.Wait()
	return app, w
}

func gridTexts(w *DiagnosticsWindow) []string {
	var texts []string
	for _, o := range w.grid.Objects {
		texts = append(texts, o.(*widget.Label).Text)
	}
	return texts
}

func TestDiagnosticsWindowShowsAndCopies(t *testing.T) {
	src := &fakeDiagnostics{d: pollingDiag, gate: newGate()}
	app, w := openDiagnostics(t, src)
	texts := gridTexts(w)
	for _, want := range []string{"Mode", "Polling", "Poll hold", "10m0s", "Last poll", "2026-11-21 23:50:50 UTC",
		"Round trip", "123ms", "Queued at the server", "2", "Dropped by the server", "1", "Reconnects", "3",
		"Last error", "rvpclient: poll: connection reset"} {
		if !containsText(texts, want) {
			t.Errorf("window lacks %q; shows %q", want, texts)
		}
	}
	test.Tap(w.copyBtn)
	if got := app.Clipboard().Content(); got != pollingDiagText {
		t.Errorf("clipboard\n%s\nwant\n%s", got, pollingDiagText)
	}
	if w.status.Text != CopiedNotice {
		t.Errorf("status %q after Copy", w.status.Text)
	}
}

func TestDiagnosticsWindowRefresh(t *testing.T) {
	src := &fakeDiagnostics{d: pollingDiag, gate: newGate()}
	app, w := openDiagnostics(t, src)
	src.set(Diagnostics{SignedIn: true, Mode: settings.ModeDefault, CallbackAddr: "http://192.0.2.7:40000/"})
	test.Tap(w.refresh)
	src.gate.pass()
	w.Wait()
	if texts := gridTexts(w); !containsText(texts, "http://192.0.2.7:40000/") || containsText(texts, "Poll hold") {
		t.Errorf("after Refresh the window shows %q", texts)
	}
	test.Tap(w.copyBtn)
	if got := app.Clipboard().Content(); got != FormatDiagnostics(src.d) {
		t.Errorf("clipboard has the old diagnostics: %q", got)
	}
}

func TestDiagnosticsWindowError(t *testing.T) {
	src := &fakeDiagnostics{err: errDisk, gate: newGate()}
	_, w := openDiagnostics(t, src)
	if want := "The diagnostics could not be read: disk full"; w.status.Text != want {
		t.Errorf("status %q, want %q", w.status.Text, want)
	}
	if !w.copyBtn.Disabled() {
		t.Error("Copy enabled without diagnostics")
	}
}

func TestDiagnosticsWindowEscapeCloses(t *testing.T) {
	for name, focus := range map[string]func(w *DiagnosticsWindow){
		"nothing focused": func(w *DiagnosticsWindow) { w.win.Canvas().Unfocus() },
		"Copy focused":    func(w *DiagnosticsWindow) { w.win.Canvas().Focus(w.copyBtn) },
	} {
		t.Run(name, func(t *testing.T) {
			src := &fakeDiagnostics{d: pollingDiag, gate: newGate()}
			_, w := openDiagnostics(t, src)
			focus(w)
			press(w.win.Canvas(), fyne.KeyEscape)
			if !w.Closed() {
				t.Error("Escape did not close the diagnostics window")
			}
		})
	}
}
