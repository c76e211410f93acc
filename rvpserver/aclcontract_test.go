package rvpserver

import (
	"net/http"
	"slices"
	"testing"

	"rendezvous/internal/rvpwire"
)

// DECISIONS.md, "ACL", checked through ACL set / get and what the rights
// then allow on the wire.

var (
	credsADN = []rvpwire.Credential{rvpwire.CredAssertion, rvpwire.CredDigest, rvpwire.CredNTLM}
	credsDN  = []rvpwire.Credential{rvpwire.CredDigest, rvpwire.CredNTLM}
)

// setACEs sends one ACL set with aces to u's own node.
func setACEs(t *testing.T, u *user, aces ...rvpwire.ACE) {
	t.Helper()
	body := string(rvpwire.Marshal(rvpwire.ACL{ACEs: aces}.Element()))
	if r := u.do("ACL", u.alias, nil, body); r.code != http.StatusOK {
		t.Fatalf("ACL set: %d %s", r.code, r.body)
	}
}

// sendCode is the status of an instant message from u to node.
func sendCode(u *user, node string) int {
	return u.do("NOTIFY", node, imHeaders(), imBody(u.alias, node, "hi")).code
}

// aclEnv is bob logged in with a callback (so NOTIFYs to him can succeed)
// and online, plus alice and carol.
func aclEnv(t *testing.T) (alice, bob, carol *user) {
	t.Helper()
	e := newEnv(t, nil)
	alice, bob, carol = e.user("alice"), e.user("bob"), e.user("carol")
	lb := newListener(t)
	bob.login(lb.URL)
	bob.setState(rvpwire.StateOnline, "")
	return alice, bob, carol
}

func grants(r ...rvpwire.Right) []rvpwire.Right { return r }

// TestACLSetReplacesTheAllprincipalsACE: allprincipals is one principal
// whatever its credentials: a set replaces the default ACE in its place,
// a later ACE in the same body wins, and an empty one removes it.
func TestACLSetReplacesTheAllprincipalsACE(t *testing.T) {
	alice, bob, _ := aclEnv(t)
	owner := aclOf(t, bob, "bob").ACEs[1]

	setACEs(t, bob, rvpwire.ACE{All: true, Credentials: []rvpwire.Credential{rvpwire.CredDigest},
		Grant: grants(rvpwire.RightList, rvpwire.RightRead)})
	acl := aclOf(t, bob, "bob")
	if len(acl.ACEs) != 2 || !acl.ACEs[0].All || !slices.Equal(acl.ACEs[0].Credentials, []rvpwire.Credential{rvpwire.CredDigest}) ||
		!slices.Equal(acl.ACEs[0].Grant, grants(rvpwire.RightList, rvpwire.RightRead)) || acl.ACEs[1].Principal != owner.Principal {
		t.Fatalf("after setting allprincipals with other credentials: %+v", acl)
	}
	if code := sendCode(alice, "bob"); code != http.StatusForbidden {
		t.Fatalf("NOTIFY without send-to for allprincipals: %d, want 403", code)
	}

	// Two allprincipals ACEs in one body: the later one is the ACE.
	setACEs(t, bob,
		rvpwire.ACE{All: true, Credentials: credsADN, Grant: grants(rvpwire.RightRead)},
		rvpwire.ACE{All: true, Credentials: credsDN, Grant: grants(rvpwire.RightSendTo)})
	all := allACEs(aclOf(t, bob, "bob"))
	if len(all) != 1 || !slices.Equal(all[0].Credentials, credsDN) || !slices.Equal(all[0].Grant, grants(rvpwire.RightSendTo)) {
		t.Fatalf("allprincipals ACEs after a two-ACE body: %+v", all)
	}
	if code := sendCode(alice, "bob"); code != http.StatusOK {
		t.Fatalf("NOTIFY under the later ACE: %d, want 200", code)
	}

	// Empty grant and deny, with credentials unlike the stored ones: removed.
	setACEs(t, bob, rvpwire.ACE{All: true, Credentials: []rvpwire.Credential{rvpwire.CredAssertion}})
	acl = aclOf(t, bob, "bob")
	if len(acl.ACEs) != 1 || acl.ACEs[0].All || acl.ACEs[0].Principal != owner.Principal {
		t.Fatalf("after removing allprincipals: %+v", acl)
	}
	if code := sendCode(alice, "bob"); code != http.StatusForbidden {
		t.Fatalf("NOTIFY with no ACE granting send-to: %d, want 403", code)
	}
}

// TestACLNamedDenyWinsOverGrant: within one ACE deny wins; what it does
// not name is untouched.
func TestACLNamedDenyWinsOverGrant(t *testing.T) {
	alice, bob, carol := aclEnv(t)
	setACEs(t, bob, rvpwire.ACE{Principal: principal("alice"), Credentials: credsADN,
		Grant: grants(rvpwire.RightSendTo, rvpwire.RightPresence), Deny: grants(rvpwire.RightSendTo)})
	if code := sendCode(alice, "bob"); code != http.StatusForbidden {
		t.Fatalf("NOTIFY granted and denied: %d, want 403", code)
	}
	if st := stateVia(t, alice, "bob"); st != rvpwire.StateOnline {
		t.Fatalf("presence granted only: alice sees %q, want online", st)
	}
	if code := sendCode(carol, "bob"); code != http.StatusOK {
		t.Fatalf("NOTIFY by a principal the ACE does not name: %d, want 200", code)
	}
}

// TestACLRightNotNamedFallsThrough: a named ACE decides only the rights it
// names; the others are what allprincipals says.
func TestACLRightNotNamedFallsThrough(t *testing.T) {
	alice, bob, carol := aclEnv(t)
	// allprincipals without send-to; alice's ACE grants it.
	setACEs(t, bob,
		rvpwire.ACE{All: true, Credentials: credsADN, Grant: grants(rvpwire.RightList, rvpwire.RightRead, rvpwire.RightPresence)},
		rvpwire.ACE{Principal: principal("alice"), Credentials: credsADN, Grant: grants(rvpwire.RightSendTo)})
	if code := sendCode(alice, "bob"); code != http.StatusOK {
		t.Fatalf("send-to granted by name: %d, want 200", code)
	}
	if code := sendCode(carol, "bob"); code != http.StatusForbidden {
		t.Fatalf("send-to not granted to allprincipals: %d, want 403", code)
	}
	if st := stateVia(t, alice, "bob"); st != rvpwire.StateOnline {
		t.Fatalf("presence falls through to allprincipals: %q, want online", st)
	}
	// alice's ACE now names presence only (denied): send-to falls through
	// to allprincipals, which does not grant it.
	setACEs(t, bob, rvpwire.ACE{Principal: principal("alice"), Credentials: credsADN, Deny: grants(rvpwire.RightPresence)})
	if code := sendCode(alice, "bob"); code != http.StatusForbidden {
		t.Fatalf("send-to fell through to allprincipals: %d, want 403", code)
	}
	if st := stateVia(t, alice, "bob"); st != rvpwire.StateOffline {
		t.Fatalf("presence denied by name: %q, want offline", st)
	}
}

// TestACLCredentialOrdering: a Digest-authenticated requester satisfies an
// ACE that lists only assertion, not one that lists only ntlm (that ACE
// then does not apply and the right falls through).
func TestACLCredentialOrdering(t *testing.T) {
	alice, bob, _ := aclEnv(t)
	deny := func(creds ...rvpwire.Credential) {
		setACEs(t, bob, rvpwire.ACE{Principal: principal("alice"), Credentials: creds, Deny: grants(rvpwire.RightSendTo)})
	}
	deny(rvpwire.CredAssertion)
	if code := sendCode(alice, "bob"); code != http.StatusForbidden {
		t.Fatalf("digest requester under an assertion-only deny: %d, want 403", code)
	}
	deny(rvpwire.CredNTLM)
	if code := sendCode(alice, "bob"); code != http.StatusOK {
		t.Fatalf("digest requester under an ntlm-only deny: %d, want 200", code)
	}
	if acl := aclOf(t, bob, "bob"); len(acl.ACEs) != 3 {
		t.Fatalf("one ACE per principal expected: %+v", acl)
	}
}

func TestCredsSatisfied(t *testing.T) {
	a, d, n, anyc, in := rvpwire.CredAssertion, rvpwire.CredDigest, rvpwire.CredNTLM, rvpwire.CredAny, rvpwire.CredInternal
	C := func(c ...rvpwire.Credential) []rvpwire.Credential { return c }
	for _, tc := range []struct {
		creds []rvpwire.Credential
		have  rvpwire.Credential
		want  bool
	}{
		{C(a), a, true}, {C(d, n), a, false}, {C(d), a, false}, {C(anyc), a, true}, {C(in), a, false},
		{C(a), d, true}, {C(d, n), d, true}, {C(n), d, false}, {C(anyc), d, true}, {nil, d, false},
		{C(a), n, true}, {C(d), n, false}, {C(d, n), n, true},
	} {
		if got := credsSatisfied(tc.creds, tc.have); got != tc.want {
			t.Errorf("credsSatisfied(%v, %s) = %v, want %v", tc.creds, tc.have, got, tc.want)
		}
	}
}

// TestMergeACLPrincipals: local principals merge by alias (any spelling,
// any served domain), others by their normalised URL; an ACL that somehow
// holds two ACEs of one principal comes out of a merge with one.
func TestMergeACLPrincipals(t *testing.T) {
	s, err := New(&Options{Domains: []string{testDomain, "other.test"}})
	if err != nil {
		t.Fatal(err)
	}
	ace := func(p string, r rvpwire.Right) rvpwire.ACE {
		return rvpwire.ACE{Principal: p, Credentials: credsADN, Grant: grants(r)}
	}
	all := func(r rvpwire.Right) rvpwire.ACE {
		return rvpwire.ACE{All: true, Credentials: credsADN, Grant: grants(r)}
	}
	cur := rvpwire.ACL{Inheritance: "none", ACEs: []rvpwire.ACE{
		all(rvpwire.RightRead),
		ace(principal("alice"), rvpwire.RightRead),
		ace("http://far.example/instmsg/aliases/zed", rvpwire.RightRead),
		all(rvpwire.RightList), // a second allprincipals ACE (not made by a merge)
	}}
	got := s.mergeACL(cur, rvpwire.ACL{ACEs: []rvpwire.ACE{
		ace("http://OTHER.test/instmsg/aliases/Alice", rvpwire.RightSendTo),
		ace("http://Far.Example:80/instmsg/aliases/ZED/", rvpwire.RightSendTo),
		{All: true, Credentials: credsDN, Grant: grants(rvpwire.RightPresence)},
	}})
	want := []rvpwire.ACE{
		{All: true, Credentials: credsDN, Grant: grants(rvpwire.RightPresence)},
		ace("http://OTHER.test/instmsg/aliases/Alice", rvpwire.RightSendTo),
		ace("http://Far.Example:80/instmsg/aliases/ZED/", rvpwire.RightSendTo),
	}
	if got.Inheritance != "none" || len(got.ACEs) != len(want) {
		t.Fatalf("merged %+v, want %+v", got, want)
	}
	for i := range want {
		g, w := got.ACEs[i], want[i]
		if g.All != w.All || g.Principal != w.Principal || !slices.Equal(g.Credentials, w.Credentials) || !slices.Equal(g.Grant, w.Grant) {
			t.Errorf("ACE %d = %+v, want %+v", i, g, w)
		}
	}
	if len(cur.ACEs) != 4 || cur.ACEs[0].Grant[0] != rvpwire.RightRead {
		t.Errorf("merge changed its input: %+v", cur)
	}
}
