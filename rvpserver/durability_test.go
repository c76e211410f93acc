package rvpserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"rendezvous/internal/rvpwire"
)

func TestRestartFromBolt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rvpd.db")
	st, err := OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	e := startEnv(t, &Options{Domains: []string{testDomain}, Store: st}, true)
	alice, bob := e.user("alice"), e.user("bob")
	pollID := bob.login("poll")
	lb := newListener(t)
	cbID := bob.login(lb.URL)
	r := alice.do("SUBSCRIBE", "bob", map[string]string{rvpwire.HeaderNotificationType: "update/propchange",
		rvpwire.HeaderCallBack: principal("alice")}, "")
	propID := r.header.Get(rvpwire.HeaderSubscriptionID)
	bob.setState(rvpwire.StateBusy, "")
	block := rvpwire.ACL{ACEs: []rvpwire.ACE{{Principal: principal("carol"), Credentials: []rvpwire.Credential{rvpwire.CredAssertion},
		Deny: []rvpwire.Right{rvpwire.RightSendTo}}}}
	bob.do("ACL", "bob", nil, string(rvpwire.Marshal(block.Element())))
	if r := alice.do("NOTIFY", "bob", imHeaders(), imBody("alice", "bob", "keep me")); r.code != 200 {
		t.Fatalf("NOTIFY: %d", r.code)
	}
	lb.next(t)
	// Write-through: the queued item is in the store once the sender has 200.
	id, _ := strconv.ParseUint(pollID, 10, 64)
	if _, err := st.Get(context.Background(), BucketPollItems, itemKey(id, 1)); err != nil {
		t.Fatalf("acknowledged item not durable: %v", err)
	}
	if err := e.srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.hs.Close()
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st2, err := OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st2.Close() })
	e2 := startEnv(t, &Options{Domains: []string{testDomain}, Store: st2}, false)
	users, _ := e2.srv.ListUsers(context.Background())
	if len(users) != 3 || users[0].Alias != "alice" || users[1].DisplayName != "Bob Example" {
		t.Fatalf("users after restart %+v", users)
	}
	alice, bob = e2.user("alice"), e2.user("bob")
	r = bob.do("SUBSCRIPTIONS", "bob", nil, "")
	list, err := rvpwire.ParseSubscriptions(r.doc(t))
	if err != nil || len(list) != 3 || strconv.FormatUint(list[0].ID, 10) != pollID ||
		strconv.FormatUint(list[1].ID, 10) != cbID || strconv.FormatUint(list[2].ID, 10) != propID {
		t.Fatalf("subscriptions after restart: %+v %v", list, err)
	}
	if st := stateVia(t, alice, "bob"); st != rvpwire.StateBusy {
		t.Fatalf("view lost: %s", st)
	}
	if acl := aclOf(t, bob, "bob"); len(acl.ACEs) != 3 {
		t.Fatalf("ACL lost: %+v", acl)
	}
	parts, _ := pollParts(t, bob.do("POLL", "bob", pollHdr(pollID, 0, ""), ""))
	if len(parts) != 1 || parts[0].Seq != 1 {
		t.Fatalf("poll queue lost: %+v", parts)
	}
	newID := bob.login("poll")
	if n, _ := strconv.ParseUint(newID, 10, 64); n <= uint64(list[2].ID) {
		t.Fatalf("id counter went back: %s", newID)
	}
	// Sequences only grow across restarts.
	alice.do("NOTIFY", "bob", imHeaders(), imBody("alice", "bob", "again"))
	parts, _ = pollParts(t, bob.do("POLL", "bob", pollHdr(pollID, 1, ""), ""))
	if len(parts) != 1 || parts[0].Seq != 2 {
		t.Fatalf("sequence after restart: %+v", parts)
	}
}

func TestExpiredAtStartExpiresAtOnce(t *testing.T) {
	st := NewMemoryStore()
	e := startEnv(t, &Options{Domains: []string{testDomain}, Store: st, DisableAuth: true}, true)
	call(e.srv, "SUBSCRIBE", "alice", "alice", map[string]string{rvpwire.HeaderNotificationType: "pragma/notify",
		rvpwire.HeaderCallBack: "poll"}, "")
	ls := rvpwire.LeasedState{Value: rvpwire.StateOnline, Timeout: 60, Leased: true}
	call(e.srv, "PROPPATCH", "bob", "bob", nil, string(rvpwire.Marshal(rvpwire.PropertyUpdate{State: &ls}.Element())))
	if err := e.srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	later := func() time.Time { return time.Now().Add(5 * time.Hour) }
	s2, err := New(&Options{Domains: []string{testDomain}, Store: st, Now: later, DisableAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s2.Shutdown(context.Background())
	w := call(s2, "PROPFIND", "alice", "bob", map[string]string{"Depth": "0"}, "")
	if w.Code != http.StatusMultiStatus {
		t.Fatalf("PROPFIND: %d", w.Code)
	}
	// The lease and the 4-hour login are both past: gone when Start returns.
	if g := s2.gauges(); g.views != 0 || g.logins != 0 {
		t.Fatalf("expired state survived start: %+v", g)
	}
	if st := propsFromRecorder(t, w).State; st != rvpwire.StateOffline {
		t.Fatalf("state after start: %s", st)
	}
}

func propsFromRecorder(t *testing.T, w *httptest.ResponseRecorder) rvpwire.Props {
	t.Helper()
	el, err := rvpwire.Decode(w.Body)
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rvpwire.ParseMultistatus(el)
	if err != nil || len(rs) != 1 {
		t.Fatalf("%v", err)
	}
	return rvpwire.PropsFrom(rs[0].Propstats[0].Props)
}
