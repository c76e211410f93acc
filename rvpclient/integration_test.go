package rvpclient

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"rendezvous/internal/rvpwire"
)

var modes = []struct {
	name string
	mod  func(*Options)
}{
	{"default", nil},
	{"polling", polling},
	{"fixed", func(o *Options) { o.Mode, o.PortFrom, o.PortTo = ModeFixedPort, 1025, 65535 }},
}

func isPresence(who string, st State) func(Event) bool {
	return func(e Event) bool {
		p, ok := e.(PresenceEvent)
		return ok && p.Contact == who && p.State == st
	}
}

// TestIntegrationConversation runs against the real rvpserver with alice in
// each delivery mode: presence with display names, messages both ways,
// typing, a third participant, leaving, and typed send errors.
func TestIntegrationConversation(t *testing.T) {
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			p := newTestPair(t, m.mod)
			ctx := testCtx(t)
			bob, err := p.alice.AddContact(ctx, "bob@example.com")
			if err != nil || bob.State != StateOnline || bob.DisplayName != "Bob Example" {
				t.Fatalf("AddContact(bob) = %+v, %v", bob, err)
			}
			if _, err := p.bob.AddContact(ctx, "alice@example.com"); err != nil {
				t.Fatal(err)
			}
			if err := p.bob.SetStatus(ctx, StateBusy); err != nil {
				t.Fatal(err)
			}
			p.aev.wait(t, "bob busy", isPresence("bob@example.com", StateBusy))

			cv, _ := p.alice.StartConversation("bob@example.com")
			if err := cv.Send(ctx, "grüß dich ✓"); err != nil {
				t.Fatal(err)
			}
			p.bev.wait(t, "message at bob", isMessage("alice@example.com", "grüß dich ✓"))
			bcv := p.bob.Conversation(cv.ID())
			if bcv == nil {
				t.Fatal("bob has no conversation")
			}
			if err := bcv.Typing(ctx); err != nil {
				t.Fatal(err)
			}
			p.aev.wait(t, "typing at alice", func(e Event) bool {
				ty, ok := e.(TypingEvent)
				return ok && ty.From == "bob@example.com" && ty.SessionID == cv.ID()
			})
			if err := bcv.Send(ctx, "hi alice"); err != nil {
				t.Fatal(err)
			}
			p.aev.wait(t, "reply at alice", isMessage("bob@example.com", "hi alice"))

			carol, cev := p.client(t, nil)
			err = cv.Invite(ctx, "carol@example.com")
			var ce *ConversationError
			if !IsOffline(err) || !errors.As(err, &ce) || len(ce.Failed) != 1 {
				t.Fatalf("invite of offline carol: %v", err)
			}
			signIn(t, carol, "carol")
			if err := cv.Invite(ctx, "carol@example.com"); err != nil {
				t.Fatal(err)
			}
			p.bev.wait(t, "carol joined at bob", func(e Event) bool { j, ok := e.(JoinedEvent); return ok && j.Who == "carol@example.com" })
			cev.wait(t, "conversation at carol", func(Event) bool { return carol.Conversation(cv.ID()) != nil })
			ccv := carol.Conversation(cv.ID())
			if ps := ccv.Participants(); !slices.Contains(ps, "alice@example.com") || !slices.Contains(ps, "bob@example.com") {
				t.Fatalf("carol's participants %v", ps)
			}
			if err := ccv.Send(ctx, "hello both"); err != nil {
				t.Fatal(err)
			}
			p.aev.wait(t, "carol at alice", isMessage("carol@example.com", "hello both"))
			p.bev.wait(t, "carol at bob", isMessage("carol@example.com", "hello both"))
			if err := ccv.Leave(ctx); err != nil {
				t.Fatal(err)
			}
			p.aev.wait(t, "carol left", func(e Event) bool { l, ok := e.(LeftEvent); return ok && l.Who == "carol@example.com" })

			if err := carol.SignOut(ctx); err != nil {
				t.Fatal(err)
			}
			solo, _ := p.alice.StartConversation("carol@example.com")
			if err := solo.Send(ctx, "are you there?"); !IsOffline(err) || !strings.HasPrefix(err.Error(), "rvpclient: send to carol@example.com: ") {
				t.Errorf("send to signed-out carol: %v", err)
			}
		})
	}
}

// TestIntegrationPrivacy: block and unblock, the watcher list, and
// properties.
func TestIntegrationPrivacy(t *testing.T) {
	p := newTestPair(t, nil)
	ctx := testCtx(t)
	if _, err := p.bob.AddContact(ctx, "alice@example.com"); err != nil {
		t.Fatal(err)
	}
	ws, err := p.alice.Watchers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(ws, func(w Watcher) bool { return w.Name == "bob@example.com" && w.Remaining > 0 }) {
		t.Errorf("watchers %+v, want bob", ws)
	}

	if err := p.alice.Block(ctx, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	acl, err := p.alice.ACL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	blocked := slices.ContainsFunc(acl.ACEs, func(a rvpwire.ACE) bool {
		return a.Principal == "http://example.com/instmsg/aliases/bob" && slices.Contains(a.Deny, rvpwire.RightSendTo)
	})
	if !blocked {
		t.Errorf("ACL after Block: %+v", acl)
	}
	cv, _ := p.bob.StartConversation("alice@example.com")
	if err := cv.Send(ctx, "let me in"); !IsBlocked(err) {
		t.Errorf("send to a blocker: %v, want IsBlocked", err)
	}
	if err := p.alice.Unblock(ctx, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := cv.Send(ctx, "thanks"); err != nil {
		t.Errorf("send after Unblock: %v", err)
	}
	p.aev.wait(t, "message after unblock", isMessage("bob@example.com", "thanks"))

	if err := p.alice.SetDisplayName(ctx, "Alice in Wonderland"); err != nil {
		t.Fatal(err)
	}
	// rvpserver notifies watchers of state changes only (not of a display
	// name change), so bob reads the new properties.
	if err := p.alice.SetEmail(ctx, "alice@mail.example.com"); err != nil {
		t.Fatal(err)
	}
	got, err := p.bob.Properties(ctx, "alice@example.com")
	if err != nil || got.DisplayName != "Alice in Wonderland" || got.Email != "alice@mail.example.com" || got.State != StateOnline {
		t.Errorf("Properties(alice) = %+v, %v", got, err)
	}
	if self := p.alice.Self(); self.DisplayName != "Alice in Wonderland" {
		t.Errorf("Self() = %+v", self)
	}
}
