package interop

import (
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"

	"rendezvous/rvpclient"
)

// PURPLE_TYPING, libpurple's typing state.
const purpleTyping = 1

// carol signs in with rvpclient for the chats; dave has an account on rvpd
// but never signs in.
const (
	carol = "carol@" + domain
	dave  = "dave@" + domain
)

// bobTypes: librvp's typing notification (text/x-msmsgscontrol with
// TypingUser) reaches rvpclient in the conversation alice opened.
func (s *scenario) bobTypes(cv *rvpclient.Conversation) {
	t := s.t
	gc, err := s.purple.callInt(s.ctx, "PurpleAccountGetConnection", i32(s.account))
	if err != nil {
		t.Fatal(err)
	}
	from := s.events.mark()
	if _, err := s.purple.call(s.ctx, "ServSendTyping", i32(gc), "string:"+alice, i32(purpleTyping)); err != nil {
		t.Fatal(err)
	}
	ev, err := s.events.waitFrom(s.ctx, from, step, "TypingEvent from bob", func(e rvpclient.Event) bool {
		_, ok := e.(rvpclient.TypingEvent)
		return ok
	})
	if err != nil {
		t.Fatalf("alice did not see bob typing: %v", err)
	}
	if ty := ev.(rvpclient.TypingEvent); ty.From != bob || ty.SessionID != cv.ID() {
		t.Errorf("typing from %q in %s, want %q in %s", ty.From, ty.SessionID, bob, cv.ID())
	}
}

// bobBlocksAlice uses libpurple's deny list: librvp sets an ACE on bob's
// node that denies alice send-to and presence. rvpd must then refuse alice's
// messages (403) and show her bob as offline; removing the deny restores
// both.
func (s *scenario) bobBlocksAlice(cv *rvpclient.Conversation) {
	t := s.t
	gc, err := s.purple.callInt(s.ctx, "PurpleAccountGetConnection", i32(s.account))
	if err != nil {
		t.Fatal(err)
	}
	from := s.events.mark()
	if _, err := s.purple.call(s.ctx, "ServAddDeny", i32(gc), "string:"+alice); err != nil {
		t.Fatal(err)
	}
	s.wantAliceSees(from, rvpclient.StateOffline)
	if err := cv.Send(s.ctx, "Blocked?"); !rvpclient.IsBlocked(err) {
		t.Errorf("alice sends to bob who blocked her: %v, want a blocked (403) error", err)
	}
	from = s.events.mark()
	if _, err := s.purple.call(s.ctx, "ServRemDeny", i32(gc), "string:"+alice); err != nil {
		t.Fatal(err)
	}
	s.wantAliceSees(from, rvpclient.StateOnline)
	if err := cv.Send(s.ctx, "Unblocked."); err != nil {
		t.Errorf("alice sends to bob after he unblocked her: %v", err)
	}
}

// aliceBlocksBob uses rvpclient's Block: librvp must see alice go offline and
// report bob's message as not delivered; Unblock restores both.
func (s *scenario) aliceBlocksBob(im int) {
	t := s.t
	if err := s.alice.Block(s.ctx, bob); err != nil {
		t.Fatalf("alice blocks bob: %v", err)
	}
	s.wantBobSees(rvpclient.StateOffline)
	s.wantBobSendRefused(im, alice, "Can you read this?", http.StatusForbidden)
	if err := s.alice.Unblock(s.ctx, bob); err != nil {
		t.Fatalf("alice unblocks bob: %v", err)
	}
	s.wantBobSees(rvpclient.StateOnline)
}

// bobWritesToDave: dave has never signed in, so rvpd answers 412.
func (s *scenario) bobWritesToDave() {
	conv, err := s.purple.callInt(s.ctx, "PurpleConversationNew", i32(purpleConvIM), i32(s.account), "string:"+dave)
	if err != nil {
		s.t.Fatal(err)
	}
	im, err := s.purple.callInt(s.ctx, "PurpleConvIm", i32(conv))
	if err != nil {
		s.t.Fatal(err)
	}
	s.wantBobSendRefused(im, dave, "Dave, are you there?", http.StatusPreconditionFailed)
}

// wantBobSendRefused sends text from bob in IM conversation im and waits
// for rvpd's answer to librvp's authenticated NOTIFY to be status. (librvp
// itself shows nothing to the user for a 403 or 412 on an IM.)
func (s *scenario) wantBobSendRefused(im int, to, text string, status int) {
	t := s.t
	t.Helper()
	from := s.wire.exchanges.mark()
	if _, err := s.purple.call(s.ctx, "PurpleConvImSend", i32(im), "string:"+text); err != nil {
		t.Fatal(err)
	}
	uri := "/instmsg/aliases/" + strings.TrimSuffix(to, "@"+domain)
	x, err := s.wire.exchanges.waitFrom(s.ctx, from, step, "librvp's NOTIFY to "+to, func(x exchange) bool {
		return x.Method == "NOTIFY" && x.URI == uri && x.From == s.bobURL() && x.User != ""
	})
	if err != nil {
		t.Fatal(err)
	}
	if x.Status != status {
		t.Fatalf("bob's NOTIFY to %s: rvpd answered %d, want %d", to, x.Status, status)
	}
}

// signInCarol signs carol in with a second rvpclient and returns her events.
func (s *scenario) signInCarol() *eventLog[rvpclient.Event] {
	events := newEventLog[rvpclient.Event]()
	c := rvpclient.New(&rvpclient.Options{CallbackHost: "127.0.0.1", Handler: rvpclient.HandlerFunc(events.add)})
	s.t.Cleanup(func() { _ = c.Close() })
	if err := c.SignIn(s.ctx, rvpclient.Account{SignInName: carol, Password: password}); err != nil {
		s.t.Fatalf("carol (rvpclient) sign-in: %v", err)
	}
	return events
}

// bobHostsChat: librvp opens a multi-user conversation, invites alice and
// carol (control messages listing every participant in one
// r:notification-to) and writes to it; both rvpclient users get the message
// in one conversation, and alice's answer reaches librvp's chat and carol.
func (s *scenario) bobHostsChat(carolEvents *eventLog[rvpclient.Event]) {
	t := s.t
	gc, err := s.purple.callInt(s.ctx, "PurpleAccountGetConnection", i32(s.account))
	if err != nil {
		t.Fatal(err)
	}
	from := s.signals.mark()
	if _, err := s.purple.call(s.ctx, "ServJoinChat", i32(gc), "dict:string:string:topic,lunch"); err != nil {
		t.Fatal(err)
	}
	joined, err := s.signals.waitFrom(s.ctx, from, step, "ChatJoined", func(g signal) bool { return g.Member == "ChatJoined" })
	if err != nil {
		t.Fatalf("librvp did not open a chat: %v", err)
	}
	chat, err := s.purple.callInt(s.ctx, "PurpleConvChat", i32(atoi(joined.Args[0])))
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{alice, carol} {
		if _, err := s.purple.call(s.ctx, "PurpleConvChatInviteUser", i32(chat), "string:"+who, "string:join us", i32(0)); err != nil {
			t.Fatal(err)
		}
	}
	const text = "Bob's chat: lunch plans, anyone?"
	fromA, fromC := s.events.mark(), carolEvents.mark()
	if _, err := s.purple.call(s.ctx, "PurpleConvChatSend", i32(chat), "string:"+text); err != nil {
		t.Fatal(err)
	}
	id := s.wantMessage(s.events, fromA, "alice", bob, text, "")
	s.wantMessage(carolEvents, fromC, "carol", bob, text, id)
	cv := s.alice.Conversation(id)
	if cv == nil {
		t.Fatalf("alice has no conversation %s", id)
	}
	if got := cv.Participants(); len(got) != 2 || !slices.Contains(got, bob) || !slices.Contains(got, carol) {
		t.Errorf("alice's conversation %s has participants %q, want bob and carol", id, got)
	}

	const answer = "Alice: pizza at noon"
	fromSig, fromC := s.signals.mark(), carolEvents.mark()
	if err := cv.Send(s.ctx, answer); err != nil {
		t.Fatalf("alice answers in bob's chat: %v", err)
	}
	if _, err := s.signals.waitFrom(s.ctx, fromSig, step, "ReceivedChatMsg from alice", func(g signal) bool {
		return g.Member == "ReceivedChatMsg" && g.Args[1] == alice && plainText(g.Args[2]) == answer
	}); err != nil {
		t.Errorf("librvp's chat did not get alice's answer: %v", err)
	}
	s.wantMessage(carolEvents, fromC, "carol", alice, answer, id)
}

// aliceStartsGroupChat: alice opens a conversation with bob and carol.
// librvp reads only the contacts inside the first r:notification-to, so
// rvpclient writes ONE r:notification-to holding an r:contact for every
// participant, the sender included, as librvp does; and since librvp drops
// the text of the message that opens a chat, rvpclient opens it with the
// join control message first, as librvp invites. librvp must show the text
// as a chat message, and carol (rvpclient) must get it in alice's
// conversation.
func (s *scenario) aliceStartsGroupChat(carolEvents *eventLog[rvpclient.Event]) {
	t := s.t
	cv, err := s.alice.StartConversation(bob, carol)
	if err != nil {
		t.Fatal(err)
	}
	const hello = "Team chat: hello Bob and Carol"
	from, fromC := s.signals.mark(), carolEvents.mark()
	if err := cv.Send(s.ctx, hello); err != nil {
		t.Fatalf("alice writes to bob and carol: %v", err)
	}
	got, err := s.signals.waitFrom(s.ctx, from, step, "the group message at librvp", func(g signal) bool {
		return (g.Member == "ReceivedChatMsg" || g.Member == "ReceivedImMsg") && plainText(g.Args[2]) == hello
	})
	if err != nil {
		t.Fatalf("librvp did not receive the group message: %v; librvp's signals: %s", err, describeEvents(s.signals, from))
	}
	if got.Member != "ReceivedChatMsg" {
		t.Errorf("librvp took the three-party message as %s, want a chat message", got.Member)
	}
	s.wantMessage(carolEvents, fromC, "carol", alice, hello, cv.ID())
}

// wantMessage waits for a MessageEvent from sender with text in conversation
// id (any when "") in an rvpclient user's events and returns its Session-Id.
func (s *scenario) wantMessage(events *eventLog[rvpclient.Event], from int, who, sender, text, id string) string {
	s.t.Helper()
	ev, err := events.waitFrom(s.ctx, from, step, who+" receives from "+sender, func(e rvpclient.Event) bool {
		m, ok := e.(rvpclient.MessageEvent)
		return ok && m.From == sender
	})
	if err != nil {
		s.t.Fatalf("%v; events: %s", err, describeEvents(events, from))
	}
	m := ev.(rvpclient.MessageEvent)
	if m.Text != text || (id != "" && m.SessionID != id) {
		s.t.Fatalf("%s received %q in %s, want %q in %q", who, m.Text, m.SessionID, text, id)
	}
	return m.SessionID
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// knownBugs reports whether checks that fail on known bugs should run.
func knownBugs() bool { return os.Getenv("RVP_INTEROP_KNOWN_BUGS") == "1" }

// serverRestarts stops rvpd gracefully and starts it on the same database
// while both clients stay signed in. librvp never notices (it opens a
// connection per request and does not reuse nonces), so rvpd must still know
// its login subscription, its view and the subscriptions between the two:
// messages and presence keep flowing both ways.
func (s *scenario) serverRestarts(cv *rvpclient.Conversation, im int) {
	t := s.t
	s.server.restart(t)
	if c, err := s.alice.Properties(s.ctx, bob); err != nil || c.State != rvpclient.StateOnline {
		t.Fatalf("after the restart rvpd shows bob as %q (%v), want online", c.State, err)
	}
	const text = "Still there after the server restart?"
	from := s.signals.mark()
	if err := cv.Send(s.ctx, text); err != nil {
		t.Fatalf("alice writes to bob after the restart: %v", err)
	}
	if _, err := s.signals.waitFrom(s.ctx, from, step, "ReceivedImMsg after the restart", func(g signal) bool {
		return g.Member == "ReceivedImMsg" && g.Args[1] == alice && plainText(g.Args[2]) == text
	}); err != nil {
		t.Fatalf("librvp did not get alice's message after the restart: %v", err)
	}
	const reply = "Yes, still here."
	fromE := s.events.mark()
	if _, err := s.purple.call(s.ctx, "PurpleConvImSend", i32(im), "string:"+reply); err != nil {
		t.Fatal(err)
	}
	s.wantMessage(s.events, fromE, "alice", bob, reply, cv.ID())
	fromE = s.events.mark()
	if _, err := s.purple.call(s.ctx, "PurpleAccountSetStatusList", i32(s.account), "string:busy", i32(1), i32(0)); err != nil {
		t.Fatal(err)
	}
	s.wantAliceSees(fromE, rvpclient.StateBusy)
	if err := s.alice.SetStatus(s.ctx, rvpclient.StateBusy); err != nil {
		t.Fatal(err)
	}
	s.wantBobSees(rvpclient.StateBusy)
	fromE = s.events.mark()
	if _, err := s.purple.call(s.ctx, "PurpleAccountSetStatusList", i32(s.account), "string:online", i32(1), i32(0)); err != nil {
		t.Fatal(err)
	}
	s.wantAliceSees(fromE, rvpclient.StateOnline)
	if err := s.alice.SetStatus(s.ctx, rvpclient.StateOnline); err != nil {
		t.Fatal(err)
	}
	s.wantBobSees(rvpclient.StateOnline)
}
