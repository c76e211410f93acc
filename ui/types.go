package ui

import (
	"cmp"
	"context"
	"errors"
	"strings"
	"time"

	"rendezvous/internal/rvpwire"
)

// State is a presence token as it travels on the wire (PROTOCOL.md section
// 6): "online", "busy", "back-soon", ... The zero value means unknown and is
// shown as Offline; Label and IsOnline come from the wire package.
type State = rvpwire.State

// The presence states the UI knows.
const (
	StateOnline    = rvpwire.StateOnline
	StateBusy      = rvpwire.StateBusy
	StateBackSoon  = rvpwire.StateBackSoon
	StateAway      = rvpwire.StateAway
	StateOnPhone   = rvpwire.StateOnPhone
	StateAtLunch   = rvpwire.StateAtLunch
	StateIdle      = rvpwire.StateIdle
	StateInvisible = rvpwire.StateInvisible
	StateOffline   = rvpwire.StateOffline
)

// SelectableStates are the states of the status menu, in menu order.
var SelectableStates = []State{
	StateOnline, StateBusy, StateBackSoon, StateAway, StateOnPhone, StateAtLunch, StateInvisible,
}

// stateForLabel is the inverse of Label over SelectableStates.
func stateForLabel(label string) (State, bool) {
	for _, s := range SelectableStates {
		if s.Label() == label {
			return s, true
		}
	}
	return "", false
}

// Contact is one entry of the contact list, or the signed-in user.
type Contact struct {
	SignInName  string // alice@example.com
	DisplayName string // may be empty: the sign-in name is shown then
	State       State
	Blocked     bool   // the user blocked this contact
	Email       string // optional; the sign-in name is used for mailto: when empty
}

// Name is the name to show: the display name, or else the sign-in name.
func (c Contact) Name() string {
	if n := strings.TrimSpace(c.DisplayName); n != "" {
		return n
	}
	return c.SignInName
}

// compareContacts orders contacts by shown name, case-insensitively, then by
// sign-in name, so the order is total and stable.
func compareContacts(a, b Contact) int {
	if c := cmp.Compare(strings.ToLower(a.Name()), strings.ToLower(b.Name())); c != 0 {
		return c
	}
	return cmp.Compare(strings.ToLower(a.SignInName), strings.ToLower(b.SignInName))
}

// Message is one line of a conversation transcript.
type Message struct {
	From     string    // sender's sign-in name
	FromName string    // sender's display name at the time; may be empty
	Text     string    // UTF-8 text; may contain newlines
	Time     time.Time // when it was sent or received
	Outgoing bool      // written by the signed-in user
}

// Sender is the name shown above the message.
func (m Message) Sender() string {
	if m.FromName != "" {
		return m.FromName
	}
	return m.From
}

// A Describer turns an error into one plain sentence for the user, e.g.
// "The password is wrong." It returns "" for errors it does not know; the
// UI then uses a generic sentence. Package app provides one that knows the
// engine's typed errors.
type Describer func(error) string

// describe returns the sentence for err: the Describer's, else one for the
// standard context errors, else a generic one that keeps the error text.
func describe(d Describer, err error) string {
	if err == nil {
		return ""
	}
	if d != nil {
		if s := d(err); s != "" {
			return s
		}
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return "The server did not answer in time. Try again later."
	case errors.Is(err, context.Canceled):
		return "The operation was cancelled."
	}
	return "Something went wrong (" + err.Error() + ")."
}
