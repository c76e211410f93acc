package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Window focus. Fyne 2.8.1 has no per-window focus event or query: a window
// that gains or loses the keyboard only calls FocusGained or FocusLost on
// the object its canvas has focused, and Canvas.Focused keeps naming that
// object while the window is in the background. The app as a whole reports
// losing the keyboard through Lifecycle.SetOnExitedForeground. A
// conversation window therefore counts as active:
//   - from the moment its message entry gains the focus (the window came to
//     the front with the entry focused, or the user clicked or tabbed into
//     it), but not when Show focuses the entry: the window manager may or
//     may not give a new window the keyboard, and tells when it does;
//   - while the focus moves inside the window (a click on a message to
//     select text, Tab to a button): the entry's FocusLost is then followed
//     by another object taking the focus, or by none; a click on the
//     transcript's background gives the focus back to the entry;
//   - until the entry loses the focus while the canvas still names it (the
//     window itself lost the keyboard), another conversation window becomes
//     active, or the app loses the keyboard (Conversations.AppDeactivated).
//
// A window that comes back to the front while something other than the
// entry holds its focus (a message whose text was selected) stays inactive
// until the user clicks into it: its messages raise notifications meanwhile.

// focusChanged follows the message entry's focus (UI goroutine).
func (w *ConversationWindow) focusChanged(focused bool) {
	w.focusSeq++
	if focused {
		if !w.showing {
			w.setActive(true)
		}
		return
	}
	// Whether the window lost the keyboard or the focus moved inside it is
	// known once the focus manager has finished: check afterwards, unless
	// the focus came back meanwhile.
	seq := w.focusSeq
	w.later(func() {
		if !w.closed && w.focusSeq == seq && w.win.Canvas().Focused() == w.input {
			w.setActive(false)
		}
	})
}

// setActive records whether the window has the keyboard; OnActive hears of
// every activation (each one clears the unread count) and of each change to
// inactive.
func (w *ConversationWindow) setActive(active bool) {
	if !active && !w.active {
		return
	}
	w.active = active
	if w.opts.OnActive != nil {
		w.opts.OnActive(active)
	}
}

// focusInput gives the message entry the focus (a click on the transcript).
func (w *ConversationWindow) focusInput() {
	if !w.closed {
		w.win.Canvas().Focus(w.input)
	}
}

// tapArea wraps content so that taps that no object inside takes (the
// transcript's background, the sender lines) reach onTap.
type tapArea struct {
	widget.BaseWidget
	content fyne.CanvasObject
	onTap   func()
}

func newTapArea(content fyne.CanvasObject, onTap func()) *tapArea {
	a := &tapArea{content: content, onTap: onTap}
	a.ExtendBaseWidget(a)
	return a
}

// Tapped runs onTap.
func (a *tapArea) Tapped(*fyne.PointEvent) { a.onTap() }

// CreateRenderer shows the content.
func (a *tapArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(a.content)
}
