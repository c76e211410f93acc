package rvpclient

import (
	"net/http"
	"slices"
	"testing"
)

func isMessage(from, text string) func(Event) bool {
	return func(e Event) bool {
		m, ok := e.(MessageEvent)
		return ok && m.From == from && m.Text == text
	}
}

// TestPresenceAndConversation (fake server, Default mode): presence with
// display names, a UTF-8 message both ways, a third participant joining, a
// leave, and an offline recipient.
func TestPresenceAndConversation(t *testing.T) {
	f := newFakeServer(t, "alice", "bob", "carol")
	srv := startFake(t, f)
	a, aev := newTestClient(t, srv, nil)
	b, bev := newTestClient(t, srv, nil)
	cc, cev := newTestClient(t, srv, nil)
	signIn(t, a, "alice")
	ctx := testCtx(t)
	got, err := a.AddContact(ctx, "Bob@example.com")
	if err != nil || got.State != StateOffline || got.DisplayName != "Bob Example" {
		t.Fatalf("AddContact = %+v, %v", got, err)
	}
	signIn(t, b, "bob")
	aev.wait(t, "bob online", func(e Event) bool {
		p, ok := e.(PresenceEvent)
		return ok && p.Contact == "bob@example.com" && p.State == StateOnline && p.DisplayName == "Bob Example"
	})
	if cs := a.Contacts(); len(cs) != 1 || cs[0].State != StateOnline {
		t.Errorf("contacts %+v", cs)
	}

	cv, err := a.StartConversation("bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	if err := cv.Send(ctx, "héllo ✓"); err != nil {
		t.Fatal(err)
	}
	m := bev.wait(t, "message", isMessage("alice@example.com", "héllo ✓")).(MessageEvent)
	if m.SessionID != cv.ID() {
		t.Errorf("session %q, want %q", m.SessionID, cv.ID())
	}
	bcv := b.Conversation(cv.ID())
	if bcv == nil || !slices.Equal(bcv.Participants(), []string{"alice@example.com"}) {
		t.Fatalf("bob's conversation %v", bcv)
	}
	if err := bcv.Send(ctx, "hi alice"); err != nil {
		t.Fatal(err)
	}
	aev.wait(t, "reply", isMessage("bob@example.com", "hi alice"))

	if err := cv.Typing(ctx); err != nil {
		t.Fatal(err)
	}
	bev.wait(t, "typing", func(e Event) bool { ty, ok := e.(TypingEvent); return ok && ty.From == "alice@example.com" })

	// Offline recipient: carol is not signed in yet.
	if err := cv.Invite(ctx, "carol@example.com"); !IsOffline(err) {
		t.Fatalf("invite offline carol: %v, want IsOffline", err)
	}
	bev.wait(t, "carol joined", func(e Event) bool { j, ok := e.(JoinedEvent); return ok && j.Who == "carol@example.com" })
	signIn(t, cc, "carol")
	if err := cv.Invite(ctx, "carol@example.com"); err != nil {
		t.Fatalf("invite carol: %v", err)
	}
	cev.wait(t, "nothing yet", func(Event) bool { return cc.Conversation(cv.ID()) != nil })
	ccv := cc.Conversation(cv.ID())
	if p := ccv.Participants(); !slices.Contains(p, "alice@example.com") || !slices.Contains(p, "bob@example.com") {
		t.Fatalf("carol's participants %v", p)
	}
	if err := ccv.Send(ctx, "hello both"); err != nil {
		t.Fatal(err)
	}
	aev.wait(t, "carol to alice", isMessage("carol@example.com", "hello both"))
	bev.wait(t, "carol to bob", isMessage("carol@example.com", "hello both"))

	if err := bcv.Leave(ctx); err != nil {
		t.Fatal(err)
	}
	aev.wait(t, "bob left", func(e Event) bool {
		l, ok := e.(LeftEvent)
		return ok && l.Who == "bob@example.com" && l.SessionID == cv.ID()
	})
	if slices.Contains(cv.Participants(), "bob@example.com") {
		t.Errorf("bob still a participant: %v", cv.Participants())
	}
	if b.Conversation(cv.ID()) != nil {
		t.Error("bob still has the conversation after Leave")
	}
}

// TestSelfTest: the own status NOTIFY proves the callback; when the server
// cannot reach it, CallbackUnreachableEvent is raised.
func TestSelfTest(t *testing.T) {
	f := newFakeServer(t, "alice", "bob")
	srv := startFake(t, f)
	a, _ := newTestClient(t, srv, func(o *Options) { o.SelfTestTimeout = 5e9 })
	signIn(t, a, "alice")
	waitCheck(t, a, CallbackOK)

	f.cbClient = &http.Client{Transport: failingRT{}}
	b, bev := newTestClient(t, srv, func(o *Options) { o.SelfTestTimeout = 1e8 })
	signIn(t, b, "bob")
	e := bev.wait(t, "unreachable", func(e Event) bool { _, ok := e.(CallbackUnreachableEvent); return ok }).(CallbackUnreachableEvent)
	if e.CallbackURL != b.Diagnostics().CallbackURL || b.Diagnostics().CallbackCheck != CallbackUnreachable {
		t.Errorf("event %+v, diagnostics %+v", e, b.Diagnostics())
	}
}

type failingRT struct{}

func (failingRT) RoundTrip(*http.Request) (*http.Response, error) { return nil, http.ErrHandlerTimeout }

func waitCheck(t *testing.T, c *Client, want CallbackCheck) {
	t.Helper()
	ev := c.opts.Handler.(*eventLog)
	ev.wait(t, "self-test "+want.String(), func(Event) bool { return c.Diagnostics().CallbackCheck == want })
}

// TestDispatcherOrderAndBound: events reach the handler in order on one
// goroutine; a handler that falls behind loses events (counted), the queue
// does not grow without bound.
func TestDispatcherOrderAndBound(t *testing.T) {
	release := make(chan struct{})
	var got []int64
	d := newDispatcher(HandlerFunc(func(e Event) {
		<-release
		got = append(got, e.(DroppedEvent).Count)
	}), testLogger(t))
	const total = 3 * maxQueuedEvents
	for i := range total {
		d.emit(DroppedEvent{Count: int64(i)})
	}
	close(release)
	d.close() // delivers what is queued, then stops
	lost := d.lostCount()
	if lost == 0 || int64(len(got))+lost != total || len(got) > 2*maxQueuedEvents {
		t.Errorf("delivered %d, lost %d of %d", len(got), lost, total)
	}
	for i := 1; i < len(got); i++ {
		if got[i] <= got[i-1] {
			t.Fatalf("out of order at %d: %d after %d", i, got[i], got[i-1])
		}
	}
}
