package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// messageEntry is the conversation's input: a multi-line entry where Enter
// sends and Shift+Enter starts a new line. It also reports when it gains or
// loses the keyboard focus, which follows the window's focus while the
// entry holds it.
type messageEntry struct {
	widget.Entry
	shift   bool // a Shift key is held (tracked through KeyDown/KeyUp)
	onSend  func()
	onFocus func(focused bool)
}

func newMessageEntry(onSend func(), onFocus func(bool)) *messageEntry {
	e := &messageEntry{onSend: onSend, onFocus: onFocus}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(3)
	e.SetPlaceHolder("Type a message. Enter sends, Shift+Enter starts a new line.")
	e.ExtendBaseWidget(e)
	return e
}

// KeyDown tracks the Shift key.
func (e *messageEntry) KeyDown(k *fyne.KeyEvent) {
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		e.shift = true
	}
	e.Entry.KeyDown(k)
}

// KeyUp tracks the Shift key.
func (e *messageEntry) KeyUp(k *fyne.KeyEvent) {
	if k.Name == desktop.KeyShiftLeft || k.Name == desktop.KeyShiftRight {
		e.shift = false
	}
	e.Entry.KeyUp(k)
}

// TypedKey sends on Enter and inserts a newline on Shift+Enter.
func (e *messageEntry) TypedKey(k *fyne.KeyEvent) {
	if (k.Name == fyne.KeyReturn || k.Name == fyne.KeyEnter) && !e.shiftHeld() {
		e.onSend()
		return
	}
	e.Entry.TypedKey(k)
}

func (e *messageEntry) shiftHeld() bool {
	if e.shift {
		return true
	}
	if d, ok := fyne.CurrentApp().Driver().(desktop.Driver); ok {
		return d.CurrentKeyModifiers()&fyne.KeyModifierShift != 0
	}
	return false
}

// FocusGained reports the focus to the window.
func (e *messageEntry) FocusGained() {
	e.Entry.FocusGained()
	e.onFocus(true)
}

// FocusLost reports the loss of focus to the window.
func (e *messageEntry) FocusLost() {
	e.Entry.FocusLost()
	e.onFocus(false)
}
