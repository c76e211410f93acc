package rvpclient

import (
	"errors"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"rendezvous/internal/rvpwire"
)

// memListener is an in-memory net.Listener: under synctest a real socket
// would keep the bubble from ever being idle. Nothing connects to it.
type memListener struct {
	once sync.Once
	done chan struct{}
	port int
}

func (l *memListener) Accept() (net.Conn, error) { <-l.done; return nil, net.ErrClosed }
func (l *memListener) Close() error              { l.once.Do(func() { close(l.done) }); return nil }
func (l *memListener) Addr() net.Addr            { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: l.port} }

// memClient returns a client that talks to f in memory and listens on a
// memListener; for use inside a synctest bubble.
func memClient(t *testing.T, f *fakeServer, mod func(*Options)) (*Client, *eventLog) {
	return newTestClient(t, "http://im.example.com", func(o *Options) {
		o.HTTPClient = &http.Client{Transport: memTransport{f}}
		o.Listen = func(_, _ string) (net.Listener, error) {
			return &memListener{done: make(chan struct{}), port: 4711}, nil
		}
		if mod != nil {
			mod(o)
		}
	})
}

// renewals counts SUBSCRIBE renewals (with Subscription-Id) per id.
func renewals(f *fakeServer) map[string]int {
	out := map[string]int{}
	for _, r := range f.requests("SUBSCRIBE") {
		if id := r.Header.Get(rvpwire.HeaderSubscriptionID); id != "" {
			out[id]++
		}
	}
	return out
}

// TestRenewalsAndLease: subscriptions are renewed five minutes before the
// granted 4 h end, the status lease is refreshed with the same view-id
// before its 20 minutes, and each refresh probes the login.
func TestRenewalsAndLease(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeServer(t, "alice", "bob")
		c, _ := memClient(t, f, nil)
		signIn(t, c, "alice")
		if _, err := c.AddContact(testCtx(t), "bob@example.com"); err != nil {
			t.Fatal(err)
		}
		ids := map[string]string{}
		for _, r := range f.requests("SUBSCRIBE") {
			if r.Header.Get(rvpwire.HeaderSubscriptionID) == "" {
				ids[r.Header.Get(rvpwire.HeaderNotificationType)+" "+r.URL.Path] = ""
			}
		}
		if len(ids) != 3 {
			t.Fatalf("subscriptions %v", ids)
		}
		time.Sleep(15*time.Minute - time.Second)
		synctest.Wait()
		if n := len(f.requests("PROPPATCH")); n != 1 {
			t.Fatalf("PROPPATCHes before 15 min: %d", n)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		pp := f.requests("PROPPATCH")
		if len(pp) != 2 || viewIDOf(t, pp[1]) != "1" {
			t.Fatalf("lease refresh: %d PROPPATCHes, view-id %q", len(pp), viewIDOf(t, pp[len(pp)-1]))
		}
		if r := renewals(f); r["101"] != 1 || len(r) != 1 {
			t.Errorf("renewals after the first lease refresh %v, want only the login probe", r)
		}
		time.Sleep(4*time.Hour - 5*time.Minute - 15*time.Minute - 2*time.Second)
		synctest.Wait()
		if r := renewals(f); r["102"] != 0 || r["103"] != 0 {
			t.Errorf("renewed early: %v", r)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if r := renewals(f); r["102"] != 1 || r["103"] != 1 {
			t.Errorf("renewals at 3h55m %v, want own-node and contact once", r)
		}
		if c.State() != Connected {
			t.Errorf("state %v", c.State())
		}
	})
}

func viewIDOf(t *testing.T, r *http.Request) string {
	t.Helper()
	body, _ := r.GetBody()
	root, err := rvpwire.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	pu, err := rvpwire.ParsePropertyUpdate(root)
	if err != nil || pu.State == nil {
		t.Fatalf("PROPPATCH body: %v", err)
	}
	return pu.State.ViewID
}

// TestShortGrant: a short granted lifetime is renewed at half its length.
func TestShortGrant(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeServer(t, "alice")
		f.grant = 120
		c, _ := memClient(t, f, polling)
		signIn(t, c, "alice")
		time.Sleep(61 * time.Second)
		synctest.Wait()
		if r := renewals(f); r["101"] != 1 || r["102"] != 1 {
			t.Errorf("renewals after 61 s: %v", r)
		}
		time.Sleep(60 * time.Second)
		synctest.Wait()
		if r := renewals(f); r["101"] != 2 {
			t.Errorf("renewals after 121 s: %v", r)
		}
	})
}

// TestReconnectAfterForget: when the server forgets the login, a polling
// client signs in again and restores status, contacts and conversations.
func TestReconnectAfterForget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeServer(t, "alice", "bob")
		c, ev := memClient(t, f, polling)
		signIn(t, c, "alice")
		ctx := testCtx(t)
		if err := c.SetStatus(ctx, StateBusy); err != nil {
			t.Fatal(err)
		}
		if _, err := c.AddContact(ctx, "bob@example.com"); err != nil {
			t.Fatal(err)
		}
		cv, _ := c.StartConversation("bob@example.com")
		f.forget()
		f.mu.Lock()
		f.states["alice"] = rvpwire.StateOffline
		f.mu.Unlock()
		synctest.Wait()
		time.Sleep(2 * time.Second)
		synctest.Wait()
		re := ev.wait(t, "reconnecting", isConn(Reconnecting)).(ConnectionEvent)
		if !errors.Is(re.Reason, ErrServerForgot) {
			t.Errorf("reason %v", re.Reason)
		}
		if c.State() != Connected {
			t.Fatalf("state %v after reconnect; events %s", c.State(), ev)
		}
		f.mu.Lock()
		st := f.states["alice"]
		contactSubs := 0
		for _, s := range f.subs {
			if s.node == "bob" && s.owner == "alice" {
				contactSubs++
			}
		}
		f.mu.Unlock()
		if st != rvpwire.StateBusy || contactSubs != 1 {
			t.Errorf("after reconnect: state %q, contact subscriptions %d", st, contactSubs)
		}
		if c.Conversation(cv.ID()) == nil || c.Diagnostics().Reconnects != 1 {
			t.Errorf("conversation kept=%v, diagnostics %+v", c.Conversation(cv.ID()) != nil, c.Diagnostics())
		}
	})
}

// TestDefaultModeDetectsRestart: in Default mode the lease refresh probes
// the login, so a server that lost its state is noticed within 15 min.
func TestDefaultModeDetectsRestart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeServer(t, "alice")
		c, ev := memClient(t, f, nil)
		signIn(t, c, "alice")
		f.forget()
		time.Sleep(15*time.Minute + time.Second)
		synctest.Wait()
		ev.wait(t, "reconnecting", isConn(Reconnecting))
		if c.State() != Connected || c.Diagnostics().Reconnects != 1 {
			t.Errorf("state %v, diagnostics %+v", c.State(), c.Diagnostics())
		}
	})
}

// TestPollBackoffNeverSpins: a failing server is polled with growing,
// capped delays.
func TestPollBackoffNeverSpins(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeServer(t, "alice")
		var mu sync.Mutex
		var times []time.Time
		c, _ := memClient(t, f, polling)
		f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method != "POLL" {
				return false
			}
			mu.Lock()
			times = append(times, time.Now())
			mu.Unlock()
			w.WriteHeader(http.StatusServiceUnavailable)
			return true
		})
		signIn(t, c, "alice")
		time.Sleep(10 * time.Minute)
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(times) < 6 || len(times) > 30 {
			t.Fatalf("%d POLLs in 10 minutes", len(times))
		}
		for i := 1; i < len(times); i++ {
			gap := times[i].Sub(times[i-1])
			if gap < 500*time.Millisecond || gap > 60*time.Second {
				t.Errorf("gap %d = %v", i, gap)
			}
		}
		if last := times[len(times)-1].Sub(times[len(times)-2]); last < 30*time.Second {
			t.Errorf("backoff not near its cap after 10 min: %v", last)
		}
	})
}

// TestPollDeadConnection: a POLL with no answer is abandoned at hold + 30 s
// and a new one sent at once.
func TestPollDeadConnection(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeServer(t, "alice")
		var mu sync.Mutex
		var times []time.Time
		f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method != "POLL" {
				return false
			}
			mu.Lock()
			times = append(times, time.Now())
			mu.Unlock()
			<-r.Context().Done() // a black hole
			return true
		})
		c, _ := memClient(t, f, func(o *Options) { o.Mode, o.PollingPeriod = ModePolling, 2*time.Minute })
		start := time.Now()
		signIn(t, c, "alice")
		time.Sleep(150*time.Second - time.Millisecond)
		synctest.Wait()
		mu.Lock()
		n := len(times)
		mu.Unlock()
		if n != 1 {
			t.Fatalf("%d POLLs before hold + 30 s", n)
		}
		time.Sleep(2 * time.Millisecond)
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(times) != 2 || times[1].Sub(start) != 150*time.Second {
			t.Errorf("POLL times %v (start %v)", times, start)
		}
	})
}

// TestPollShorterHolds: polls cut after 20 s twice in a row make the client
// ask for a 15 s hold.
func TestPollShorterHolds(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeServer(t, "alice")
		var mu sync.Mutex
		var holds []string
		f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
			if r.Method != "POLL" {
				return false
			}
			mu.Lock()
			holds = append(holds, r.Header.Get(rvpwire.HeaderPollLifetime))
			mu.Unlock()
			time.Sleep(20 * time.Second)
			w.Header().Set("X-Test-Cut", "1")
			return true
		})
		c, _ := memClient(t, f, polling)
		signIn(t, c, "alice")
		time.Sleep(2 * time.Minute)
		synctest.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(holds) < 3 || holds[0] != "600" || holds[1] != "600" || holds[2] != "15" {
			t.Errorf("holds asked %v", holds)
		}
		if d := c.Diagnostics(); d.PollHold != 15*time.Second || d.PollsCut < 2 {
			t.Errorf("diagnostics %+v", d)
		}
	})
}

// TestTypingRateLimit: Typing on every keystroke sends at most one
// notification per 4 s; a sent message resets the limit.
func TestTypingRateLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFakeServer(t, "alice", "bob")
		f.setHook(func(w http.ResponseWriter, r *http.Request) bool { return r.Method == "NOTIFY" })
		c, _ := memClient(t, f, polling)
		signIn(t, c, "alice")
		cv, _ := c.StartConversation("bob@example.com")
		ctx := testCtx(t)
		step := func(d time.Duration) { time.Sleep(d); _ = cv.Typing(ctx) }
		step(0)
		step(time.Second)
		step(2900 * time.Millisecond) // 3.9 s
		if n := len(f.requests("NOTIFY")); n != 1 {
			t.Fatalf("%d notifications within 4 s", n)
		}
		step(200 * time.Millisecond) // 4.1 s
		if n := len(f.requests("NOTIFY")); n != 2 {
			t.Fatalf("%d notifications after 4.1 s", n)
		}
		_ = cv.Send(ctx, "x")
		step(0)
		if n := len(f.requests("NOTIFY")); n != 4 {
			t.Errorf("%d notifications after a message and a keystroke, want 4", n)
		}
		_ = strconv.Itoa
	})
}
