package digest

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// authServer is a minimal RVP-like server guarded by a Verifier.
type authServer struct {
	v *Verifier

	mu       sync.Mutex
	requests int
	lastAlg  Algorithm
}

func (s *authServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	authz := r.Header.Get("Authorization")
	s.mu.Lock()
	s.requests++
	if a, err := ParseAuthorization(authz); err == nil {
		s.lastAlg = a.algorithm()
	}
	s.mu.Unlock()
	user, err := s.v.Verify(r.Method, r.RequestURI, authz, testLookup)
	if err != nil {
		for _, h := range s.v.Challenge(ChallengeStale(err)) {
			w.Header().Add("WWW-Authenticate", h)
		}
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	io.WriteString(w, Alias(user))
}

func (s *authServer) stats() (int, Algorithm) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests, s.lastAlg
}

func newAuthServer(t *testing.T) (*authServer, *httptest.Server, *testClock) {
	t.Helper()
	v, clk := newTestVerifier(t, 0)
	s := &authServer{v: v}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return s, ts, clk
}

// do sends one request the way rvpclient does: sign if possible, absorb a 401, retry once.
func do(t *testing.T, c *Client, method, url string) (string, error) {
	t.Helper()
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(context.Background(), method, url, nil)
		if err != nil {
			t.Fatal(err)
		}
		h, sent := c.Authorize(method, req.URL.RequestURI())
		if sent {
			req.Header.Set("Authorization", h)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			return string(body), nil
		}
		if err := c.Challenge(resp.Header.Values("WWW-Authenticate"), sent); err != nil {
			return "", err
		}
		if attempt == 1 {
			return "", errors.New("second 401")
		}
	}
}

func TestRoundTrip(t *testing.T) {
	srv, ts, clk := newAuthServer(t)
	c, _ := NewClient("alice@im.example.com", testPass)
	url := ts.URL + "/instmsg/aliases/alice?x=1"
	wantRequests := 0
	step := func(name string, extra int) {
		t.Helper()
		got, err := do(t, c, "SUBSCRIBE", url)
		if err != nil || got != "alice" {
			t.Fatalf("%s: %q, %v", name, got, err)
		}
		wantRequests += 1 + extra
		if n, alg := srv.stats(); n != wantRequests || alg != SHA256 {
			t.Fatalf("%s: %d requests (want %d), algorithm %q", name, n, wantRequests, alg)
		}
	}
	step("first request: 401 then 200", 1)
	step("steady traffic: no 401", 0)
	step("steady traffic again", 0)
	clk.Advance(DefaultNonceLifetime + time.Second)
	step("after nonce expiry: stale 401, transparent retry", 1)

	bad, _ := NewClient("alice", "wrong")
	if _, err := do(t, bad, "GET", url); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("wrong password: %v", err)
	}
}

// rawExchange sends one raw HTTP/1.1 request over a fresh loopback connection, as old
// clients do, and returns the response.
func rawExchange(t *testing.T, addr, request string) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, request); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

func TestRoundTripOldClientAbsoluteForm(t *testing.T) {
	_, ts, _ := newAuthServer(t)
	addr := ts.Listener.Addr().String()
	const target = "http://im.example.com/instmsg/aliases/alice"
	req := func(authz string) string {
		r := "SUBSCRIBE " + target + " HTTP/1.1\r\nHost: im.example.com\r\nContent-Length: 0\r\n"
		if authz != "" {
			r += "Authorization: " + authz + "\r\n"
		}
		return r + "Connection: close\r\n\r\n"
	}
	resp := rawExchange(t, addr, req(""))
	vals := resp.Header.Values("WWW-Authenticate")
	if resp.StatusCode != http.StatusUnauthorized || len(vals) != 2 {
		t.Fatalf("first answer %d %q", resp.StatusCode, vals)
	}
	first, err := ParseChallenge(vals[0]) // the old client answers the first one with MD5
	if err != nil || first.Algorithm != SHA256 {
		t.Fatalf("first challenge %+v, %v", first, err)
	}
	authz := func(uri string) string {
		a := &Authorization{Username: `CORP\alice`, Realm: first.Realm, Nonce: first.Nonce, URI: uri,
			Qop: "auth", NC: "00000001", Cnonce: "9f8e"}
		a.Response, _ = ComputeResponse(HA1(MD5, a.Username, a.Realm, testPass), "SUBSCRIBE", a)
		return `Digest username="CORP\alice", realm="` + a.Realm + `", nonce="` + a.Nonce + `", uri="` + uri +
			`", algorithm="MD5", qop="auth", nc=00000001, cnonce="9f8e", response="` + a.Response + `"`
	}
	if resp := rawExchange(t, addr, req(authz("/instmsg/aliases/alice"))); resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("path-form uri for an absolute-form request: %d", resp.StatusCode)
	}
	if resp := rawExchange(t, addr, req(authz(target))); resp.StatusCode != http.StatusOK {
		t.Fatalf("absolute-form uri: %d", resp.StatusCode)
	}
}
