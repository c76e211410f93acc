package rvpclient

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"rendezvous/internal/rvpwire"
)

// foreignServer stands for another organisation's RVP server: it records
// each request's method and headers and answers with code (a Digest
// challenge with 401).
type foreignServer struct {
	*httptest.Server
	got  chan *http.Request
	code int
}

func newForeignServer(t *testing.T, code int) *foreignServer {
	f := &foreignServer{got: make(chan *http.Request, 16), code: code}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.got <- r
		if f.code == http.StatusUnauthorized {
			w.Header().Add("WWW-Authenticate", `Digest realm="other.test", qop="auth", nonce="abc", algorithm=MD5`)
		}
		w.Header().Set(rvpwire.HeaderVersion, rvpwire.Version)
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(f.code)
	}))
	t.Cleanup(f.Close)
	return f
}

// srvTo resolves _rvp._tcp.other.test to the foreign server only.
type srvTo struct{ addr string }

func (s srvTo) LookupSRV(_ context.Context, service, proto, name string) (string, []*net.SRV, error) {
	if service != "rvp" || proto != "tcp" || name != "other.test" {
		return "", nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	host, port, _ := net.SplitHostPort(s.addr)
	p, _ := strconv.Atoi(port)
	return "", []*net.SRV{{Target: host + ".", Port: uint16(p)}}, nil
}

// TestForeignContactDirect: a contact of another domain is subscribed to
// and messaged at that domain's server (SRV through Options.Resolver),
// with the own logical URL as Call-Back and RVP-From-Principal and no
// credentials; a 401 from that server is reported as a failure of that
// request, not as a wrong password, and the session stays connected.
func TestForeignContactDirect(t *testing.T) {
	ts := startTestServer(t)
	f := newForeignServer(t, http.StatusUnauthorized)
	alice, _ := newTestClient(t, ts.url, func(o *Options) { o.Resolver = srvTo{strings.TrimPrefix(f.URL, "http://")} })
	signIn(t, alice, "alice")
	self := rvpwire.PrincipalURL("example.com", "alice")

	_, err := alice.AddContact(testCtx(t), "zed@other.test")
	if err == nil || IsAuth(err) || rvpwire.StatusCode(err) != http.StatusUnauthorized {
		t.Fatalf("add foreign contact answered 401: %v; want a 401 status error that is not ErrAuth", err)
	}
	r := <-f.got
	if r.Method != rvpwire.MethodSubscribe || r.URL.Path != "/instmsg/aliases/zed" ||
		r.Header.Get("Notification-Type") != string(rvpwire.UpdatePropchange) ||
		r.Header.Get("Call-Back") != self || r.Header.Get("RVP-From-Principal") != self ||
		r.Header.Get("Authorization") != "" {
		t.Fatalf("foreign SUBSCRIBE: %s %s %v", r.Method, r.URL, r.Header)
	}
	if len(f.got) != 0 {
		t.Fatalf("the client answered the foreign challenge (%d more requests)", len(f.got))
	}

	cv, err := alice.StartConversation("zed@other.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := cv.Send(testCtx(t), "hello"); IsAuth(err) || rvpwire.StatusCode(err) != http.StatusUnauthorized {
		t.Fatalf("message to a foreign server answering 401: %v", err)
	}
	if r := <-f.got; r.Method != rvpwire.MethodNotify || r.Header.Get("Authorization") != "" ||
		r.Header.Get("RVP-From-Principal") != self || r.Header.Get("RVP-Hop-Count") != "1" {
		t.Fatalf("foreign NOTIFY: %s %v", r.Method, r.Header)
	}
	if st := alice.State(); st != Connected {
		t.Fatalf("after a foreign 401 the client is %v", st)
	}
}
