package conformance

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// testNamespaceAwareInput: PROTOCOL.md section 4: on input the server is
// namespace-aware (the draft's examples use D:/Z:/A: and clients may use a
// default namespace).
func testNamespaceAwareInput(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	alice, bob := s.client("alice"), s.client("bob")
	check(t, "PROPPATCH_with_D:_and_Z:_prefixes", func(t *testing.T) {
		body := `<?xml version="1.0"?><D:propertyupdate xmlns:D="DAV:" xmlns:Z="http://schemas.microsoft.com/rvp/"><D:set><D:prop>` +
			`<Z:state><Z:leased-value><Z:value><Z:busy/></Z:value><Z:default-value><Z:offline/></Z:default-value><D:timeout>1200</D:timeout>` +
			`</Z:leased-value></Z:state></D:prop></D:set></D:propertyupdate>`
		wantStatus(t, alice.do(t, proppatch("alice", []byte(body))), http.StatusMultiStatus)
		if st := bob.stateSeenBy(t, "alice"); st != "busy" {
			t.Errorf("state %q, want busy", st)
		}
	})
	check(t, "PROPFIND_in_a_default_namespace", func(t *testing.T) {
		r := bob.do(t, propfind("alice", []byte(`<?xml version="1.0"?><propfind xmlns="DAV:"><allprop/></propfind>`)))
		wantStatus(t, r, http.StatusMultiStatus)
		checkPropsBody(t, r.body, "alice")
	})
	check(t, "ACL_set_with_A:_prefix", func(t *testing.T) {
		body := `<?xml version="1.0"?><A:rvpacl xmlns:A="http://schemas.microsoft.com/rvp/acl/"><A:acl><A:inheritance>none</A:inheritance>` +
			`<A:ace><A:principal><A:rvp-principal>` + principal("mallory") + `</A:rvp-principal><A:credentials><A:assertion/></A:credentials></A:principal>` +
			`<A:grant/><A:deny><A:send-to/></A:deny></A:ace></A:acl></A:rvpacl>`
		wantStatus(t, alice.do(t, request{method: "ACL", uri: nodePath("alice"), body: []byte(body)}), http.StatusOK)
		_, aces := alice.getACL(t, "alice")
		if m := findACE(aces, principal("mallory")); m == nil || !slices.Equal(m.deny, []string{"send-to"}) {
			t.Errorf("mallory's ACE %+v, want deny send-to", m)
		}
	})
}

// testStateTokens: PROTOCOL.md section 6: every wire token is accepted
// and shown to a watcher (invisible as offline).
func testStateTokens(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	dave, bob := s.client("dave"), s.client("bob")
	view := dave.setState(t, "online", "")
	for _, tok := range []string{"online", "away", "busy", "back-soon", "on-phone", "at-lunch", "idle", "invisible", "offline"} {
		check(t, tok, func(t *testing.T) {
			r := dave.do(t, proppatch("dave", stateBody(tok, "1200", "d", view)))
			if r.status != http.StatusMultiStatus {
				t.Fatalf("PROPPATCH %s: status %d", tok, r.status)
			}
			want := tok
			if tok == "invisible" {
				want = "offline"
			}
			if got := bob.stateSeenBy(t, "dave"); got != want {
				t.Errorf("watcher sees %q, want %q", got, want)
			}
		})
	}
}

// testAckTypes: PROTOCOL.md 10 rule 4: DeepOr succeeds when one final
// destination accepted, DeepAnd only when all did.
func testAckTypes(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	bob := s.client("bob")
	bob.signIn(t, newCallback(t, answer500, "/left").url)
	bob.signIn(t, newCallback(t, answerKeepAlive, "/here").url)
	send := func(ack string) int {
		req := sendIM("bob", imBody("alice", "bob", ack))
		req.header[0] = "RVP-Ack-Type: " + ack
		return s.client("alice").do(t, req).status
	}
	check(t, "DeepOr_succeeds_when_one_login_accepted", func(t *testing.T) {
		if c := send("DeepOr"); c != http.StatusOK {
			t.Errorf("status %d, want 200", c)
		}
	})
	check(t, "DeepAnd_fails_when_one_login_refused", func(t *testing.T) {
		if c := send("DeepAnd"); c == http.StatusOK {
			t.Errorf("status 200 although one of two logins answered 500")
		}
	})
}

// testSubscribeRights: PROTOCOL.md 5.1/5.7: subscribe-others gates
// foreign callbacks, subscriptions gates the watcher list.
func testSubscribeRights(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	mallory := s.client("mallory")
	check(t, "Login_subscription_on_someone_elses_node_needs_subscribe-others", func(t *testing.T) {
		req := login(mallory, newCallback(t, answerKeepAlive, "/m").url, "14400")
		req.uri = nodePath("alice")
		if r := mallory.do(t, req); r.status != http.StatusForbidden {
			t.Errorf("status %d, want 403", r.status)
		}
	})
	check(t, "Propchange_with_someone_elses_Call-Back_needs_subscribe-others", func(t *testing.T) {
		req := propchange(mallory, "alice", "14400")
		req.header[1] = "Call-Back: " + principal("carol")
		if r := mallory.do(t, req); r.status != http.StatusForbidden {
			t.Errorf("status %d, want 403", r.status)
		}
	})
	check(t, "SUBSCRIPTIONS_of_someone_elses_node_needs_subscriptions", func(t *testing.T) {
		if r := mallory.do(t, subscriptions("alice", "update/propchange")); r.status != http.StatusForbidden {
			t.Errorf("status %d, want 403", r.status)
		}
	})
}

// testForeign: DECISIONS.md "Authentication": a request from a principal
// of a domain this server does not serve is judged by assertion ACEs.
func testForeign(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	alice := s.client("alice")
	alice.signIn(t, newCallback(t, answerKeepAlive, "/a").url)
	const zed = "http://other.example/instmsg/aliases/zed"
	foreign := &client{s: s, alias: "zed", from: zed, host: domain}
	im := func() int {
		r, err := exchange(s.addr, "NOTIFY", foreign.raw(sendIM("alice", imBody("alice", "alice", "from afar")), ""), 0)
		if err != nil {
			t.Fatal(err)
		}
		return r.status
	}
	check(t, "Foreign_NOTIFY_without_credentials_allowed_by_allprincipals_assertion", func(t *testing.T) {
		if c := im(); c != http.StatusOK {
			t.Errorf("status %d, want 200", c)
		}
	})
	check(t, "Foreign_NOTIFY_denied_by_an_assertion_ACE_is_403", func(t *testing.T) {
		wantStatus(t, alice.do(t, aclSet("alice", ace("<a:rvp-principal>"+zed+"</a:rvp-principal>", []string{"assertion"}, nil, []string{"send-to"}))), http.StatusOK)
		if c := im(); c != http.StatusForbidden {
			t.Errorf("status %d, want 403", c)
		}
	})
}

// testNoPort80: PROTOCOL.md 2.1: never :80 in URLs the server writes.
func testNoPort80(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	for _, tc := range []struct{ name, uri, host string }{
		{"Host_with_:80", nodePath("bob"), domain + ":80"},
		{"Absolute_Request-URI_with_:80", "http://" + domain + ":80" + nodePath("bob"), domain + ":80"},
	} {
		check(t, tc.name, func(t *testing.T) {
			req := propfind("bob", allprop)
			req.uri, req.host = tc.uri, tc.host
			r := s.client("alice").do(t, req)
			wantStatus(t, r, http.StatusMultiStatus)
			if h := decode(t, r.body).path(nsD, "response", nsD, "href").trimmed(); strings.Contains(h, ":80") {
				t.Errorf("d:href %q carries :80", h)
			}
		})
	}
}

// testSequencesDurable: POLLING.md section 3/4: sequences only grow, also
// across a restart; an unlimited PollMsgLimit holds more than 100 items.
func testSequencesDurable(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{flags: append([]string{"-poll-msg-limit", "4294967295", "-poll-msg-kbyte-limit", "4294967295"}, shortHolds...)})
	id := s.client("bob").pollLogin(t, "").h("Subscription-Id")
	check(t, "PollMsgLimit_4294967295_is_unlimited", func(t *testing.T) {
		queueIMs(t, s.client("carol"), "bob", 120, "unlimited")
	})
	s.client("bob").poll(t, id, "", 0)
	s.client("bob").poll(t, id, "", 64)
	r, _ := s.client("bob").poll(t, id, "1", 120)
	if r.status != http.StatusNoContent {
		t.Fatalf("status %d after acknowledging everything", r.status)
	}
	s = s.restart(t)
	check(t, "Sequences_keep_growing_after_a_restart", func(t *testing.T) {
		queueIMs(t, s.client("carol"), "bob", 1, "after restart")
		_, items := s.client("bob").poll(t, id, "", 120)
		if got := seqs(items); !slices.Equal(got, []int{121}) {
			t.Errorf("sequences %v, want [121]", got)
		}
	})
}

// testHostNamePrincipal: PROTOCOL.md 2.2 step 5: Miranda builds its
// principal URL from the SRV target (im.example.com for alice@example.com);
// with that name configured as a HostName the server must treat such a
// client as the local user it is.
func testHostNamePrincipal(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{flags: []string{"-host-names", "im.example.com"}})
	const imHost = "im.example.com"
	miranda := func(alias string) *client {
		c := s.client(alias)
		c.host, c.from = imHost, "http://"+imHost+nodePath(alias)
		return c
	}
	alice, bob := miranda("alice"), miranda("bob")
	cb := newCallback(t, answerKeepAlive, "/alice")
	check(t, "Login_with_a_HostName_principal", func(t *testing.T) {
		wantStatus(t, alice.do(t, login(alice, cb.url, "14400")), http.StatusOK)
	})
	check(t, "PROPPATCH_of_own_node", func(t *testing.T) {
		alice.setState(t, "online", "")
	})
	var sub *response
	check(t, "Propchange_with_own_HostName_principal_as_Call-Back", func(t *testing.T) {
		req := propchange(alice, "bob", "14400")
		req.header[1] = "Call-Back: " + alice.from
		sub = alice.do(t, req)
		wantStatus(t, sub, http.StatusMultiStatus)
	})
	bob.setState(t, "busy", "")
	var in notifyIn
	check(t, "Presence_reaches_the_login", func(t *testing.T) {
		in, _ = cb.nextPresenceHref(t, "", func(st string) bool { return st == "busy" }, 5*time.Second)
	})
	// DECISIONS.md: "d:href and every principal URL the server sends must
	// match the client's principal URL exactly"; this client names bob
	// http://im.example.com/instmsg/aliases/bob.
	check(t, "Hrefs_are_in_the_clients_own_form", func(t *testing.T) {
		want := "http://" + imHost + nodePath("bob")
		if sub != nil {
			if h := decode(t, sub.body).path(nsD, "response", nsD, "href").trimmed(); h != want {
				t.Errorf("SUBSCRIBE 207 d:href %q, want %q", h, want)
			}
		}
		if in.body == nil {
			t.Fatal("no presence NOTIFY to check")
		}
		from := decode(t, in.body).path(nsR, "propnotification", nsR, "notification-from", nsR, "contact", nsD, "href").trimmed()
		if from != want {
			t.Errorf("propnotification notification-from %q, want %q", from, want)
		}
	})
	check(t, "IM_reaches_the_login", func(t *testing.T) {
		body := imBody("bob", "alice", "via the SRV host")
		wantStatus(t, bob.do(t, sendIM("alice", body)), http.StatusOK)
	})
}
