package rvpclient

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"

	"rendezvous/internal/rvpwire"
)

type fakeResolver struct {
	srv []*net.SRV
	err error
	got string
}

func (r *fakeResolver) LookupSRV(_ context.Context, service, proto, name string) (string, []*net.SRV, error) {
	r.got = "_" + service + "._" + proto + "." + name
	return "", r.srv, r.err
}

func TestDiscover(t *testing.T) {
	notFound := &net.DNSError{Err: "no such host", Name: "_rvp._tcp.example.com", IsNotFound: true}
	for _, tc := range []struct {
		name     string
		res      *fakeResolver
		explicit string
		want     string
	}{
		{"srv port 80", &fakeResolver{srv: []*net.SRV{{Target: "im.example.com.", Port: 80}}}, "", "http://im.example.com"},
		{"srv other port", &fakeResolver{srv: []*net.SRV{{Target: "im.example.com.", Port: 8080}}}, "", "http://im.example.com:8080"},
		{"srv priority", &fakeResolver{srv: []*net.SRV{
			{Target: "backup.example.com.", Port: 80, Priority: 10},
			{Target: "main.example.com.", Port: 80, Priority: 1}}}, "", "http://main.example.com"},
		{"no srv", &fakeResolver{err: notFound}, "", "http://example.com"},
		{"dns broken", &fakeResolver{err: errors.New("server misbehaving")}, "", "http://example.com"},
		{"explicit wins", &fakeResolver{srv: []*net.SRV{{Target: "im.example.com.", Port: 80}}}, "https://chat.example.com:8443", "https://chat.example.com:8443"},
	} {
		u, _, err := discover(context.Background(), tc.res, "example.com", tc.explicit)
		if err != nil || u.String() != tc.want {
			t.Errorf("%s: got %v, %v; want %s", tc.name, u, err, tc.want)
		}
		if tc.explicit == "" && tc.res.got != "_rvp._tcp.example.com" {
			t.Errorf("%s: looked up %q", tc.name, tc.res.got)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := discover(ctx, &fakeResolver{err: context.Canceled}, "example.com", ""); !IsNetwork(err) {
		t.Errorf("cancelled lookup: %v", err)
	}
}

// TestDiscoverUsedBySignIn: without ServerURL the client asks the resolver
// and talks to the SRV target.
func TestDiscoverUsedBySignIn(t *testing.T) {
	f := newFakeServer(t, "alice")
	url := startFake(t, f)
	host, port, _ := net.SplitHostPort(url[len("http://"):])
	p := 0
	for _, ch := range port {
		p = p*10 + int(ch-'0')
	}
	res := &fakeResolver{srv: []*net.SRV{{Target: host + ".", Port: uint16(p)}}}
	c, _ := newTestClient(t, "", func(o *Options) { o.Resolver = res })
	signIn(t, c, "alice")
	if d := c.Diagnostics(); d.Server != url {
		t.Errorf("server %q, want %q", d.Server, url)
	}
}

// TestForeignDomainContact: a contact of another domain is watched through
// that domain's server (found by SRV), without our credentials, with our
// principal as RVP-From-Principal and Call-Back.
func TestForeignDomainContact(t *testing.T) {
	home := newFakeServer(t, "alice")
	homeURL := startFake(t, home)
	foreign := newFakeServer(t, "dave")
	foreign.domain = "other.example"
	foreign.assertion = true
	foreignURL := startFake(t, foreign)
	host, portText, _ := net.SplitHostPort(strings.TrimPrefix(foreignURL, "http://"))
	port, _ := strconv.Atoi(portText)
	res := &fakeResolver{srv: []*net.SRV{{Target: host + ".", Port: uint16(port)}}}
	c, _ := newTestClient(t, homeURL, func(o *Options) { o.Resolver = res })
	signIn(t, c, "alice")
	got, err := c.AddContact(testCtx(t), "dave@other.example")
	if err != nil || got.DisplayName != "Dave Example" {
		t.Fatalf("AddContact = %+v, %v", got, err)
	}
	if res.got != "_rvp._tcp.other.example" {
		t.Errorf("looked up %q", res.got)
	}
	subs := foreign.requests("SUBSCRIBE")
	if len(subs) != 1 {
		t.Fatalf("foreign server saw %d SUBSCRIBEs", len(subs))
	}
	r := subs[0]
	if r.Header.Get("Authorization") != "" || r.Header.Get(rvpwire.HeaderFromPrincipal) != "http://example.com/instmsg/aliases/alice" ||
		r.Header.Get(rvpwire.HeaderCallBack) != "http://example.com/instmsg/aliases/alice" || r.URL.Path != "/instmsg/aliases/dave" {
		t.Errorf("foreign SUBSCRIBE %s %v", r.URL.Path, r.Header)
	}
	if len(home.requests("SUBSCRIBE")) != 2 {
		t.Errorf("home server saw %d SUBSCRIBEs, want login and own node", len(home.requests("SUBSCRIBE")))
	}
}
