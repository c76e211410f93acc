package options

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// dialogKeys gives a dialog the keyboard of a native one: Enter confirms
// and Escape cancels wherever the focus is. Fyne hands a key to the focused
// widget, or to the canvas when nothing is focused, so every focusable
// widget of the dialog forwards those two keys here and the canvas handler
// is chained while the dialog is shown.
type dialogKeys struct {
	ok, cancel func()
}

// handle acts on Enter and Escape and reports whether it did; a nil ok or
// cancel ignores its key.
func (k *dialogKeys) handle(ev *fyne.KeyEvent) bool {
	var act func()
	switch ev.Name {
	case fyne.KeyEscape:
		act = k.cancel
	case fyne.KeyReturn, fyne.KeyEnter:
		act = k.ok
	}
	if act == nil {
		return false
	}
	act()
	return true
}

// attach routes Enter and Escape typed while nothing is focused on c to k,
// passing other keys to the canvas's previous handler. The returned
// function restores the previous handler.
func (k *dialogKeys) attach(c fyne.Canvas) (detach func()) {
	prev := c.OnTypedKey()
	c.SetOnTypedKey(func(ev *fyne.KeyEvent) {
		if !k.handle(ev) && prev != nil {
			prev(ev)
		}
	})
	return func() { c.SetOnTypedKey(prev) }
}

// keyEntry is a single-line entry whose Enter confirms (OnSubmitted) and
// whose Escape cancels the dialog.
type keyEntry struct {
	widget.Entry
	keys *dialogKeys
}

func newKeyEntry(keys *dialogKeys) *keyEntry {
	e := &keyEntry{keys: keys}
	e.ExtendBaseWidget(e)
	e.OnSubmitted = func(string) { keys.ok() }
	return e
}

// FocusGained implements fyne.Focusable: like a native dialog's field, it
// selects its text, so typing replaces it (a tap then places the cursor).
func (e *keyEntry) FocusGained() {
	e.Entry.FocusGained()
	e.selectAll()
}

func (e *keyEntry) selectAll() { e.TypedShortcut(&fyne.ShortcutSelectAll{}) }

// TypedKey implements fyne.Focusable.
func (e *keyEntry) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyEscape && e.keys.cancel != nil {
		e.keys.cancel()
		return
	}
	e.Entry.TypedKey(ev)
}

// keyButton is a button that Enter (or Space) activates when focused, and
// whose Escape cancels the dialog.
type keyButton struct {
	widget.Button
	keys *dialogKeys
}

func newKeyButton(label string, keys *dialogKeys, tapped func()) *keyButton {
	b := &keyButton{keys: keys}
	b.Text, b.OnTapped = label, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey implements fyne.Focusable.
func (b *keyButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyEscape:
		if b.keys.cancel != nil {
			b.keys.cancel()
		}
	case fyne.KeyReturn, fyne.KeyEnter:
		if !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
		}
	default:
		b.Button.TypedKey(ev)
	}
}
