package conformance

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// challenges sends c's request without credentials and returns the 401's
// WWW-Authenticate values.
func (c *client) challenges(t *testing.T, r request) []string {
	t.Helper()
	resp, err := exchange(c.s.addr, r.method, c.raw(r, ""), 0)
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, resp, http.StatusUnauthorized)
	return resp.header.Values("WWW-Authenticate")
}

// signed sends r with an Authorization computed from ch, for the given
// nonce count and digest-uri.
func (c *client) signed(t *testing.T, r request, ch challenge, nc, uri string) *response {
	t.Helper()
	resp, err := exchange(c.s.addr, r.method, c.raw(r, c.authorization(ch, r.method, uri, nc)), 0)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func (c *client) firstChallenge(t *testing.T, r request) challenge {
	t.Helper()
	ch, err := pickChallenge(c.challenges(t, r), c.alg)
	if err != nil {
		t.Fatal(err)
	}
	return ch
}

// testAuthentication: DECISIONS.md "Authentication (Digest)" and
// PROTOCOL.md section 9.
func testAuthentication(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{})
	read := propfind("bob", allprop)

	t.Run("Challenges", func(t *testing.T) {
		vals := s.client("alice").challenges(t, read)
		var chs []challenge
		for _, v := range vals {
			ch, err := parseChallenge(v)
			if err != nil {
				t.Fatal(err)
			}
			chs = append(chs, ch)
		}
		check(t, "Digest_is_the_first_scheme_offered", func(t *testing.T) {
			if len(chs) == 0 || !strings.EqualFold(chs[0].scheme, "Digest") {
				t.Errorf("WWW-Authenticate %q: first scheme is not Digest", vals)
			}
		})
		check(t, "SHA-256_first_then_MD5", func(t *testing.T) {
			var digest []string
			for _, ch := range chs {
				if strings.EqualFold(ch.scheme, "Digest") {
					digest = append(digest, ch.algorithm())
				}
			}
			if len(digest) != 2 || digest[0] != "SHA-256" || digest[1] != "MD5" {
				t.Errorf("Digest algorithms in order %q, want [SHA-256 MD5]", digest)
			}
		})
		check(t, "Both_qop_auth_same_nonce_realm_is_the_IM_domain", func(t *testing.T) {
			nonces := map[string]bool{}
			for _, ch := range chs {
				if !strings.EqualFold(ch.scheme, "Digest") {
					continue
				}
				nonces[ch.params["nonce"]] = true
				if ch.params["qop"] != "auth" || ch.params["realm"] != domain || ch.params["nonce"] == "" {
					t.Errorf("challenge %v: want qop=\"auth\", realm=%q and a nonce", ch.params, domain)
				}
			}
			if len(nonces) != 1 {
				t.Errorf("the Digest challenges carry %d different nonces, want one shared nonce", len(nonces))
			}
		})
		check(t, "Basic_is_never_offered", func(t *testing.T) {
			for _, ch := range chs {
				if strings.EqualFold(ch.scheme, "Basic") {
					t.Errorf("Basic offered: %q", vals)
				}
			}
		})
	})

	accepted := func(t *testing.T, c *client) {
		t.Helper()
		r := c.do(t, read)
		if r.status != http.StatusMultiStatus {
			t.Errorf("username %q, algorithm %s: status %d, want 207", c.username, c.alg, r.status)
		}
	}
	for _, alg := range []string{"MD5", "SHA-256"} {
		for _, user := range []string{"alice", "alice@example.com", `CORP\alice`} {
			name := "Username_" + strings.ReplaceAll(user, `\`, "_backslash_") + "_" + alg + "_is_accepted"
			check(t, name, func(t *testing.T) {
				c := s.client("alice")
				c.username, c.alg = user, alg
				accepted(t, c)
			})
		}
	}
	check(t, "Username_ANY_prefix_backslash_alias_is_accepted", func(t *testing.T) {
		c := s.client("alice")
		c.username = `OTHERDOMAIN\alice`
		accepted(t, c)
	})
	check(t, "MD5_answered_with_quoted_algorithm_to_the_SHA-256_first_challenge", func(t *testing.T) {
		c := s.client("alice") // pickChallenge answers MD5 to the first (SHA-256) challenge
		ch := c.firstChallenge(t, read)
		if ch.algorithm() != "SHA-256" {
			t.Skipf("first challenge is %s, covered by Challenges", ch.algorithm())
		}
		if r := c.signed(t, read, ch, "00000001", read.uri); r.status != http.StatusMultiStatus {
			t.Errorf("status %d, want 207", r.status)
		}
	})
	check(t, "Wrong_password_is_401", func(t *testing.T) {
		c := s.client("alice")
		c.pass = "wrong"
		if r := c.do(t, read); r.status != http.StatusUnauthorized {
			t.Errorf("status %d, want 401", r.status)
		}
	})
	t.Run("NonceCount", func(t *testing.T) { testNonceCounts(t, s, read) })
	t.Run("DigestURI", func(t *testing.T) { testDigestURI(t, s) })
	t.Run("Nonce_lives_5_minutes_then_401_stale_true", func(t *testing.T) {
		t.Skip("needs more than 5 minutes of real time; not covered")
	})
}

// testNonceCounts: nonce counts are hex read case-insensitively; a count
// already used with the nonce is refused with 401; a window lets slightly
// out-of-order counts pass.
func testNonceCounts(t *testing.T, s *server, read request) {
	c := s.client("alice")
	ch := c.firstChallenge(t, read)
	steps := []struct {
		name, nc string
		want     int
	}{
		{"first_count_00000001_accepted", "00000001", 207},
		{"upper-case_hex_0000000A_accepted", "0000000A", 207},
		{"lower-case_0000000a_equals_0000000A_and_is_refused_as_replay", "0000000a", 401},
		{"count_00000001_reused_is_refused_with_401", "00000001", 401},
		{"slightly_out_of_order_count_00000008_accepted", "00000008", 207},
		{"upper-case_hex_0000001F_accepted", "0000001F", 207},
		{"reused_upper-case_0000001F_refused", "0000001F", 401},
	}
	for _, st := range steps {
		r := c.signed(t, read, ch, st.nc, read.uri)
		check(t, st.name, func(t *testing.T) {
			if r.status != st.want {
				t.Errorf("nc=%s: status %d, want %d", st.nc, r.status, st.want)
			}
		})
	}
	check(t, "count_reused_on_another_request_is_refused", func(t *testing.T) {
		other := propfind("carol", allprop)
		if r := c.signed(t, other, ch, "00000008", other.uri); r.status != http.StatusUnauthorized {
			t.Errorf("nc=00000008 again, for another Request-URI: status %d, want 401", r.status)
		}
	})
}

// testDigestURI: the uri parameter must equal the Request-URI exactly as
// sent, path or absolute form.
func testDigestURI(t *testing.T, s *server) {
	c := s.client("alice")
	path := propfind("bob", allprop)
	abs := propfind("bob", allprop)
	abs.uri = principal("bob")
	cases := []struct {
		name   string
		r      request
		uri    string
		accept bool
	}{
		{"path_Request-URI_with_the_same_path_accepted", path, path.uri, true},
		{"absolute_Request-URI_with_the_same_absolute_uri_accepted", abs, abs.uri, true},
		{"path_Request-URI_with_the_absolute_uri_refused", path, abs.uri, false},
		{"absolute_Request-URI_with_the_path_uri_refused", abs, path.uri, false},
		{"uri_naming_another_node_refused", path, nodePath("carol"), false},
	}
	for _, tc := range cases {
		check(t, tc.name, func(t *testing.T) {
			ch := c.firstChallenge(t, tc.r)
			r := c.signed(t, tc.r, ch, "00000001", tc.uri)
			if ok := r.status == http.StatusMultiStatus; ok != tc.accept {
				t.Errorf("Request-URI %q, uri=%q: status %d, accepted=%v, want accepted=%v", tc.r.uri, tc.uri, r.status, ok, tc.accept)
			}
			if !tc.accept && r.status != http.StatusUnauthorized && r.status != http.StatusBadRequest {
				t.Errorf("refusal status %d, want 401 or 400", r.status)
			}
		})
	}
}

// testKeepAlive: PROTOCOL.md section 1: keep-alive is used; the 401 and
// the authorized retry, and a further request, may share one connection.
func testKeepAlive(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{users: []string{"alice", "bob"}})
	c := s.client("alice")
	read := propfind("bob", allprop)
	conn, err := net.DialTimeout("tcp", s.addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(conn)
	send := func(auth string) *response {
		t.Helper()
		if _, err := conn.Write(c.raw(read, auth)); err != nil {
			t.Fatal(err)
		}
		hr, err := http.ReadResponse(br, &http.Request{Method: read.method})
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(hr.Body)
		if err != nil {
			t.Fatal(err)
		}
		return &response{status: hr.StatusCode, header: hr.Header, body: body}
	}
	first := send("")
	wantStatus(t, first, http.StatusUnauthorized)
	ch, err := pickChallenge(first.header.Values("WWW-Authenticate"), "MD5")
	if err != nil {
		t.Fatal(err)
	}
	check(t, "Authorized_retry_on_the_same_connection", func(t *testing.T) {
		wantStatus(t, send(c.authorization(ch, read.method, read.uri, "00000001")), http.StatusMultiStatus)
	})
	check(t, "Next_request_with_the_next_nonce_count_on_the_same_connection", func(t *testing.T) {
		wantStatus(t, send(c.authorization(ch, read.method, read.uri, "00000002")), http.StatusMultiStatus)
	})
	check(t, "Unquoted_algorithm_token_as_RFC_7616_writes_it", func(t *testing.T) {
		auth := strings.Replace(c.authorization(ch, read.method, read.uri, "00000003"), `algorithm="MD5"`, `algorithm=MD5`, 1)
		wantStatus(t, send(auth), http.StatusMultiStatus)
	})
}
