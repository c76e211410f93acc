package ui

import (
	"context"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
)

// ConversationsOptions configure Conversations. Self, Start and Join are
// required; callbacks run on the UI goroutine and must not block.
type ConversationsOptions struct {
	Self     Contact
	Describe Describer
	Icons    Icons

	// Start begins a conversation with peer and returns its id; no I/O.
	Start func(peer Contact) (id string, svc ConversationService)
	// Join returns the service for conversation id that someone else
	// started; no I/O.
	Join func(id string, from Contact) ConversationService
	// Lookup returns what the contact list knows of a sign-in name
	// (display name, state); nil means only the name is known.
	Lookup func(signInName string) (Contact, bool)
	// Invitable lists contacts that may be invited; nil disables Invite.
	Invitable func() []Contact
	// LoadHistory reads earlier messages with peer; it runs on a window
	// goroutine. Record keeps a message; it must not block (queue the
	// write). Both may be nil.
	LoadHistory func(ctx context.Context, peer string) ([]Message, error)
	Record      func(peer string, m Message)
	// Notify shows a desktop notification for a message that arrived in a
	// window without focus; it must not block.
	Notify func(title, body string)
	// OnUnread reports the number of unread messages after each change.
	OnUnread func(n int)

	Now   func() time.Time
	After func(d time.Duration, f func()) (stop func())

	deliver func(func()) // tests: replaces fyne.Do for queue results
}

// Conversations opens, finds and routes events to conversation windows,
// keyed by the engine's conversation id. It counts unread messages and
// raises notifications. The event methods (MessageReceived, TypingReceived,
// ParticipantJoined, ParticipantLeft, ContactChanged) may be called from any
// goroutine; the others run on the UI goroutine.
type Conversations struct {
	app    fyne.App
	opts   ConversationsOptions
	open   map[string]*ConversationWindow // by conversation id
	unread map[*ConversationWindow]int
	closed []*ConversationWindow // closed windows whose queue may still drain
}

// NewConversations returns an empty set of conversations.
func NewConversations(a fyne.App, opts ConversationsOptions) *Conversations {
	return &Conversations{app: a, opts: opts, open: map[string]*ConversationWindow{},
		unread: map[*ConversationWindow]int{}}
}

// Open shows the conversation with peer, starting one if no window with
// only that peer is open.
func (cs *Conversations) Open(peer Contact) *ConversationWindow {
	for _, w := range cs.open {
		if len(w.peers) == 1 && sameName(w.peers[0].SignInName, peer.SignInName) {
			w.Show()
			return w
		}
	}
	id, svc := cs.opts.Start(peer)
	w := cs.newWindow(id, peer, svc)
	w.Show()
	return w
}

// Window returns the open window of conversation id.
func (cs *Conversations) Window(id string) (*ConversationWindow, bool) {
	w, ok := cs.open[id]
	return w, ok
}

// Windows returns the open conversation windows.
func (cs *Conversations) Windows() []*ConversationWindow {
	out := make([]*ConversationWindow, 0, len(cs.open))
	for _, w := range cs.open {
		out = append(out, w)
	}
	return out
}

// AppDeactivated tells the windows that the app lost the keyboard to
// another program or to a window outside this set (wire it to the app's
// Lifecycle OnExitedForeground): none of them is active any longer, so new
// messages count as unread and raise notifications.
func (cs *Conversations) AppDeactivated() {
	for _, w := range cs.open {
		w.setActive(false)
	}
}

// ShowUnread brings every window with unread messages to the front.
func (cs *Conversations) ShowUnread() {
	for w := range cs.unread {
		w.Show()
	}
}

// CloseAll closes every window, leaving their conversations (sign-out,
// exit). The returned func blocks until the closed windows have sent their
// last requests; call it off the UI goroutine.
func (cs *Conversations) CloseAll() (wait func()) {
	for _, w := range cs.open {
		w.Close()
	}
	closed := cs.closed
	cs.closed = nil
	return func() {
		for _, w := range closed {
			w.Wait()
		}
	}
}

func (cs *Conversations) contact(signInName string, fallback Contact) Contact {
	if cs.opts.Lookup != nil {
		if c, ok := cs.opts.Lookup(signInName); ok {
			return c
		}
	}
	if fallback.SignInName == "" {
		fallback.SignInName = signInName
	}
	return fallback
}

func (cs *Conversations) newWindow(id string, peer Contact, svc ConversationService) *ConversationWindow {
	peer = cs.contact(peer.SignInName, peer)
	opts := ConversationOptions{
		Self: cs.opts.Self, Peer: peer, Service: svc, Describe: cs.opts.Describe, Icons: cs.opts.Icons,
		Invitable: cs.opts.Invitable, Now: cs.opts.Now, After: cs.opts.After, deliver: cs.opts.deliver,
	}
	if cs.opts.LoadHistory != nil {
		opts.LoadHistory = func(ctx context.Context) ([]Message, error) { return cs.opts.LoadHistory(ctx, peer.SignInName) }
	}
	if cs.opts.Record != nil {
		opts.Record = func(m Message) { cs.opts.Record(peer.SignInName, m) }
	}
	var w *ConversationWindow
	opts.OnActive = func(active bool) {
		if !active {
			return
		}
		cs.setUnread(w, 0)
		for _, o := range cs.open { // only one window has the keyboard
			if o != w {
				o.setActive(false)
			}
		}
	}
	opts.OnClosed = func() {
		delete(cs.open, id)
		cs.setUnread(w, 0)
		cs.closed = slices.DeleteFunc(cs.closed, func(c *ConversationWindow) bool { return c.queue.done() })
		cs.closed = append(cs.closed, w)
	}
	w = NewConversationWindow(cs.app, opts)
	cs.open[id] = w
	if p, ok := svc.(participantLister); ok { // a group someone else started
		for _, name := range p.Participants() {
			w.applyJoined(cs.contact(name, Contact{}))
		}
	}
	return w
}

// participantLister is implemented by services that know everyone in the
// conversation (the engine's); windows then list them all from the start.
type participantLister interface{ Participants() []string }

func (cs *Conversations) setUnread(w *ConversationWindow, n int) {
	if n == 0 {
		if _, ok := cs.unread[w]; !ok {
			return
		}
		delete(cs.unread, w)
	} else {
		cs.unread[w] = n
	}
	if cs.opts.OnUnread != nil {
		total := 0
		for _, k := range cs.unread {
			total += k
		}
		cs.opts.OnUnread(total)
	}
}

// MessageReceived shows m in conversation id, opening a window for a new
// conversation. Any goroutine.
func (cs *Conversations) MessageReceived(id string, m Message) {
	fyne.Do(func() { cs.applyMessage(id, m) })
}

func (cs *Conversations) applyMessage(id string, m Message) {
	from := cs.contact(m.From, Contact{SignInName: m.From, DisplayName: m.FromName})
	if m.FromName == "" {
		m.FromName = from.DisplayName
	}
	w, ok := cs.open[id]
	if !ok {
		w = cs.newWindow(id, from, cs.opts.Join(id, from))
		w.Show()
	}
	w.applyJoined(from)
	w.applyMessage(m)
	// A window that just opened is unseen until the window manager gives it
	// the keyboard (focus.go).
	if ok && w.Active() {
		return
	}
	cs.setUnread(w, cs.unread[w]+1)
	if cs.opts.Notify != nil {
		cs.opts.Notify(m.Sender()+" says", notificationBody(m.Text))
	}
}

// notificationBody shortens a message for a desktop notification.
func notificationBody(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	if r := []rune(text); len(r) > 160 {
		return string(r[:159]) + "…"
	}
	return text
}

// TypingReceived shows that who is typing in conversation id. Any goroutine.
func (cs *Conversations) TypingReceived(id string, who string) {
	fyne.Do(func() {
		if w, ok := cs.open[id]; ok {
			w.applyTyping(cs.contact(who, Contact{}))
		}
	})
}

// ParticipantJoined adds who to conversation id. Any goroutine.
func (cs *Conversations) ParticipantJoined(id string, who string) {
	fyne.Do(func() {
		if w, ok := cs.open[id]; ok {
			w.applyJoined(cs.contact(who, Contact{}))
		}
	})
}

// ParticipantLeft shows that who left conversation id. Any goroutine.
func (cs *Conversations) ParticipantLeft(id string, who string) {
	fyne.Do(func() {
		if w, ok := cs.open[id]; ok {
			w.applyLeft(cs.contact(who, Contact{}))
		}
	})
}

// ContactChanged updates a contact's name and state in every window. Any
// goroutine.
func (cs *Conversations) ContactChanged(c Contact) {
	fyne.Do(func() {
		for _, w := range cs.open {
			w.applyPeerChanged(c)
		}
	})
}
