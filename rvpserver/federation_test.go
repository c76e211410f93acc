package rvpserver_test

import (
	"testing"
	"time"

	"rendezvous/rvpclient"
	"rendezvous/rvpserver"
)

// Two organisations, each with its own server: Woodgrove (a.example) and
// Humongous (b.example). Clients talk to the other domain's server
// directly (found by SRV through their Resolver), giving their logical URL
// as Call-Back; each server sends presence to the watcher's home server
// (found by SRV through Options.Resolver), which forwards it to the
// watcher's login.

func TestFederationPresenceAndMessagesBothWays(t *testing.T) {
	fn := newFedNet()
	a := newSite(t, fn, "a.example", nil)
	b := newSite(t, fn, "b.example", nil)
	alice, aev := a.user(fn, "alice", rvpclient.ModeDefault)
	bob, bev := b.user(fn, "bob", rvpclient.ModeDefault)

	if ct := addContact(t, alice, b.name("bob")); ct.State != rvpclient.StateOnline {
		t.Fatalf("bob seen by alice at subscription: %q", ct.State)
	}
	if ct := addContact(t, bob, a.name("alice")); ct.State != rvpclient.StateOnline {
		t.Fatalf("alice seen by bob at subscription: %q", ct.State)
	}

	setStatus(t, bob, rvpclient.StateBusy)
	aev.presence(t, b.name("bob"), rvpclient.StateBusy)
	setStatus(t, alice, rvpclient.StateAway)
	bev.presence(t, a.name("alice"), rvpclient.StateAway)

	if err := send(t, alice, b.name("bob"), "hello from Woodgrove"); err != nil {
		t.Fatalf("alice -> bob: %v", err)
	}
	bev.message(t, a.name("alice"), "hello from Woodgrove")
	if err := send(t, bob, a.name("alice"), "hello from Humongous"); err != nil {
		t.Fatalf("bob -> alice: %v", err)
	}
	aev.message(t, b.name("bob"), "hello from Humongous")

	// Each server got requests from the other domain's user (assertion)
	// and delivered presence to the other server.
	for _, s := range []*site{a, b} {
		if n := s.metric("rvpd_foreign_requests_total"); n == 0 {
			t.Errorf("%s: no foreign requests counted", s.domain)
		}
		if n := s.metric("rvpd_forwards_total"); n == 0 {
			t.Errorf("%s: no presence forwarded to the other server", s.domain)
		}
	}
}

func TestFederationPollingUser(t *testing.T) {
	fn := newFedNet()
	a := newSite(t, fn, "a.example", nil)
	b := newSite(t, fn, "b.example", nil)
	alice, aev := a.user(fn, "alice", rvpclient.ModePolling)
	bob, bev := b.user(fn, "bob", rvpclient.ModeDefault)
	addContact(t, alice, b.name("bob"))
	addContact(t, bob, a.name("alice"))

	// Presence and a message from the other domain reach the polling user
	// through its home server's poll queue.
	setStatus(t, bob, rvpclient.StateOnPhone)
	aev.presence(t, b.name("bob"), rvpclient.StateOnPhone)
	if err := send(t, bob, a.name("alice"), "are you there?"); err != nil {
		t.Fatalf("bob -> polling alice: %v", err)
	}
	aev.message(t, b.name("bob"), "are you there?")

	// And the polling user reaches the other domain.
	setStatus(t, alice, rvpclient.StateBackSoon)
	bev.presence(t, a.name("alice"), rvpclient.StateBackSoon)
	if err := send(t, alice, b.name("bob"), "polling, but here"); err != nil {
		t.Fatalf("polling alice -> bob: %v", err)
	}
	bev.message(t, a.name("alice"), "polling, but here")
}

func TestFederationForeignUserBlockedByACL(t *testing.T) {
	fn := newFedNet()
	a := newSite(t, fn, "a.example", nil)
	b := newSite(t, fn, "b.example", nil)
	alice, aev := a.user(fn, "alice", rvpclient.ModeDefault)
	bob, bev := b.user(fn, "bob", rvpclient.ModeDefault)
	addContact(t, bob, a.name("alice"))
	addContact(t, alice, b.name("bob"))

	// alice blocks one foreign user: his messages are refused (403) and
	// he sees her offline; she still sees him.
	if err := alice.Block(ctx10(t), b.name("bob")); err != nil {
		t.Fatal(err)
	}
	bev.presence(t, a.name("alice"), rvpclient.StateOffline)
	if err := send(t, bob, a.name("alice"), "let me in"); !rvpclient.IsBlocked(err) {
		t.Fatalf("blocked foreign sender: %v, want 403", err)
	}
	setStatus(t, bob, rvpclient.StateAway)
	aev.presence(t, b.name("bob"), rvpclient.StateAway)
	if err := alice.Unblock(ctx10(t), b.name("bob")); err != nil {
		t.Fatal(err)
	}
	bev.presence(t, a.name("alice"), rvpclient.StateOnline)
	if err := send(t, bob, a.name("alice"), "thanks"); err != nil {
		t.Fatalf("unblocked foreign sender: %v", err)
	}
	aev.message(t, b.name("bob"), "thanks")
}

// TestFederationServerDown: while Humongous's server is down, a message to
// its user fails clearly at once (the client talks to that server
// directly), and presence for its watchers is retried with backoff; when
// the server is back before the retries run out, the watcher gets the
// state; when they run out, the sending server logs and counts it, and the
// next change goes through again.
func TestFederationServerDown(t *testing.T) {
	fn := newFedNet()
	a := newSite(t, fn, "a.example", func(o *rvpserver.Options) { o.ForwardRetries = 2 })
	b := newSite(t, fn, "b.example", nil)
	alice, _ := a.user(fn, "alice", rvpclient.ModeDefault)
	bob, bev := b.user(fn, "bob", rvpclient.ModeDefault)
	addContact(t, bob, a.name("alice"))

	b.down()
	if err := send(t, alice, b.name("bob"), "anyone?"); !rvpclient.IsNetwork(err) {
		t.Fatalf("message to a server that is down: %v, want a network error", err)
	}

	// Recovery: the first attempt fails, the server comes back, a retry
	// delivers.
	attempts := make(chan struct{})
	release := make(chan struct{})
	a.dial.setHook(func(addr string) {
		if addr == b.addr {
			attempts <- struct{}{}
			<-release
		}
	})
	setStatus(t, alice, rvpclient.StateBusy)
	waitAttempt(t, attempts)
	release <- struct{}{} // refused: b is down
	waitAttempt(t, attempts)
	b.up()
	release <- struct{}{}
	a.dial.setHook(nil)
	bev.presence(t, a.name("alice"), rvpclient.StateBusy)
	if n := a.metric("rvpd_forward_retries_total"); n != 1 {
		t.Fatalf("retries after one failure: %d", n)
	}
	if err := send(t, alice, b.name("bob"), "you are back"); err != nil {
		t.Fatalf("message after recovery: %v", err)
	}
	bev.message(t, a.name("alice"), "you are back")

	// Giving up: two retries, then a log line and a counter.
	b.down()
	setStatus(t, alice, rvpclient.StateAway)
	a.waitWarn("presence to another server not delivered")
	if n := a.metric("rvpd_forward_failures_total"); n != 1 {
		t.Fatalf("forward failures: %d", n)
	}
	if n := a.metric("rvpd_forward_retries_total"); n != 3 {
		t.Fatalf("retries: %d, want 1 + 2", n)
	}
	b.up()
	setStatus(t, alice, rvpclient.StateOnline)
	bev.presence(t, a.name("alice"), rvpclient.StateOnline)
}

func waitAttempt(t *testing.T, attempts <-chan struct{}) {
	t.Helper()
	select {
	case <-attempts:
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery attempt to the other server")
	}
}
