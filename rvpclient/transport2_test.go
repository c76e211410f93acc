package rvpclient

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

// TestDigestMD5: a server offering only MD5 is answered with MD5.
func TestDigestMD5(t *testing.T) {
	f := newFakeServer(t, "alice")
	f.md5Only = true
	c, _ := newTestClient(t, startFake(t, f), nil)
	signIn(t, c, "alice")
	for _, r := range f.requests("SUBSCRIBE") {
		a, err := digest.ParseAuthorization(r.Header.Get("Authorization"))
		if err != nil || a.Algorithm != digest.MD5 || a.Qop != "auth" {
			t.Errorf("authorization %+v, %v", a, err)
		}
	}
	f2 := newFakeServer(t, "alice")
	c2, _ := newTestClient(t, startFake(t, f2), nil)
	signIn(t, c2, "alice")
	a, err := digest.ParseAuthorization(f2.requests("SUBSCRIBE")[0].Header.Get("Authorization"))
	if err != nil || a.Algorithm != digest.SHA256 {
		t.Errorf("with both offered: %+v, %v; want SHA-256", a, err)
	}
}

// TestHTTPS: an https server URL works (TLS to the server; the callback
// stays plain http as the contract says).
func TestHTTPS(t *testing.T) {
	f := newFakeServer(t, "alice", "bob")
	hs := httptest.NewTLSServer(f)
	defer hs.Close()
	hc := hs.Client()
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	a, aev := newTestClient(t, hs.URL, func(o *Options) { o.HTTPClient = hc })
	b, _ := newTestClient(t, hs.URL, func(o *Options) { o.HTTPClient = hc })
	signIn(t, a, "alice")
	signIn(t, b, "bob")
	if !strings.HasPrefix(a.Diagnostics().Server, "https://") {
		t.Errorf("server %q", a.Diagnostics().Server)
	}
	cv, _ := b.StartConversation("alice@example.com")
	if err := cv.Send(testCtx(t), "over TLS"); err != nil {
		t.Fatal(err)
	}
	aev.wait(t, "message", isMessage("bob@example.com", "over TLS"))
}

// TestRedirect: a router's 302 to the physical URL is followed with the
// same method (net/http would have turned it into a GET).
func TestRedirect(t *testing.T) {
	f := newFakeServer(t, "alice")
	home := startFake(t, f)
	router := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, home+"/instmsg/local/example.com"+r.URL.Path, http.StatusFound)
	}))
	defer router.Close()
	c, _ := newTestClient(t, router.URL, nil)
	signIn(t, c, "alice")
	subs := f.requests("SUBSCRIBE")
	if len(subs) < 2 || subs[0].URL.Path != "/instmsg/local/example.com/instmsg/aliases/alice" {
		t.Fatalf("home server saw %d SUBSCRIBEs (first %v)", len(subs), subs)
	}
	if len(f.requests("GET")) != 0 {
		t.Error("a redirect became a GET")
	}
}

// TestReconnectGivesUpOnPassword: when the password was changed while the
// login was lost, the engine signs out with ErrAuth as the reason.
func TestReconnectGivesUpOnPassword(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeServer(t, "alice")
		c, ev := memClient(t, f, polling)
		signIn(t, c, "alice")
		f.setPassword("alice", "changed")
		f.forget()
		time.Sleep(time.Second)
		synctest.Wait()
		e := ev.waitSeq(t, "give up", isConn(Reconnecting), isConn(Disconnected)).(ConnectionEvent)
		if !IsAuth(e.Reason) || c.State() != Disconnected {
			t.Errorf("reason %v, state %v", e.Reason, c.State())
		}
	})
}

// TestSignInFailureCleansUp: when the status cannot be published, sign-in
// fails with the status error and the own subscriptions are cancelled.
func TestSignInFailureCleansUp(t *testing.T) {
	f := newFakeServer(t, "alice")
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method == "PROPPATCH" {
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		}
		return false
	})
	c, _ := newTestClient(t, startFake(t, f), nil)
	err := c.SignIn(testCtx(t), Account{SignInName: "alice@example.com", Password: "pw-alice"})
	if code := rvpwire.StatusCode(err); code != http.StatusServiceUnavailable || c.State() != Disconnected {
		t.Fatalf("err = %v (code %d), state %v", err, code, c.State())
	}
	f.mu.Lock()
	left := len(f.subs)
	f.mu.Unlock()
	if left != 0 || len(f.requests("UNSUBSCRIBE")) != 2 {
		t.Errorf("%d subscriptions left, %d UNSUBSCRIBEs", left, len(f.requests("UNSUBSCRIBE")))
	}
}
