package options

import (
	"testing"

	"fyne.io/fyne/v2"

	"rendezvous/settings"
)

func TestConnectionDialogKeyboardOnly(t *testing.T) {
	f := openDialog(t, ConnectionState{Connection: Connection{PeriodMinutes: 10}})
	c := f.canvas
	if c.Focused() != f.dlg.choice {
		t.Fatalf("focus on open = %T, want the mode choice", c.Focused())
	}
	press(c, fyne.KeyDown)
	press(c, fyne.KeyDown)
	if f.dlg.choice.Selected() != settings.ModeFixedPorts {
		t.Fatalf("two Down keys chose %v", f.dlg.choice.Selected())
	}
	press(c, fyne.KeyTab)
	if c.Focused() != f.dlg.from {
		t.Fatalf("Tab from the mode focused %T, want the first port", c.Focused())
	}
	typeFocused(t, c, "5000")
	press(c, fyne.KeyTab)
	typeFocused(t, c, "5010")
	press(c, fyne.KeyReturn)
	f.finishSave()
	assertSavedByKeyboard(t, f, Connection{Mode: settings.ModeFixedPorts, PeriodMinutes: 10, Ports: settings.Ports{From: 5000, To: 5010}})
}

// assertSavedByKeyboard is assertSaved closing the notice with Enter.
func assertSavedByKeyboard(t *testing.T, f *dialogFixture, want Connection) {
	t.Helper()
	if got := f.fake.saves(); len(got) != 1 || got[0] != want {
		t.Fatalf("saved %+v, want [%+v]", got, want)
	}
	if !containsText(overlayTexts(f.canvas), settings.ConnectionChangedNotice) {
		t.Fatal("notice not shown")
	}
	press(f.canvas, fyne.KeyReturn)
	if f.canvas.Overlays().Top() != nil {
		t.Error("Enter did not close the notice")
	}
}

func TestConnectionDialogTabOrderSkipsDisabledFields(t *testing.T) {
	tests := []struct {
		mode settings.PollingMode
		want func(d *ConnectionDialog) []fyne.Focusable
	}{
		{settings.ModeDefault, func(d *ConnectionDialog) []fyne.Focusable { return []fyne.Focusable{d.cancel, d.ok, d.choice} }},
		{settings.ModePolling, func(d *ConnectionDialog) []fyne.Focusable {
			return []fyne.Focusable{d.period, d.cancel, d.ok, d.choice}
		}},
		{settings.ModeFixedPorts, func(d *ConnectionDialog) []fyne.Focusable {
			return []fyne.Focusable{d.from, d.to, d.cancel, d.ok, d.choice}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.mode.String(), func(t *testing.T) {
			f := openDialog(t, ConnectionState{Connection: Connection{Mode: tt.mode, PeriodMinutes: 10}})
			for i, want := range tt.want(f.dlg) {
				press(f.canvas, fyne.KeyTab)
				if got := f.canvas.Focused(); got != want {
					t.Fatalf("Tab %d focused %T %p, want %T %p", i+1, got, got, want, want)
				}
			}
		})
	}
}

func TestConnectionDialogArrowsWrapAround(t *testing.T) {
	f := openDialog(t, ConnectionState{Connection: Connection{PeriodMinutes: 10}})
	press(f.canvas, fyne.KeyUp)
	if got := f.dlg.choice.Selected(); got != settings.ModeFixedPorts {
		t.Errorf("Up from Default chose %v", got)
	}
	press(f.canvas, fyne.KeyRight)
	if got := f.dlg.choice.Selected(); got != settings.ModeDefault {
		t.Errorf("Right from Fixed Port(s) chose %v", got)
	}
}

func TestConnectionDialogEscapeCancelsFromAnyFocus(t *testing.T) {
	focus := map[string]func(d *ConnectionDialog, c fyne.Canvas){
		"mode":    func(d *ConnectionDialog, c fyne.Canvas) { c.Focus(d.choice) },
		"field":   func(d *ConnectionDialog, c fyne.Canvas) { c.Focus(d.period) },
		"OK":      func(d *ConnectionDialog, c fyne.Canvas) { c.Focus(d.ok) },
		"nothing": func(d *ConnectionDialog, c fyne.Canvas) { c.Unfocus() },
	}
	for name, focusOn := range focus {
		t.Run(name, func(t *testing.T) {
			f := openDialog(t, pollingState(10))
			setText(f.dlg.period, "3")
			focusOn(f.dlg, f.canvas)
			press(f.canvas, fyne.KeyEscape)
			f.dlg.Wait()
			if f.canvas.Overlays().Top() != nil || !f.dlg.closed {
				t.Error("Escape did not close the dialog")
			}
			if got := f.fake.saves(); len(got) != 0 {
				t.Errorf("Escape saved %+v", got)
			}
		})
	}
}

func TestConnectionDialogEnterConfirmsFromAnyFocus(t *testing.T) {
	focus := map[string]func(d *ConnectionDialog, c fyne.Canvas){
		"mode":    func(d *ConnectionDialog, c fyne.Canvas) { c.Focus(d.choice) },
		"field":   func(d *ConnectionDialog, c fyne.Canvas) { c.Focus(d.period) },
		"nothing": func(d *ConnectionDialog, c fyne.Canvas) { c.Unfocus() },
	}
	for name, focusOn := range focus {
		t.Run(name, func(t *testing.T) {
			f := openDialog(t, pollingState(10))
			setText(f.dlg.period, "3")
			focusOn(f.dlg, f.canvas)
			press(f.canvas, fyne.KeyReturn)
			f.finishSave()
			assertSavedByKeyboard(t, f, Connection{Mode: settings.ModePolling, PeriodMinutes: 3})
		})
	}
}

func TestConnectionDialogEnterOnCancelCancels(t *testing.T) {
	f := openDialog(t, pollingState(10))
	f.canvas.Focus(f.dlg.cancel)
	press(f.canvas, fyne.KeyReturn)
	if !f.dlg.closed || len(f.fake.saves()) != 0 {
		t.Errorf("Enter on a focused Cancel: closed %v, saved %+v", f.dlg.closed, f.fake.saves())
	}
}

func TestConnectionDialogRestoresCanvasKeyHandler(t *testing.T) {
	test := openDialogWithHandler(t)
	press(test.canvas, fyne.KeyEscape)
	test.canvas.Unfocus()
	press(test.canvas, fyne.KeyF1)
	if test.got != fyne.KeyF1 {
		t.Errorf("the window's own key handler got %q after the dialog closed, want F1", test.got)
	}
}

type handlerFixture struct {
	*dialogFixture
	got fyne.KeyName
}

func openDialogWithHandler(t *testing.T) *handlerFixture {
	f := &handlerFixture{}
	f.dialogFixture = openDialog(t, pollingState(10))
	f.dlg.close() // reopen with a handler installed first
	f.canvas.SetOnTypedKey(func(ev *fyne.KeyEvent) { f.got = ev.Name })
	f.dlg = NewConnectionDialog(f.win, pollingState(10), f.fake, nil)
	f.dlg.Show()
	return f
}

func TestDialogsGiveTheFocusBack(t *testing.T) {
	fake := &fakeConnection{state: pollingState(10), gate: newGate()}
	w := newOptions(t, Deps{SignInName: kari, Connection: fake})
	w.Show()
	c := w.win.Canvas()
	c.Focus(w.advanced)
	press(c, fyne.KeySpace) // a focused button is activated with Space
	fake.gate.pass()
	w.Wait()
	if c.Focused() != w.conn.choice {
		t.Fatalf("focus %T in the dialog, want the mode choice", c.Focused())
	}
	press(c, fyne.KeyEscape)
	if c.Focused() != w.advanced {
		t.Fatalf("after Escape focus is on %T, want Advanced...", c.Focused())
	}

	press(c, fyne.KeySpace)
	fake.gate.pass()
	w.Wait()
	press(c, fyne.KeyReturn) // OK with the loaded values
	fake.gate.pass()
	w.Wait()
	if !containsText(overlayTexts(c), settings.ConnectionChangedNotice) {
		t.Fatal("notice not shown")
	}
	press(c, fyne.KeyReturn)
	if c.Overlays().Top() != nil || c.Focused() != w.advanced {
		t.Errorf("after the notice: overlay %v, focus %T; want none and Advanced...", c.Overlays().Top(), c.Focused())
	}
}

func TestConnectionDialogTabSelectsFieldText(t *testing.T) {
	f := openDialog(t, pollingState(10))
	press(f.canvas, fyne.KeyTab)
	if f.canvas.Focused() != f.dlg.period {
		t.Fatalf("Tab focused %T, want the polling field", f.canvas.Focused())
	}
	typeFocused(t, f.canvas, "5")
	if f.dlg.period.Text != "5" {
		t.Errorf("typing after Tab gave %q, want the selected 10 replaced by 5", f.dlg.period.Text)
	}
	press(f.canvas, fyne.KeyReturn)
	f.finishSave()
	assertSavedByKeyboard(t, f, Connection{Mode: settings.ModePolling, PeriodMinutes: 5})
}

func TestConnectionDialogRefusedFieldIsSelectedForRetyping(t *testing.T) {
	f := openDialog(t, ConnectionState{Connection: Connection{Mode: settings.ModeFixedPorts, PeriodMinutes: 10}})
	c := f.canvas
	press(c, fyne.KeyTab)
	typeFocused(t, c, "5000")
	press(c, fyne.KeyTab)
	typeFocused(t, c, "80")
	press(c, fyne.KeyReturn) // refused while "to" has the focus already
	if c.Focused() != f.dlg.to || f.dlg.errText.Text != settings.MsgPortsRange {
		t.Fatalf("focus %T, error %q", c.Focused(), f.dlg.errText.Text)
	}
	typeFocused(t, c, "5010")
	if f.dlg.to.Text != "5010" {
		t.Fatalf("retyping gave %q, want the refused 80 replaced", f.dlg.to.Text)
	}
	press(c, fyne.KeyReturn)
	f.finishSave()
	assertSavedByKeyboard(t, f, Connection{Mode: settings.ModeFixedPorts, PeriodMinutes: 10, Ports: settings.Ports{From: 5000, To: 5010}})
}
