package conformance

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// aceView is one decoded ACE: who, credentials and rights as local names.
type aceView struct {
	who          string // "allprincipals" or the rvp-principal URL
	creds        []string
	grant, deny  []string
	hasPrincipal bool
}

func locals(e *elem) []string {
	var out []string
	if e == nil {
		return nil
	}
	for _, k := range e.kids {
		if k.name.Space == nsA {
			out = append(out, k.name.Local)
		} else {
			out = append(out, k.name.Space+" "+k.name.Local)
		}
	}
	slices.Sort(out)
	return out
}

// getACL reads alias's ACL as c and returns its ACEs.
func (c *client) getACL(t *testing.T, alias string) (*response, []aceView) {
	t.Helper()
	r := c.do(t, request{method: "ACL", uri: nodePath(alias)})
	wantStatus(t, r, http.StatusOK)
	root := decode(t, r.body)
	acl := root.child(nsA, "acl")
	if !root.is(nsA, "rvpacl") || acl == nil {
		t.Fatalf("want a:rvpacl/a:acl, got\n%s", r.body)
	}
	if inh := acl.child(nsA, "inheritance").trimmed(); inh != "none" {
		t.Errorf("a:inheritance %q, want none", inh)
	}
	var aces []aceView
	for _, a := range acl.all(nsA, "ace") {
		p := a.child(nsA, "principal")
		if n := len(p.all(nsA, "credentials")); n != 1 {
			t.Errorf("an ACE's a:principal holds %d a:credentials, want exactly one", n)
		}
		v := aceView{creds: locals(p.child(nsA, "credentials")), grant: locals(a.child(nsA, "grant")),
			deny: locals(a.child(nsA, "deny")), hasPrincipal: p != nil}
		if p.child(nsA, "allprincipals") != nil {
			v.who = "allprincipals"
		} else {
			v.who = p.child(nsA, "rvp-principal").trimmed()
		}
		aces = append(aces, v)
	}
	return r, aces
}

func findACE(aces []aceView, who string) *aceView {
	for i := range aces {
		if aces[i].who == who {
			return &aces[i]
		}
	}
	return nil
}

func sorted(s ...string) []string { slices.Sort(s); return s }

// testACL: PROTOCOL.md 5.7 and 12.10, DECISIONS.md "ACL".
func testACL(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	alice := s.client("alice")
	defaults := func(t *testing.T, aces []aceView) {
		t.Helper()
		all := findACE(aces, "allprincipals")
		if all == nil || !slices.Equal(all.creds, sorted("assertion", "digest", "ntlm")) ||
			!slices.Equal(all.grant, sorted("list", "read", "send-to", "presence")) || len(all.deny) != 0 {
			t.Errorf("allprincipals ACE %+v, want credentials assertion/digest/ntlm, grant list/read/send-to/presence, empty deny", all)
		}
		own := findACE(aces, principal("alice"))
		if own == nil || !slices.Equal(own.creds, []string{"assertion"}) || len(own.deny) != 0 ||
			!slices.Equal(own.grant, sorted("list", "read", "write", "send-to", "receive-from", "readacl", "writeacl", "presence", "subscriptions", "subscribe-others")) {
			t.Errorf("owner ACE %+v, want credentials assertion and every right granted", own)
		}
	}
	r, aces := alice.getACL(t, "alice")
	check(t, "Default_ACL_is_the_drafts_example", func(t *testing.T) {
		if len(aces) != 2 {
			t.Errorf("%d ACEs, want 2:\n%s", len(aces), r.body)
		}
		defaults(t, aces)
	})
	check(t, "Get_is_200_text/xml", func(t *testing.T) {
		if ct := r.h("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
			t.Errorf("Content-Type %q", ct)
		}
	})
	check(t, "Get_XML_literal_form", func(t *testing.T) { checkWire(t, "ACL get", r.body) })

	anyCreds := []string{"assertion", "digest", "ntlm"}
	set := func(t *testing.T, aceXML string) {
		t.Helper()
		wantStatus(t, alice.do(t, aclSet("alice", aceXML)), http.StatusOK)
	}
	check(t, "Set_adds_an_ACE_and_keeps_the_others", func(t *testing.T) {
		set(t, ace(rvpPrincipal("mallory"), anyCreds, nil, []string{"send-to", "presence"}))
		_, aces := alice.getACL(t, "alice")
		defaults(t, aces)
		if m := findACE(aces, principal("mallory")); m == nil || !slices.Equal(m.deny, sorted("send-to", "presence")) {
			t.Errorf("mallory's ACE %+v, want deny send-to and presence", m)
		}
	})
	check(t, "Set_replaces_the_ACE_of_the_same_principal", func(t *testing.T) {
		set(t, ace(rvpPrincipal("mallory"), anyCreds, nil, []string{"presence"}))
		_, aces := alice.getACL(t, "alice")
		if len(aces) != 3 {
			t.Errorf("%d ACEs, want 3", len(aces))
		}
		if m := findACE(aces, principal("mallory")); m == nil || !slices.Equal(m.deny, []string{"presence"}) {
			t.Errorf("mallory's ACE %+v, want deny presence only", m)
		}
	})
	check(t, "Empty_grant_and_deny_removes_the_ACE", func(t *testing.T) {
		set(t, ace(rvpPrincipal("mallory"), anyCreds, nil, nil))
		_, aces := alice.getACL(t, "alice")
		if len(aces) != 2 || findACE(aces, principal("mallory")) != nil {
			t.Errorf("ACEs %+v, want the two defaults only", aces)
		}
	})
	check(t, "ACE_without_credentials_is_400", func(t *testing.T) {
		if r := alice.do(t, aclSet("alice", ace(rvpPrincipal("carol"), nil, nil, []string{"send-to"}))); r.status != http.StatusBadRequest {
			t.Errorf("status %d, want 400", r.status)
		}
	})
	check(t, "ACE_with_empty_credentials_is_400", func(t *testing.T) {
		if r := alice.do(t, aclSet("alice", ace(rvpPrincipal("carol"), []string{}, nil, []string{"send-to"}))); r.status != http.StatusBadRequest {
			t.Errorf("status %d, want 400", r.status)
		}
	})
	check(t, "Get_by_a_principal_without_readacl_is_403", func(t *testing.T) {
		if r := s.client("mallory").do(t, request{method: "ACL", uri: nodePath("alice")}); r.status != http.StatusForbidden {
			t.Errorf("status %d, want 403", r.status)
		}
	})
}

// testACLEffects: DECISIONS.md "ACL": evaluation of send-to and presence.
func testACLEffects(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	alice, mallory := s.client("alice"), s.client("mallory")
	alice.signIn(t, newCallback(t, answerKeepAlive, "/alice").url)
	alice.setState(t, "online", "")
	mcb := newCallback(t, answerKeepAlive, "/mallory")
	mallory.signIn(t, mcb.url)
	im := func() int { return mallory.do(t, sendIM("alice", imBody("mallory", "alice", "hello"))).status }
	setACE := func(t *testing.T, creds, grant, deny []string) {
		t.Helper()
		wantStatus(t, alice.do(t, aclSet("alice", ace(rvpPrincipal("mallory"), creds, grant, deny))), http.StatusOK)
	}
	anyCreds := []string{"assertion", "digest", "ntlm"}

	check(t, "Send-to_denied_is_403", func(t *testing.T) {
		setACE(t, anyCreds, nil, []string{"send-to"})
		if c := im(); c != http.StatusForbidden {
			t.Errorf("status %d, want 403", c)
		}
	})
	check(t, "Deny_wins_over_grant_within_one_ACE", func(t *testing.T) {
		setACE(t, anyCreds, []string{"send-to"}, []string{"send-to"})
		if c := im(); c != http.StatusForbidden {
			t.Errorf("status %d, want 403", c)
		}
	})
	check(t, "A_right_the_ACE_does_not_name_falls_through_to_allprincipals", func(t *testing.T) {
		setACE(t, anyCreds, nil, []string{"presence"})
		if c := im(); c != http.StatusOK {
			t.Errorf("status %d, want 200 (send-to granted to allprincipals)", c)
		}
	})
	check(t, "Digest_satisfies_an_ACE_listing_only_assertion", func(t *testing.T) {
		setACE(t, []string{"assertion"}, nil, []string{"send-to"})
		if c := im(); c != http.StatusForbidden {
			t.Errorf("status %d, want 403", c)
		}
	})
	check(t, "Other_credentials_than_listed_are_not_listed", func(t *testing.T) {
		setACE(t, []string{"ntlm"}, nil, []string{"send-to"})
		if c := im(); c != http.StatusOK {
			t.Errorf("digest-authenticated sender vs an ntlm-only deny: status %d, want 200", c)
		}
	})
	t.Run("Presence_denied", func(t *testing.T) {
		setACE(t, anyCreds, nil, []string{"presence"})
		sub := mallory.do(t, propchange(mallory, "alice", "14400"))
		check(t, "Subscribe_still_allowed_and_body_says_offline", func(t *testing.T) {
			wantStatus(t, sub, http.StatusMultiStatus)
			if st := propOf(decode(t, sub.body), nsR, "state", "200"); st != "offline" {
				t.Errorf("207 body state %q, want offline", st)
			}
		})
		check(t, "PROPFIND_says_offline", func(t *testing.T) {
			if st := mallory.stateSeenBy(t, "alice"); st != "offline" {
				t.Errorf("state %q, want offline", st)
			}
		})
		check(t, "Change_notifications_if_any_say_offline", func(t *testing.T) {
			alice.setState(t, "busy", "")
			deadline := time.After(time.Second)
			for {
				select {
				case in := <-mcb.got:
					root := decode(t, in.body)
					st := stateToken(root.path(nsR, "propnotification", nsD, "propertyupdate", nsD, "set", nsD, "prop", nsR, "state"))
					if st != "offline" {
						t.Errorf("notified %q, want offline", st)
					}
				case <-deadline:
					return
				}
			}
		})
	})
}
