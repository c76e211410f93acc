package rvpserver

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"rendezvous/internal/rvpwire"
)

// Federation (PROTOCOL.md 10). A Call-Back that names a node (its path is
// under /instmsg/aliases/ or /instmsg/local/) is on a server, not a client
// listener: the subscriber's logical URL of a propchange subscription, or
// a login that forwards to a principal elsewhere. Such a NOTIFY goes to the
// server of the URL's host, found like a client finds it (PROTOCOL.md
// 2.2): a host with an explicit port or an IP address is used as is,
// otherwise the SRV record _rvp._tcp.<host> (lowest priority, then highest
// weight), otherwise the host itself on port 80. The request keeps the
// URL's path as a path-only Request-URI and the URL's host in Host.
//
// A server-to-server delivery that fails in transport or is answered 502,
// 503 or 504 is retried Options.ForwardRetries times, waiting
// Options.ForwardBackoff and doubling it each time (at most a minute).
// Presence is retried in memory, one pending notification of each kind
// (r:state, other properties) per subscription (a newer one of the same
// kind replaces it, so the watcher's server gets the latest values); after the last retry it is dropped, logged and counted
// (rvpd_forward_failures_total); a restart forgets pending retries (the
// watcher's next renewal answer holds the state). A NOTIFY that a login
// forwards to another server (an IM) is retried while its sender waits,
// within 4 CallbackTimeouts, and the sender's answer reflects the outcome.

// Resolver looks up SRV records; *net.Resolver implements it. Tests inject
// a fake that points domains at loopback servers.
type Resolver interface {
	LookupSRV(ctx context.Context, service, proto, name string) (cname string, addrs []*net.SRV, err error)
}

// Federation defaults.
const (
	DefaultForwardRetries = 4 // Exchange 2000 SP2 after KB 318158
	DefaultForwardBackoff = 2 * time.Second
	maxForwardBackoff     = time.Minute
	discoveryTTL          = 5 * time.Minute
	discoveryCacheMax     = 1024
)

// serverRoute reports whether cb names a node on a server and returns its URL.
func serverRoute(cb string) (*url.URL, bool) {
	u, err := url.Parse(cb)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, false
	}
	if _, err := rvpwire.ParseNodeURL(cb, ""); err != nil {
		return nil, false
	}
	return u, true
}

// discovery finds and caches the address of the server of a host.
type discovery struct {
	res Resolver
	now func() time.Time

	mu    sync.Mutex
	cache map[string]discovered // guarded by mu
}

type discovered struct {
	addr  string // host:port to dial
	until time.Time
}

func newDiscovery(res Resolver, now func() time.Time) *discovery {
	if res == nil {
		res = net.DefaultResolver
	}
	return &discovery{res: res, now: now, cache: map[string]discovered{}}
}

// addr returns the host:port to dial for host (a URL's host part). Only a
// done ctx is an error: a failed SRV lookup falls back to host:80.
func (d *discovery) addr(ctx context.Context, host string) (string, error) {
	host = strings.ToLower(host)
	if h, _, err := net.SplitHostPort(host); err == nil && h != "" {
		return host, nil
	}
	bare := strings.Trim(host, "[]")
	if net.ParseIP(bare) != nil {
		return net.JoinHostPort(bare, "80"), nil
	}
	now := d.now()
	d.mu.Lock()
	c, ok := d.cache[host]
	d.mu.Unlock()
	if ok && now.Before(c.until) {
		return c.addr, nil
	}
	addr := net.JoinHostPort(host, "80")
	_, srvs, err := d.res.LookupSRV(ctx, "rvp", "tcp", host)
	if err != nil && ctx.Err() != nil {
		return "", ctx.Err()
	}
	if best := bestSRV(srvs); best != nil {
		addr = net.JoinHostPort(strings.TrimSuffix(best.Target, "."), strconv.Itoa(int(best.Port)))
	}
	d.mu.Lock()
	if len(d.cache) >= discoveryCacheMax {
		clear(d.cache)
	}
	d.cache[host] = discovered{addr: addr, until: now.Add(discoveryTTL)}
	d.mu.Unlock()
	return addr, nil
}

// forget drops host's cached address (after a transport failure).
func (d *discovery) forget(host string) {
	d.mu.Lock()
	delete(d.cache, strings.ToLower(host))
	d.mu.Unlock()
}

func bestSRV(srvs []*net.SRV) *net.SRV {
	var best *net.SRV
	for _, a := range srvs {
		if a == nil || a.Target == "" || a.Target == "." {
			continue
		}
		if best == nil || a.Priority < best.Priority || a.Priority == best.Priority && a.Weight > best.Weight {
			best = a
		}
	}
	return best
}

// forwardOnce sends m to the server of node URL u, once.
func (s *Server) forwardOnce(ctx context.Context, u *url.URL, m *outMsg) (int, error) {
	addr, err := s.disc.addr(ctx, u.Host)
	if err != nil {
		return 0, err
	}
	target := &url.URL{Scheme: u.Scheme, Host: addr, Path: u.Path, RawPath: u.RawPath}
	code, err := s.postURL(ctx, target, u.Host, m)
	if err != nil {
		s.disc.forget(u.Host)
	}
	return code, err
}

// retryable reports whether a server-to-server attempt may succeed later.
func retryable(code int, err error) bool {
	switch {
	case err != nil, code == 0:
		return true
	case code == http.StatusBadGateway, code == http.StatusServiceUnavailable, code == http.StatusGatewayTimeout:
		return true
	}
	return false
}

// backoff is the wait before retry number n (1-based).
func (s *Server) backoff(n int) time.Duration {
	d := s.cfg.ForwardBackoff
	for i := 1; i < n && d < maxForwardBackoff; i++ {
		d *= 2
	}
	return min(d, maxForwardBackoff)
}

// forwardSync delivers m to another server while a sender waits: retries
// within the sender's context and a budget of 4 CallbackTimeouts. The
// NOTIFY goes out as this server's (RVP-From-Principal: Domains[0]); the
// original sender stays in the body's r:notification-from. The receiving
// server cannot check a user of ours, and one of its own users coming back
// round a forward carries no credentials for it.
func (s *Server) forwardSync(ctx context.Context, u *url.URL, m *outMsg) (int, error) {
	m = m.withHeader(rvpwire.HeaderFromPrincipal, s.cfg.domains[0])
	ctx, cancel := context.WithTimeout(ctx, 4*s.cfg.CallbackTimeout)
	defer cancel()
	for attempt := 0; ; attempt++ {
		code, err := s.forwardOnce(ctx, u, m)
		s.countForward(code, err)
		if !retryable(code, err) || attempt >= s.cfg.ForwardRetries {
			return code, err
		}
		s.met.forwardRetries.Add(1)
		t := time.NewTimer(s.backoff(attempt + 1))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return code, err
		}
	}
}

func (s *Server) countForward(code int, err error) {
	if err == nil && code >= 200 && code < 300 {
		s.met.forwards.Add(1)
	}
}

// withHeader returns a copy of m with one header replaced.
func (m *outMsg) withHeader(name, value string) *outMsg {
	c := *m
	c.header = m.header.Clone()
	rvpwire.SetHeader(c.header, name, value)
	return &c
}

// pendingForward is the property notification owed to the server of one
// foreign watcher (a propchange subscription); guarded by Server.mu.
type pendingForward struct {
	url     *url.URL
	m       *outMsg
	attempt int  // retries made for m
	busy    bool // an attempt is on a delivery worker
	waiting bool // a retry timer is armed
}

// fwdKey names a slot of notifications owed to a foreign watcher: each
// subscription has one for r:state and one for the other properties, so a
// newer state never replaces a display-name change still owed, nor the
// other way round.
type fwdKey struct {
	sub   uint64
	props bool
}

func (k fwdKey) timer() timerKey {
	if k.props {
		return timerKey{timerForwardProps, k.sub}
	}
	return timerKey{timerForward, k.sub}
}

// forwardPresenceLocked queues m for sub's watcher server, replacing an
// older notification of the same kind still owed to it; mu must be held.
func (s *Server) forwardPresenceLocked(k fwdKey, u *url.URL, m *outMsg) {
	p := s.fwd[k]
	if p == nil {
		p = &pendingForward{url: u}
		s.fwd[k] = p
	}
	p.m, p.attempt = m, 0
	if p.waiting {
		p.waiting = false
		s.timers.cancel(k.timer())
	}
	if !p.busy {
		s.dispatchForwardLocked(k, p)
	}
}

// dispatchForwardLocked hands p's attempt to the delivery workers; when
// their queue is full the notification is dropped and counted like any
// other presence delivery (the watcher refreshes on renewal).
func (s *Server) dispatchForwardLocked(k fwdKey, p *pendingForward) {
	select {
	case s.jobs <- func(ctx context.Context) { s.tryForward(ctx, k) }:
		p.busy = true
	default:
		delete(s.fwd, k)
		s.met.asyncDropped.Add(1)
	}
}

// tryForward makes one attempt for slot k's pending notification on a
// delivery worker, then retires it, sends a newer one or arms a retry.
func (s *Server) tryForward(ctx context.Context, k fwdKey) {
	s.mu.Lock()
	p := s.fwd[k]
	if p == nil {
		s.mu.Unlock()
		return
	}
	m := p.m
	s.mu.Unlock()
	code, err := s.sendCounted(ctx, func(ctx context.Context) (int, error) { return s.forwardOnce(ctx, p.url, m) })
	s.countForward(code, err)

	s.mu.Lock()
	defer s.mu.Unlock()
	p.busy = false
	if s.fwd[k] != p || s.state != stateRunning {
		return
	}
	if p.m != m { // a newer notification arrived meanwhile
		s.dispatchForwardLocked(k, p)
		return
	}
	if !retryable(code, err) || p.attempt >= s.cfg.ForwardRetries {
		delete(s.fwd, k)
		s.forwardDone(k.sub, p, code, err)
		return
	}
	p.attempt++
	p.waiting = true
	s.met.forwardRetries.Add(1)
	s.timers.set(k.timer(), s.now().Add(s.backoff(p.attempt)))
}

// forwardDone reports the end of a presence forward: a failure (no
// answer, a 5xx, or 404/410: the watcher's node is unknown there) is
// logged and counted; another refusal (412: the watcher is not signed in,
// 403) is the receiver's decision and only logged at debug level.
func (s *Server) forwardDone(id uint64, p *pendingForward, code int, err error) {
	switch {
	case err == nil && code >= 200 && code < 300:
	case err != nil, code >= 500, code == http.StatusNotFound, code == http.StatusGone:
		s.met.forwardFailures.Add(1)
		s.log.Warn("presence to another server not delivered", "subscription", id, "server", p.url.Host,
			"status", code, "err", err, "retries", p.attempt)
	default:
		s.log.Debug("presence refused by the watcher's server", "subscription", id, "server", p.url.Host, "status", code)
	}
}

// retryForwardLocked runs when a retry timer fires; mu must be held.
func (s *Server) retryForwardLocked(k fwdKey) {
	if p := s.fwd[k]; p != nil && p.waiting {
		p.waiting = false
		s.dispatchForwardLocked(k, p)
	}
}

// dropForwardLocked forgets what is owed for a removed subscription.
func (s *Server) dropForwardLocked(id uint64) {
	for _, k := range []fwdKey{{id, false}, {id, true}} {
		if _, ok := s.fwd[k]; ok {
			delete(s.fwd, k)
			s.timers.cancel(k.timer())
		}
	}
}

// sendCounted runs send holding one of the MaxDeliveries slots.
func (s *Server) sendCounted(ctx context.Context, send func(context.Context) (int, error)) (int, error) {
	select {
	case s.sendSem <- struct{}{}:
		defer func() { <-s.sendSem }()
	case <-ctx.Done():
		return 0, ctx.Err()
	}
	return send(ctx)
}
