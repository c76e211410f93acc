package ui

import (
	"context"
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

var (
	alice = Contact{SignInName: "alice@localhost", DisplayName: "Alice", State: StateOnline}
	bob   = Contact{SignInName: "bob@localhost", DisplayName: "Bob", State: StateOnline}
	carol = Contact{SignInName: "carol@localhost", DisplayName: "Carol", State: StateBusy}
)

type testConversation struct {
	*ConversationWindow
	c     *inline
	svc   *fakeConversation
	clock *fakeClock
	kept  []Message
}

func (w *testConversation) settle() { w.c.settle(w.queue) }

func newTestConversation(t *testing.T, opts ConversationOptions) *testConversation {
	t.Helper()
	a := test.NewTempApp(t)
	tc := &testConversation{c: &inline{}, svc: &fakeConversation{}, clock: newFakeClock()}
	opts.Self, opts.Peer = alice, bob
	if opts.Service == nil {
		opts.Service = tc.svc
	}
	opts.Describe = testDescribe
	opts.Now, opts.After = tc.clock.Now, tc.clock.After
	opts.Record = func(m Message) { tc.kept = append(tc.kept, m) }
	opts.deliver = tc.c.deliver
	tc.ConversationWindow = NewConversationWindow(a, opts)
	t.Cleanup(func() { tc.Stop(); tc.Wait() })
	tc.Show()
	return tc
}

// texts returns the message texts of the transcript with their delivery
// state.
func (w *testConversation) messages() []transcriptEntry {
	var out []transcriptEntry
	for _, e := range w.transcript.entries {
		if e.msg.Text != "" {
			out = append(out, transcriptEntry{msg: e.msg, state: e.state, reason: e.reason})
		}
	}
	return out
}

func TestConversationTitleAndFocus(t *testing.T) {
	w := newTestConversation(t, ConversationOptions{})
	if got := w.Window().Title(); got != "Conversation with Bob" {
		t.Fatalf("title = %q", got)
	}
	if w.Window().Canvas().Focused() != w.input {
		t.Fatal("the message entry does not have the focus")
	}
	if w.Active() {
		t.Fatal("active before the window manager gave the window the keyboard")
	}
	windowFocused(w.ConversationWindow)
	if !w.Active() {
		t.Fatal("not active once the window has the keyboard")
	}
}

// windowFocused and windowUnfocused do what Fyne's desktop driver does
// when the window manager gives a window the keyboard or takes it away: tell
// the canvas's focused object, which stays focused.
func windowFocused(w *ConversationWindow) {
	w.Window().Canvas().Focused().FocusGained()
}

func windowUnfocused(w *ConversationWindow) {
	w.Window().Canvas().Focused().FocusLost()
}

func TestEnterSendsShiftEnterBreaksLine(t *testing.T) {
	w := newTestConversation(t, ConversationOptions{})
	test.Type(w.input, "first line")
	w.input.KeyDown(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	w.input.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	w.input.KeyUp(&fyne.KeyEvent{Name: desktop.KeyShiftLeft})
	test.Type(w.input, "second")
	if w.input.Text != "first line\nsecond" {
		t.Fatalf("entry = %q", w.input.Text)
	}
	if n := len(w.svc.snapshot().sent); n != 0 {
		t.Fatalf("Shift+Enter sent %d messages", n)
	}
	w.input.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	w.settle()
	if got := w.svc.snapshot().sent; !slices.Equal(got, []string{"first line\nsecond"}) {
		t.Fatalf("sent = %q", got)
	}
	if w.input.Text != "" {
		t.Fatalf("entry not cleared: %q", w.input.Text)
	}
	msgs := w.messages()
	if len(msgs) != 1 || msgs[0].state != delivered || !msgs[0].msg.Outgoing || msgs[0].msg.Sender() != "Alice" {
		t.Fatalf("transcript = %+v", msgs)
	}
	if len(w.kept) != 1 || w.kept[0].Text != "first line\nsecond" {
		t.Fatalf("history kept %+v", w.kept)
	}
}

func TestEmptyInputSendsNothing(t *testing.T) {
	w := newTestConversation(t, ConversationOptions{})
	test.Type(w.input, "  ")
	w.input.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	w.settle()
	if n := len(w.svc.snapshot().sent); n != 0 {
		t.Fatalf("sent %d", n)
	}
}

func TestFailedDeliveryIsMarkedAndRetried(t *testing.T) {
	w := newTestConversation(t, ConversationOptions{})
	w.svc.errs = []error{errOffline}
	test.Type(w.input, "hello")
	w.input.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	w.settle()
	e := w.transcript.entries[len(w.transcript.entries)-1]
	if e.state != failed || e.reason != "Bob is not signed in." {
		t.Fatalf("state %v reason %q", e.state, e.reason)
	}
	if !containsText(e.box, "Not delivered: Bob is not signed in.") {
		t.Fatal("failure not shown in the transcript")
	}
	if len(w.kept) != 0 {
		t.Fatal("a failed message went into the history")
	}
	retry := findButton(e.box, "Retry")
	if retry == nil {
		t.Fatal("no Retry button")
	}
	test.Tap(retry)
	w.settle()
	if e.state != delivered || findButton(e.box, "Retry") != nil {
		t.Fatalf("after retry: state %v", e.state)
	}
	if got := w.svc.snapshot().sent; !slices.Equal(got, []string{"hello", "hello"}) {
		t.Fatalf("sent = %q", got)
	}
	if len(w.kept) != 1 {
		t.Fatalf("kept %d", len(w.kept))
	}
}

func findButton(o fyne.CanvasObject, text string) *widget.Button {
	for _, obj := range test.LaidOutObjects(o) {
		if b, ok := obj.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	return nil
}

func TestTypingIndicator(t *testing.T) {
	w := newTestConversation(t, ConversationOptions{})
	w.TypingReceived(bob)
	if w.typing.Text != "Bob is typing…" {
		t.Fatalf("typing = %q", w.typing.Text)
	}
	w.TypingReceived(carol)
	if w.typing.Text != "Bob, Carol are typing…" {
		t.Fatalf("typing = %q", w.typing.Text)
	}
	w.MessageReceived(Message{From: bob.SignInName, FromName: "Bob", Text: "hi", Time: w.clock.Now()})
	if w.typing.Text != "Carol is typing…" {
		t.Fatalf("after Bob's message: %q", w.typing.Text)
	}
	w.clock.advance(typingShown - time.Second)
	w.TypingReceived(carol) // news resets the timer
	w.clock.advance(2 * time.Second)
	if w.typing.Text != "Carol is typing…" {
		t.Fatalf("renewed indicator expired early: %q", w.typing.Text)
	}
	w.clock.advance(typingShown)
	if w.typing.Text != "" {
		t.Fatalf("indicator did not expire: %q", w.typing.Text)
	}
	if msgs := w.messages(); len(msgs) != 1 || msgs[0].msg.Text != "hi" || msgs[0].msg.Outgoing {
		t.Fatalf("transcript = %+v", msgs)
	}
}

func TestOwnTypingIsThrottled(t *testing.T) {
	w := newTestConversation(t, ConversationOptions{})
	test.Type(w.input, "abc")
	w.settle()
	if n := w.svc.snapshot().typing; n != 1 {
		t.Fatalf("typing sent %d times for three keys", n)
	}
	w.clock.advance(typingRepeat)
	test.Type(w.input, "d")
	w.settle()
	if n := w.svc.snapshot().typing; n != 2 {
		t.Fatalf("typing sent %d times, want 2 after %v", n, typingRepeat)
	}
}

func TestLeftAndClose(t *testing.T) {
	w := newTestConversation(t, ConversationOptions{})
	w.TypingReceived(bob)
	w.ParticipantLeft(bob)
	if w.typing.Text != "" {
		t.Fatal("typing shown after leaving")
	}
	last := w.transcript.entries[len(w.transcript.entries)-1]
	if !containsText(last.box, "Bob has left the conversation.") {
		t.Fatal("no left notice")
	}
	w.Close()
	w.settle()
	if n := w.svc.snapshot().left; n != 1 {
		t.Fatalf("Leave called %d times", n)
	}
}

func TestHistoryShownFirst(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 9, 30, 0, 0, time.Local)
	history := []Message{
		{From: bob.SignInName, FromName: "Bob", Text: "old question", Time: t0},
		{From: alice.SignInName, FromName: "Alice", Text: "old answer", Time: t0.Add(time.Minute), Outgoing: true},
	}
	w := newTestConversation(t, ConversationOptions{
		LoadHistory: func(context.Context) ([]Message, error) { return history, nil },
	})
	w.MessageReceived(Message{From: bob.SignInName, Text: "new", Time: w.clock.Now()})
	w.settle()
	var got []string
	for _, m := range w.messages() {
		got = append(got, m.msg.Text)
	}
	if !slices.Equal(got, []string{"old question", "old answer", "new"}) {
		t.Fatalf("transcript = %q", got)
	}
	if !containsText(w.transcript.entries[0].box, "Earlier messages") {
		t.Fatal("no separator before the history")
	}
	if got := formatTime(t0, w.clock.Now()); got != "Nov 20 09:30" {
		t.Fatalf("old time shown as %q", got)
	}
}

func TestHistoryDoesNotRepeatLiveMessages(t *testing.T) {
	live := Message{From: bob.SignInName, Text: "kept while loading", Time: time.Date(2026, 11, 21, 11, 0, 0, 0, time.UTC)}
	w := newTestConversation(t, ConversationOptions{
		LoadHistory: func(context.Context) ([]Message, error) {
			earlier := Message{From: bob.SignInName, Text: "earlier", Time: live.Time.Add(-time.Hour)}
			fromDisk := live
			fromDisk.Time = live.Time.In(time.FixedZone("X", 3600)) // same instant, as JSON gives it back
			return []Message{earlier, fromDisk}, nil
		},
	})
	w.MessageReceived(live)
	w.settle()
	var got []string
	for _, m := range w.messages() {
		got = append(got, m.msg.Text)
	}
	if !slices.Equal(got, []string{"earlier", "kept while loading"}) {
		t.Fatalf("transcript = %q", got)
	}
}

func TestInviteAddsParticipant(t *testing.T) {
	w := newTestConversation(t, ConversationOptions{Invitable: func() []Contact { return []Contact{bob, carol} }})
	w.promptInvite()
	if w.Window().Canvas().Overlays().Top() == nil {
		t.Fatal("no invite dialog")
	}
	w.invite(carol) // what the dialog's Invite button does with the choice
	w.settle()
	if got := w.svc.snapshot().invited; !slices.Equal(got, []string{carol.SignInName}) {
		t.Fatalf("invited %q", got)
	}
	if w.Window().Title() != "Conversation with Bob, Carol" || len(w.Peers()) != 2 {
		t.Fatalf("title %q peers %v", w.Window().Title(), w.Peers())
	}
}
