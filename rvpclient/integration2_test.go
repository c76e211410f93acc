package rvpclient

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestIntegrationSignIn: wrong password, polling refused by the server,
// the callback self-test, and a garbage NOTIFY at the listener.
func TestIntegrationSignIn(t *testing.T) {
	ts := startTestServer(t)
	c, _ := newTestClient(t, ts.url, nil)
	err := c.SignIn(testCtx(t), Account{SignInName: "alice@example.com", Password: "nope"})
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("wrong password: %v", err)
	}
	for _, name := range []string{"alice", "example.com\\alice", "ANY\\alice"} {
		c2, _ := newTestClient(t, ts.url, nil)
		err := c2.SignIn(testCtx(t), Account{SignInName: "alice@example.com", Password: "pw-alice", AuthName: name})
		if name == "alice" && err != nil {
			t.Errorf("auth name %q: %v", name, err)
		}
		if err == nil {
			_ = c2.SignOut(testCtx(t))
		}
	}

	a, aev := newTestClient(t, ts.url, func(o *Options) { o.SelfTestTimeout = 5e9 })
	signIn(t, a, "alice")
	aev.wait(t, "self-test ok", func(Event) bool { return a.Diagnostics().CallbackCheck == CallbackOK })
	cb := a.Diagnostics().CallbackURL
	if code := postNotify(t, cb, []byte("<garbage")); code != http.StatusBadRequest {
		t.Errorf("garbage NOTIFY: %d", code)
	}
	b, _ := newTestClient(t, ts.url, nil)
	signIn(t, b, "bob")
	cv, _ := b.StartConversation("alice@example.com")
	if err := cv.Send(testCtx(t), "still alive"); err != nil {
		t.Fatal(err)
	}
	aev.wait(t, "message after garbage", isMessage("bob@example.com", "still alive"))

	// The same client signs out and in again.
	if err := a.SignOut(testCtx(t)); err != nil {
		t.Fatal(err)
	}
	if err := cv.Send(testCtx(t), "gone?"); !IsOffline(err) {
		t.Errorf("send to signed-out alice: %v", err)
	}
	signIn(t, a, "alice")
	if err := cv.Send(testCtx(t), "back again"); err != nil {
		t.Fatal(err)
	}
	aev.waitSeq(t, "signed out, in, message", isConn(Disconnected), isConn(Connected), isMessage("bob@example.com", "back again"))
}

// TestIntegrationPollingRefused: a server with polling off answers 501; the
// client reports the server's sentence and stays signed out.
func TestIntegrationPollingRefused(t *testing.T) {
	ts := startTestServer(t)
	opts := ts.options()
	po := *defaultPoll()
	po.Support = false
	opts.Poll = &po
	ts.restartWith(opts)
	c, _ := newTestClient(t, ts.url, polling)
	err := c.SignIn(testCtx(t), Account{SignInName: "alice@example.com", Password: "pw-alice"})
	var pe *PollingUnsupportedError
	if !errors.As(err, &pe) || !errors.Is(err, ErrPollingUnsupported) || !strings.Contains(err.Error(), "polling is not enabled") {
		t.Fatalf("err = %v", err)
	}
	if c.State() != Disconnected {
		t.Errorf("state %v", c.State())
	}
}

// TestIntegrationFixedPortsShareRange: two Fixed Port(s) clients on one
// machine get different ports of the range.
func TestIntegrationFixedPortsShareRange(t *testing.T) {
	ts := startTestServer(t)
	from := freePortRange(t, 2)
	fixed := func(o *Options) { o.Mode, o.PortFrom, o.PortTo = ModeFixedPort, from, from+1 }
	a, aev := newTestClient(t, ts.url, fixed)
	b, _ := newTestClient(t, ts.url, fixed)
	signIn(t, a, "alice")
	signIn(t, b, "bob")
	pa, pb := portOf(t, a.Diagnostics().CallbackURL), portOf(t, b.Diagnostics().CallbackURL)
	if pa == pb || pa < from || pa > from+1 || pb < from || pb > from+1 {
		t.Fatalf("ports %d and %d, want both of %d-%d", pa, pb, from, from+1)
	}
	cv, _ := b.StartConversation("alice@example.com")
	if err := cv.Send(testCtx(t), "via fixed port"); err != nil {
		t.Fatal(err)
	}
	aev.wait(t, "message", isMessage("bob@example.com", "via fixed port"))
}

// TestIntegrationPollCut: the real server's POLL answer is cut mid-flight by
// a relay; the message still arrives exactly once.
func TestIntegrationPollCut(t *testing.T) {
	ts := startTestServer(t)
	relay := newCutRelay(t, ts.host)
	a, aev := newTestClient(t, "http://"+relay, polling)
	b, _ := newTestClient(t, ts.url, nil)
	signIn(t, a, "alice")
	signIn(t, b, "bob")
	cv, _ := b.StartConversation("alice@example.com")
	for _, text := range []string{"first", "second"} {
		if err := cv.Send(testCtx(t), text); err != nil {
			t.Fatal(err)
		}
		aev.wait(t, text, isMessage("bob@example.com", text))
	}
	n := 0
	aev.mu.Lock()
	for _, e := range aev.all {
		if isMessage("bob@example.com", "first")(e) {
			n++
		}
	}
	aev.mu.Unlock()
	if n != 1 || !relayCut.Load() {
		t.Errorf("first delivered %d times, cut=%v", n, relayCut.Load())
	}
}

// TestIntegrationRestart: the server restarts on the same store (state
// kept) and on a fresh store (state lost); a polling client keeps working
// in both cases, signing in again and restoring what it had.
func TestIntegrationRestart(t *testing.T) {
	p := newTestPair(t, polling)
	ctx := testCtx(t)
	if err := p.alice.SetStatus(ctx, StateAway); err != nil {
		t.Fatal(err)
	}
	if _, err := p.alice.AddContact(ctx, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	send := func(text string) {
		t.Helper()
		cv, _ := p.bob.StartConversation("alice@example.com")
		if err := cv.Send(ctx, text); err != nil {
			t.Fatalf("send %q: %v", text, err)
		}
		p.aev.wait(t, text, isMessage("bob@example.com", text))
	}
	send("before")

	p.srv.restart(false)
	send("after a restart on the same store")
	if n := p.alice.Diagnostics().Reconnects; n != 0 {
		t.Errorf("reconnects after a restart that kept state: %d", n)
	}

	p.srv.restart(true)
	p.aev.waitSeq(t, "reconnect", isConn(Reconnecting), isConn(Connected))
	if n := p.alice.Diagnostics().Reconnects; n != 1 {
		t.Errorf("reconnects %d, want 1", n)
	}
	// bob (Default mode) would notice at his next lease refresh; a new
	// client stands in for him. (Signing the old one out would cancel
	// subscription ids of the old server, which the fresh one hands out
	// again.)
	p.bob, p.bev = p.client(t, nil)
	signIn(t, p.bob, "bob")
	send("after a restart that lost everything")
	got, err := p.bob.Properties(ctx, "alice@example.com")
	if err != nil || got.State != StateAway {
		t.Errorf("alice's restored status: %+v, %v", got, err)
	}
	if err := p.bob.SetStatus(ctx, StateBusy); err != nil {
		t.Fatal(err)
	}
	p.aev.wait(t, "restored contact subscription", isPresence("bob@example.com", StateBusy))
}

// TestIntegrationRemoveAndAllow: RemoveContact cancels the subscription on
// the server; Allow replaces a block with an explicit grant.
func TestIntegrationRemoveAndAllow(t *testing.T) {
	p := newTestPair(t, nil)
	ctx := testCtx(t)
	watchedBy := func(name string) bool {
		ws, err := p.bob.Watchers(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range ws {
			if w.Name == name {
				return true
			}
		}
		return false
	}
	if _, err := p.alice.AddContact(ctx, "nobody@example.com"); !IsNotFound(err) || len(p.alice.Contacts()) != 0 {
		t.Errorf("AddContact(nobody) = %v, contacts %v; want IsNotFound and no contact", err, p.alice.Contacts())
	}
	if _, err := p.alice.AddContact(ctx, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	if !watchedBy("alice@example.com") {
		t.Fatal("alice's subscription not listed")
	}
	if err := p.alice.RemoveContact(ctx, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	if watchedBy("alice@example.com") || len(p.alice.Contacts()) != 0 {
		t.Errorf("after RemoveContact: listed=%v, contacts %v", watchedBy("alice@example.com"), p.alice.Contacts())
	}

	if err := p.alice.Block(ctx, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	cv, _ := p.bob.StartConversation("alice@example.com")
	if err := cv.Send(ctx, "blocked?"); !IsBlocked(err) {
		t.Fatalf("send while blocked: %v", err)
	}
	if err := p.alice.Allow(ctx, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := cv.Send(ctx, "allowed"); err != nil {
		t.Fatalf("send after Allow: %v", err)
	}
	p.aev.wait(t, "allowed message", isMessage("bob@example.com", "allowed"))
}
