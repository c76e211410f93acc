package options

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"rendezvous/settings"
)

type dialogFixture struct {
	win     fyne.Window
	canvas  fyne.Canvas
	fake    *fakeConnection
	dlg     *ConnectionDialog
	onSaved []Connection
}

func openDialog(t *testing.T, state ConnectionState) *dialogFixture {
	t.Helper()
	test.NewTempApp(t)
	f := &dialogFixture{fake: &fakeConnection{state: state, gate: newGate()}}
	f.win = test.NewTempWindow(t, widget.NewLabel("main"))
	f.win.Resize(fyne.NewSize(800, 600))
	f.canvas = f.win.Canvas()
	f.dlg = NewConnectionDialog(f.win, state, f.fake, func(c Connection) { f.onSaved = append(f.onSaved, c) })
	f.dlg.Show()
	return f
}

// ok taps OK and waits for the save, if OK started one, to finish.
func (f *dialogFixture) ok(t *testing.T) {
	t.Helper()
	test.Tap(f.dlg.ok)
	f.finishSave()
}

// finishSave lets a save started by OK through and waits for its result.
func (f *dialogFixture) finishSave() {
	if f.dlg.saving {
		f.fake.gate.pass()
	}
	f.dlg.Wait()
}

func (f *dialogFixture) dialogOpen() bool {
	return f.canvas.Overlays().Top() != nil && !f.dlg.closed
}

func pollingState(period int) ConnectionState {
	return ConnectionState{Connection: Connection{Mode: settings.ModePolling, PeriodMinutes: period}}
}

func TestConnectionDialogShowsState(t *testing.T) {
	f := openDialog(t, ConnectionState{Connection: Connection{
		Mode: settings.ModeFixedPorts, PeriodMinutes: 7, Ports: settings.Ports{From: 5000, To: 5010},
	}})
	texts := overlayTexts(f.canvas)
	for _, want := range []string{ConnectionDialogTitle, "Default", "Polling", "Fixed Port(s)", PollingPeriodPrompt, PortsPrompt} {
		if !containsText(texts, want) {
			t.Errorf("dialog lacks %q; texts %q", want, texts)
		}
	}
	if containsText(texts, PolicyNote) {
		t.Error("policy note shown without a policy")
	}
	if got := f.dlg.choice.Selected(); got != settings.ModeFixedPorts {
		t.Errorf("mode = %v, want Fixed Port(s)", got)
	}
	if f.dlg.period.Text != "7" || f.dlg.from.Text != "5000" || f.dlg.to.Text != "5010" {
		t.Errorf("fields = %q %q %q, want 7 5000 5010", f.dlg.period.Text, f.dlg.from.Text, f.dlg.to.Text)
	}
}

func TestConnectionDialogPollingDefaultsToTen(t *testing.T) {
	f := openDialog(t, ConnectionState{})
	if f.dlg.period.Text != "10" {
		t.Errorf("polling period field = %q, want the default 10", f.dlg.period.Text)
	}
}

func TestConnectionDialogDisablesFieldsOfModesNotChosen(t *testing.T) {
	f := openDialog(t, ConnectionState{Connection: Connection{PeriodMinutes: 10}})
	for i, mode := range modes {
		test.Tap(f.dlg.choice.rows[i])
		if got := f.dlg.choice.Selected(); got != mode {
			t.Fatalf("tap on row %d chose %v", i, got)
		}
		want := map[*keyEntry]bool{
			f.dlg.period: mode == settings.ModePolling,
			f.dlg.from:   mode == settings.ModeFixedPorts,
			f.dlg.to:     mode == settings.ModeFixedPorts,
		}
		for e, enabled := range want {
			if e.Disabled() == enabled {
				t.Errorf("%v: field %p disabled = %v", mode, e, e.Disabled())
			}
		}
		for j, row := range f.dlg.choice.rows {
			if row.Checked != (i == j) {
				t.Errorf("%v: row %d checked = %v", mode, j, row.Checked)
			}
		}
	}
	// A disabled field takes no typing.
	test.Tap(f.dlg.choice.rows[0])
	test.Type(f.dlg.period, "5")
	if f.dlg.period.Text != "10" {
		t.Errorf("disabled field took typing: %q", f.dlg.period.Text)
	}
}

func TestConnectionDialogPollingValidation(t *testing.T) {
	tests := []struct {
		text string
		want int // 0: refused
	}{
		{"0", 0}, {"1", 1}, {"15", 15}, {"16", 0}, {"", 0}, {"abc", 0}, {"1O", 0}, {"-1", 0}, {" 5 ", 5},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			f := openDialog(t, pollingState(10))
			setText(f.dlg.period, tt.text)
			f.ok(t)
			if tt.want == 0 {
				assertRefused(t, f, settings.MsgPollingPeriod)
				if f.dlg.period.Text != tt.text {
					t.Errorf("input lost: field = %q, want %q", f.dlg.period.Text, tt.text)
				}
				if f.canvas.Focused() != f.dlg.period {
					t.Error("the refused field is not focused")
				}
				return
			}
			assertSaved(t, f, Connection{Mode: settings.ModePolling, PeriodMinutes: tt.want})
		})
	}
}

func TestPollingMessageAsksForOneToFifteenMinutes(t *testing.T) {
	if !strings.Contains(settings.MsgPollingPeriod, "between 1 and 15 minutes") {
		t.Errorf("polling message %q does not ask for a value between 1 and 15 minutes", settings.MsgPollingPeriod)
	}
}

func TestConnectionDialogPortsValidation(t *testing.T) {
	tests := []struct {
		name, from, to string
		wantMsg        string // "" means accepted
		want           settings.Ports
		focusTo        bool // the "to" field is the one to correct
	}{
		{"1024", "1024", "1024", settings.MsgPortsRange, settings.Ports{}, false},
		{"1025", "1025", "1025", "", settings.Ports{From: 1025, To: 1025}, false},
		{"65535", "65535", "65535", "", settings.Ports{From: 65535, To: 65535}, false},
		{"65536", "65536", "65536", settings.MsgPortsRange, settings.Ports{}, false},
		{"from 1024 to 2000", "1024", "2000", settings.MsgPortsRange, settings.Ports{}, false},
		{"to 65536", "5000", "65536", settings.MsgPortsRange, settings.Ports{}, true},
		{"from greater than to", "5010", "5000", settings.MsgPortsOrder, settings.Ports{}, false},
		{"range", "5000", "5010", "", settings.Ports{From: 5000, To: 5010}, false},
		{"single port, to empty", "5000", "", "", settings.Ports{From: 5000, To: 5000}, false},
		{"empty", "", "", settings.MsgPortsMissing, settings.Ports{}, false},
		{"letters", "abc", "5010", settings.MsgPortsRange, settings.Ports{}, false},
		{"letters in to", "5000", "x", settings.MsgPortsRange, settings.Ports{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := openDialog(t, ConnectionState{Connection: Connection{Mode: settings.ModeFixedPorts, PeriodMinutes: 10}})
			setText(f.dlg.from, tt.from)
			setText(f.dlg.to, tt.to)
			f.ok(t)
			if tt.wantMsg != "" {
				assertRefused(t, f, tt.wantMsg)
				if !strings.Contains(f.dlg.errText.Text, "1025 to 65535") {
					t.Errorf("message %q does not name the permissible range 1025 to 65535", f.dlg.errText.Text)
				}
				if f.dlg.from.Text != tt.from || f.dlg.to.Text != tt.to {
					t.Errorf("input lost: %q-%q", f.dlg.from.Text, f.dlg.to.Text)
				}
				wantFocus := f.dlg.from
				if tt.focusTo {
					wantFocus = f.dlg.to
				}
				if f.canvas.Focused() != wantFocus {
					t.Errorf("focus on %p, want the refused field %p (to: %v)", f.canvas.Focused(), wantFocus, tt.focusTo)
				}
				return
			}
			assertSaved(t, f, Connection{Mode: settings.ModeFixedPorts, PeriodMinutes: 10, Ports: tt.want})
		})
	}
}

// assertRefused checks that OK kept the dialog open with msg and saved nothing.
func assertRefused(t *testing.T, f *dialogFixture, msg string) {
	t.Helper()
	if !f.dialogOpen() {
		t.Fatal("dialog closed on a refused value")
	}
	if f.dlg.errText.Hidden || f.dlg.errText.Text != msg {
		t.Errorf("error shown = %q (hidden %v), want %q", f.dlg.errText.Text, f.dlg.errText.Hidden, msg)
	}
	if got := f.fake.saves(); len(got) != 0 {
		t.Errorf("refused value saved: %+v", got)
	}
	if containsText(overlayTexts(f.canvas), settings.ConnectionChangedNotice) {
		t.Error("next-sign-in notice shown for a refused value")
	}
}

// assertSaved checks that OK saved want, closed the dialog, told onSaved
// and showed the next-sign-in notice, which OK closes.
func assertSaved(t *testing.T, f *dialogFixture, want Connection) {
	t.Helper()
	got := f.fake.saves()
	if len(got) != 1 || got[0] != want {
		t.Fatalf("saved %+v, want [%+v]", got, want)
	}
	if len(f.onSaved) != 1 || f.onSaved[0] != want {
		t.Errorf("onSaved got %+v, want [%+v]", f.onSaved, want)
	}
	if !f.dlg.closed {
		t.Error("dialog still open after a successful OK")
	}
	if texts := overlayTexts(f.canvas); !containsText(texts, settings.ConnectionChangedNotice) {
		t.Fatalf("notice not shown; top dialog texts %q", texts)
	}
	test.Tap(overlayButton(t, f.canvas, "OK"))
	if f.canvas.Overlays().Top() != nil {
		t.Error("notice still shown after OK")
	}
}

func TestConnectionDialogCancelChangesNothing(t *testing.T) {
	f := openDialog(t, pollingState(10))
	test.Tap(f.dlg.choice.rows[2])
	setText(f.dlg.from, "6000")
	test.Tap(f.dlg.cancel)
	f.dlg.Wait()
	if f.canvas.Overlays().Top() != nil {
		t.Error("dialog or a notice still shown after Cancel")
	}
	if got := f.fake.saves(); len(got) != 0 || len(f.onSaved) != 0 {
		t.Errorf("Cancel saved %+v / onSaved %+v", got, f.onSaved)
	}
}

func TestConnectionDialogSaveErrorKeepsDialogOpen(t *testing.T) {
	f := openDialog(t, pollingState(10))
	f.fake.saveErr = errDisk
	setText(f.dlg.period, "5")
	f.ok(t)
	want := "Your connection configuration could not be saved: disk full"
	if !f.dialogOpen() || f.dlg.errText.Text != want {
		t.Fatalf("open %v, error %q; want open with %q", f.dialogOpen(), f.dlg.errText.Text, want)
	}
	if f.dlg.ok.Disabled() || f.dlg.cancel.Disabled() {
		t.Error("buttons stay disabled after a failed save")
	}
	if len(f.onSaved) != 0 || containsText(overlayTexts(f.canvas), settings.ConnectionChangedNotice) {
		t.Error("a failed save was reported as saved")
	}
	// The user retries once the problem is gone.
	f.fake.saveErr = nil
	f.ok(t)
	assertSaved(t, f, Connection{Mode: settings.ModePolling, PeriodMinutes: 5})
}

func TestConnectionDialogKeepsValidValuesOfModesNotChosen(t *testing.T) {
	f := openDialog(t, ConnectionState{Connection: Connection{
		Mode: settings.ModePolling, PeriodMinutes: 12, Ports: settings.Ports{From: 7000, To: 7000},
	}})
	setText(f.dlg.period, "abc") // invalid, but Polling is not chosen in the end
	test.Tap(f.dlg.choice.rows[2])
	setText(f.dlg.from, "5000")
	setText(f.dlg.to, "5001")
	test.Tap(f.dlg.choice.rows[0])
	f.ok(t)
	assertSaved(t, f, Connection{Mode: settings.ModeDefault, PeriodMinutes: 12, Ports: settings.Ports{From: 5000, To: 5001}})
}

func TestConnectionDialogPolicyNote(t *testing.T) {
	state := pollingState(5)
	state.SetByPolicy = true
	f := openDialog(t, state)
	if !containsText(overlayTexts(f.canvas), PolicyNote) {
		t.Fatal("policy note missing")
	}
	if !strings.Contains(PolicyNote, "administrator") || !strings.Contains(PolicyNote, "If you click OK, your choice is used instead") {
		t.Errorf("policy note %q does not say who set it and that OK makes the user's choice win", PolicyNote)
	}
	test.Tap(f.dlg.choice.rows[0])
	f.ok(t)
	if len(f.fake.shown) != 1 || !f.fake.shown[0].SetByPolicy {
		t.Errorf("save did not receive the policy state it overrides: %+v", f.fake.shown)
	}
	assertSaved(t, f, Connection{Mode: settings.ModeDefault, PeriodMinutes: 5})
}
