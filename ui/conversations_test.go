package ui

import (
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

type testDesk struct {
	*Conversations
	c       *inline
	svcs    map[string]*fakeConversation
	unread  []int
	notices []string
}

func (d *testDesk) settle() {
	var qs []*workQueue
	for _, w := range d.open {
		qs = append(qs, w.queue)
	}
	d.c.settle(qs...)
}

func newTestDesk(t *testing.T) *testDesk {
	a := test.NewTempApp(t)
	d := &testDesk{c: &inline{}, svcs: map[string]*fakeConversation{}}
	svc := func(id string) ConversationService {
		d.svcs[id] = &fakeConversation{}
		return d.svcs[id]
	}
	clock := newFakeClock()
	d.Conversations = NewConversations(a, ConversationsOptions{
		Self: alice,
		Start: func(peer Contact) (string, ConversationService) {
			return "S-" + peer.SignInName, svc("S-" + peer.SignInName)
		},
		Join:     func(id string, _ Contact) ConversationService { return svc(id) },
		Lookup:   func(n string) (Contact, bool) { return map[string]Contact{bob.SignInName: bob}[n], n == bob.SignInName },
		Notify:   func(title, body string) { d.notices = append(d.notices, title+": "+body) },
		OnUnread: func(n int) { d.unread = append(d.unread, n) },
		Now:      clock.Now, After: clock.After, deliver: d.c.deliver,
	})
	t.Cleanup(func() { d.CloseAll()() })
	return d
}

func TestIncomingMessageOpensWindowCountsUnreadAndNotifies(t *testing.T) {
	d := newTestDesk(t)
	d.MessageReceived("{GUID-1}", Message{From: bob.SignInName, Text: "hi  there\nalice"})
	w, ok := d.Window("{GUID-1}")
	if !ok || w.Window().Title() != "Conversation with Bob" {
		t.Fatal("no window for the new conversation")
	}
	if len(d.unread) != 1 || d.unread[0] != 1 || len(d.notices) != 1 || d.notices[0] != "Bob says: hi there alice" {
		t.Fatalf("a new conversation was not announced: unread %v, notifications %q", d.unread, d.notices)
	}
	windowFocused(w) // the window manager gives the new window the keyboard
	if d.unread[len(d.unread)-1] != 0 {
		t.Fatalf("unread not cleared: %v", d.unread)
	}
	d.MessageReceived("{GUID-1}", Message{From: bob.SignInName, Text: "while you look"})
	if len(d.notices) != 1 {
		t.Fatalf("a message in the focused window raised a notification: %q", d.notices)
	}
	windowUnfocused(w) // the user is elsewhere
	d.settle()
	d.MessageReceived("{GUID-1}", Message{From: bob.SignInName, Text: "are you there?"})
	if d.unread[len(d.unread)-1] != 1 {
		t.Fatalf("unread reports %v", d.unread)
	}
	if len(d.notices) != 2 || d.notices[1] != "Bob says: are you there?" {
		t.Fatalf("notifications %q", d.notices)
	}
	windowFocused(w) // the user comes back
	if d.unread[len(d.unread)-1] != 0 {
		t.Fatalf("unread not cleared: %v", d.unread)
	}
	if got := d.Open(bob); got != w {
		t.Fatal("Open started a second window for the same contact")
	}
}

func TestTypingForUnknownConversationOpensNothing(t *testing.T) {
	d := newTestDesk(t)
	d.TypingReceived("{GUID-2}", bob.SignInName)
	if _, ok := d.Window("{GUID-2}"); ok {
		t.Fatal("typing opened a window")
	}
	w := d.Open(carol)
	d.TypingReceived("S-"+carol.SignInName, carol.SignInName)
	if w.typing.Text != "carol@localhost is typing…" {
		t.Fatalf("typing = %q", w.typing.Text)
	}
	d.ParticipantLeft("S-"+carol.SignInName, carol.SignInName)
	w.Close()
	d.settle()
	if _, ok := d.Window("S-" + carol.SignInName); ok {
		t.Fatal("closed window still routed")
	}
}

// groupConversation is a service that knows its participants.
type groupConversation struct {
	fakeConversation
	names []string
}

func (g *groupConversation) Participants() []string { return g.names }

func TestJoinedGroupListsEveryone(t *testing.T) {
	d := newTestDesk(t)
	d.opts.Join = func(string, Contact) ConversationService {
		return &groupConversation{names: []string{bob.SignInName, carol.SignInName}}
	}
	d.MessageReceived("{G}", Message{From: bob.SignInName, Text: "welcome"})
	w, ok := d.Window("{G}")
	if !ok || len(w.Peers()) != 2 || w.Window().Title() != "Conversation with Bob, carol@localhost" {
		t.Fatalf("peers %v title %q", w.Peers(), w.Window().Title())
	}
}

// activeDesk returns a desk with a conversation window that has the
// keyboard, and the window.
func activeDesk(t *testing.T) (*testDesk, *ConversationWindow) {
	d := newTestDesk(t)
	w := d.Open(bob)
	windowFocused(w)
	if !w.Active() {
		t.Fatal("the window with the keyboard is not active")
	}
	return d, w
}

func TestClicksInsideTheWindowKeepItActive(t *testing.T) {
	d, w := activeDesk(t)
	w.applyMessage(Message{From: bob.SignInName, Text: "select me", Time: time.Now()})
	// A click on a message body (it takes the focus to select text) or on
	// the background: the entry loses the focus, the window keeps the
	// keyboard.
	w.Window().Canvas().Unfocus()
	d.settle()
	d.MessageReceived(w.id(d), Message{From: bob.SignInName, Text: "still here?"})
	if len(d.notices) != 0 || !w.Active() {
		t.Fatalf("a click in the transcript made the window count as unfocused: notifications %q", d.notices)
	}
	test.Tap(w.Window().Content().(*fyne.Container).Objects[0].(*tapArea))
	if w.Window().Canvas().Focused() != w.input {
		t.Fatal("a click on the transcript's background did not give the entry the focus")
	}
}

func TestAppOrOtherWindowTakesTheKeyboard(t *testing.T) {
	d, w := activeDesk(t)
	w.Window().Canvas().Unfocus() // the user clicked the transcript
	d.settle()
	d.AppDeactivated() // then went to another program
	d.MessageReceived(w.id(d), Message{From: bob.SignInName, Text: "one"})
	if len(d.notices) != 1 || w.Active() {
		t.Fatalf("the app lost the keyboard but the window counts as active: notifications %q", d.notices)
	}
	w.Window().Canvas().Focus(w.input) // the user comes back and clicks the entry
	if !w.Active() {
		t.Fatal("a click into the entry did not make the window active")
	}
	other := d.Open(carol)
	windowFocused(other)
	if w.Active() || !other.Active() {
		t.Fatalf("two windows have the keyboard: %v %v", w.Active(), other.Active())
	}
	d.MessageReceived(w.id(d), Message{From: bob.SignInName, Text: "two"})
	if len(d.notices) != 2 {
		t.Fatalf("a message behind another conversation window raised no notification: %q", d.notices)
	}
}

func TestLateFocusLossCheckDoesNotUndoARefocus(t *testing.T) {
	d, w := activeDesk(t)
	windowUnfocused(w) // lost and regained in one batch of window events
	windowFocused(w)
	d.settle()
	if !w.Active() {
		t.Fatal("the check of an earlier focus loss made the refocused window inactive")
	}
}

// id returns the conversation id of an open window.
func (w *ConversationWindow) id(d *testDesk) string {
	for id, o := range d.open {
		if o == w {
			return id
		}
	}
	return ""
}
