package rvpserver_test

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"rendezvous/rvpclient"
	"rendezvous/rvpserver"
)

// Federation test fixtures: several rvpserver.Server instances, one per IM
// domain, each on its own loopback listener, found through a fake SRV
// resolver shared by servers and clients (no DNS). Users are rvpclient
// clients.

// fedNet is the fake DNS: SRV _rvp._tcp.<domain> -> 127.0.0.1:<port>.
type fedNet struct {
	mu  sync.Mutex
	srv map[string]*net.SRV // guarded by mu
}

func newFedNet() *fedNet { return &fedNet{srv: map[string]*net.SRV{}} }

func (n *fedNet) add(domain, addr string) {
	_, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	n.mu.Lock()
	n.srv[domain] = &net.SRV{Target: "127.0.0.1.", Port: uint16(p)}
	n.mu.Unlock()
}

func (n *fedNet) LookupSRV(_ context.Context, service, proto, name string) (string, []*net.SRV, error) {
	n.mu.Lock()
	r := n.srv[strings.ToLower(name)]
	n.mu.Unlock()
	if service != "rvp" || proto != "tcp" || r == nil {
		return "", nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	return "_rvp._tcp." + name + ".", []*net.SRV{r}, nil
}

// loopDialer dials loopback only (a test must never leave the machine) and
// calls hook, when set, before each dial.
type loopDialer struct {
	mu   sync.Mutex
	hook func(addr string) // guarded by mu
}

func (d *loopDialer) setHook(h func(addr string)) {
	d.mu.Lock()
	d.hook = h
	d.mu.Unlock()
}

func (d *loopDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || net.ParseIP(host) == nil || !net.ParseIP(host).IsLoopback() {
		return nil, errors.New("test dialer: not a loopback address: " + addr)
	}
	d.mu.Lock()
	h := d.hook
	d.mu.Unlock()
	if h != nil {
		h(addr)
	}
	return (&net.Dialer{}).DialContext(ctx, network, addr)
}

// site is one organisation: an rvpd engine for domain on 127.0.0.1:port,
// with users alice, bob, carol and dave (password "pw-"+alias).
type site struct {
	t      *testing.T
	domain string
	addr   string
	srv    *rvpserver.Server
	dial   *loopDialer
	warns  chan string // messages of Warn-level log records

	mu sync.Mutex
	hs *httptest.Server // guarded by mu; nil while down
}

func newSite(t *testing.T, fn *fedNet, domain string, mod func(*rvpserver.Options)) *site {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, domain: domain, addr: ln.Addr().String(), dial: &loopDialer{}, warns: make(chan string, 64)}
	opts := &rvpserver.Options{Domains: []string{domain}, HostNames: []string{s.addr},
		Resolver: fn, DialContext: s.dial.DialContext, CallbackTimeout: 2 * time.Second,
		ForwardBackoff: 20 * time.Millisecond, Logger: slog.New(&warnHandler{ch: s.warns})}
	if mod != nil {
		mod(opts)
	}
	if s.srv, err = rvpserver.New(opts); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := s.srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"alice", "bob", "carol", "dave"} {
		if err := s.srv.AddUser(ctx, u, "pw-"+u, ""); err != nil {
			t.Fatal(err)
		}
	}
	s.serve(ln)
	fn.add(domain, s.addr)
	t.Cleanup(func() {
		_ = s.srv.Shutdown(context.Background())
		s.down()
	})
	return s
}

func (s *site) serve(ln net.Listener) {
	hs := httptest.NewUnstartedServer(s.srv)
	hs.Listener = ln
	hs.Config.MaxHeaderBytes = 64 << 10
	hs.Start()
	s.mu.Lock()
	s.hs = hs
	s.mu.Unlock()
}

// down closes the listener: connections to the site are refused.
func (s *site) down() {
	s.mu.Lock()
	hs := s.hs
	s.hs = nil
	s.mu.Unlock()
	if hs != nil {
		hs.Close()
	}
}

// up listens again on the same address (same engine, same state).
func (s *site) up() {
	s.t.Helper()
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		s.t.Fatal(err)
	}
	s.serve(ln)
}

// metric reads one counter from the site's metrics.
func (s *site) metric(name string) int64 {
	s.t.Helper()
	rec := httptest.NewRecorder()
	s.srv.MetricsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				s.t.Fatalf("metric %s: %q", name, v)
			}
			return n
		}
	}
	s.t.Fatalf("metric %s missing", name)
	return 0
}

// warnHandler passes the messages of Warn and Error records to ch (never
// blocking) and drops the rest.
type warnHandler struct{ ch chan string }

func (h *warnHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }
func (h *warnHandler) Handle(_ context.Context, r slog.Record) error {
	select {
	case h.ch <- r.Message:
	default:
	}
	return nil
}
func (h *warnHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *warnHandler) WithGroup(string) slog.Handler      { return h }

// waitWarn waits for a Warn record with message msg.
func (s *site) waitWarn(msg string) {
	s.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case m := <-s.warns:
			if m == msg {
				return
			}
		case <-deadline:
			s.t.Fatalf("%s: no %q logged", s.domain, msg)
		}
	}
}

// events collects a client's events.
type events struct{ ch chan rvpclient.Event }

func (e *events) HandleEvent(ev rvpclient.Event) {
	select {
	case e.ch <- ev:
	default: // a test that needs thousands of events is broken anyway
	}
}

// wait returns the first event for which match holds, failing after a
// generous bound.
func (e *events) wait(t *testing.T, what string, match func(rvpclient.Event) bool) rvpclient.Event {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case ev := <-e.ch:
			if match(ev) {
				return ev
			}
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
			return nil
		}
	}
}

// presence waits until contact is reported in state st.
func (e *events) presence(t *testing.T, contact string, st rvpclient.State) {
	t.Helper()
	e.wait(t, contact+" "+string(st), func(ev rvpclient.Event) bool {
		p, ok := ev.(rvpclient.PresenceEvent)
		return ok && !p.Self && p.Contact == contact && p.State == st
	})
}

// message waits for text from sender.
func (e *events) message(t *testing.T, from, text string) {
	t.Helper()
	e.wait(t, "message from "+from, func(ev rvpclient.Event) bool {
		m, ok := ev.(rvpclient.MessageEvent)
		return ok && m.From == from && m.Text == text
	})
}

// user signs alias of the site in with rvpclient in mode.
func (s *site) user(fn *fedNet, alias string, mode rvpclient.Mode) (*rvpclient.Client, *events) {
	t := s.t
	t.Helper()
	ev := &events{ch: make(chan rvpclient.Event, 1024)}
	c := rvpclient.New(&rvpclient.Options{ServerURL: "http://" + s.addr, Resolver: fn, Handler: ev,
		Mode: mode, CallbackHost: "127.0.0.1", RequestTimeout: 10 * time.Second})
	t.Cleanup(func() { _ = c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.SignIn(ctx, rvpclient.Account{SignInName: alias + "@" + s.domain, Password: "pw-" + alias}); err != nil {
		t.Fatalf("sign in %s@%s: %v", alias, s.domain, err)
	}
	return c, ev
}

func (s *site) name(alias string) string { return alias + "@" + s.domain }

func ctx10(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// send starts a conversation from c with to and sends text.
func send(t *testing.T, c *rvpclient.Client, to, text string) error {
	t.Helper()
	cv, err := c.StartConversation(to)
	if err != nil {
		t.Fatal(err)
	}
	return cv.Send(ctx10(t), text)
}

func addContact(t *testing.T, c *rvpclient.Client, name string) rvpclient.Contact {
	t.Helper()
	ct, err := c.AddContact(ctx10(t), name)
	if err != nil {
		t.Fatalf("add contact %s: %v", name, err)
	}
	return ct
}

func setStatus(t *testing.T, c *rvpclient.Client, st rvpclient.State) {
	t.Helper()
	if err := c.SetStatus(ctx10(t), st); err != nil {
		t.Fatalf("set status %s: %v", st, err)
	}
}
