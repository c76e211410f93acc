package rvpserver

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
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
