package rvpclient

import (
	"slices"
	"testing"

	"rendezvous/internal/rvpwire"
)

// TestIntegrationSRVForm runs against the real rvpserver with alice and
// carol finding it through an SRV record (so they name everybody of
// example.com by the server's host and port, as librvp does, and rvpd
// answers them in that form) and bob through ServerURL (the logical form):
// presence both ways, a chat started by alice, the watcher list, and
// blocking. Every name must come out as a sign-in name of example.com.
func TestIntegrationSRVForm(t *testing.T) {
	ts := startTestServer(t)
	res := srvFor(t, ts.url, "example.com")
	alice, aev := newTestClient(t, "", func(o *Options) { o.Resolver = res })
	carol, cev := newTestClient(t, "", func(o *Options) { o.Resolver = res })
	bob, bev := newTestClient(t, ts.url, nil)
	signIn(t, alice, "alice")
	signIn(t, carol, "carol")
	signIn(t, bob, "bob")
	ctx := testCtx(t)

	got, err := alice.AddContact(ctx, "bob@example.com")
	if err != nil || got.Name != "bob@example.com" || got.State != StateOnline || got.DisplayName != "Bob Example" {
		t.Fatalf("alice adds bob: %+v, %v", got, err)
	}
	if _, err := bob.AddContact(ctx, "alice@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := bob.SetStatus(ctx, StateBusy); err != nil {
		t.Fatal(err)
	}
	aev.wait(t, "bob busy at alice", isPresence("bob@example.com", StateBusy))
	if err := alice.SetStatus(ctx, StateAway); err != nil {
		t.Fatal(err)
	}
	bev.wait(t, "alice away at bob", isPresence("alice@example.com", StateAway))
	aev.wait(t, "alice's own away", func(e Event) bool {
		p, ok := e.(PresenceEvent)
		return ok && p.Self && p.Contact == "alice@example.com" && p.State == StateAway
	})

	cv, _ := alice.StartConversation("bob@example.com", "carol@example.com")
	if err := cv.Send(ctx, "chat via SRV"); err != nil {
		t.Fatal(err)
	}
	bev.wait(t, "alice's chat at bob", isMessage("alice@example.com", "chat via SRV"))
	cev.wait(t, "alice's chat at carol", isMessage("alice@example.com", "chat via SRV"))
	ccv := carol.Conversation(cv.ID())
	if ccv == nil {
		t.Fatal("carol has no conversation")
	}
	if err := ccv.Send(ctx, "carol answers"); err != nil {
		t.Fatal(err)
	}
	aev.wait(t, "carol's answer at alice", isMessage("carol@example.com", "carol answers"))
	bev.wait(t, "carol's answer at bob", isMessage("carol@example.com", "carol answers"))
	for who, c := range map[string]*Client{"alice": alice, "bob": bob, "carol": carol} {
		ps := c.Conversation(cv.ID()).Participants()
		slices.Sort(ps)
		want := slices.DeleteFunc([]string{"alice@example.com", "bob@example.com", "carol@example.com"},
			func(s string) bool { return s == who+"@example.com" })
		if !slices.Equal(ps, want) {
			t.Errorf("%s's participants %q, want %q", who, ps, want)
		}
	}

	ws, err := alice.Watchers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(ws, func(w Watcher) bool { return w.Name == "bob@example.com" }) {
		t.Errorf("alice's watchers %+v, want bob@example.com", ws)
	}
	if err := alice.Block(ctx, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	acl, err := alice.ACL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(acl.ACEs, func(a rvpwire.ACE) bool {
		return a.Principal == "http://example.com/instmsg/aliases/bob" && slices.Contains(a.Deny, rvpwire.RightSendTo)
	}) {
		t.Errorf("alice's ACL after Block: %+v", acl.ACEs)
	}
	bcv, _ := bob.StartConversation("alice@example.com")
	if err := bcv.Send(ctx, "blocked?"); !IsBlocked(err) {
		t.Errorf("bob writes to alice who blocked him: %v, want IsBlocked", err)
	}
	if err := alice.Unblock(ctx, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := bcv.Send(ctx, "unblocked"); err != nil {
		t.Errorf("bob writes after Unblock: %v", err)
	}
	aev.wait(t, "bob's message after unblock", isMessage("bob@example.com", "unblocked"))
}
