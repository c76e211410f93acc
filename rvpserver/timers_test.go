package rvpserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"rendezvous/internal/rvpwire"
)

// bubbleServer starts a server without auth (requests identify by
// RVP-From-Principal) for use inside a synctest bubble.
func bubbleServer(t *testing.T, opts *Options) *Server {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	opts.Domains = []string{testDomain}
	opts.DisableAuth = true
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"alice", "bob"} {
		if err := s.AddUser(context.Background(), u, "pw", ""); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() { _ = s.Shutdown(context.Background()) })
	return s
}

// call serves one request in process as from.
func call(s *Server, method, from, node string, hdr map[string]string, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "http://"+testDomain+rvpwire.AliasesPath+node, strings.NewReader(body))
	req.RequestURI = rvpwire.AliasesPath + node
	req.Header.Set(rvpwire.HeaderFromPrincipal, principal(from)) // canonical keys, as net/http parses them
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	return w
}

func pollLogin(t *testing.T, s *Server, alias string, hdr map[string]string) string {
	t.Helper()
	h := map[string]string{rvpwire.HeaderNotificationType: "pragma/notify", rvpwire.HeaderCallBack: "poll"}
	for k, v := range hdr {
		h[k] = v
	}
	w := call(s, "SUBSCRIBE", alias, alias, h, "")
	if w.Code != 200 {
		t.Fatalf("poll login: %d %s", w.Code, w.Body)
	}
	return hget(w.Header(), rvpwire.HeaderSubscriptionID)
}

func TestLeaseExpiryNotifiesAndCoalesces(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := bubbleServer(t, nil)
		id := pollLogin(t, s, "alice", nil)
		w := call(s, "SUBSCRIBE", "alice", "bob", map[string]string{rvpwire.HeaderNotificationType: "update/propchange",
			rvpwire.HeaderCallBack: principal("alice")}, "")
		if w.Code != 207 {
			t.Fatalf("subscribe: %d", w.Code)
		}
		ls := rvpwire.LeasedState{Value: rvpwire.StateOnline, Timeout: 30, Leased: true}
		call(s, "PROPPATCH", "bob", "bob", nil, string(rvpwire.Marshal(rvpwire.PropertyUpdate{State: &ls}.Element())))
		time.Sleep(29 * time.Second)
		synctest.Wait()
		if st := s.gauges(); st.views != 1 {
			t.Fatalf("lease gone early: %+v", st)
		}
		time.Sleep(2 * time.Second)
		synctest.Wait()
		if st := s.gauges(); st.views != 0 {
			t.Fatalf("lease not expired: %+v", st)
		}
		// online then offline from bob: coalesced into the newest item.
		w = call(s, "POLL", "alice", "alice", pollHdr(id, 0, ""), "")
		parts, bodies := recorderParts(t, w)
		if len(parts) != 1 || parts[0].Seq != 2 {
			t.Fatalf("parts %+v", parts)
		}
		if from, st := presenceOf(t, notification{body: bodies[0]}); from != principal("bob") || st != rvpwire.StateOffline {
			t.Fatalf("got %s %s", from, st)
		}
	})
}

func recorderParts(t *testing.T, w *httptest.ResponseRecorder) ([]rvpwire.PollPart, [][]byte) {
	t.Helper()
	return pollParts(t, &resp{code: w.Code, header: w.Header(), body: w.Body.Bytes()})
}

func TestSubscriptionExpiry(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := bubbleServer(t, nil)
		id := pollLogin(t, s, "bob", map[string]string{rvpwire.HeaderLifetime: "60"})
		time.Sleep(59 * time.Second)
		if w := call(s, "SUBSCRIBE", "bob", "bob", map[string]string{rvpwire.HeaderSubscriptionID: id, rvpwire.HeaderLifetime: "60"}, ""); w.Code != 200 {
			t.Fatalf("renew: %d", w.Code)
		}
		time.Sleep(59 * time.Second)
		synctest.Wait()
		if s.gauges().logins != 1 {
			t.Fatal("renewed subscription expired early")
		}
		done := make(chan int)
		go func() { done <- call(s, "POLL", "bob", "bob", pollHdr(id, 0, "600"), "").Code }()
		time.Sleep(2 * time.Second) // the POLL is held when the subscription expires
		if code := <-done; code != http.StatusNotFound {
			t.Fatalf("held POLL at expiry: %d, want 404", code)
		}
		if w := call(s, "POLL", "bob", "bob", pollHdr(id, 0, ""), ""); w.Code != 404 {
			t.Fatalf("POLL after expiry: %d", w.Code)
		}
	})
}

func TestPollHoldClamped(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := bubbleServer(t, nil)
		id := pollLogin(t, s, "bob", nil)
		for _, c := range []struct {
			req  string
			want time.Duration
		}{{"", 300 * time.Second}, {"5", 60 * time.Second}, {"900", 600 * time.Second}} {
			start := time.Now()
			w := call(s, "POLL", "bob", "bob", pollHdr(id, 0, c.req), "")
			if w.Code != 204 || time.Since(start) != c.want || hget(w.Header(), rvpwire.HeaderPollLifetime) != seconds(c.want) {
				t.Fatalf("hold %q: %d after %v, header %q", c.req, w.Code, time.Since(start), hget(w.Header(), rvpwire.HeaderPollLifetime))
			}
		}
	})
}

func TestPollMsgLifeTimeAndDropQueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		p := DefaultPollOptions()
		p.DropMsgLifeTime = 100 * time.Second
		s := bubbleServer(t, &Options{Poll: &p})
		short := pollLogin(t, s, "bob", map[string]string{rvpwire.HeaderPollMsgLifetime: "10"})
		long := pollLogin(t, s, "bob", map[string]string{rvpwire.HeaderPollMsgLifetime: "3600"})
		if w := call(s, "NOTIFY", "alice", "bob", imHeaders(), imBody("alice", "bob", "x")); w.Code != 200 {
			t.Fatalf("NOTIFY: %d", w.Code)
		}
		time.Sleep(11 * time.Second)
		w := call(s, "POLL", "bob", "bob", pollHdr(short, 0, "60"), "")
		if w.Code != 204 || hget(w.Header(), rvpwire.HeaderPollDropped) != "1" {
			t.Fatalf("expired item: %d dropped %q", w.Code, hget(w.Header(), rvpwire.HeaderPollDropped))
		}
		// The long-lived item survives its message lifetime but not
		// PollDropMsgLifeTime (100 s after it entered the empty queue).
		time.Sleep(30 * time.Second) // 101 s since the item entered
		w = call(s, "POLL", "bob", "bob", pollHdr(long, 0, "60"), "")
		if w.Code != 204 || hget(w.Header(), rvpwire.HeaderPollDropped) != "1" {
			t.Fatalf("dropped queue: %d dropped %q", w.Code, hget(w.Header(), rvpwire.HeaderPollDropped))
		}
		// The count is reported once.
		w = call(s, "POLL", "bob", "bob", pollHdr(long, 0, "60"), "")
		if hget(w.Header(), rvpwire.HeaderPollDropped) != "" {
			t.Fatalf("dropped reported twice")
		}
	})
}

// hget reads a header in any spelling: the server writes RVP header names
// with their exact wire spelling, which http.Header.Get does not find in a
// recorder.
func hget(h http.Header, name string) string {
	for k, v := range h {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}
