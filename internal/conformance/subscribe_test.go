package conformance

import (
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

func renew(target, id, lifetime string) request {
	return request{method: "SUBSCRIBE", uri: nodePath(target),
		header: []string{"Subscription-Id: " + id, "Subscription-Lifetime: " + lifetime}}
}

func unsubscribe(target, id string) request {
	return request{method: "UNSUBSCRIBE", uri: nodePath(target), header: []string{"Subscription-Id: " + id}}
}

func subscriptions(target, typ string) request {
	return request{method: "SUBSCRIPTIONS", uri: nodePath(target), header: []string{"Notification-Type: " + typ}}
}

func isDecimal(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// testSubscribe: PROTOCOL.md 5.1, 5.2, 12.1, 12.2, 12.9.
func testSubscribe(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	alice, bob := s.client("alice"), s.client("bob")
	cb := newCallback(t, answerKeepAlive, "/alice")

	lr := alice.do(t, login(alice, cb.url, "14400"))
	check(t, "Login_is_200_with_decimal_Subscription-Id_and_Subscription-Lifetime", func(t *testing.T) {
		wantStatus(t, lr, http.StatusOK)
		if id := lr.h("Subscription-Id"); !isDecimal(id) {
			t.Errorf("Subscription-Id %q is not a decimal integer", id)
		}
		if l := lr.h("Subscription-Lifetime"); l != "14400" {
			t.Errorf("Subscription-Lifetime %q, want 14400", l)
		}
	})
	wantFramed(t, lr)

	pr := bob.do(t, propchange(bob, "alice", "14400"))
	t.Run("Propchange_is_207_with_the_current_properties", func(t *testing.T) {
		wantStatus(t, pr, http.StatusMultiStatus)
		check(t, "ids_in_headers", func(t *testing.T) {
			if !isDecimal(pr.h("Subscription-Id")) || pr.h("Subscription-Lifetime") != "14400" {
				t.Errorf("Subscription-Id %q, Subscription-Lifetime %q", pr.h("Subscription-Id"), pr.h("Subscription-Lifetime"))
			}
		})
		check(t, "Content-Type_text/xml", func(t *testing.T) {
			if ct := pr.h("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
				t.Errorf("Content-Type %q", ct)
			}
		})
		check(t, "body_multistatus_href_and_props", func(t *testing.T) { checkPropsBody(t, pr.body, "alice") })
		check(t, "XML_literal_form", func(t *testing.T) { checkWire(t, "SUBSCRIBE 207", pr.body) })
		check(t, "r:state_is_the_first_child_of_d:prop", func(t *testing.T) { stateFirst(t, pr.body) })
	})

	check(t, "Duplicates_are_not_merged", func(t *testing.T) {
		again := bob.do(t, propchange(bob, "alice", "14400"))
		wantStatus(t, again, http.StatusMultiStatus)
		if again.h("Subscription-Id") == pr.h("Subscription-Id") {
			t.Errorf("second identical SUBSCRIBE got the same id %s", again.h("Subscription-Id"))
		}
	})
	check(t, "Renewal_is_200_headers_only", func(t *testing.T) {
		r := bob.do(t, renew("alice", pr.h("Subscription-Id"), "14400"))
		wantStatus(t, r, http.StatusOK)
		if r.h("Subscription-Id") != pr.h("Subscription-Id") || r.h("Subscription-Lifetime") != "14400" {
			t.Errorf("renewal headers Subscription-Id %q Subscription-Lifetime %q, want %q 14400",
				r.h("Subscription-Id"), r.h("Subscription-Lifetime"), pr.h("Subscription-Id"))
		}
		if len(r.body) != 0 {
			t.Errorf("renewal has a body: %q", clip(r.body))
		}
	})
	check(t, "UNSUBSCRIBE_is_200_and_ends_the_notifications", func(t *testing.T) {
		carol := s.client("carol")
		cb := newCallback(t, answerKeepAlive, "/carol")
		carol.signIn(t, cb.url)
		id := carol.watch(t, "alice").h("Subscription-Id")
		wantStatus(t, carol.do(t, unsubscribe("alice", id)), http.StatusOK)
		alice.setState(t, "busy", "")
		cb.none(t, 500*time.Millisecond)
	})
}

// stateFirst: old clients take the first child of d:prop as the state
// (DECISIONS.md "What real clients of the 2000s need", PROTOCOL.md 12.2).
func stateFirst(t *testing.T, body []byte) {
	t.Helper()
	root := decode(t, body)
	prop := root.path(nsD, "response", nsD, "propstat", nsD, "prop")
	if prop == nil || len(prop.kids) == 0 || !prop.kids[0].is(nsR, "state") {
		t.Errorf("first child of the first d:prop is not r:state:\n%s", body)
	}
}

// checkPropsBody checks a d:multistatus with alias's five properties.
func checkPropsBody(t *testing.T, body []byte, alias string) {
	t.Helper()
	root := decode(t, body)
	if !root.is(nsD, "multistatus") {
		t.Fatalf("root %v, want DAV: multistatus", root.name)
	}
	resp := root.child(nsD, "response")
	if href := resp.child(nsD, "href").trimmed(); href != principal(alias) {
		t.Errorf("d:href %q, want %q", href, principal(alias))
	}
	if st := propOf(root, nsR, "state", "200"); st == "" {
		t.Errorf("no r:state token in a 200 propstat")
	}
	if dn := propOf(root, nsD, "displayname", "200"); dn != displayName(alias) {
		t.Errorf("d:displayname %q, want %q", dn, displayName(alias))
	}
	for _, p := range []string{"email", "mobile-state", "mobile-description"} {
		found := false
		for _, ps := range resp.all(nsD, "propstat") {
			found = found || ps.child(nsD, "prop").child(nsR, p) != nil
		}
		if !found {
			t.Errorf("no r:%s", p)
		}
	}
}

// testSubscriptionDecisions: DECISIONS.md "Subscriptions".
func testSubscriptionDecisions(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	alice := s.client("alice")
	cb := newCallback(t, answerKeepAlive, "/a")
	lifetimes := []struct{ name, asked, want string }{
		{"No_Subscription-Lifetime_is_granted_14400_and_said", "", "14400"},
		{"Lifetime_10_is_clamped_to_60", "10", "60"},
		{"Lifetime_0_is_clamped_to_60", "0", "60"},
		{"Lifetime_100000_is_clamped_to_86400", "100000", "86400"},
		{"Lifetime_3600_is_granted", "3600", "3600"},
	}
	for _, lt := range lifetimes {
		check(t, "Login_"+lt.name, func(t *testing.T) {
			r := alice.do(t, login(alice, cb.url, lt.asked))
			wantStatus(t, r, http.StatusOK)
			if got := r.h("Subscription-Lifetime"); got != lt.want {
				t.Errorf("asked %q: Subscription-Lifetime %q, want %s", lt.asked, got, lt.want)
			}
		})
		check(t, "Propchange_"+lt.name, func(t *testing.T) {
			r := alice.do(t, propchange(alice, "bob", lt.asked))
			wantStatus(t, r, http.StatusMultiStatus)
			if got := r.h("Subscription-Lifetime"); got != lt.want {
				t.Errorf("asked %q: Subscription-Lifetime %q, want %s", lt.asked, got, lt.want)
			}
		})
	}
	sub := alice.watch(t, "bob").h("Subscription-Id")
	check(t, "Renewal_lifetime_is_clamped_too", func(t *testing.T) {
		r := alice.do(t, renew("bob", sub, "5"))
		wantStatus(t, r, http.StatusOK)
		if got := r.h("Subscription-Lifetime"); got != "60" {
			t.Errorf("renewal asking 5: Subscription-Lifetime %q, want 60", got)
		}
	})
	check(t, "Renewal_with_unknown_Subscription-Id_is_404", func(t *testing.T) {
		if r := alice.do(t, renew("bob", "987654321", "14400")); r.status != http.StatusNotFound {
			t.Errorf("status %d, want 404", r.status)
		}
	})
	check(t, "UNSUBSCRIBE_with_unknown_Subscription-Id_is_404", func(t *testing.T) {
		if r := alice.do(t, unsubscribe("bob", "987654321")); r.status != http.StatusNotFound {
			t.Errorf("status %d, want 404", r.status)
		}
	})
	check(t, "Renewal_and_UNSUBSCRIBE_of_a_cancelled_subscription_are_404", func(t *testing.T) {
		wantStatus(t, alice.do(t, unsubscribe("bob", sub)), http.StatusOK)
		if r := alice.do(t, unsubscribe("bob", sub)); r.status != http.StatusNotFound {
			t.Errorf("second UNSUBSCRIBE: status %d, want 404", r.status)
		}
		if r := alice.do(t, renew("bob", sub, "14400")); r.status != http.StatusNotFound {
			t.Errorf("renewal after UNSUBSCRIBE: status %d, want 404", r.status)
		}
	})
	check(t, "UNSUBSCRIBE_of_a_login_is_200_and_ends_it", func(t *testing.T) {
		dave := s.client("dave")
		id := dave.signIn(t, newCallback(t, answerKeepAlive, "/d").url)
		wantStatus(t, dave.do(t, unsubscribe("dave", id)), http.StatusOK)
		r := alice.do(t, sendIM("dave", imBody("alice", "dave", "are you there?")))
		if r.status != http.StatusPreconditionFailed {
			t.Errorf("NOTIFY after the only login was cancelled: status %d, want 412", r.status)
		}
	})
	check(t, "SUBSCRIPTIONS_pragma_notify_on_own_node_lists_all_live_logins", func(t *testing.T) {
		carol := s.client("carol")
		ids := []string{carol.signIn(t, newCallback(t, answerKeepAlive, "/c1").url),
			carol.signIn(t, newCallback(t, answerKeepAlive, "/c2").url),
			carol.pollLogin(t, "").h("Subscription-Id")}
		r := carol.do(t, subscriptions("carol", "pragma/notify"))
		wantStatus(t, r, http.StatusOK)
		got := listedIDs(t, r.body)
		slices.Sort(ids)
		if !slices.Equal(got, ids) {
			t.Errorf("listed ids %v, want the live logins %v", got, ids)
		}
		checkWire(t, "SUBSCRIPTIONS", r.body)
	})
}

func listedIDs(t *testing.T, body []byte) []string {
	t.Helper()
	root := decode(t, body)
	if !root.is(nsR, "subscriptions") {
		t.Fatalf("root %v, want r:subscriptions", root.name)
	}
	var ids []string
	for _, s := range root.all(nsR, "subscription") {
		ids = append(ids, s.child(nsR, "subscription-id").trimmed())
	}
	slices.Sort(ids)
	return ids
}

// testSubscriptions: PROTOCOL.md 5.3 and 12.8 (who watches me).
func testSubscriptions(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	alice := s.client("alice")
	byID := map[string]string{}
	for _, w := range []string{"bob", "carol"} {
		byID[s.client(w).watch(t, "alice").h("Subscription-Id")] = w
	}
	r := alice.do(t, subscriptions("alice", "update/propchange"))
	check(t, "200_text/xml", func(t *testing.T) {
		wantStatus(t, r, http.StatusOK)
		if ct := r.h("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
			t.Errorf("Content-Type %q", ct)
		}
	})
	wantFramed(t, r)
	check(t, "One_r:subscription_per_watcher_with_id_href_principal_timeout", func(t *testing.T) {
		root := decode(t, r.body)
		subs := root.all(nsR, "subscription")
		if len(subs) != len(byID) {
			t.Fatalf("%d subscriptions listed, want %d:\n%s", len(subs), len(byID), r.body)
		}
		for _, sub := range subs {
			id := sub.child(nsR, "subscription-id").trimmed()
			who, ok := byID[id]
			if !ok {
				t.Errorf("unknown subscription-id %q", id)
				continue
			}
			if p := sub.path(nsA, "principal", nsA, "rvp-principal").trimmed(); p != principal(who) {
				t.Errorf("id %s: a:rvp-principal %q, want %q", id, p, principal(who))
			}
			if h := sub.child(nsD, "href"); h == nil {
				t.Errorf("id %s: no d:href", id)
			}
			to, err := strconv.Atoi(sub.child(nsD, "timeout").trimmed())
			if err != nil || to <= 0 || to > 14400 {
				t.Errorf("id %s: d:timeout %q, want seconds remaining in (0, 14400]", id, sub.child(nsD, "timeout").trimmed())
			}
		}
	})
	check(t, "XML_literal_form", func(t *testing.T) { checkWire(t, "SUBSCRIPTIONS", r.body) })
}

// testExpiry: DECISIONS.md "Subscriptions" / PROTOCOL.md 5.2: a lease
// ends by itself. Needs the least lifetime rvpd grants (60 s) of real
// time, so it runs only with RVP_CONFORMANCE_SLOW set.
func testExpiry(t *testing.T) {
	if os.Getenv("RVP_CONFORMANCE_SLOW") == "" {
		t.Skip("waits 60 s of real time; set RVP_CONFORMANCE_SLOW=1")
	}
	t.Parallel()
	s := startServer(t, serverConfig{})
	alice, bob := s.client("alice"), s.client("bob")
	cb := newCallback(t, answerKeepAlive, "/bob")
	lr := bob.do(t, login(bob, cb.url, "60"))
	wantStatus(t, lr, http.StatusOK)
	pr := bob.do(t, propchange(bob, "alice", "60"))
	wantStatus(t, pr, http.StatusMultiStatus)
	time.Sleep(62 * time.Second) // real server time must pass
	check(t, "Expired_login_no_longer_receives_412", func(t *testing.T) {
		if r := alice.do(t, sendIM("bob", imBody("alice", "bob", "gone?"))); r.status != http.StatusPreconditionFailed {
			t.Errorf("status %d, want 412", r.status)
		}
	})
	check(t, "Expired_subscription_is_not_listed_and_renewal_is_404", func(t *testing.T) {
		r := alice.do(t, subscriptions("alice", "update/propchange"))
		wantStatus(t, r, http.StatusOK)
		if ids := listedIDs(t, r.body); len(ids) != 0 {
			t.Errorf("listed %v after expiry", ids)
		}
		if r := bob.do(t, renew("alice", pr.h("Subscription-Id"), "60")); r.status != http.StatusNotFound {
			t.Errorf("renewal after expiry: status %d, want 404", r.status)
		}
	})
}
