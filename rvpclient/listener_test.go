package rvpclient

import (
	"bytes"
	"errors"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"rendezvous/internal/rvpwire"
)

func postNotify(t *testing.T, rawURL string, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest("NOTIFY", rawURL, bytes.NewReader(body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func textNotify(from, to, sid, text string) []byte {
	mime := rvpwire.TextIM(sid, "", text).String()
	n := rvpwire.Notification{From: rvpwire.Contact{Href: from, Description: "Bob Example"},
		To: []rvpwire.Contact{{Href: to}}, MIME: &mime}
	return rvpwire.Marshal(n.Element())
}

// TestListenerGuards: secret path only, NOTIFY only, garbage gets 400, a
// huge body 413, and the engine keeps working afterwards.
func TestListenerGuards(t *testing.T) {
	f := newFakeServer(t, "alice")
	c, ev := newTestClient(t, startFake(t, f), nil)
	signIn(t, c, "alice")
	cb := c.Diagnostics().CallbackURL
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/[0-9a-f]{32}$`).MatchString(cb) {
		t.Fatalf("callback URL %q", cb)
	}
	u, _ := url.Parse(cb)
	if p, _ := strconv.Atoi(u.Port()); p < 1024 {
		t.Errorf("port %d below 1024", p)
	}
	good := textNotify("http://example.com/instmsg/aliases/bob", "http://example.com/instmsg/aliases/alice", "{A}", "hi")
	if code := postNotify(t, "http://"+u.Host+"/", good); code != http.StatusNotFound {
		t.Errorf("root path: %d, want 404", code)
	}
	if code := postNotify(t, "http://"+u.Host+"/"+strings.Repeat("0", 32), good); code != http.StatusNotFound {
		t.Errorf("wrong secret: %d, want 404", code)
	}
	resp, err := http.Post(cb, "text/xml", bytes.NewReader(good))
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %v %v", resp.StatusCode, err)
	}
	resp.Body.Close()
	for _, garbage := range [][]byte{[]byte("<not xml"), []byte("<?xml version='1.0'?><x/>"), textNotify("mailto:x", "y", "{A}", "x")} {
		if code := postNotify(t, cb, garbage); code != http.StatusBadRequest {
			t.Errorf("garbage %q: %d, want 400", garbage, code)
		}
	}
	if code := postNotify(t, cb, bytes.Repeat([]byte("x"), MaxNotifyBody+1)); code != http.StatusRequestEntityTooLarge {
		t.Errorf("huge body: %d, want 413", code)
	}
	if code := postNotify(t, cb, good); code != http.StatusOK {
		t.Fatalf("good NOTIFY after garbage: %d", code)
	}
	e := ev.wait(t, "message", func(e Event) bool { _, ok := e.(MessageEvent); return ok }).(MessageEvent)
	if e.From != "bob@example.com" || e.Text != "hi" || e.SessionID != "{A}" || e.FromName != "Bob Example" || e.Format.Font != "MS Shell Dlg" {
		t.Errorf("message event %+v", e)
	}
}

// TestFixedPorts: two clients get different ports of the range; a third
// finds the range busy; a range below 1025 falls back to Default with a
// warning.
func TestFixedPorts(t *testing.T) {
	f := newFakeServer(t, "alice", "bob", "carol")
	srv := startFake(t, f)
	from := freePortRange(t, 2)
	fixed := func(o *Options) { o.Mode, o.PortFrom, o.PortTo = ModeFixedPort, from, from+1 }
	a, _ := newTestClient(t, srv, fixed)
	b, _ := newTestClient(t, srv, fixed)
	signIn(t, a, "alice")
	signIn(t, b, "bob")
	pa, pb := portOf(t, a.Diagnostics().CallbackURL), portOf(t, b.Diagnostics().CallbackURL)
	if pa != from || pb != from+1 {
		t.Errorf("ports %d and %d, want %d and %d", pa, pb, from, from+1)
	}
	c3, _ := newTestClient(t, srv, fixed)
	err := c3.SignIn(testCtx(t), Account{SignInName: "carol@example.com", Password: "pw-carol"})
	var busy *PortsBusyError
	if !errors.As(err, &busy) || busy.From != from || busy.To != from+1 {
		t.Fatalf("err = %v, want *PortsBusyError{%d,%d}", err, from, from+1)
	}
	if !strings.Contains(err.Error(), strconv.Itoa(from)+"-"+strconv.Itoa(from+1)) {
		t.Errorf("error text %q does not name the range", err)
	}
	low, ev := newTestClient(t, srv, func(o *Options) { o.Mode, o.PortFrom, o.PortTo = ModeFixedPort, 80, 90 })
	signIn(t, low, "carol")
	ev.wait(t, "warning", func(e Event) bool { _, ok := e.(WarningEvent); return ok })
	if d := low.Diagnostics(); d.Mode != ModeDefault || d.CallbackURL == "" {
		t.Errorf("fallback diagnostics %+v", d)
	}
}

// freePortRange finds n consecutive free loopback ports (best effort).
func freePortRange(t *testing.T, n int) int {
	t.Helper()
	for try := 0; try < 50; try++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		base := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		if base+n > 65535 || base < 1025 {
			continue
		}
		ok := true
		for p := base; p < base+n; p++ {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
			if err != nil {
				ok = false
				break
			}
			l.Close()
		}
		if ok {
			return base
		}
	}
	t.Fatal("no free port range")
	return 0
}

func portOf(t *testing.T, raw string) int {
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := strconv.Atoi(u.Port())
	return p
}
