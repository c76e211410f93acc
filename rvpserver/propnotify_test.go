package rvpserver

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"

	"rendezvous/internal/rvpwire"
)

// pollWatcher signs u in by polling, subscribes it to node's property
// changes and returns the login's subscription id.
func pollWatcher(t *testing.T, u *user, node string) string {
	t.Helper()
	id := u.login("poll")
	r := u.do("SUBSCRIBE", node, map[string]string{rvpwire.HeaderNotificationType: "update/propchange",
		rvpwire.HeaderCallBack: principal(u.alias), rvpwire.HeaderLifetime: "14400"}, "")
	if r.code != http.StatusMultiStatus {
		t.Fatalf("%s subscribes to %s: %d", u.alias, node, r.code)
	}
	return id
}

// proppatch sets plain properties of u's own node.
func (u *user) proppatch(p rvpwire.Props) {
	u.e.t.Helper()
	body := rvpwire.Marshal(rvpwire.PropertyUpdate{Props: p}.Element())
	if r := u.do("PROPPATCH", u.alias, map[string]string{"Content-Type": "text/xml"}, string(body)); r.code != http.StatusMultiStatus {
		u.e.t.Fatalf("PROPPATCH %s: %d %s", u.alias, r.code, r.body)
	}
}

// drained polls login id of u (items must be queued) and returns the
// property updates queued, in order, each from node (any when "").
func drained(t *testing.T, u *user, id, node string) []rvpwire.PropertyUpdate {
	t.Helper()
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	s := u.e.srv
	s.mu.Lock()
	queued := len(s.subs[n].queue.items)
	s.mu.Unlock()
	if queued == 0 { // a POLL would be held
		t.Fatalf("nothing queued for %s", u.alias)
	}
	_, bodies := pollParts(t, u.do("POLL", u.alias, pollHdr(id, 0, ""), ""))
	var out []rvpwire.PropertyUpdate
	for _, b := range bodies {
		el, err := rvpwire.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		n, err := rvpwire.ParseNotification(el)
		if err != nil || n.Update == nil {
			t.Fatalf("not a property notification: %s (%v)", b, err)
		}
		if node != "" && n.From.Href != principal(node) || len(n.To) != 1 || n.To[0].Href != principal(u.alias) {
			t.Fatalf("from %s to %+v", n.From.Href, n.To)
		}
		out = append(out, *n.Update)
	}
	return out
}

func str(s string) *string { return &s }

// wantProps checks a notification of the four properties besides r:state.
func wantProps(t *testing.T, pu rvpwire.PropertyUpdate, name, email string) {
	t.Helper()
	p := pu.Props
	if pu.State != nil || len(pu.Other) != 0 || p.DisplayName == nil || p.Email == nil ||
		p.MobileState == nil || p.MobileDescription == nil {
		t.Fatalf("want the four other properties only, got %+v", pu)
	}
	if *p.DisplayName != name || *p.Email != email || *p.MobileState != "0" || *p.MobileDescription != "" {
		t.Fatalf("got %q %q %q %q, want %q %q 0 \"\"", *p.DisplayName, *p.Email, *p.MobileState, *p.MobileDescription, name, email)
	}
}

func wantState(t *testing.T, pu rvpwire.PropertyUpdate, st rvpwire.State) {
	t.Helper()
	if pu.State == nil || pu.State.Value != st || pu.State.Leased || len(pu.Props.Elements()) != 0 {
		t.Fatalf("want flat r:state %s only, got %+v", st, pu)
	}
}

// TestPropertyChangeNotifiesWatchers: a PROPPATCH of the display name or
// e-mail address sends watchers a property notification (PROTOCOL.md 10,
// rule 2); setting a value it already has sends nothing.
func TestPropertyChangeNotifiesWatchers(t *testing.T) {
	e := newEnv(t, nil)
	alice, bob := e.user("alice"), e.user("bob")
	id := pollWatcher(t, alice, "bob")

	bob.proppatch(rvpwire.Props{DisplayName: str("Robert"), Email: str("rob@example.com")})
	bob.proppatch(rvpwire.Props{DisplayName: str("Robert")}) // no change
	bob.setState(rvpwire.StateBusy, "")
	got := drained(t, alice, id, "bob")
	if len(got) != 2 {
		t.Fatalf("%d notifications, want the change and the state: %+v", len(got), got)
	}
	wantProps(t, got[0], "Robert", "rob@example.com")
	wantState(t, got[1], rvpwire.StateBusy)
}

// TestPropertyNotificationsCoalesce: in a poll queue a newer property
// notification replaces an older one of the same node and properties,
// never a state notification (and the other way round).
func TestPropertyNotificationsCoalesce(t *testing.T) {
	e := newEnv(t, nil)
	alice, bob := e.user("alice"), e.user("bob")
	id := pollWatcher(t, alice, "bob")

	bob.proppatch(rvpwire.Props{DisplayName: str("First")})
	bob.setState(rvpwire.StateBusy, "")
	bob.proppatch(rvpwire.Props{DisplayName: str("Second")})
	got := drained(t, alice, id, "bob")
	if len(got) != 2 {
		t.Fatalf("%d notifications, want 2: %+v", len(got), got)
	}
	wantState(t, got[0], rvpwire.StateBusy)
	wantProps(t, got[1], "Second", "bob@"+testDomain)
}

// TestPropertyNotificationsACL: presence gates r:state, read gates the
// other properties.
func TestPropertyNotificationsACL(t *testing.T) {
	e := newEnv(t, nil)
	alice, bob, carol := e.user("alice"), e.user("bob"), e.user("carol")
	aliceID := pollWatcher(t, alice, "bob")
	carolID := pollWatcher(t, carol, "bob")
	creds := []rvpwire.Credential{rvpwire.CredAssertion, rvpwire.CredDigest, rvpwire.CredNTLM}
	acl := rvpwire.ACL{ACEs: []rvpwire.ACE{
		{Principal: principal("alice"), Credentials: creds, Deny: []rvpwire.Right{rvpwire.RightRead}},
		{Principal: principal("carol"), Credentials: creds, Deny: []rvpwire.Right{rvpwire.RightPresence}},
	}}
	if r := bob.do("ACL", "bob", nil, string(rvpwire.Marshal(acl.Element()))); r.code != http.StatusOK {
		t.Fatalf("ACL set: %d %s", r.code, r.body)
	}
	bob.proppatch(rvpwire.Props{DisplayName: str("Robert")})
	bob.setState(rvpwire.StateAway, "")
	bob.proppatch(rvpwire.Props{MobileDescription: str("")}) // unchanged: nothing
	bob.proppatch(rvpwire.Props{Email: str("rob@example.com")})

	if got := drained(t, alice, aliceID, "bob"); len(got) != 1 {
		t.Fatalf("alice (no read): %+v, want the state only", got)
	} else {
		wantState(t, got[0], rvpwire.StateAway)
	}
	got := drained(t, carol, carolID, "bob")
	if len(got) != 1 {
		t.Fatalf("carol (no presence): %+v, want the properties only", got)
	}
	wantProps(t, got[0], "Robert", "rob@example.com")
}

// TestForwardedPropertyNotificationsCoalesce: property notifications from
// another server coalesce by node and properties too, so a name change
// stays queued behind a later state.
func TestForwardedPropertyNotificationsCoalesce(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.user("alice")
	id := alice.login("poll")
	zed := "http://other.example/instmsg/aliases/zed"
	forward := func(pu rvpwire.PropertyUpdate) {
		t.Helper()
		n := rvpwire.Notification{From: rvpwire.Contact{Href: zed}, To: []rvpwire.Contact{{Href: principal("alice")}}, Update: &pu}
		req, err := http.NewRequest("NOTIFY", e.hs.URL+rvpwire.AliasesPath+"alice", bytes.NewReader(rvpwire.Marshal(n.Element())))
		if err != nil {
			t.Fatal(err)
		}
		req.Host = testDomain
		for k, v := range map[string]string{rvpwire.HeaderVersion: rvpwire.Version, rvpwire.HeaderFromPrincipal: "other.example",
			rvpwire.HeaderHopCount: "2", "Content-Type": "text/xml"} {
			rvpwire.SetHeader(req.Header, k, v)
		}
		if r := roundTrip(t, req); r.code != http.StatusOK {
			t.Fatalf("forwarded NOTIFY: %d %s", r.code, r.body)
		}
	}
	forward(rvpwire.PropertyUpdate{State: &rvpwire.LeasedState{Value: rvpwire.StateBusy}})
	forward(rvpwire.PropertyUpdate{Props: rvpwire.Props{DisplayName: str("Zed")}})
	forward(rvpwire.PropertyUpdate{State: &rvpwire.LeasedState{Value: rvpwire.StateAway}})
	got := drained(t, alice, id, "")
	if len(got) != 2 || got[0].Props.DisplayName == nil || *got[0].Props.DisplayName != "Zed" || got[0].State != nil {
		t.Fatalf("queued %+v, want the name then away", got)
	}
	wantState(t, got[1], rvpwire.StateAway)
}
