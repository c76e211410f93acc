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

// messageDialog is a modal dialog with one button that Enter, Escape and
// Space activate, focused when shown; the button closes it.
type messageDialog struct {
	dlg     *dialog.CustomDialog
	button  *keyButton
	keys    dialogKeys
	detach  func()
	refocus func()
}

// showMessage shows text in a modal message dialog over parent.
func showMessage(parent fyne.Window, title, text string) *messageDialog {
	label := widget.NewLabel(text)
	label.Wrapping = fyne.TextWrapWord
	return showDialog(parent, title, withMinWidth(label, 360), "OK")
}

// showDialog shows content in a modal dialog over parent with one button.
func showDialog(parent fyne.Window, title string, content fyne.CanvasObject, button string) *messageDialog {
	m := &messageDialog{}
	m.keys = dialogKeys{ok: m.close, cancel: m.close}
	m.button = newKeyButton(button, &m.keys, m.close)
	m.button.Importance = widget.HighImportance
	m.dlg = dialog.NewCustomWithoutButtons(title, content, parent)
	m.dlg.SetButtons([]fyne.CanvasObject{m.button})
	m.detach = m.keys.attach(parent.Canvas())
	m.refocus = focusReturner(parent.Canvas(), nil)
	m.dlg.Show()
	parent.Canvas().Focus(m.button)
	return m
}

func (m *messageDialog) close() {
	if m.detach == nil {
		return
	}
	m.detach()
	m.detach = nil
	m.dlg.Hide()
	m.refocus()
}

// focusReturner returns a function that gives the focus back to the widget
// focused on c now, or else to fallback (the button that opened the dialog,
// which a tap unfocuses), as a native dialog does when it closes.
func focusReturner(c fyne.Canvas, fallback fyne.Focusable) func() {
	prev := c.Focused()
	if prev == nil {
		prev = fallback
	}
	return func() {
		if prev != nil {
			c.Focus(prev)
		}
	}
}

// withMinWidth gives o at least the given width.
func withMinWidth(o fyne.CanvasObject, width float32) fyne.CanvasObject {
	strut := canvas.NewRectangle(color.Transparent)
	strut.SetMinSize(fyne.NewSize(width, 0))
	return container.NewStack(strut, o)
}
