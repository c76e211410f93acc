package rvpclient

import (
	"net/url"
	"testing"

	"rendezvous/internal/rvpwire"
)

// TestServerMap: a learned server host stands for its domain, exactly or by
// host name whatever the port; the own domain wins a shared host; other
// hosts stay themselves.
func TestServerMap(t *testing.T) {
	var m serverMap
	base := func(s string) *url.URL { u, _ := parseBase(s); return u }
	m.learn("example.com", base("http://im.example.com:8081"), true)
	m.learn("other.test", base("http://im.example.com:8081"), false) // own domain keeps it
	m.learn("other.test", base("http://rvp.other.test"), false)
	m.learn("third.test", base("http://rvp.other.test"), false) // first learned keeps it
	m.learn("example.com", base("http://example.com"), true)    // the domain itself: nothing to map
	for _, tc := range []struct {
		host, want string
		ok         bool
	}{
		{"im.example.com:8081", "example.com", true},
		{"im.example.com", "example.com", true},      // by host name
		{"im.example.com:9999", "example.com", true}, // any port
		{"rvp.other.test", "other.test", true},
		{"example.com", "", false},
		{"elsewhere.test", "", false},
	} {
		got, ok := m.domain(tc.host)
		if got != tc.want || ok != tc.ok {
			t.Errorf("domain(%q) = %q, %v; want %q, %v", tc.host, got, ok, tc.want, tc.ok)
		}
	}
}

// TestURLForm: the SRV form names the own domain's people by the server
// host (port kept unless 80) and everybody else by their domain.
func TestURLForm(t *testing.T) {
	bob := rvpwire.Node{Domain: "example.com", Alias: "bob"}
	zed := rvpwire.Node{Domain: "other.test", Alias: "zed"}
	for _, tc := range []struct {
		form      urlForm
		bob, zed  string
		formLabel string
	}{
		{urlForm{}, "http://example.com/instmsg/aliases/bob", "http://other.test/instmsg/aliases/zed", "logical"},
		{urlForm{domain: "example.com", host: "im.example.com"}, "http://im.example.com/instmsg/aliases/bob", "http://other.test/instmsg/aliases/zed", "srv"},
		{urlForm{domain: "example.com", host: "im.example.com:8081"}, "http://im.example.com:8081/instmsg/aliases/bob", "http://other.test/instmsg/aliases/zed", "srv port"},
	} {
		if got := tc.form.url(bob); got != tc.bob {
			t.Errorf("%s: url(bob) = %q, want %q", tc.formLabel, got, tc.bob)
		}
		if got := tc.form.url(zed); got != tc.zed {
			t.Errorf("%s: url(zed) = %q, want %q", tc.formLabel, got, tc.zed)
		}
	}
}

// TestNodeOfKnownDomain: a host that is itself an IM domain the engine
// deals with (here a contact's) is never read as another domain's server.
func TestNodeOfKnownDomain(t *testing.T) {
	f := newFakeServer(t, "alice")
	c, _ := newTestClient(t, "", func(o *Options) { o.Resolver = srvFor(t, startFake(t, f), "example.com") })
	signIn(t, c, "alice")
	host := c.Diagnostics().Server[len("http://"):]
	c.mu.Lock()
	c.servers.learn("other.test", &url.URL{Scheme: "http", Host: "chat.example.com"}, false)
	c.contacts["zed@chat.example.com"] = &contact{node: rvpwire.Node{Domain: "chat.example.com", Alias: "zed"}}
	c.mu.Unlock()
	for _, tc := range []struct{ href, want string }{
		{"http://" + host + "/instmsg/aliases/Bob", "bob@example.com"},
		{"http://example.com/instmsg/aliases/bob", "bob@example.com"},
		{"http://chat.example.com/instmsg/aliases/zed", "zed@chat.example.com"}, // a contact's domain
		{"http://" + host + "/instmsg/local/other.test/instmsg/aliases/zed", "zed@other.test"},
	} {
		n, err := c.nodeOf(tc.href)
		if err != nil || n.SignInName() != tc.want {
			t.Errorf("nodeOf(%q) = %q, %v; want %q", tc.href, n.SignInName(), err, tc.want)
		}
	}
	if _, err := c.nodeOf("http://" + host + "/other/bob"); err == nil {
		t.Error("nodeOf accepted a URL outside /instmsg/aliases/")
	}
}
