package options

import (
	"context"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"rendezvous/settings"
)

// Texts of the Connection Configuration dialog (POLLING.md section 6).
const (
	ConnectionDialogTitle = "Connection Configuration"
	PollingPeriodPrompt   = "How often should polling occur (in minutes)"
	PortsPrompt           = "Please specify the range of ports to be used"
	// PolicyNote is shown when the administrator's policy decided the
	// configuration (POLLING.md section 7).
	PolicyNote = "Your administrator has set this connection configuration. " +
		"If you click OK, your choice is used instead, until your administrator changes the setting again."
)

// ConnectionDialog is the Connection Configuration dialog: Default, Polling
// or Fixed Port(s), each mode's fields enabled only while it is chosen. OK
// validates the chosen mode's fields with the settings package; a refused
// value keeps the dialog open with the user's input and the settings
// package's message shown. Valid values are saved off the UI goroutine, then
// the dialog closes, onSaved runs and the next-sign-in notice
// (settings.ConnectionChangedNotice) is shown. Cancel and Escape change
// nothing. Tab moves through the mode, the enabled fields and the buttons;
// Enter is OK.
//
// Its methods must be called on the UI goroutine, except Wait.
type ConnectionDialog struct {
	parent  fyne.Window
	cs      ConnectionSettings
	state   ConnectionState
	onSaved func(Connection)
	tasks   *tasks
	keys    dialogKeys

	choice   *modeChoice
	period   *keyEntry
	from, to *keyEntry
	note     *widget.Label // PolicyNote, or nil
	errText  *widget.Label
	ok       *keyButton
	cancel   *keyButton
	dlg      *dialog.CustomDialog
	detach   func()
	refocus  func()
	opener   fyne.Focusable // gets the focus back on close if nothing had it
	saving   bool
	closed   bool
}

// NewConnectionDialog builds the dialog over parent, showing state. cs saves
// the choice; onSaved (may be nil) runs on the UI goroutine with the saved
// configuration, which the next sign-in will use.
func NewConnectionDialog(parent fyne.Window, state ConnectionState, cs ConnectionSettings, onSaved func(Connection)) *ConnectionDialog {
	return newConnectionDialog(parent, state, cs, onSaved, newTasks())
}

// newConnectionDialog is NewConnectionDialog saving on the goroutines of t
// (the Options window's, which cancels them when it closes).
func newConnectionDialog(parent fyne.Window, state ConnectionState, cs ConnectionSettings, onSaved func(Connection), t *tasks) *ConnectionDialog {
	d := &ConnectionDialog{parent: parent, cs: cs, state: state, onSaved: onSaved, tasks: t}
	d.keys = dialogKeys{ok: d.submit, cancel: d.dismiss}
	d.period = newKeyEntry(&d.keys)
	d.from, d.to = newKeyEntry(&d.keys), newKeyEntry(&d.keys)
	d.fillFields()
	d.choice = newModeChoice(state.Mode, &d.keys, func(settings.PollingMode) { d.updateEnabled() },
		[len(modes)]fyne.CanvasObject{nil, d.pollingFields(), d.portsFields()})
	d.errText = widget.NewLabel("")
	d.errText.Importance = widget.DangerImportance
	d.errText.Wrapping = fyne.TextWrapWord
	d.errText.Hide()
	if state.SetByPolicy {
		d.note = widget.NewLabel(PolicyNote)
		d.note.Wrapping = fyne.TextWrapWord
	}
	d.cancel = newKeyButton("Cancel", &d.keys, d.dismiss)
	d.ok = newKeyButton("OK", &d.keys, d.submit)
	d.ok.Importance = widget.HighImportance
	d.dlg = dialog.NewCustomWithoutButtons(ConnectionDialogTitle, d.content(), parent)
	d.dlg.SetButtons([]fyne.CanvasObject{d.cancel, d.ok})
	d.updateEnabled()
	return d
}

func (d *ConnectionDialog) fillFields() {
	period := d.state.PeriodMinutes
	if period == 0 {
		period = settings.DefaultPollingPeriod
	}
	d.period.SetText(strconv.Itoa(period))
	if !d.state.Ports.IsZero() {
		d.from.SetText(strconv.Itoa(d.state.Ports.From))
		d.to.SetText(strconv.Itoa(d.state.Ports.To))
	}
}

func (d *ConnectionDialog) content() fyne.CanvasObject {
	box := container.NewVBox()
	if d.note != nil {
		box.Add(d.note)
	}
	box.Add(d.choice)
	box.Add(d.errText)
	return withMinWidth(box, 420)
}

func (d *ConnectionDialog) pollingFields() fyne.CanvasObject {
	return container.NewHBox(widget.NewLabel(PollingPeriodPrompt), fixedWidth(d.period, 72))
}

func (d *ConnectionDialog) portsFields() fyne.CanvasObject {
	return container.NewVBox(
		widget.NewLabel(PortsPrompt),
		container.NewHBox(widget.NewLabel("From"), fixedWidth(d.from, 96), widget.NewLabel("To"), fixedWidth(d.to, 96)),
	)
}

// fixedWidth lays e out with the given width and its own height.
func fixedWidth(e fyne.CanvasObject, width float32) fyne.CanvasObject {
	return container.NewGridWrap(fyne.NewSize(width, e.MinSize().Height), e)
}

// Show shows the dialog and focuses the mode choice; closing it gives the
// focus back to what had it before.
func (d *ConnectionDialog) Show() {
	d.detach = d.keys.attach(d.parent.Canvas())
	d.refocus = focusReturner(d.parent.Canvas(), d.opener)
	d.dlg.Show()
	d.parent.Canvas().Focus(d.choice)
}

// Wait waits for the dialog's save to finish. Call it off the UI goroutine,
// or on it only when no save can be running.
func (d *ConnectionDialog) Wait() { d.tasks.wait() }

func (d *ConnectionDialog) updateEnabled() {
	mode := d.choice.Selected()
	setEnabled(d.period, mode == settings.ModePolling)
	setEnabled(d.from, mode == settings.ModeFixedPorts)
	setEnabled(d.to, mode == settings.ModeFixedPorts)
}

func setEnabled(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

// dismiss is Cancel: it closes the dialog and changes nothing.
func (d *ConnectionDialog) dismiss() {
	if d.saving || d.closed {
		return
	}
	d.close()
}

func (d *ConnectionDialog) close() {
	d.closed = true
	if d.detach != nil {
		d.detach()
	}
	d.dlg.Hide()
	if d.refocus != nil {
		d.refocus()
	}
}

// submit is OK: validate, then save off the UI goroutine.
func (d *ConnectionDialog) submit() {
	if d.saving || d.closed {
		return
	}
	c, bad, err := d.collect()
	if err != nil {
		d.showError(err)
		d.parent.Canvas().Focus(bad)
		bad.selectAll() // also when it had the focus already
		return
	}
	d.setSaving(true)
	shown := d.state
	d.tasks.do(func(ctx context.Context) func() {
		err := d.cs.SaveConnection(ctx, c, shown)
		return func() { d.saved(c, err) }
	})
}

func (d *ConnectionDialog) saved(c Connection, err error) {
	d.setSaving(false)
	if err != nil {
		d.showError(err)
		return
	}
	d.close()
	if d.onSaved != nil {
		d.onSaved(c)
	}
	showMessage(d.parent, ConnectionDialogTitle, settings.ConnectionChangedNotice)
}

func (d *ConnectionDialog) setSaving(on bool) {
	d.saving = on
	setEnabled(d.ok, !on)
	setEnabled(d.cancel, !on)
}

func (d *ConnectionDialog) showError(err error) {
	d.errText.SetText(userMessage(err, "Your connection configuration could not be saved"))
	d.errText.Show()
	d.dlg.Resize(d.dlg.MinSize()) // grow to show the message

}

// collect validates the chosen mode's fields and returns the configuration
// to save, or the error and the field to focus. Fields of the modes not
// chosen keep their typed value when it is valid and the shown value
// otherwise, so a stray value in a disabled field never blocks OK.
func (d *ConnectionDialog) collect() (Connection, *keyEntry, error) {
	c := Connection{Mode: d.choice.Selected()}
	period, periodErr := settings.ValidatePollingPeriod(d.period.Text)
	ports, portsErr := settings.ValidatePorts(d.from.Text, d.to.Text)
	switch {
	case c.Mode == settings.ModePolling && periodErr != nil:
		return c, d.period, periodErr
	case c.Mode == settings.ModeFixedPorts && portsErr != nil:
		return c, d.refusedPortField(), portsErr
	}
	c.PeriodMinutes, c.Ports = period, ports
	if periodErr != nil {
		c.PeriodMinutes = d.state.PeriodMinutes
		if c.PeriodMinutes < settings.MinPollingPeriod || c.PeriodMinutes > settings.MaxPollingPeriod {
			c.PeriodMinutes = settings.DefaultPollingPeriod
		}
	}
	if portsErr != nil {
		c.Ports = settings.Ports{}
		if d.state.Ports.Valid() {
			c.Ports = d.state.Ports
		}
	}
	return c, nil, nil
}

// refusedPortField is the port field to correct: "from" unless it is valid
// on its own and "to" is not.
func (d *ConnectionDialog) refusedPortField() *keyEntry {
	if _, err := settings.ValidatePorts(d.from.Text, ""); err == nil {
		if _, err := settings.ValidatePorts(d.to.Text, ""); err != nil && strings.TrimSpace(d.to.Text) != "" {
			return d.to
		}
	}
	return d.from
}
