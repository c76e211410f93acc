package conformance

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

// testInstantMessage: PROTOCOL.md 5.6 and 12.5, DECISIONS.md "Addressing
// and callbacks" and "What real clients of the 2000s need": an IM goes byte
// for byte to every login, to exactly the registered Call-Back, whatever
// way the old listener answers.
func testInstantMessage(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{flags: []string{"-callback-timeout", "5"}})
	bob := s.client("bob")
	logins := map[string]*callback{
		"no_path_means_slash":            newCallback(t, answerClose, ""),
		"secret_path":                    newCallback(t, answerKeepAlive, "/x7Gq2/secret"),
		"200_without_length_kept_open":   newCallback(t, answerNoLengthOpen, "/open"),
		"200_without_length_then_closed": newCallback(t, answerClose, "/closed"),
	}
	for _, cb := range logins {
		bob.signIn(t, cb.url)
	}
	body := imBody("alice", "bob", "lunch at noon? 100% sure & <ok>")
	r := s.client("alice").do(t, sendIM("bob", body))
	check(t, "Sender_gets_200", func(t *testing.T) { wantStatus(t, r, http.StatusOK) })
	for name, cb := range logins {
		in := cb.next(t, 5*time.Second)
		t.Run("Every_login/"+name, func(t *testing.T) {
			wantPath := strings.TrimPrefix(cb.url, "http://"+cb.ln.Addr().String())
			if wantPath == "" {
				wantPath = "/"
			}
			check(t, "Request_line_names_the_Call-Back_path", func(t *testing.T) {
				if want := "NOTIFY " + wantPath + " HTTP/1.1"; in.requestLine != want {
					t.Errorf("request line %q, want %q", in.requestLine, want)
				}
			})
			check(t, "Body_forwarded_byte_for_byte", func(t *testing.T) {
				if !bytes.Equal(in.body, body) {
					t.Errorf("body differs:\n got %q\nwant %q", clip(in.body), clip(body))
				}
			})
			check(t, "Content-Length_never_chunked", func(t *testing.T) {
				if !in.hasLength || in.chunked {
					t.Errorf("Content-Length present %v, chunked %v", in.hasLength, in.chunked)
				}
			})
			check(t, "RVP-Notifications-Version_0.2", func(t *testing.T) {
				if v := in.header.Get("RVP-Notifications-Version"); v != "0.2" {
					t.Errorf("RVP-Notifications-Version %q", v)
				}
			})
			check(t, "RVP-Hop-Count_incremented", func(t *testing.T) {
				if n, err := strconv.Atoi(in.header.Get("RVP-Hop-Count")); err != nil || n < 2 {
					t.Errorf("RVP-Hop-Count %q, want >= 2 after a forward of hop 1", in.header.Get("RVP-Hop-Count"))
				}
			})
		})
	}
	check(t, "Listener_answering_200_without_length_and_staying_open_is_not_waited_for", func(t *testing.T) {
		carol := s.client("carol")
		carol.signIn(t, newCallback(t, answerNoLengthOpen, "/c").url)
		for i := range 2 {
			start := time.Now()
			r := s.client("alice").do(t, sendIM("carol", imBody("alice", "carol", "ping "+strconv.Itoa(i))))
			if r.status != http.StatusOK || time.Since(start) > 3*time.Second {
				t.Errorf("NOTIFY %d: status %d after %v, want 200 well before CallbackTimeout (5 s)", i, r.status, time.Since(start))
			}
		}
	})
	check(t, "Hop_count_past_the_limit_is_not_delivered", func(t *testing.T) {
		dave := s.client("dave")
		cb := newCallback(t, answerKeepAlive, "/d")
		dave.signIn(t, cb.url)
		req := sendIM("dave", imBody("alice", "dave", "loop"))
		req.header[1] = "RVP-Hop-Count: 50"
		if r := s.client("alice").do(t, req); r.status < 400 {
			t.Errorf("hop count 50: status %d, want a failure", r.status)
		}
		cb.none(t, 300*time.Millisecond)
	})
}

// testPropfind: PROTOCOL.md 5.4 and 12.4.
func testPropfind(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	alice := s.client("alice")
	named := []byte(`<?xml version="1.0"?><d:propfind xmlns:d='DAV:' xmlns:r='http://schemas.microsoft.com/rvp/'><d:prop><d:displayname/><r:state/><r:no-such-prop/></d:prop></d:propfind>`)
	r := alice.do(t, propfind("bob", named))
	check(t, "Named_props_207_with_a_404_propstat_for_the_unknown_one", func(t *testing.T) {
		wantStatus(t, r, http.StatusMultiStatus)
		root := decode(t, r.body)
		if dn := propOf(root, nsD, "displayname", "200"); dn != displayName("bob") {
			t.Errorf("displayname %q in the 200 propstat", dn)
		}
		if st := propOf(root, nsR, "state", "200"); st != "offline" {
			t.Errorf("state %q in the 200 propstat, want offline", st)
		}
		found := false
		for _, ps := range root.child(nsD, "response").all(nsD, "propstat") {
			if ps.child(nsD, "prop").child(nsR, "no-such-prop") != nil {
				found = true
				if st := ps.child(nsD, "status").trimmed(); !strings.HasPrefix(st, "HTTP/1.1 404") {
					t.Errorf("r:no-such-prop propstat status %q, want HTTP/1.1 404", st)
				}
			}
		}
		if !found {
			t.Errorf("no propstat holds r:no-such-prop:\n%s", r.body)
		}
	})
	check(t, "Named_props_XML_literal_form", func(t *testing.T) { checkWire(t, "PROPFIND 207", r.body) })
	check(t, "Content-Type_text/xml", func(t *testing.T) {
		if ct := r.h("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
			t.Errorf("Content-Type %q", ct)
		}
	})
	all := alice.do(t, propfind("bob", allprop))
	check(t, "Allprop_gives_the_five_known_properties", func(t *testing.T) {
		wantStatus(t, all, http.StatusMultiStatus)
		checkPropsBody(t, all.body, "bob")
	})
	check(t, "Allprop_XML_literal_form", func(t *testing.T) { checkWire(t, "PROPFIND allprop 207", all.body) })
}

// testAddressing: DECISIONS.md "Addressing and callbacks" and PROTOCOL.md
// 2.1 and 14.2: Request-URI forms, Host values, alias case.
func testAddressing(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{flags: []string{"-host-names", "im.example.com"}})
	alice := s.client("alice")
	for _, tc := range []struct{ name, uri string }{
		{"Host_is_a_configured_HostName", nodePath("bob")},
		{"Absolute_Request-URI_naming_a_HostName", "http://im.example.com" + nodePath("bob")},
	} {
		check(t, tc.name, func(t *testing.T) {
			req := propfind("bob", allprop)
			req.uri, req.host = tc.uri, "im.example.com"
			wantStatus(t, alice.do(t, req), http.StatusMultiStatus)
		})
	}
	cases := []struct{ name, uri, host string }{
		{"Path_Request-URI_and_Host_without_port", nodePath("bob"), domain},
		{"Absolute_Request-URI", principal("bob"), domain},
		{"Host_is_the_listen_address", nodePath("bob"), s.addr},
		{"Host_in_another_letter_case", nodePath("bob"), "Example.COM"},
		{"Alias_is_case-insensitive", nodePath("BoB"), domain},
		{"Physical_URL_under_/instmsg/local/", "/instmsg/local/" + domain + nodePath("bob"), domain},
	}
	for _, tc := range cases {
		check(t, tc.name, func(t *testing.T) {
			req := propfind("bob", allprop)
			req.uri, req.host = tc.uri, tc.host
			r := alice.do(t, req)
			wantStatus(t, r, http.StatusMultiStatus)
			if h := decode(t, r.body).path(nsD, "response", nsD, "href").trimmed(); !strings.EqualFold(h, principal("bob")) {
				t.Errorf("d:href %q, want the principal URL %q (no port)", h, principal("bob"))
			}
		})
	}
}
