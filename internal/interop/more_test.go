package interop

import (
	"net/http"
	"strings"

	"rendezvous/rvpclient"
)

// PURPLE_TYPING, libpurple's typing state.
const purpleTyping = 1

// carol has an account on rvpd but never signs in.
const carol = "carol@" + domain

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

// bobWritesToCarol: carol has never signed in, so rvpd answers 412 and
// librvp must show the message as not delivered.
func (s *scenario) bobWritesToCarol() {
	conv, err := s.purple.callInt(s.ctx, "PurpleConversationNew", i32(purpleConvIM), i32(s.account), "string:"+carol)
	if err != nil {
		s.t.Fatal(err)
	}
	im, err := s.purple.callInt(s.ctx, "PurpleConvIm", i32(conv))
	if err != nil {
		s.t.Fatal(err)
	}
	s.wantBobSendRefused(im, carol, "Carol, are you there?", http.StatusPreconditionFailed)
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
