package options

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"rendezvous/settings"
)

// TestConnectionDialogMarkup pins the dialog's rendering: the policy note,
// each mode's fields under its radio button (Polling's disabled), the
// refused ports with the settings package's message, Cancel and OK.
func TestConnectionDialogMarkup(t *testing.T) {
	state := ConnectionState{SetByPolicy: true, Connection: Connection{
		Mode: settings.ModeFixedPorts, PeriodMinutes: 10, Ports: settings.Ports{From: 5000, To: 5010},
	}}
	f := openDialog(t, state)
	setText(f.dlg.from, "80")
	f.ok(t)
	test.AssertRendersToMarkup(t, "connection_dialog_refused.xml", f.canvas)
}
