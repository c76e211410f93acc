package rvpserver

import (
	"net/http/httptest"
	"testing"

	"rendezvous/internal/rvpwire"
)

func TestNodeAddressing(t *testing.T) {
	s := bubbleServer(t, &Options{HostNames: []string{"im.example.com", "127.0.0.1:8080"}})
	for _, c := range []struct{ uri, host, href string }{
		{"/instmsg/aliases/BOB", testDomain, principal("bob")},
		{"http://example.com/instmsg/aliases/bob", "ignored.example", principal("bob")},
		{"http://example.com:80/instmsg/aliases/bob", "", principal("bob")},
		{"/instmsg/local/example.com/instmsg/aliases/bob", "127.0.0.1:8080", principal("bob")},
		{"/instmsg/aliases/bob", "im.example.com", principal("bob")}, // HostNames act as Domains[0]
		{"/instmsg/aliases/bob", "127.0.0.1:8080", principal("bob")},
		{"/instmsg/aliases/bob", "other.example", principal("bob")}, // path-only: it reached us, so Domains[0]
	} {
		req := httptest.NewRequest("PROPFIND", c.uri, nil)
		req.RequestURI = c.uri
		req.Host = c.host
		req.Header.Set(rvpwire.HeaderFromPrincipal, principal("alice"))
		req.Header.Set("Depth", "0")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != 207 {
			t.Errorf("%s (Host %s): %d %s", c.uri, c.host, w.Code, w.Body)
			continue
		}
		if rs := multistatusOf(t, w.Body.Bytes()); rs[0].Href != c.href {
			t.Errorf("%s: href %s, want %s", c.uri, rs[0].Href, c.href)
		}
	}
	for _, c := range []struct{ uri, host string }{
		{"http://other.example/instmsg/aliases/bob", testDomain},
		{"/instmsg/groups/bob", testDomain},
		{"/instmsg/aliases/nobody", testDomain},
	} {
		req := httptest.NewRequest("PROPFIND", "/", nil)
		req.RequestURI = c.uri
		req.Host = c.host
		req.Header.Set(rvpwire.HeaderFromPrincipal, principal("alice"))
		req.Header.Set("Depth", "0")
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != 404 {
			t.Errorf("%s (Host %s): %d, want 404", c.uri, c.host, w.Code)
		}
	}
}
