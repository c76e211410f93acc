package options

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"rendezvous/settings"
)

// userMessage is the one place that turns an error into the sentence shown
// to the user: a settings validation error is shown verbatim, anything else
// after what failed.
func userMessage(err error, what string) string {
	if msg, ok := settings.UserMessage(err); ok {
		return msg
	}
	return what + ": " + err.Error()
}

// messageDialog is a modal message with one OK button that Enter, Escape
// and Space close, focused when shown.
type messageDialog struct {
	dlg    *dialog.CustomDialog
	text   *widget.Label
	ok     *keyButton
	keys   dialogKeys
	detach func()
	parent fyne.Window
}

// showMessage shows text in a modal message dialog over parent.
func showMessage(parent fyne.Window, title, text string) *messageDialog {
	m := &messageDialog{parent: parent, text: widget.NewLabel(text)}
	m.text.Wrapping = fyne.TextWrapWord
	m.keys = dialogKeys{ok: m.close, cancel: m.close}
	m.ok = newKeyButton("OK", &m.keys, m.close)
	m.ok.Importance = widget.HighImportance
	m.dlg = dialog.NewCustomWithoutButtons(title, withMinWidth(m.text, 360), parent)
	m.dlg.SetButtons([]fyne.CanvasObject{m.ok})
	m.detach = m.keys.attach(parent.Canvas())
	m.dlg.Show()
	parent.Canvas().Focus(m.ok)
	return m
}

func (m *messageDialog) close() {
	if m.detach == nil {
		return
	}
	m.detach()
	m.detach = nil
	m.dlg.Hide()
}

// withMinWidth gives o at least the given width.
func withMinWidth(o fyne.CanvasObject, width float32) fyne.CanvasObject {
	strut := canvas.NewRectangle(color.Transparent)
	strut.SetMinSize(fyne.NewSize(width, 0))
	return container.NewStack(strut, o)
}
