package rvpserver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"slices"
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

// TestACLShutOutForeignPrincipals: a user shuts out other domains by
// setting the allprincipals ACE with digest and ntlm credentials only. It
// replaces the default one (allprincipals is one principal). Users of
// other domains (judged by assertion) no longer match it: their NOTIFY
// gets 403 and their subscription sees offline. Local users (Digest)
// keep every right it grants. Setting the default ACE again lifts it.
func TestACLShutOutForeignPrincipals(t *testing.T) {
	e := newEnv(t, nil)
	alice, bob := e.user("alice"), e.user("bob")
	lb := newListener(t)
	alice.login(lb.URL)
	alice.setState(rvpwire.StateOnline, "")
	everyone := []rvpwire.Right{rvpwire.RightList, rvpwire.RightRead, rvpwire.RightSendTo, rvpwire.RightPresence}
	setAll := func(creds ...rvpwire.Credential) {
		t.Helper()
		acl := rvpwire.ACL{ACEs: []rvpwire.ACE{{All: true, Credentials: creds, Grant: everyone}}}
		if r := alice.do("ACL", "alice", nil, string(rvpwire.Marshal(acl.Element()))); r.code != 200 {
			t.Fatalf("ACL set: %d %s", r.code, r.body)
		}
		all := allACEs(aclOf(t, alice, "alice"))
		if len(all) != 1 || !slices.Equal(all[0].Credentials, creds) || !slices.Equal(all[0].Grant, everyone) {
			t.Fatalf("allprincipals ACEs after the set: %+v, want one with %v", all, creds)
		}
	}
	setAll(rvpwire.CredDigest, rvpwire.CredNTLM)

	remote := newListener(t) // stands for the foreign home server
	foreign := remote.URL + "/instmsg/aliases/zed"
	fsend := func() int {
		req, _ := http.NewRequest("NOTIFY", e.hs.URL+"/instmsg/aliases/alice", stringsReader(imBody("bob", "alice", "hi")))
		req.Host = testDomain
		req.Header.Set(rvpwire.HeaderFromPrincipal, foreign)
		req.Header.Set(rvpwire.HeaderHopCount, "1")
		return roundTrip(t, req).code
	}
	if code := fsend(); code != http.StatusForbidden {
		t.Fatalf("foreign NOTIFY: %d, want 403", code)
	}
	if st := foreignSubscribe(t, e, foreign, "alice"); st != rvpwire.StateOffline {
		t.Fatalf("foreign watcher sees %q, want offline", st)
	}
	if r := bob.do("NOTIFY", "alice", imHeaders(), imBody("bob", "alice", "hi")); r.code != 200 {
		t.Fatalf("local NOTIFY: %d, want 200", r.code)
	}
	lb.next(t)
	if st := stateVia(t, bob, "alice"); st != rvpwire.StateOnline {
		t.Fatalf("local watcher sees %q, want online", st)
	}

	// Lifting it: the draft's default allprincipals ACE again. The foreign
	// watcher is told at once.
	setAll(rvpwire.CredAssertion, rvpwire.CredDigest, rvpwire.CredNTLM)
	if from, st := presenceOf(t, remote.next(t)); from != principal("alice") || st != rvpwire.StateOnline {
		t.Fatalf("foreign watcher told %s %s after lifting, want alice online", from, st)
	}
	if code := fsend(); code != 200 {
		t.Fatalf("foreign NOTIFY after lifting: %d", code)
	}
	if st := foreignSubscribe(t, e, foreign, "alice"); st != rvpwire.StateOnline {
		t.Fatalf("foreign watcher after lifting sees %q, want online", st)
	}
}

// foreignSubscribe subscribes a principal of another domain (no
// credentials, judged by assertion) to node and returns the state the
// 207 answer shows.
func foreignSubscribe(t *testing.T, e *env, from, node string) rvpwire.State {
	t.Helper()
	req, _ := http.NewRequest("SUBSCRIBE", e.hs.URL+rvpwire.AliasesPath+node, nil)
	req.Host = testDomain
	req.Header.Set(rvpwire.HeaderFromPrincipal, from)
	req.Header.Set(rvpwire.HeaderNotificationType, "update/propchange")
	req.Header.Set(rvpwire.HeaderCallBack, from)
	r := roundTrip(t, req)
	if r.code != http.StatusMultiStatus {
		t.Fatalf("foreign SUBSCRIBE: %d %s", r.code, r.body)
	}
	rs, err := rvpwire.ParseMultistatus(r.doc(t))
	if err != nil || len(rs) != 1 || len(rs[0].Propstats) == 0 {
		t.Fatalf("foreign SUBSCRIBE answer %s: %v", r.body, err)
	}
	return rvpwire.PropsFrom(rs[0].Propstats[0].Props).State
}

func allACEs(acl rvpwire.ACL) []rvpwire.ACE {
	var out []rvpwire.ACE
	for _, a := range acl.ACEs {
		if a.All {
			out = append(out, a)
		}
	}
	return out
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
