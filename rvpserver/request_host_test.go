package rvpserver

import (
	"net/http/httptest"
	"testing"
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
