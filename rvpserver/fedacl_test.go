package rvpserver_test

import (
	"bytes"
	"net/http"
	"testing"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
	"rendezvous/rvpclient"
	"rendezvous/rvpserver"
)

// Shutting out other domains within DECISIONS.md's ACL rules: the one
// allprincipals ACE lists digest and ntlm only, so principals of other
// domains (judged by assertion) match no ACE while local users (Digest)
// keep every right it grants.

var everyoneRights = []rvpwire.Right{rvpwire.RightList, rvpwire.RightRead, rvpwire.RightSendTo, rvpwire.RightPresence}

// setAllprincipals sets alias's allprincipals ACE at site s to
// everyoneRights with creds (an ACL set authenticated with Digest as alias).
func setAllprincipals(t *testing.T, s *site, alias string, creds ...rvpwire.Credential) {
	t.Helper()
	dc, err := digest.NewClient(alias, "pw-"+alias)
	if err != nil {
		t.Fatal(err)
	}
	path := rvpwire.AliasesPath + alias
	body := rvpwire.Marshal(rvpwire.ACL{ACEs: []rvpwire.ACE{{All: true, Credentials: creds, Grant: everyoneRights}}}.Element())
	for attempt := 0; attempt < 2; attempt++ {
		req, err := http.NewRequestWithContext(ctx10(t), rvpwire.MethodACL, "http://"+s.addr+path, bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		rvpwire.SetHeader(req.Header, rvpwire.HeaderVersion, rvpwire.Version)
		rvpwire.SetHeader(req.Header, rvpwire.HeaderFromPrincipal, rvpwire.PrincipalURL(s.domain, alias))
		auth, sent := dc.Authorize(rvpwire.MethodACL, path)
		if sent {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		switch {
		case resp.StatusCode == http.StatusOK:
			return
		case resp.StatusCode == http.StatusUnauthorized && attempt == 0:
			if err := dc.Challenge(resp.Header.Values("WWW-Authenticate"), sent); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("ACL set by %s: %d", alias, resp.StatusCode)
		}
	}
}

// TestFederationUserShutsOutForeignPrincipals: alice (Woodgrove) sets her
// allprincipals ACE to digest and ntlm. bob (Humongous), already
// watching, is told she is offline and his messages get 403; dave
// (Woodgrove) still sees her and reaches her. Setting the draft's ACE
// again lets bob back in.
func TestFederationUserShutsOutForeignPrincipals(t *testing.T) {
	fn := newFedNet()
	a := newSite(t, fn, "a.example", nil)
	b := newSite(t, fn, "b.example", nil)
	alice, aev := a.user(fn, "alice", rvpclient.ModeDefault)
	bob, bev := b.user(fn, "bob", rvpclient.ModeDefault)
	dave, _ := a.user(fn, "dave", rvpclient.ModeDefault)
	if ct := addContact(t, bob, a.name("alice")); ct.State != rvpclient.StateOnline {
		t.Fatalf("bob sees alice %q before, want online", ct.State)
	}

	setAllprincipals(t, a, "alice", rvpwire.CredDigest, rvpwire.CredNTLM)
	acl, err := alice.ACL(ctx10(t))
	if err != nil {
		t.Fatal(err)
	}
	if n := countAll(acl); n != 1 {
		t.Fatalf("allprincipals ACEs: %d, want 1 (%+v)", n, acl)
	}
	bev.presence(t, a.name("alice"), rvpclient.StateOffline)
	if err := send(t, bob, a.name("alice"), "hello?"); !rvpclient.IsBlocked(err) {
		t.Fatalf("foreign sender: %v, want 403", err)
	}
	if ct := addContact(t, dave, a.name("alice")); ct.State != rvpclient.StateOnline {
		t.Fatalf("local watcher sees alice %q, want online", ct.State)
	}
	if err := send(t, dave, a.name("alice"), "local hello"); err != nil {
		t.Fatalf("local sender: %v", err)
	}
	aev.message(t, a.name("dave"), "local hello")

	setAllprincipals(t, a, "alice", rvpwire.CredAssertion, rvpwire.CredDigest, rvpwire.CredNTLM)
	bev.presence(t, a.name("alice"), rvpclient.StateOnline)
	if err := send(t, bob, a.name("alice"), "back in"); err != nil {
		t.Fatalf("foreign sender after lifting: %v", err)
	}
	aev.message(t, b.name("bob"), "back in")
}

// TestFederationDefaultACLShutsOutForeignPrincipals: Humongous's default
// ACL (DefaultACL.LocalOnly) lets only its own users message and watch its
// users; a user lifts it for herself with an ACL set.
func TestFederationDefaultACLShutsOutForeignPrincipals(t *testing.T) {
	fn := newFedNet()
	h := newSite(t, fn, "b.example", func(o *rvpserver.Options) {
		o.DefaultACL = &rvpserver.DefaultACL{AllowPresence: true, AllowSendTo: true, LocalOnly: true}
	})
	w := newSite(t, fn, "a.example", nil)
	carol, cev := h.user(fn, "carol", rvpclient.ModeDefault)
	dave, _ := h.user(fn, "dave", rvpclient.ModeDefault)
	alice, aev := w.user(fn, "alice", rvpclient.ModeDefault)

	acl, err := carol.ACL(ctx10(t))
	if err != nil {
		t.Fatal(err)
	}
	if n := countAll(acl); n != 1 || len(acl.ACEs) != 2 {
		t.Fatalf("default ACL %+v, want one allprincipals ACE and the owner's", acl)
	}

	// A foreign user: refused and shown offline.
	if err := send(t, alice, h.name("carol"), "hi"); !rvpclient.IsBlocked(err) {
		t.Fatalf("foreign sender under a local-only default ACL: %v, want 403", err)
	}
	if ct := addContact(t, alice, h.name("carol")); ct.State != rvpclient.StateOffline {
		t.Fatalf("foreign watcher sees carol %q, want offline", ct.State)
	}
	// A local user: allowed.
	if ct := addContact(t, dave, h.name("carol")); ct.State != rvpclient.StateOnline {
		t.Fatalf("local watcher sees carol %q, want online", ct.State)
	}
	if err := send(t, dave, h.name("carol"), "local hello"); err != nil {
		t.Fatalf("local sender: %v", err)
	}
	cev.message(t, h.name("dave"), "local hello")
	// carol still hears about the foreign contacts she watches herself:
	// presence from the other server is not a message.
	addContact(t, carol, w.name("alice"))
	setStatus(t, alice, rvpclient.StateBusy)
	cev.presence(t, w.name("alice"), rvpclient.StateBusy)

	// carol lets other domains in: the draft's allprincipals ACE.
	setAllprincipals(t, h, "carol", rvpwire.CredAssertion, rvpwire.CredDigest, rvpwire.CredNTLM)
	aev.presence(t, h.name("carol"), rvpclient.StateOnline)
	if err := send(t, alice, h.name("carol"), "hi again"); err != nil {
		t.Fatalf("foreign sender after carol lifted it: %v", err)
	}
	cev.message(t, w.name("alice"), "hi again")
}

func countAll(acl rvpclient.ACL) int {
	n := 0
	for _, a := range acl.ACEs {
		if a.All {
			n++
		}
	}
	return n
}
