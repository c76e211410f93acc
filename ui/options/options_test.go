package options

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"rendezvous/settings"
)

func newOptions(t *testing.T, deps Deps) *Window {
	t.Helper()
	app := test.NewTempApp(t)
	w := NewWindow(app, deps)
	t.Cleanup(func() {
		w.Close()
		w.Wait()
	})
	return w
}

func TestOptionsHasThreeTabs(t *testing.T) {
	w := newOptions(t, Deps{SignInName: kari})
	var names []string
	for _, item := range w.tabs.Items {
		names = append(names, item.Text)
	}
	want := []string{AccountsTab, PrivacyTab, NotificationsTab}
	if len(names) != len(want) || names[0] != want[0] || names[1] != want[1] || names[2] != want[2] {
		t.Errorf("tabs %q, want %q", names, want)
	}
	if w.win.Title() != OptionsTitle {
		t.Errorf("title %q", w.win.Title())
	}
}

func TestOptionsAdvancedOpensConnectionConfiguration(t *testing.T) {
	fake := &fakeConnection{state: pollingState(7), gate: newGate()}
	var saved []Connection
	// The main window's status line, connected with Polling every 7 minutes.
	var status *ConnectionStatus
	w := newOptions(t, Deps{SignInName: kari, Connection: fake, OnConnectionSaved: func(c Connection) {
		saved = append(saved, c)
		status.SetNext(c)
	}})
	inUse := pollingState(7).Connection
	status = NewConnectionStatus(inUse)
	status.SetInUse(&inUse)
	w.Show()
	c := w.win.Canvas()

	test.Tap(w.advanced)
	if !w.advanced.Disabled() {
		t.Error("Advanced... stays enabled while the configuration loads")
	}
	fake.gate.pass()
	w.Wait()
	if texts := overlayTexts(c); !containsText(texts, ConnectionDialogTitle) || !containsText(texts, PollingPeriodPrompt) {
		t.Fatalf("Advanced... did not open Connection Configuration; texts %q", texts)
	}
	if w.conn.period.Text != "7" || w.conn.choice.Selected() != settings.ModePolling {
		t.Errorf("dialog shows %v / %q, want the loaded Polling / 7", w.conn.choice.Selected(), w.conn.period.Text)
	}
	test.Tap(w.conn.choice.rows[2])
	setText(w.conn.from, "5000")
	test.Tap(w.conn.ok)
	fake.gate.pass()
	w.Wait()
	want := Connection{Mode: settings.ModeFixedPorts, PeriodMinutes: 7, Ports: settings.Ports{From: 5000, To: 5000}}
	if got := fake.saves(); len(got) != 1 || got[0] != want {
		t.Fatalf("saved %+v, want %+v", got, want)
	}
	if len(saved) != 1 || saved[0] != want {
		t.Errorf("OnConnectionSaved got %+v", saved)
	}
	if !containsText(overlayTexts(c), settings.ConnectionChangedNotice) {
		t.Error("notice not shown")
	}
	// The running connection is untouched: the status still names it, and
	// names the new choice for the next sign-in.
	wantStatus := "Connected using Polling (every 7 minutes). Next sign-in: Fixed Port(s) 5000"
	if got := status.Text(); got != wantStatus {
		t.Errorf("status %q, want %q", got, wantStatus)
	}
}

func TestOptionsAdvancedLoadError(t *testing.T) {
	fake := &fakeConnection{loadErr: errDisk}
	w := newOptions(t, Deps{SignInName: kari, Connection: fake})
	w.Show()
	test.Tap(w.advanced)
	w.Wait()
	want := "Your connection configuration could not be read: disk full"
	if texts := overlayTexts(w.win.Canvas()); !containsText(texts, want) {
		t.Errorf("texts %q, want %q", texts, want)
	}
	if w.advanced.Disabled() {
		t.Error("Advanced... stays disabled after the error")
	}
}

func TestOptionsCloseCancelsLoading(t *testing.T) {
	fake := &fakeConnection{state: pollingState(7), gate: newGate()}
	w := newOptions(t, Deps{SignInName: kari, Connection: fake})
	w.Show()
	c := w.win.Canvas()
	test.Tap(w.advanced)
	w.Close()
	w.Wait() // the gated load returns when the window's context is cancelled
	if !w.Closed() {
		t.Error("Closed() = false after Close")
	}
	if c.Overlays().Top() != nil {
		t.Error("a dialog was opened on a closed window")
	}
	w.Show() // a closed window is not shown again
	if n := fake.loadsDone(); n != 1 {
		t.Errorf("%d loads, want 1", n)
	}
}

func TestOptionsWithoutConnectionSettings(t *testing.T) {
	w := newOptions(t, Deps{SignInName: kari})
	if !w.advanced.Disabled() {
		t.Error("Advanced... enabled without connection settings")
	}
	var _ fyne.Window = w.win
}
