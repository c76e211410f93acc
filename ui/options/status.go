package options

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// ConnectionStatus is the main window's connection line (see StatusText).
// Its methods must be called on the UI goroutine.
type ConnectionStatus struct {
	widget.BaseWidget
	label *widget.Label
	inUse *Connection
	next  Connection
}

// NewConnectionStatus returns a status line for a signed-out client whose
// next sign-in uses next.
func NewConnectionStatus(next Connection) *ConnectionStatus {
	s := &ConnectionStatus{label: widget.NewLabel(""), next: next}
	s.label.Wrapping = fyne.TextWrapWord
	s.ExtendBaseWidget(s)
	s.update()
	return s
}

// SetInUse records the configuration of the running connection; nil means
// signed out. Call it after each sign-in and sign-out.
func (s *ConnectionStatus) SetInUse(c *Connection) {
	if c != nil {
		copied := *c
		c = &copied
	}
	s.inUse = c
	s.update()
}

// SetNext records the configuration the next sign-in will use; call it
// after the Connection Configuration dialog or the firewall banner saved
// one (their onSaved callbacks pass it).
func (s *ConnectionStatus) SetNext(c Connection) {
	s.next = c
	s.update()
}

// Text returns the line shown.
func (s *ConnectionStatus) Text() string { return s.label.Text }

func (s *ConnectionStatus) update() { s.label.SetText(StatusText(s.inUse, s.next)) }

// CreateRenderer implements fyne.Widget.
func (s *ConnectionStatus) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(s.label)
}
