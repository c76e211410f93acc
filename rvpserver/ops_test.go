package rvpserver

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestNewValidatesOptions(t *testing.T) {
	bad := DefaultPollOptions()
	bad.LifeTime.Minimum = bad.LifeTime.Maximum + time.Second
	for name, o := range map[string]*Options{
		"nil":         nil,
		"no domains":  {},
		"bad domain":  {Domains: []string{"a/b"}},
		"poll triple": {Domains: []string{"x"}, Poll: &bad},
	} {
		if _, err := New(o); !errors.Is(err, ErrInvalidOptions) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := New(&Options{Domains: []string{"x"}, Poll: &bad}); err == nil || !strings.Contains(err.Error(), "PollLifeTime") {
		t.Errorf("error does not name the setting: %v", err)
	}
}

func TestAccountAdminOffline(t *testing.T) {
	ctx := context.Background()
	st := NewMemoryStore()
	opts := &Options{Domains: []string{testDomain}}
	if err := AddUser(ctx, st, opts, "Dave", "secret", "Dave D"); err != nil {
		t.Fatal(err)
	}
	if err := AddUser(ctx, st, opts, "dave", "x", ""); !errors.Is(err, ErrUserExists) {
		t.Fatalf("duplicate: %v", err)
	}
	if err := AddUser(ctx, st, opts, "bad/alias", "x", ""); !errors.Is(err, ErrInvalidAlias) {
		t.Fatalf("bad alias: %v", err)
	}
	if err := SetPassword(ctx, st, opts, "nobody", "x"); !errors.Is(err, ErrNoSuchUser) {
		t.Fatalf("passwd unknown: %v", err)
	}
	raw, _ := st.Get(ctx, BucketAccounts, "dave")
	if strings.Contains(string(raw), "secret") {
		t.Fatal("password stored in clear")
	}
	if err := SetPassword(ctx, st, opts, "dave", "newpw"); err != nil {
		t.Fatal(err)
	}
	// The new password works against a server on that store.
	e := startEnv(t, &Options{Domains: []string{testDomain}, Store: st}, false)
	dave := e.user("dave")
	dave.dc, _ = newDigestClient("dave", "newpw")
	if r := dave.do("PROPFIND", "dave", map[string]string{"Depth": "0"}, ""); r.code != http.StatusMultiStatus {
		t.Fatalf("auth with new password: %d", r.code)
	}
	users, err := ListUsers(ctx, st)
	if err != nil || len(users) != 1 || users[0].DisplayName != "Dave D" || users[0].Email != "dave@"+testDomain {
		t.Fatalf("list %+v %v", users, err)
	}
	if err := e.srv.DeleteUser(ctx, "dave"); err != nil {
		t.Fatal(err)
	}
	if err := DeleteUser(ctx, st, "dave"); !errors.Is(err, ErrNoSuchUser) {
		t.Fatalf("delete twice: %v", err)
	}
}

func TestShutdownAnswersHeldPolls(t *testing.T) {
	e := newEnv(t, nil)
	bob := e.user("bob")
	id := bob.login("poll")
	held := make(chan *resp, 1)
	go func() { held <- bob.do("POLL", "bob", pollHdr(id, 0, "600"), "") }()
	waitHeld(t, e.srv, 1)
	if err := e.srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := <-held; r.code != http.StatusNoContent {
		t.Fatalf("held POLL at shutdown: %d", r.code)
	}
	if err := e.srv.Shutdown(context.Background()); err != nil {
		t.Fatalf("second Shutdown: %v", err)
	}
	if r := bob.do("PROPFIND", "bob", map[string]string{"Depth": "0"}, ""); r.code != http.StatusServiceUnavailable {
		t.Fatalf("after shutdown: %d", r.code)
	}
}

func TestWorkQueueFull(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.MaxOutstanding = 1 })
	alice, bob := e.user("alice"), e.user("bob")
	release := make(chan struct{})
	entered := make(chan struct{}, 1)
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		entered <- struct{}{}
		<-release
	}))
	defer slow.Close()
	bob.login(slow.URL)
	// Authenticate first so the blocked NOTIFY is the only request in flight.
	alice.do("PROPFIND", "bob", map[string]string{"Depth": "0"}, "")
	done := make(chan int, 1)
	go func() { done <- alice.do("NOTIFY", "bob", imHeaders(), imBody("alice", "bob", "slow")).code }()
	<-entered
	req, _ := http.NewRequest("PROPFIND", e.hs.URL+"/instmsg/aliases/bob", nil)
	r := roundTrip(t, req)
	if r.code != http.StatusServiceUnavailable || r.header.Get("Retry-After") == "" {
		t.Fatalf("full work queue: %d Retry-After %q", r.code, r.header.Get("Retry-After"))
	}
	close(release)
	if code := <-done; code != 200 {
		t.Fatalf("slow NOTIFY: %d", code)
	}
	m := scrape(t, e.srv)
	if m["rvpd_overloaded_total"] != 1 || m["rvpd_deliveries_total"] != 1 || m["rvpd_logins"] != 1 {
		t.Fatalf("metrics %v", m)
	}
}

// scrape parses the metrics handler's unlabelled samples.
func scrape(t *testing.T, s *Server) map[string]int64 {
	t.Helper()
	w := httptest.NewRecorder()
	s.MetricsHandler().ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if !strings.HasPrefix(w.Header().Get("Content-Type"), "text/plain; version=0.0.4") {
		t.Fatalf("content type %q", w.Header().Get("Content-Type"))
	}
	out := map[string]int64{}
	sc := bufio.NewScanner(w.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.Contains(line, "{") {
			continue
		}
		name, val, ok := strings.Cut(line, " ")
		n, err := strconv.ParseInt(val, 10, 64)
		if !ok || err != nil {
			t.Fatalf("bad sample %q", line)
		}
		out[name] = n
	}
	return out
}

func TestMetricsCountAuthFailuresAndPolls(t *testing.T) {
	e := newEnv(t, nil)
	bad := e.user("alice")
	bad.dc, _ = newDigestClient("alice", "wrong")
	bad.do("PROPFIND", "bob", map[string]string{"Depth": "0"}, "")
	bob := e.user("bob")
	id := bob.login("poll")
	held := make(chan *resp, 1)
	go func() { held <- bob.do("POLL", "bob", pollHdr(id, 0, "600"), "") }()
	waitHeld(t, e.srv, 1)
	m := scrape(t, e.srv)
	if m["rvpd_auth_failures_total"] != 1 || m["rvpd_polls_held"] != 1 || m["rvpd_poll_logins"] != 1 {
		t.Fatalf("metrics %v", m)
	}
	e.user("alice").do("NOTIFY", "bob", imHeaders(), imBody("alice", "bob", "x"))
	<-held
	if m := scrape(t, e.srv); m["rvpd_poll_queue_items"] != 1 || m["rvpd_poll_answers_total"] != 1 || m["rvpd_polls_held"] != 0 {
		t.Fatalf("metrics %v", m)
	}
}
