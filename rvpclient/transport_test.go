package rvpclient

import (
	"bufio"
	"context"
	"errors"
	"net"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"rendezvous/internal/digest"
)

// TestDigestNonceReuse: after one 401 every request is signed with the same
// nonce and an increasing nonce count, so steady traffic costs no 401.
func TestDigestNonceReuse(t *testing.T) {
	f := newFakeServer(t, "alice", "bob")
	c, _ := newTestClient(t, startFake(t, f), nil)
	signIn(t, c, "alice")
	ctx := testCtx(t)
	for range 3 {
		if err := c.SetStatus(ctx, StateBusy); err != nil {
			t.Fatal(err)
		}
	}
	var nonce string
	var last uint64
	f.mu.Lock()
	refused := f.refused
	f.mu.Unlock()
	if refused != 1 {
		t.Errorf("%d requests refused with 401, want only the first", refused)
	}
	signed := append(f.requests("SUBSCRIBE"), f.requests("PROPPATCH")...)
	unauth := 0
	for _, r := range signed {
		a, err := digest.ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil {
			unauth++
			continue
		}
		if nonce == "" {
			nonce = a.Nonce
		}
		if a.Nonce != nonce {
			t.Errorf("nonce changed without a stale challenge: %q then %q", nonce, a.Nonce)
		}
		var nc uint64
		for _, ch := range a.NC {
			nc = nc*16 + uint64(strings.IndexRune("0123456789abcdef", ch))
		}
		if nc <= last {
			t.Errorf("nonce count %s not above %d", a.NC, last)
		}
		last = nc
	}
	if unauth != 0 || last < 5 {
		t.Errorf("unsigned=%d, highest nc=%d; want 0 and >= 5", unauth, last)
	}
}

// TestWrongPassword: a refused password is ErrAuth, and the client stays
// signed out.
func TestWrongPassword(t *testing.T) {
	f := newFakeServer(t, "alice")
	c, _ := newTestClient(t, startFake(t, f), nil)
	err := c.SignIn(testCtx(t), Account{SignInName: "alice@example.com", Password: "wrong"})
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("err = %v, want ErrAuth", err)
	}
	if c.State() != Disconnected {
		t.Errorf("state %v after failed sign-in", c.State())
	}
	if err := c.SetStatus(testCtx(t), StateBusy); !errors.Is(err, ErrNotSignedIn) {
		t.Errorf("SetStatus after failed sign-in: %v, want ErrNotSignedIn", err)
	}
}

// TestStaleNonceTransparent: when the server stops accepting the nonce (a
// restart with a new key), the request is retried without the caller
// noticing.
func TestStaleNonceTransparent(t *testing.T) {
	f := newFakeServer(t, "alice")
	c, _ := newTestClient(t, startFake(t, f), nil)
	signIn(t, c, "alice")
	v, err := digest.NewVerifier(&digest.VerifierOptions{Realm: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	f.mu.Lock()
	f.v = v
	f.mu.Unlock()
	if err := c.SetStatus(testCtx(t), StateAway); err != nil {
		t.Fatalf("SetStatus across a stale nonce: %v", err)
	}
}

// TestWireFormat reads the raw bytes of the first request: path-only
// Request-URI, exact header spelling, Content-Length.
func TestWireFormat(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan []string, 1)
	go func() {
		conn, err := ln.Accept()
		if err != nil {
			return
		}
		defer conn.Close()
		tp := textproto.NewReader(bufio.NewReader(conn))
		var lines []string
		for {
			l, err := tp.ReadLine()
			if err != nil || l == "" {
				break
			}
			lines = append(lines, l)
		}
		got <- lines
		conn.Write([]byte("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n"))
	}()
	c, _ := newTestClient(t, "http://"+ln.Addr().String(), nil)
	err = c.SignIn(testCtx(t), Account{SignInName: "Alice@Example.com", Password: "x"})
	if !IsBlocked(err) {
		t.Fatalf("err = %v, want a 403 status error", err)
	}
	lines := <-got
	want := map[string]bool{
		"SUBSCRIBE /instmsg/aliases/alice HTTP/1.1":                    false,
		"Host: " + ln.Addr().String():                                  false,
		"RVP-Notifications-Version: 0.2":                               false,
		"RVP-From-Principal: http://example.com/instmsg/aliases/alice": false,
		"Notification-Type: pragma/notify":                             false,
		"Subscription-Lifetime: 14400":                                 false,
		"Content-Length: 0":                                            false,
	}
	for _, l := range lines {
		if _, ok := want[l]; ok {
			want[l] = true
		}
		if strings.HasPrefix(strings.ToLower(l), "transfer-encoding") {
			t.Errorf("unexpected %q", l)
		}
		if strings.HasPrefix(l, "Call-Back: ") && !strings.HasPrefix(l, "Call-Back: http://127.0.0.1:") {
			t.Errorf("Call-Back line %q", l)
		}
	}
	for l, seen := range want {
		if !seen {
			t.Errorf("missing line %q in request:\n%s", l, strings.Join(lines, "\n"))
		}
	}
}

// TestHostWithoutPort80: the Host of a server on port 80 carries no port.
func TestHostWithoutPort80(t *testing.T) {
	for _, in := range []string{"http://IM.Example.com:80", "http://im.example.com", "http://im.example.com:80/ignored"} {
		u, err := parseBase(in)
		if err != nil || u.String() != "http://im.example.com" {
			t.Errorf("parseBase(%q) = %v, %v", in, u, err)
		}
	}
	u, err := parseBase("https://im.example.com:443")
	if err != nil || u.String() != "https://im.example.com" {
		t.Errorf("https: %v %v", u, err)
	}
	for _, bad := range []string{"ftp://x", "im.example.com", "http://"} {
		if _, err := parseBase(bad); err == nil {
			t.Errorf("parseBase(%q) accepted", bad)
		}
	}
}

// TestUnreachableServer: a closed port gives a network error, a server that
// never answers gives a timeout, both within the context deadline.
func TestUnreachableServer(t *testing.T) {
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := closed.Addr().String()
	closed.Close()
	silent, _ := net.Listen("tcp", "127.0.0.1:0")
	defer silent.Close()
	go func() {
		for {
			conn, err := silent.Accept()
			if err != nil {
				return
			}
			defer conn.Close() // held open, never answered
		}
	}()
	for _, tc := range []struct {
		url  string
		want func(error) bool
	}{{"http://" + addr, IsNetwork}, {"http://" + silent.Addr().String(), IsTimeout}} {
		c, _ := newTestClient(t, tc.url, nil)
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		start := time.Now()
		err := c.SignIn(ctx, Account{SignInName: "alice@example.com", Password: "x"})
		cancel()
		if !tc.want(err) || time.Since(start) > 3*time.Second {
			t.Errorf("%s: err = %v after %v", tc.url, err, time.Since(start))
		}
	}
}

// TestStatusErrorWrapping: a failed request names the operation and keeps
// the status for the helpers.
func TestStatusErrorWrapping(t *testing.T) {
	f := newFakeServer(t, "alice")
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == "NOTIFY" {
			w.WriteHeader(http.StatusInsufficientStorage)
			return true
		}
		return false
	})
	c, _ := newTestClient(t, startFake(t, f), nil)
	signIn(t, c, "alice")
	cv, _ := c.StartConversation("bob@example.com")
	err := cv.Send(testCtx(t), "hi")
	if !IsQueueFull(err) || IsOffline(err) || !strings.HasPrefix(err.Error(), "rvpclient: send to bob@example.com: ") {
		t.Errorf("err = %v", err)
	}
}
