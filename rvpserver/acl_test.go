package rvpserver

import (
	"net/http"
	"testing"

	"rendezvous/internal/rvpwire"
)

func aclOf(t *testing.T, u *user, node string) rvpwire.ACL {
	t.Helper()
	r := u.do("ACL", node, nil, "")
	if r.code != 200 {
		t.Fatalf("ACL get: %d %s", r.code, r.body)
	}
	acl, err := rvpwire.ParseACL(r.doc(t))
	if err != nil {
		t.Fatal(err)
	}
	return acl
}

func TestACLDefaultGetSet(t *testing.T) {
	e := newEnv(t, nil)
	alice, bob, carol := e.user("alice"), e.user("bob"), e.user("carol")
	acl := aclOf(t, bob, "bob")
	if acl.Inheritance != "none" || len(acl.ACEs) != 2 || !acl.ACEs[0].All || acl.ACEs[1].Principal != principal("bob") {
		t.Fatalf("default ACL %+v", acl)
	}
	if r := alice.do("ACL", "bob", nil, ""); r.code != http.StatusForbidden {
		t.Fatalf("readacl by alice: %d", r.code)
	}

	// Watchers before the block.
	la := newListener(t)
	alice.login(la.URL)
	alice.do("SUBSCRIBE", "bob", map[string]string{rvpwire.HeaderNotificationType: "update/propchange",
		rvpwire.HeaderCallBack: principal("alice")}, "")
	lb := newListener(t)
	bob.login(lb.URL)
	bob.setState(rvpwire.StateOnline, "")
	if _, st := presenceOf(t, la.next(t)); st != rvpwire.StateOnline {
		t.Fatalf("before block: %s", st)
	}

	// Block alice (the old clients' one-ACE set, no Content-Type).
	block := rvpwire.ACL{ACEs: []rvpwire.ACE{{Principal: principal("alice"),
		Credentials: []rvpwire.Credential{rvpwire.CredAssertion, rvpwire.CredDigest, rvpwire.CredNTLM},
		Deny:        []rvpwire.Right{rvpwire.RightSendTo, rvpwire.RightPresence}}}}
	if r := bob.do("ACL", "bob", nil, string(rvpwire.Marshal(block.Element()))); r.code != 200 {
		t.Fatalf("ACL set: %d %s", r.code, r.body)
	}
	if _, st := presenceOf(t, la.next(t)); st != rvpwire.StateOffline {
		t.Fatalf("blocked watcher not told offline: %s", st)
	}
	if len(aclOf(t, bob, "bob").ACEs) != 3 {
		t.Fatal("set did not merge")
	}
	if r := alice.do("NOTIFY", "bob", imHeaders(), imBody("alice", "bob", "hi")); r.code != http.StatusForbidden {
		t.Fatalf("blocked NOTIFY: %d, want 403", r.code)
	}
	if st := stateVia(t, alice, "bob"); st != rvpwire.StateOffline {
		t.Fatalf("blocked PROPFIND state %s", st)
	}
	// Not named by the ACE: falls through to allprincipals.
	if r := carol.do("NOTIFY", "bob", imHeaders(), imBody("carol", "bob", "hi")); r.code != 200 {
		t.Fatalf("carol NOTIFY: %d", r.code)
	}
	// Rights the ACE does not name fall through: alice may still read.
	if p := propsOf(t, alice, "bob"); p.DisplayName == nil {
		t.Fatal("read fell through wrongly")
	}
	// Empty grant and deny remove the ACE: unblock.
	unblock := rvpwire.ACL{ACEs: []rvpwire.ACE{{Principal: principal("alice"), Credentials: []rvpwire.Credential{rvpwire.CredAssertion}}}}
	bob.do("ACL", "bob", nil, string(rvpwire.Marshal(unblock.Element())))
	if _, st := presenceOf(t, la.next(t)); st != rvpwire.StateOnline {
		t.Fatalf("after unblock: %s", st)
	}
	if len(aclOf(t, bob, "bob").ACEs) != 2 {
		t.Fatal("unblock did not remove the ACE")
	}

	noCreds := `<?xml version="1.0"?><a:rvpacl xmlns:a="http://schemas.microsoft.com/rvp/acl/"><a:acl><a:ace><a:principal><a:allprincipals/></a:principal><a:grant><a:read/></a:grant><a:deny/></a:ace></a:acl></a:rvpacl>`
	if r := bob.do("ACL", "bob", nil, noCreds); r.code != http.StatusBadRequest {
		t.Fatalf("ACE without credentials: %d", r.code)
	}
	if r := alice.do("ACL", "bob", nil, string(rvpwire.Marshal(block.Element()))); r.code != http.StatusForbidden {
		t.Fatalf("ACL set on bob's node by alice: %d", r.code)
	}
}

func TestACLForeignAssertion(t *testing.T) {
	e := newEnv(t, nil)
	bob := e.user("bob")
	lb := newListener(t)
	bob.login(lb.URL)
	foreign := "http://im.other.example/instmsg/aliases/zed"
	send := func() int {
		req, _ := http.NewRequest("NOTIFY", e.hs.URL+"/instmsg/aliases/bob", stringsReader(imBody("alice", "bob", "from afar")))
		req.Host = testDomain
		req.Header.Set(rvpwire.HeaderFromPrincipal, foreign)
		req.Header.Set(rvpwire.HeaderHopCount, "1")
		return roundTrip(t, req).code
	}
	if code := send(); code != 200 {
		t.Fatalf("foreign NOTIFY without auth: %d", code)
	}
	lb.next(t)
	// An ACE that needs digest does not match an assertion-only requester,
	// so a deny for it with digest credentials does not apply...
	deny := func(creds ...rvpwire.Credential) {
		acl := rvpwire.ACL{ACEs: []rvpwire.ACE{{Principal: foreign, Credentials: creds, Deny: []rvpwire.Right{rvpwire.RightSendTo}}}}
		if r := bob.do("ACL", "bob", nil, string(rvpwire.Marshal(acl.Element()))); r.code != 200 {
			t.Fatalf("set: %d", r.code)
		}
	}
	deny(rvpwire.CredDigest)
	if code := send(); code != 200 {
		t.Fatalf("digest-only deny applied to assertion: %d", code)
	}
	lb.next(t)
	// ...but one accepting assertion does.
	deny(rvpwire.CredAssertion)
	if code := send(); code != http.StatusForbidden {
		t.Fatalf("assertion deny: %d", code)
	}
}

func TestForeignWatcherGetsPresenceAtItsServer(t *testing.T) {
	e := newEnv(t, nil)
	bob := e.user("bob")
	remote := newListener(t) // stands for the foreign home server
	zed := remote.URL + "/instmsg/aliases/zed"
	subscribe := func(cb string) *resp {
		req, _ := http.NewRequest("SUBSCRIBE", e.hs.URL+"/instmsg/aliases/bob", nil)
		req.Host = testDomain
		req.Header.Set(rvpwire.HeaderFromPrincipal, zed)
		req.Header.Set(rvpwire.HeaderNotificationType, "update/propchange")
		req.Header.Set(rvpwire.HeaderCallBack, cb)
		return roundTrip(t, req)
	}
	if r := subscribe(remote.URL + "/instmsg/aliases/someone-else"); r.code != http.StatusForbidden {
		t.Fatalf("foreign subscription with another's Call-Back: %d", r.code)
	}
	if r := subscribe(zed); r.code != http.StatusMultiStatus {
		t.Fatalf("foreign subscription: %d %s", r.code, r.body)
	}
	bob.setState(rvpwire.StateBusy, "")
	n := remote.next(t)
	if n.path != "/instmsg/aliases/zed" || n.header.Get(rvpwire.HeaderFromPrincipal) != testDomain {
		t.Fatalf("delivered to %s from %s", n.path, n.header.Get(rvpwire.HeaderFromPrincipal))
	}
	if from, st := presenceOf(t, n); from != principal("bob") || st != rvpwire.StateBusy {
		t.Fatalf("foreign watcher got %s %s", from, st)
	}
}
