package rvpserver

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

// A path-only Request-URI reached this server whatever its Host header
// says, so it addresses the node in Domains[0]; absolute URIs naming
// another host stay 404.
func TestTargetPathOnlyAnyHost(t *testing.T) {
	s, err := New(&Options{Domains: []string{"example.com", "other.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := AddUser(t.Context(), s.cfg.Store, &Options{Domains: []string{"example.com"}}, "alice", "pw", ""); err != nil {
		t.Fatal(err)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Shutdown(t.Context()) })
	cases := []struct {
		uri, host, domain string
		ok                bool
	}{
		{"/instmsg/aliases/alice", "127.0.0.1:8080", "example.com", true},
		{"/instmsg/aliases/alice", "other.example", "other.example", true},
		{"/instmsg/aliases/alice", "example.com", "example.com", true},
		{"http://elsewhere.example/instmsg/aliases/alice", "127.0.0.1:8080", "", false},
		{"/instmsg/aliases/nobody", "127.0.0.1:8080", "", false},
	}
	for _, c := range cases {
		r := httptest.NewRequest("PROPFIND", c.uri, nil)
		r.Host = c.host
		n, a, err := s.target(r)
		if c.ok != (err == nil) || (c.ok && (a == nil || n.Domain != c.domain || n.Alias != "alice")) {
			t.Errorf("%s Host %s: node %+v err %v", c.uri, c.host, n, err)
		}
	}
}

// Answers name nodes in the form the requester uses for its own principal
// URL: librvp behind an SRV record names everybody with the SRV target host
// (and port), and ignores hrefs in any other form.
func TestNodeURLInRequesterForm(t *testing.T) {
	s, err := New(&Options{Domains: []string{"example.com"}, HostNames: []string{"im.example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	bob := rvpwire.Node{Domain: "example.com", Alias: "alice"}
	cases := []struct {
		who  requester
		want string
	}{
		{requester{principal: "http://example.com/instmsg/aliases/bob", alias: "bob", cred: rvpwire.CredDigest}, "http://example.com/instmsg/aliases/alice"},
		{requester{principal: "http://im.example.com/instmsg/aliases/bob", alias: "bob", cred: rvpwire.CredDigest}, "http://im.example.com/instmsg/aliases/alice"},
		{requester{principal: "http://im.example.com:8081/instmsg/aliases/bob", alias: "bob", cred: rvpwire.CredDigest}, "http://im.example.com:8081/instmsg/aliases/alice"},
		{requester{principal: "http://other.example/instmsg/aliases/zed", cred: rvpwire.CredAssertion}, "http://example.com/instmsg/aliases/alice"},
	}
	for _, c := range cases {
		if got := s.nodeURLFor(bob, c.who); got != c.want {
			t.Errorf("for %s: %s, want %s", c.who.principal, got, c.want)
		}
	}
	if !s.cfg.serves("im.example.com:8081") || s.cfg.serves("other.example:80") {
		t.Error("serves must accept a served name with any port and nothing else")
	}
}

// A header section over 64 KiB is refused by the handler with 431, carrying
// the RVP version header and Content-Length like every answer (net/http's
// own 431 would carry neither).
func TestHeaderSectionLimit(t *testing.T) {
	s, err := New(&Options{Domains: []string{"example.com"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Shutdown(t.Context()) })
	for _, c := range []struct {
		pad  int
		want int
	}{{MaxHeaderSection + 1, http.StatusRequestHeaderFieldsTooLarge}, {1000, http.StatusUnauthorized}} {
		r := httptest.NewRequest("PROPFIND", "/instmsg/aliases/alice", nil)
		r.Host = "example.com"
		r.Header.Set("X-Pad", strings.Repeat("x", c.pad))
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != c.want {
			t.Fatalf("pad %d: status %d, want %d", c.pad, w.Code, c.want)
		}
		if c.want == http.StatusRequestHeaderFieldsTooLarge && (w.Result().Header.Get("Content-Length") == "" || hget(w.Header(), rvpwire.HeaderVersion) != rvpwire.Version) {
			t.Fatalf("431 without RVP headers: %v", w.Header())
		}
	}
}

// The first label of each IM domain is a Digest user-name prefix by
// default (EXAMPLE\alice), besides the configured DigestPrefixes.
func TestDefaultDigestPrefixes(t *testing.T) {
	s, err := New(&Options{Domains: []string{"example.com", "127.0.0.1:8080"}, DigestPrefixes: []string{"CORP", "example"}})
	if err != nil {
		t.Fatal(err)
	}
	got := s.cfg.prefixes()
	if want := []string{"CORP", "example"}; !slices.Equal(got, want) {
		t.Fatalf("prefixes %v, want %v (the domain label is already configured; addresses add none)", got, want)
	}
	s2, _ := New(&Options{Domains: []string{"humongous.example"}})
	creds := s2.cfg.credentials("kari", "pw")
	for _, u := range []string{`HUMONGOUS\kari`, `humongous\kari`, "kari", "kari@humongous.example"} {
		if _, err := creds.HA1(digest.MD5, u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	if _, err := creds.HA1(digest.MD5, `OTHER\kari`); err == nil {
		t.Error(`OTHER\kari verifiable although OTHER was never configured`)
	}
}
