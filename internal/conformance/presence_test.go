package conformance

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// testProppatch: PROTOCOL.md 5.5 and 12.3, DECISIONS.md "Presence" (lease
// clamp, view-id echo).
func testProppatch(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	alice := s.client("alice")
	first := alice.do(t, proppatch("alice", stateBody("online", "1200", "d", "")))
	var view string
	t.Run("First_PROPPATCH_is_207_echoing_the_leased_value_and_a_view-id", func(t *testing.T) {
		wantStatus(t, first, http.StatusMultiStatus)
		e := echoedState(t, first)
		view = e.viewID
		root := decode(t, first.body)
		if h := root.path(nsD, "response", nsD, "href").trimmed(); h != principal("alice") {
			t.Errorf("d:href %q, want %q", h, principal("alice"))
		}
		if st := root.path(nsD, "response", nsD, "propstat", nsD, "status").trimmed(); !strings.HasPrefix(st, "HTTP/1.1 200") {
			t.Errorf("propstat status %q, want HTTP/1.1 200", st)
		}
		if e.value != "online" || e.deflt != "offline" || e.timeout != "1200" || !isDecimal(e.viewID) {
			t.Errorf("echo %+v, want value online, default offline, timeout 1200, a decimal view-id", e)
		}
		check(t, "timeout_emitted_as_d:timeout", func(t *testing.T) {
			if e.timeoutNS != nsD {
				t.Errorf("timeout element in %q, want DAV:", e.timeoutNS)
			}
		})
		check(t, "XML_literal_form", func(t *testing.T) { checkWire(t, "PROPPATCH 207", first.body) })
		check(t, "Content-Type_text/xml", func(t *testing.T) {
			if ct := first.h("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
				t.Errorf("Content-Type %q", ct)
			}
		})
	})
	check(t, "Refresh_with_view-id_changes_that_view_and_echoes_its_id", func(t *testing.T) {
		r := alice.do(t, proppatch("alice", stateBody("busy", "1200", "d", view)))
		wantStatus(t, r, http.StatusMultiStatus)
		if e := echoedState(t, r); e.viewID != view || e.value != "busy" {
			t.Errorf("echo %+v, want view-id %s and value busy", e, view)
		}
	})
	leases := []struct{ name, asked, ns, want string }{
		{"Lease_timeout_absent_is_1200", "", "d", "1200"},
		{"Lease_timeout_5_is_clamped_to_30", "5", "d", "30"},
		{"Lease_timeout_100000_is_clamped_to_14400", "100000", "d", "14400"},
		{"Lease_timeout_600_is_granted", "600", "d", "600"},
		{"Lease_timeout_as_r:timeout_is_accepted", "700", "r", "700"},
	}
	for _, l := range leases {
		check(t, l.name, func(t *testing.T) {
			r := alice.do(t, proppatch("alice", stateBody("online", l.asked, l.ns, view)))
			wantStatus(t, r, http.StatusMultiStatus)
			if e := echoedState(t, r); e.timeout != l.want || e.viewID != view {
				t.Errorf("asked %q: echo timeout %q view-id %q, want %s and %s", l.asked, e.timeout, e.viewID, l.want, view)
			}
		})
	}
	for _, tc := range []struct{ name, prop, want string }{
		{"Displayname_can_be_set", "<d:displayname>Alice Renamed</d:displayname>", "Alice Renamed"},
		{"Displayname_can_be_set_in_a_leased-value_wrapper",
			"<d:displayname><r:leased-value><r:value>Alice Wrapped</r:value></r:leased-value></d:displayname>", "Alice Wrapped"},
	} {
		check(t, tc.name, func(t *testing.T) {
			body := `<?xml version="1.0"?><d:propertyupdate xmlns:d='DAV:' xmlns:r='http://schemas.microsoft.com/rvp/'><d:set><d:prop>` +
				tc.prop + `</d:prop></d:set></d:propertyupdate>`
			wantStatus(t, alice.do(t, proppatch("alice", []byte(body))), http.StatusMultiStatus)
			r := s.client("bob").do(t, propfind("alice", allprop))
			if got := propOf(decode(t, r.body), nsD, "displayname", "200"); got != tc.want {
				t.Errorf("displayname %q after PROPPATCH, want %q", got, tc.want)
			}
		})
	}
	check(t, "Unknown_state_token_is_accepted_and_relayed", func(t *testing.T) {
		alice.setState(t, "dancing", view)
		if st := s.client("bob").stateSeenBy(t, "alice"); st != "dancing" {
			t.Errorf("bob sees %q, want dancing", st)
		}
	})
}

// flatOffline is the sign-out body of DECISIONS.md "What real clients of
// the 2000s need".
func flatOffline(viewID string) []byte {
	return []byte(`<?xml version="1.0"?><d:propertyupdate xmlns:d='DAV:' xmlns:r='http://schemas.microsoft.com/rvp/'><d:set><d:prop>` +
		`<r:state><r:offline/><r:view-id>` + viewID + `</r:view-id></r:state></d:prop></d:set></d:propertyupdate>`)
}

// testAggregation: DECISIONS.md "Presence": the principal's state over
// several views, offline with and without view-id, invisible.
func testAggregation(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	dave, bob := s.client("dave"), s.client("bob")
	seen := func(t *testing.T, want string) {
		t.Helper()
		if got := bob.stateSeenBy(t, "dave"); got != want {
			t.Errorf("watcher sees %q, want %q", got, want)
		}
	}
	check(t, "No_live_view_is_offline", func(t *testing.T) { seen(t, "offline") })
	v1 := dave.setState(t, "online", "")
	v2 := dave.setState(t, "busy", "")
	check(t, "Two_views_get_two_view-ids", func(t *testing.T) {
		if v1 == v2 {
			t.Errorf("both views got view-id %s", v1)
		}
	})
	check(t, "Most_recently_set_non-idle_view_wins", func(t *testing.T) { seen(t, "busy") })
	dave.setState(t, "idle", v2)
	check(t, "An_idle_view_does_not_hide_a_non-idle_one", func(t *testing.T) { seen(t, "online") })
	dave.setState(t, "idle", v1)
	check(t, "Every_live_view_idle_is_idle", func(t *testing.T) { seen(t, "idle") })
	dave.setState(t, "away", v1)
	check(t, "Offline_with_view-id_ends_only_that_view", func(t *testing.T) {
		wantStatus(t, dave.do(t, proppatch("dave", stateBody("offline", "1200", "d", v1))), http.StatusMultiStatus)
		seen(t, "idle")
	})
	v3 := dave.setState(t, "on-phone", "")
	check(t, "Flat_offline_with_view-id_is_accepted_and_ends_that_view", func(t *testing.T) {
		r := dave.do(t, proppatch("dave", flatOffline(v3)))
		if r.status != http.StatusMultiStatus && r.status != http.StatusOK {
			t.Fatalf("flat sign-out: status %d, want 207 (body %q)", r.status, clip(r.body))
		}
		seen(t, "idle")
	})
	dave.setState(t, "at-lunch", "")
	check(t, "Offline_without_view-id_ends_every_view", func(t *testing.T) {
		wantStatus(t, dave.do(t, proppatch("dave", stateBody("offline", "1200", "d", ""))), http.StatusMultiStatus)
		seen(t, "offline")
	})
}

// testInvisible: invisible is offline to everybody but the principal's
// own logins, in PROPFIND, SUBSCRIBE bodies and NOTIFYs.
func testInvisible(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	carol, bob := s.client("carol"), s.client("bob")
	bobCB, carolCB := newCallback(t, answerKeepAlive, "/bob"), newCallback(t, answerKeepAlive, "/carol")
	bob.signIn(t, bobCB.url)
	carol.signIn(t, carolCB.url)
	view := carol.setState(t, "online", "")
	bob.watch(t, "carol")
	carol.watch(t, "carol") // own-node subscription, as Net::RVP and Miranda do
	carol.setState(t, "invisible", view)

	check(t, "Others_PROPFIND_sees_offline", func(t *testing.T) {
		if st := bob.stateSeenBy(t, "carol"); st != "offline" {
			t.Errorf("bob sees %q, want offline", st)
		}
	})
	check(t, "Own_PROPFIND_sees_invisible", func(t *testing.T) {
		if st := carol.stateSeenBy(t, "carol"); st != "invisible" {
			t.Errorf("carol sees %q, want invisible", st)
		}
	})
	check(t, "Others_SUBSCRIBE_body_says_offline", func(t *testing.T) {
		r := s.client("dave").watch(t, "carol")
		if st := propOf(decode(t, r.body), nsR, "state", "200"); st != "offline" {
			t.Errorf("dave's 207 says %q, want offline", st)
		}
	})
	check(t, "Others_NOTIFY_says_offline", func(t *testing.T) {
		_, st := bobCB.nextPresence(t, "carol", func(st string) bool { return st != "online" }, 5*time.Second)
		if st != "offline" {
			t.Errorf("bob notified %q, want offline", st)
		}
	})
	check(t, "Own_logins_NOTIFY_says_invisible", func(t *testing.T) {
		_, st := carolCB.nextPresence(t, "carol", func(st string) bool { return st != "online" }, 5*time.Second)
		if st != "invisible" {
			t.Errorf("carol's own login notified %q, want invisible", st)
		}
	})
}

// testPropnotification: PROTOCOL.md 5.6 (presence change) and 12.7.
func testPropnotification(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	bob, dave := s.client("bob"), s.client("dave")
	cb := newCallback(t, answerClose, "/secret/bob")
	bob.signIn(t, cb.url)
	bob.watch(t, "dave")
	dave.setState(t, "busy", "")
	in, _ := cb.nextPresence(t, "dave", func(st string) bool { return st == "busy" }, 5*time.Second)

	check(t, "Request_line_is_NOTIFY_to_the_exact_Call-Back_path", func(t *testing.T) {
		if in.requestLine != "NOTIFY /secret/bob HTTP/1.1" {
			t.Errorf("request line %q, want %q", in.requestLine, "NOTIFY /secret/bob HTTP/1.1")
		}
	})
	check(t, "RVP-Notifications-Version_0.2", func(t *testing.T) {
		if v := in.header.Get("RVP-Notifications-Version"); v != "0.2" {
			t.Errorf("RVP-Notifications-Version %q", v)
		}
	})
	check(t, "Host_is_the_callback_host_and_port", func(t *testing.T) {
		if h := in.header.Get("Host"); h != cb.ln.Addr().String() {
			t.Errorf("Host %q, want %q", h, cb.ln.Addr().String())
		}
	})
	check(t, "RVP-From-Principal_is_a_bare_server_name", func(t *testing.T) {
		if v := in.header.Get("RVP-From-Principal"); v == "" || strings.Contains(v, "/") {
			t.Errorf("RVP-From-Principal %q, want a bare server name (section 2.1)", v)
		}
	})
	check(t, "Content-Length_never_chunked", func(t *testing.T) {
		if !in.hasLength || in.chunked {
			t.Errorf("Content-Length present %v, chunked %v", in.hasLength, in.chunked)
		}
	})
	check(t, "Content-Type_text/xml", func(t *testing.T) {
		if ct := in.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
			t.Errorf("Content-Type %q", ct)
		}
	})
	check(t, "Body_from_to_and_flattened_r:state", func(t *testing.T) {
		root := decode(t, in.body)
		pn := root.child(nsR, "propnotification")
		if !root.is(nsR, "notification") || pn == nil {
			t.Fatalf("want r:notification/r:propnotification, got\n%s", in.body)
		}
		if h := pn.path(nsR, "notification-from", nsR, "contact", nsD, "href").trimmed(); h != principal("dave") {
			t.Errorf("notification-from href %q", h)
		}
		if h := pn.path(nsR, "notification-to", nsR, "contact", nsD, "href").trimmed(); h != principal("bob") {
			t.Errorf("notification-to href %q", h)
		}
		state := pn.path(nsD, "propertyupdate", nsD, "set", nsD, "prop", nsR, "state")
		if stateToken(state) != "busy" || state.child(nsR, "leased-value") != nil {
			t.Errorf("r:state not flattened to <r:busy/>:\n%s", in.body)
		}
	})
	check(t, "XML_literal_form", func(t *testing.T) { checkWire(t, "propnotification", in.body) })
	check(t, "r:state_is_the_first_child_of_d:prop", func(t *testing.T) {
		prop := decode(t, in.body).path(nsR, "propnotification", nsD, "propertyupdate", nsD, "set", nsD, "prop")
		if prop == nil || len(prop.kids) == 0 || !prop.kids[0].is(nsR, "state") {
			t.Errorf("first child of d:prop is not r:state:\n%s", in.body)
		}
	})
}

// testLeaseExpiry: PROTOCOL.md 5.5: a lease that is not refreshed reverts
// to its default (offline) and watchers are told. Takes the least lease
// rvpd grants (30 s) of real time.
func testLeaseExpiry(t *testing.T) {
	if testing.Short() {
		t.Skip("waits 30 s of real time")
	}
	t.Parallel()
	s := startServer(t, serverConfig{})
	bob, dave := s.client("bob"), s.client("dave")
	cb := newCallback(t, answerKeepAlive, "/b")
	bob.signIn(t, cb.url)
	bob.watch(t, "dave")
	r := dave.do(t, proppatch("dave", stateBody("away", "30", "d", "")))
	wantStatus(t, r, http.StatusMultiStatus)
	set := time.Now()
	cb.nextPresence(t, "dave", func(st string) bool { return st == "away" }, 5*time.Second)
	check(t, "Expired_lease_reverts_to_offline_and_watchers_are_notified", func(t *testing.T) {
		cb.nextPresence(t, "dave", func(st string) bool { return st == "offline" }, 40*time.Second)
		if d := time.Since(set); d < 29*time.Second {
			t.Errorf("offline after %v, before the 30 s lease ran out", d)
		}
		if st := bob.stateSeenBy(t, "dave"); st != "offline" {
			t.Errorf("PROPFIND after expiry: %q, want offline", st)
		}
	})
}
