package rvpserver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"testing"
	"time"

	"rendezvous/internal/rvpwire"
)

func TestServerRoute(t *testing.T) {
	for cb, want := range map[string]bool{
		"http://b.example/instmsg/aliases/bob":                          true,
		"https://b.example:8443/instmsg/aliases/bob":                    true,
		"http://im.b.example/instmsg/local/b.example/instmsg/aliases/x": true,
		"http://127.0.0.1:4711/":                                        false, // a client listener
		"http://127.0.0.1:4711/3f2a9c10":                                false,
		"http://127.0.0.1:4711/instmsg/aliases/":                        false,
		"ftp://b.example/instmsg/aliases/bob":                           false,
		"/instmsg/aliases/bob":                                          false,
		"poll":                                                          false,
	} {
		if _, got := serverRoute(cb); got != want {
			t.Errorf("serverRoute(%q) = %v, want %v", cb, got, want)
		}
	}
}

// countingResolver answers from a table and counts lookups.
type countingResolver struct {
	table map[string][]*net.SRV
	err   error
	n     int
}

func (r *countingResolver) LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error) {
	r.n++
	if err := ctx.Err(); err != nil {
		return "", nil, err
	}
	if service != "rvp" || proto != "tcp" {
		return "", nil, errors.New("wrong service")
	}
	if s, ok := r.table[name]; ok {
		return "", s, nil
	}
	if r.err != nil {
		return "", nil, r.err
	}
	return "", nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func TestDiscovery(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	res := &countingResolver{table: map[string][]*net.SRV{
		"b.example": {{Target: "backup.b.example.", Port: 80, Priority: 20}, {Target: "im.b.example.", Port: 8081, Priority: 10, Weight: 1},
			{Target: "other.b.example.", Port: 8082, Priority: 10, Weight: 5}},
	}}
	d := newDiscovery(res, func() time.Time { return now })
	ctx := context.Background()
	for host, want := range map[string]string{
		"b.example":      "other.b.example:8082", // lowest priority, then highest weight
		"B.Example":      "other.b.example:8082", // cached, case-insensitive
		"c.example":      "c.example:80",         // no record: the host itself
		"c.example:8080": "c.example:8080",       // explicit port: no lookup
		"127.0.0.9":      "127.0.0.9:80",         // address: no lookup
		"[::1]":          "[::1]:80",
	} {
		got, err := d.addr(ctx, host)
		if err != nil || got != want {
			t.Errorf("addr(%q) = %q, %v; want %q", host, got, err, want)
		}
	}
	if res.n != 2 {
		t.Errorf("lookups: %d, want 2 (b.example once, c.example once)", res.n)
	}
	d.forget("b.example")
	d.addr(ctx, "b.example")
	now = now.Add(discoveryTTL)
	d.addr(ctx, "c.example")
	if res.n != 4 {
		t.Errorf("lookups after forget and expiry: %d, want 4", res.n)
	}
	// A broken resolver falls back to the host; a done context does not.
	res.err = errors.New("server misbehaving")
	if got, err := d.addr(ctx, "d.example"); err != nil || got != "d.example:80" {
		t.Errorf("broken DNS: %q %v", got, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := d.addr(cctx, "e.example"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled lookup: %v", err)
	}
}

func TestRetryableAndBackoff(t *testing.T) {
	for _, tc := range []struct {
		code int
		err  error
		want bool
	}{{0, errors.New("refused"), true}, {502, nil, true}, {503, nil, true}, {504, nil, true},
		{500, nil, false}, {412, nil, false}, {403, nil, false}, {404, nil, false}, {200, nil, false}} {
		if got := retryable(tc.code, tc.err); got != tc.want {
			t.Errorf("retryable(%d, %v) = %v", tc.code, tc.err, got)
		}
	}
	s := &Server{cfg: &config{Options: Options{ForwardBackoff: 2 * time.Second}}}
	for n, want := range map[int]time.Duration{1: 2 * time.Second, 2: 4 * time.Second, 3: 8 * time.Second, 6: 60 * time.Second, 40: time.Minute} {
		if got := s.backoff(n); got != want {
			t.Errorf("backoff(%d) = %v, want %v", n, got, want)
		}
	}
}

// TestACLShutOutForeignPrincipals: a user keeps the default grant for
// everyone and adds "allprincipals, assertion: deny send-to, presence".
// Users of other domains (judged by assertion) are refused and see
// offline; local users (Digest) are not. The two allprincipals ACEs are
// kept side by side (merged by credentials), and a later set of the same
// credentials replaces only its own ACE.
func TestACLShutOutForeignPrincipals(t *testing.T) {
	e := newEnv(t, nil)
	alice, bob := e.user("alice"), e.user("bob")
	lb := newListener(t)
	alice.login(lb.URL)
	alice.setState(rvpwire.StateOnline, "")
	shut := rvpwire.ACL{ACEs: []rvpwire.ACE{{All: true, Credentials: []rvpwire.Credential{rvpwire.CredAssertion},
		Deny: []rvpwire.Right{rvpwire.RightSendTo, rvpwire.RightPresence}}}}
	if r := alice.do("ACL", "alice", nil, string(rvpwire.Marshal(shut.Element()))); r.code != 200 {
		t.Fatalf("ACL set: %d", r.code)
	}
	acl := e.srv.account("alice").ACL
	if n := countAll(acl); n != 2 {
		t.Fatalf("allprincipals ACEs after the set: %d, want 2 (%+v)", n, acl)
	}
	foreign := "http://other.example/instmsg/aliases/zed"
	fsend := func() int {
		req, _ := http.NewRequest("NOTIFY", e.hs.URL+"/instmsg/aliases/alice", stringsReader(imBody("bob", "alice", "hi")))
		req.Host = testDomain
		req.Header.Set(rvpwire.HeaderFromPrincipal, foreign)
		return roundTrip(t, req).code
	}
	if code := fsend(); code != http.StatusForbidden {
		t.Fatalf("foreign NOTIFY: %d, want 403", code)
	}
	if r := bob.do("NOTIFY", "alice", imHeaders(), imBody("bob", "alice", "hi")); r.code != 200 {
		t.Fatalf("local NOTIFY: %d, want 200", r.code)
	}
	lb.next(t)
	e.srv.mu.Lock()
	fs := e.srv.visibleLocked("alice", rvpwire.StateOnline, requester{principal: foreign, cred: rvpwire.CredAssertion})
	ls := e.srv.visibleLocked("alice", rvpwire.StateOnline, requester{principal: principal("bob"), alias: "bob", cred: rvpwire.CredDigest})
	e.srv.mu.Unlock()
	if fs != rvpwire.StateOffline || ls != rvpwire.StateOnline {
		t.Fatalf("presence seen by foreign %q, local %q", fs, ls)
	}
	// Lifting it: the same credentials with empty grant and deny remove
	// only that ACE.
	lift := rvpwire.ACL{ACEs: []rvpwire.ACE{{All: true, Credentials: []rvpwire.Credential{rvpwire.CredAssertion}}}}
	if r := alice.do("ACL", "alice", nil, string(rvpwire.Marshal(lift.Element()))); r.code != 200 {
		t.Fatalf("ACL set: %d", r.code)
	}
	if n := countAll(e.srv.account("alice").ACL); n != 1 {
		t.Fatalf("allprincipals ACEs after lifting: %d, want 1", n)
	}
	if code := fsend(); code != 200 {
		t.Fatalf("foreign NOTIFY after lifting: %d", code)
	}
}

func countAll(acl rvpwire.ACL) int {
	n := 0
	for _, a := range acl.ACEs {
		if a.All {
			n++
		}
	}
	return n
}

func TestCredRank(t *testing.T) {
	a, d, n, anyc := rvpwire.CredAssertion, rvpwire.CredDigest, rvpwire.CredNTLM, rvpwire.CredAny
	C := func(c ...rvpwire.Credential) []rvpwire.Credential { return c }
	for _, tc := range []struct {
		creds []rvpwire.Credential
		have  rvpwire.Credential
		want  int
	}{
		{C(a), a, 3}, {C(a, d, n), a, 2}, {C(d), a, 0}, {C(anyc), a, 1},
		{C(d), d, 3}, {C(a, d, n), d, 2}, {C(a), d, 1}, {C(n), d, 0}, {nil, d, 0},
	} {
		if got := credRank(tc.creds, tc.have); got != tc.want {
			t.Errorf("credRank(%v, %s) = %d, want %d", tc.creds, tc.have, got, tc.want)
		}
	}
}

// TestPendingPresenceReplaced: while presence for a foreign watcher is in
// flight or waits for a retry (an hour here), a newer state replaces it
// and goes at once; the older one is never sent again. Removing the
// subscription forgets what is owed.
func TestPendingPresenceReplaced(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.ForwardBackoff = time.Hour })
	bob := e.user("bob")
	remote := newListener(t) // the watcher's home server
	zed := remote.URL + "/instmsg/aliases/zed"
	req, _ := http.NewRequest("SUBSCRIBE", e.hs.URL+"/instmsg/aliases/bob", nil)
	req.Host = testDomain
	req.Header.Set(rvpwire.HeaderFromPrincipal, zed)
	req.Header.Set(rvpwire.HeaderNotificationType, "update/propchange")
	req.Header.Set(rvpwire.HeaderCallBack, zed)
	r := roundTrip(t, req)
	if r.code != http.StatusMultiStatus {
		t.Fatalf("foreign subscription: %d", r.code)
	}
	subID := r.header.Get(rvpwire.HeaderSubscriptionID)

	remote.setCode(http.StatusServiceUnavailable)
	view := bob.setState(rvpwire.StateBusy, "")
	if _, st := presenceOf(t, remote.next(t)); st != rvpwire.StateBusy {
		t.Fatalf("first: %s", st)
	}
	remote.setCode(http.StatusOK)
	bob.setState(rvpwire.StateAway, view)
	if _, st := presenceOf(t, remote.next(t)); st != rvpwire.StateAway {
		t.Fatalf("after the newer state: %s, want away", st)
	}
	bob.setState(rvpwire.StateOnPhone, view)
	if _, st := presenceOf(t, remote.next(t)); st != rvpwire.StateOnPhone {
		t.Fatalf("next: %s, want on-phone (busy must not come back)", st)
	}
	if n := e.srv.met.forwardFailures.Load(); n != 0 {
		t.Errorf("failures: %d", n)
	}

	remote.setCode(http.StatusServiceUnavailable)
	bob.setState(rvpwire.StateBusy, view)
	remote.next(t)
	req, _ = http.NewRequest("UNSUBSCRIBE", e.hs.URL+"/instmsg/aliases/bob", nil)
	req.Host = testDomain
	req.Header.Set(rvpwire.HeaderFromPrincipal, zed)
	req.Header.Set(rvpwire.HeaderSubscriptionID, subID)
	if r := roundTrip(t, req); r.code != http.StatusOK {
		t.Fatalf("UNSUBSCRIBE: %d", r.code)
	}
	e.srv.mu.Lock()
	owed := len(e.srv.fwd)
	e.srv.mu.Unlock()
	if owed != 0 {
		t.Fatalf("presence still owed after UNSUBSCRIBE: %d", owed)
	}
}
