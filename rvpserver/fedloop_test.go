package rvpserver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"rendezvous/internal/rvpwire"
)

// srvMap is a fake SRV resolver: domain -> loopback host:port.
type srvMap map[string]string

func (m srvMap) LookupSRV(_ context.Context, _, _, name string) (string, []*net.SRV, error) {
	addr, ok := m[strings.ToLower(name)]
	if !ok {
		return "", nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return "", []*net.SRV{{Target: host + ".", Port: uint16(p)}}, nil
}

// TestHopCountStopsAForwardingLoop: alice on example.com forwards her
// notifications to bob on b.example (her login's Call-Back is his logical
// URL), and bob forwards his back to alice. A message to alice goes round
// between the two servers, one hop more each time, until the server that
// would forward past MaxHopCount refuses it; the sender gets a clear
// failure instead of a request that never ends.
func TestHopCountStopsAForwardingLoop(t *testing.T) {
	res := srvMap{}
	a := newEnv(t, func(o *Options) { o.Resolver = res; o.CallbackTimeout = 5 * time.Second })
	b := newEnv(t, func(o *Options) {
		o.Domains = []string{"b.example"}
		o.DisableAuth = true
		o.Resolver = res
		o.CallbackTimeout = 5 * time.Second
	})
	res[testDomain] = strings.TrimPrefix(a.hs.URL, "http://")
	res["b.example"] = strings.TrimPrefix(b.hs.URL, "http://")
	bobURL := rvpwire.PrincipalURL("b.example", "bob")

	a.user("alice").login(bobURL)
	req, _ := http.NewRequest("SUBSCRIBE", b.hs.URL+"/instmsg/aliases/bob", nil)
	req.Header.Set(rvpwire.HeaderFromPrincipal, bobURL)
	req.Header.Set(rvpwire.HeaderNotificationType, "pragma/notify")
	req.Header.Set(rvpwire.HeaderCallBack, principal("alice"))
	if r := roundTrip(t, req); r.code != http.StatusOK {
		t.Fatalf("bob's forwarding login: %d %s", r.code, r.body)
	}

	r := a.user("carol").do("NOTIFY", "alice", imHeaders(), imBody("carol", "alice", "round and round"))
	if r.code != http.StatusPreconditionFailed {
		t.Fatalf("NOTIFY into a loop: %d %s, want 412", r.code, r.body)
	}
	// Hops: carol->A 1, A->B 2, B->A 3, A->B 4, B->A 5; A would send hop
	// 6 and refuses.
	if n := a.srv.met.hopLimit.Load(); n != 1 {
		t.Errorf("hop-limit refusals at example.com: %d, want 1", n)
	}
	if n := b.srv.met.hopLimit.Load(); n != 0 {
		t.Errorf("hop-limit refusals at b.example: %d, want 0", n)
	}
	if n := a.srv.met.foreignRequests.Load(); n != 2 {
		t.Errorf("forwarded NOTIFYs that reached example.com: %d, want 2", n)
	}
}

// TestForwardedMessageRetried: a login that forwards to a node on another
// server (its Call-Back is bob's logical URL at b.example) gets a message
// through a failed first attempt (retried after backoff while the sender
// waits); when every attempt fails, the sender gets 412 after
// ForwardRetries retries.
func TestForwardedMessageRetried(t *testing.T) {
	res := srvMap{}
	var mu sync.Mutex
	dials, failFrom, failUntil := 0, 1, 1 // dial numbers that fail: [failFrom, failUntil]
	var bAddr string
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if addr == bAddr {
			mu.Lock()
			dials++
			fail := dials >= failFrom && dials <= failUntil
			mu.Unlock()
			if fail {
				return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused (test)")}
			}
		}
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	a := newEnv(t, func(o *Options) {
		o.Resolver, o.DialContext, o.ForwardRetries, o.ForwardBackoff = res, dial, 2, 10*time.Millisecond
	})
	b := newEnv(t, func(o *Options) { o.Domains = []string{"b.example"}; o.DisableAuth = true })
	bAddr = strings.TrimPrefix(b.hs.URL, "http://")
	res["b.example"] = bAddr
	bobURL := rvpwire.PrincipalURL("b.example", "bob")
	bobsClient := newListener(t)
	req, _ := http.NewRequest("SUBSCRIBE", b.hs.URL+"/instmsg/aliases/bob", nil)
	req.Header.Set(rvpwire.HeaderFromPrincipal, bobURL)
	req.Header.Set(rvpwire.HeaderNotificationType, "pragma/notify")
	req.Header.Set(rvpwire.HeaderCallBack, bobsClient.URL)
	if r := roundTrip(t, req); r.code != http.StatusOK {
		t.Fatalf("bob's login: %d", r.code)
	}
	a.user("alice").login(bobURL)
	carol := a.user("carol")

	if r := carol.do("NOTIFY", "alice", imHeaders(), imBody("carol", "alice", "via bob")); r.code != http.StatusOK {
		t.Fatalf("NOTIFY forwarded after one failed attempt: %d %s", r.code, r.body)
	}
	n := bobsClient.next(t)
	if n.header.Get(rvpwire.HeaderHopCount) != "3" || n.header.Get(rvpwire.HeaderFromPrincipal) != testDomain {
		t.Errorf("at bob's client: hop %q from %q, want 3 from %s", n.header.Get(rvpwire.HeaderHopCount),
			n.header.Get(rvpwire.HeaderFromPrincipal), testDomain)
	}
	if got := a.srv.met.forwardRetries.Load(); got != 1 {
		t.Errorf("retries: %d, want 1", got)
	}

	mu.Lock()
	failFrom, failUntil = dials+1, dials+100
	mu.Unlock()
	if r := carol.do("NOTIFY", "alice", imHeaders(), imBody("carol", "alice", "lost")); r.code != http.StatusPreconditionFailed {
		t.Fatalf("NOTIFY when the other server stays down: %d %s, want 412", r.code, r.body)
	}
	mu.Lock()
	defer mu.Unlock()
	if got := dials - failFrom + 1; got != 3 {
		t.Errorf("attempts when the other server stays down: %d, want 1 + ForwardRetries (2)", got)
	}
}

// TestForwardToLocalNode: a login whose Call-Back is the logical URL of a
// node on the same server: the server finds itself (SRV) and NOTIFYs
// itself as a server (taken on assertion), which delivers to that node's
// login one hop further.
func TestForwardToLocalNode(t *testing.T) {
	res := srvMap{}
	e := newEnv(t, func(o *Options) { o.Resolver = res })
	res[testDomain] = strings.TrimPrefix(e.hs.URL, "http://")
	bobsClient := newListener(t)
	e.user("bob").login(bobsClient.URL)
	e.user("alice").login(principal("bob"))
	if r := e.user("carol").do("NOTIFY", "alice", imHeaders(), imBody("carol", "alice", "to alice, read by bob")); r.code != http.StatusOK {
		t.Fatalf("NOTIFY: %d %s", r.code, r.body)
	}
	n := bobsClient.next(t)
	if n.path != "/" || n.header.Get(rvpwire.HeaderHopCount) != "3" || n.header.Get(rvpwire.HeaderFromPrincipal) != testDomain {
		t.Fatalf("bob's client got %s hop %q from %q", n.path, n.header.Get(rvpwire.HeaderHopCount), n.header.Get(rvpwire.HeaderFromPrincipal))
	}
	// A server name is no account: it cannot act for the node's owner.
	req, _ := http.NewRequest("PROPPATCH", e.hs.URL+"/instmsg/aliases/alice", stringsReader(""))
	req.Host = testDomain
	req.Header.Set(rvpwire.HeaderFromPrincipal, testDomain)
	if r := roundTrip(t, req); r.code != http.StatusForbidden {
		t.Fatalf("PROPPATCH of alice's node as the server name: %d, want 403", r.code)
	}
}
