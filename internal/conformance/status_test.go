package conformance

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"time"
)

// statusCase is one request and the status the contract names for it.
type statusCase struct {
	name string
	as   string // the sending user
	req  request
	want int
}

// wantFramed checks what every answer needs whatever its code:
// RVP-Notifications-Version 0.2 (PROTOCOL.md sections 1, 3, 14.8) and
// Content-Length framing, never chunked (DECISIONS.md "XML"; 204 carries
// no body and RFC 9110 forbids Content-Length on it).
func wantFramed(t *testing.T, r *response) {
	t.Helper()
	check(t, "RVP-Notifications-Version_0.2", func(t *testing.T) {
		if v := r.header.Values("RVP-Notifications-Version"); len(v) != 1 || v[0] != "0.2" {
			t.Errorf("status %d: RVP-Notifications-Version %q, want exactly one \"0.2\"", r.status, v)
		}
	})
	check(t, "Content-Length_never_chunked", func(t *testing.T) {
		if r.chunked {
			t.Errorf("status %d: chunked transfer coding", r.status)
		}
		if !r.hasLength && r.status != http.StatusNoContent {
			t.Errorf("status %d: no Content-Length", r.status)
		}
	})
}

// runStatusCases runs each case as a subtest with the framing checks.
func runStatusCases(t *testing.T, s *server, cases []statusCase) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := s.client(tc.as).do(t, tc.req)
			check(t, "status", func(t *testing.T) {
				if r.status != tc.want {
					t.Errorf("%s %s: status %d, want %d (body %q)", tc.req.method, tc.req.uri, r.status, tc.want, clip(r.body))
				}
			})
			wantFramed(t, r)
		})
	}
}

// testStatusCodes: DECISIONS.md "Status codes", every row and every
// required header, plus the limits at their exact boundary.
func testStatusCodes(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	alice := s.client("alice")
	alice.signIn(t, newCallback(t, answerKeepAlive, "/cb").url)
	alice.aclDeny(t, "mallory", "send-to")

	bigNotify := append(imBody("carol", "alice", ""), bytes.Repeat([]byte("x"), 1<<20)...)
	atNotifyLimit := padXML(imBody("carol", "alice", "at the limit"), 1<<20)
	bigPatch := padXML(stateBody("online", "1200", "d", ""), 64<<10+1)
	atPatchLimit := padXML(stateBody("online", "1200", "d", ""), 64<<10)
	justOver := headerPadded(alice, propfind("bob", allprop), 64<<10+1)
	wellOver := headerPadded(alice, propfind("bob", allprop), 80<<10)
	bad := []byte(`<?xml version="1.0"?><d:propertyupdate xmlns:d='DAV:'><d:set>`)

	runStatusCases(t, s, []statusCase{
		{"PROPPATCH_on_someone_elses_node_is_403", "alice", proppatch("bob", stateBody("online", "1200", "d", "")), 403},
		{"ACL_set_on_someone_elses_node_is_403", "alice", aclSet("bob", ace(rvpPrincipal("carol"), []string{"assertion"}, nil, []string{"send-to"})), 403},
		{"NOTIFY_to_an_alias_that_does_not_exist_is_404", "alice", sendIM("nobody", imBody("alice", "nobody", "hi")), 404},
		{"NOTIFY_to_an_existing_user_with_no_live_login_is_412", "alice", sendIM("bob", imBody("alice", "bob", "hi")), 412},
		{"NOTIFY_refused_by_send-to_is_403", "mallory", sendIM("alice", imBody("mallory", "alice", "hi")), 403},
		{"Malformed_XML_PROPPATCH_is_400", "alice", proppatch("alice", bad), 400},
		{"Malformed_XML_PROPFIND_is_400", "alice", propfind("bob", bad), 400},
		{"Malformed_XML_ACL_set_is_400", "alice", request{method: "ACL", uri: nodePath("alice"), body: bad}, 400},
		{"Malformed_XML_NOTIFY_is_400", "carol", sendIM("alice", bad), 400},
		{"SUBSCRIBE_without_Notification-Type_is_400", "alice", request{method: "SUBSCRIBE", uri: nodePath("bob"),
			header: []string{"Call-Back: " + principal("alice"), "Subscription-Lifetime: 14400"}}, 400},
		{"SUBSCRIBE_without_Call-Back_is_400", "alice", request{method: "SUBSCRIBE", uri: nodePath("bob"),
			header: []string{"Notification-Type: update/propchange", "Subscription-Lifetime: 14400"}}, 400},
		{"UNSUBSCRIBE_without_Subscription-Id_is_400", "alice", request{method: "UNSUBSCRIBE", uri: nodePath("bob")}, 400},
		{"POLL_without_Subscription-Id_is_400", "alice", request{method: "POLL", uri: nodePath("alice"), header: []string{"RVP-Poll-Ack: 0"}}, 400},
		{"PROPFIND_without_Depth_is_412", "alice", request{method: "PROPFIND", uri: nodePath("bob"), body: allprop}, 412},
		{"PROPFIND_with_Depth_1_is_412", "alice", request{method: "PROPFIND", uri: nodePath("bob"), body: allprop, header: []string{"Depth: 1"}}, 412},
		{"PROPFIND_with_Depth_infinity_is_412", "alice", request{method: "PROPFIND", uri: nodePath("bob"), body: allprop, header: []string{"Depth: infinity"}}, 412},
		{"NOTIFY_body_over_1MiB_is_413", "carol", sendIM("alice", bigNotify), 413},
		{"NOTIFY_body_of_exactly_1MiB_is_delivered", "carol", sendIM("alice", atNotifyLimit), 200},
		{"PROPPATCH_body_over_64KiB_is_413", "alice", proppatch("alice", bigPatch), 413},
		{"PROPPATCH_body_of_exactly_64KiB_is_accepted", "alice", proppatch("alice", atPatchLimit), 207},
		{"PROPFIND_body_over_64KiB_is_413", "alice", propfind("bob", padXML(allprop, 64<<10+1)), 413},
		{"ACL_body_over_64KiB_is_413", "alice", aclSet("alice", ace(rvpPrincipal("carol"), []string{"assertion"}, nil, []string{"send-to"}), strings.Repeat("<!-- pad -->", 6000)), 413},
		{"Header_section_of_64KiB_plus_1_byte_is_431", "alice", justOver, 431},
		{"Header_section_of_80KiB_is_431", "alice", wellOver, 431},
	})
}

// headerPadded adds an X-Padding header so that the unauthenticated
// request's header section (request line through the blank line) is
// exactly n bytes.
func headerPadded(c *client, r request, n int) request {
	r.header = append(r.header, "X-Padding: ")
	head := len(c.raw(r, "")) - len(r.body)
	r.header[len(r.header)-1] += strings.Repeat("p", n-head)
	return r
}

// padXML pads an XML document with a comment after the root element to
// exactly n bytes (still well-formed).
func padXML(doc []byte, n int) []byte {
	const open, end = "<!--", "-->"
	fill := n - len(doc) - len(open) - len(end)
	if fill < 0 {
		panic("padXML: document longer than n")
	}
	out := append([]byte(nil), doc...)
	out = append(out, open...)
	out = append(out, bytes.Repeat([]byte("x"), fill)...)
	return append(out, end...)
}

// testProtocolStatusCodes: PROTOCOL.md section 11 and 5.8 (methods).
func testProtocolStatusCodes(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	var cases []statusCase
	for _, m := range []string{"GET", "HEAD", "POST", "PUT", "LOCK", "UNLOCK", "OPTIONS"} {
		cases = append(cases, statusCase{m + "_is_501", "alice", request{method: m, uri: nodePath("alice")}, 501})
	}
	for _, m := range []string{"COPY", "MOVE"} {
		cases = append(cases, statusCase{m + "_is_405", "alice", request{method: m, uri: nodePath("alice")}, 405})
	}
	runStatusCases(t, s, cases)

	t.Run("401_without_credentials", func(t *testing.T) {
		r, err := exchange(s.addr, "PROPFIND", s.client("alice").raw(propfind("bob", allprop), ""), 0)
		if err != nil {
			t.Fatal(err)
		}
		if r.status != http.StatusUnauthorized {
			t.Errorf("status %d, want 401", r.status)
		}
		wantFramed(t, r)
	})
	t.Run("404_unknown_node", func(t *testing.T) {
		r := s.client("alice").do(t, propfind("nobody", allprop))
		if r.status != http.StatusNotFound {
			t.Errorf("PROPFIND of an unknown node: status %d, want 404", r.status)
		}
		wantFramed(t, r)
	})
	t.Run("500_recipient_client_left_the_conversation", func(t *testing.T) {
		bob := s.client("bob")
		bob.signIn(t, newCallback(t, answer500, "/b").url)
		r := s.client("alice").do(t, sendIM("bob", imBody("alice", "bob", "still there?")))
		if r.status != http.StatusInternalServerError {
			t.Errorf("NOTIFY answered 500 by the only login: status %d, want 500", r.status)
		}
		wantFramed(t, r)
	})
}

// test503: PROTOCOL.md section 11 / KB 318158: past MaxOutstanding
// requests in progress the server answers 503 (rvpd adds Retry-After).
func test503(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{flags: []string{"-max-outstanding", "1", "-callback-timeout", "3"}})
	stuck := newCallback(t, answerNever, "/stuck")
	s.client("bob").signIn(t, stuck.url)
	inFlight := s.client("alice").async(t, sendIM("bob", imBody("alice", "bob", "hold the line")))
	stuck.next(t, 5*time.Second) // alice's NOTIFY is now in progress inside rvpd
	r := s.client("carol").do(t, propfind("bob", allprop))
	check(t, "status", func(t *testing.T) {
		if r.status != http.StatusServiceUnavailable {
			t.Errorf("request while MaxOutstanding=1 is busy: status %d, want 503", r.status)
		}
		if r.h("Retry-After") == "" {
			t.Errorf("503 without Retry-After")
		}
	})
	wantFramed(t, r)
	wait(t, inFlight, 10*time.Second)
}

// testHTTPLayerAnswers: PROTOCOL.md sections 1 and 3 ("every request and
// response carries RVP-Notifications-Version") and DECISIONS.md "XML"
// (Content-Length always) also for requests so broken that the HTTP layer
// answers them before any RVP code runs.
func testHTTPLayerAnswers(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{users: []string{"alice"}})
	cases := []struct {
		name string
		raw  string
		want int
	}{
		{"Malformed_header_line_is_400", "PROPFIND /instmsg/aliases/alice HTTP/1.1\r\nHost: example.com\r\nThis is not a header\r\nContent-Length: 0\r\n\r\n", 400},
		{"HTTP/1.1_request_without_Host_is_400", "PROPFIND /instmsg/aliases/alice HTTP/1.1\r\nDepth: 0\r\nContent-Length: 0\r\n\r\n", 400},
		{"Unsupported_Transfer-Encoding_is_501", "NOTIFY /instmsg/aliases/alice HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, err := exchange(s.addr, "PROPFIND", []byte(tc.raw), 0)
			if err != nil {
				t.Fatal(err)
			}
			check(t, "status", func(t *testing.T) {
				if r.status != tc.want {
					t.Errorf("status %d, want %d", r.status, tc.want)
				}
			})
			wantFramed(t, r)
		})
	}
}
