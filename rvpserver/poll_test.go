package rvpserver

import (
	"bytes"
	"net/http"
	"strconv"
	"testing"
	"time"

	"rendezvous/internal/rvpwire"
)

// pollParts decodes a 200 POLL answer into its parts and their NOTIFY bodies.
func pollParts(t *testing.T, r *resp) ([]rvpwire.PollPart, [][]byte) {
	t.Helper()
	if r.code != http.StatusOK {
		t.Fatalf("POLL: %d %s", r.code, r.body)
	}
	parts, err := rvpwire.ReadPollAnswer(r.header.Get("Content-Type"), bytes.NewReader(r.body), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var bodies [][]byte
	for _, p := range parts {
		req, body, err := rvpwire.ReadNotify(p.Request, 1<<20)
		if err != nil || req.Method != "NOTIFY" || req.URL.Path != "/" {
			t.Fatalf("part %d: %v %v", p.Seq, err, req)
		}
		bodies = append(bodies, body)
	}
	return parts, bodies
}

func pollHdr(id string, ack uint64, hold string) map[string]string {
	h := map[string]string{rvpwire.HeaderSubscriptionID: id, rvpwire.HeaderPollAck: strconv.FormatUint(ack, 10)}
	if hold != "" {
		h[rvpwire.HeaderPollLifetime] = hold
	}
	return h
}

func TestPollingEndToEnd(t *testing.T) {
	e := newEnv(t, nil)
	alice, bob := e.user("alice"), e.user("bob")
	r := bob.do("SUBSCRIBE", "bob", map[string]string{rvpwire.HeaderNotificationType: "pragma/notify",
		rvpwire.HeaderCallBack: "poll", rvpwire.HeaderLifetime: "14400", rvpwire.HeaderPollMsgLifetime: "99999"}, "")
	if r.code != 200 || r.header.Get(rvpwire.HeaderPollLifetime) != "300" || r.header.Get(rvpwire.HeaderPollMsgLifetime) != "3600" {
		t.Fatalf("poll login: %d %v", r.code, r.header)
	}
	id := r.header.Get(rvpwire.HeaderSubscriptionID)

	// A held POLL is answered as soon as a message is queued.
	held := make(chan *resp, 1)
	go func() { held <- bob.do("POLL", "bob", pollHdr(id, 0, "600"), "") }()
	waitHeld(t, e.srv, 1)
	body := imBody("alice", "bob", "hello poller")
	if r := alice.do("NOTIFY", "bob", imHeaders(), body); r.code != 200 {
		t.Fatalf("NOTIFY to poller: %d", r.code)
	}
	pr := <-held
	if pr.header.Get(rvpwire.HeaderPollLifetime) != "600" {
		t.Errorf("RVP-Poll-Lifetime %q", pr.header.Get(rvpwire.HeaderPollLifetime))
	}
	parts, bodies := pollParts(t, pr)
	if len(parts) != 1 || parts[0].Seq != 1 || !bytes.Equal(bodies[0], []byte(body)) {
		t.Fatalf("parts %+v", parts)
	}
	// Not acknowledged: sent again. Then acknowledged: gone.
	alice.do("NOTIFY", "bob", imHeaders(), imBody("alice", "bob", "second"))
	parts, _ = pollParts(t, bob.do("POLL", "bob", pollHdr(id, 0, ""), ""))
	if len(parts) != 2 || parts[0].Seq != 1 || parts[1].Seq != 2 {
		t.Fatalf("resend: %+v", parts)
	}
	parts, _ = pollParts(t, bob.do("POLL", "bob", pollHdr(id, 1, ""), ""))
	if len(parts) != 1 || parts[0].Seq != 2 {
		t.Fatalf("after ack 1: %+v", parts)
	}

	// Supersede: a second POLL answers the first 204 at once.
	go func() { held <- bob.do("POLL", "bob", pollHdr(id, 2, "600"), "") }()
	waitHeld(t, e.srv, 1)
	go func() { held <- bob.do("POLL", "bob", pollHdr(id, 2, "600"), "") }()
	if first := <-held; first.code != http.StatusNoContent || first.header.Get(rvpwire.HeaderPollLifetime) == "" {
		t.Fatalf("superseded POLL: %d %v", first.code, first.header)
	}
	// UNSUBSCRIBE of the login answers the held POLL 404.
	waitHeld(t, e.srv, 1)
	if r := bob.do("UNSUBSCRIBE", "bob", map[string]string{rvpwire.HeaderSubscriptionID: id}, ""); r.code != 200 {
		t.Fatalf("unsubscribe: %d", r.code)
	}
	if gone := <-held; gone.code != http.StatusNotFound {
		t.Fatalf("POLL on cancelled login: %d", gone.code)
	}
	if r := bob.do("POLL", "bob", pollHdr(id, 0, ""), ""); r.code != 404 {
		t.Fatalf("POLL unknown id: %d", r.code)
	}
	if r := bob.do("POLL", "bob", nil, ""); r.code != 400 {
		t.Fatalf("POLL without id: %d", r.code)
	}
}

// waitHeld waits until n POLLs are held (the server's own gauge).
func waitHeld(t *testing.T, s *Server, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for s.gauges().held != n {
		if time.Now().After(deadline) {
			t.Fatalf("held polls = %d, want %d", s.gauges().held, n)
		}
		time.Sleep(time.Millisecond) // polling a gauge across real sockets; synctest covers timers
	}
}

func TestPollQueueFullAndDisabled(t *testing.T) {
	e := newEnv(t, func(o *Options) {
		p := DefaultPollOptions()
		p.MsgLimit = 1
		o.Poll = &p
	})
	alice, bob := e.user("alice"), e.user("bob")
	id := bob.login("poll")
	if r := alice.do("NOTIFY", "bob", imHeaders(), imBody("alice", "bob", "1")); r.code != 200 {
		t.Fatalf("first: %d", r.code)
	}
	if r := alice.do("NOTIFY", "bob", imHeaders(), imBody("alice", "bob", "2")); r.code != http.StatusInsufficientStorage {
		t.Fatalf("over PollMsgLimit: %d, want 507", r.code)
	}
	parts, _ := pollParts(t, bob.do("POLL", "bob", pollHdr(id, 0, ""), ""))
	if len(parts) != 1 {
		t.Fatalf("507 item was queued: %+v", parts)
	}

	off := newEnv(t, func(o *Options) {
		p := DefaultPollOptions()
		p.Support = false
		o.Poll = &p
	})
	r := off.user("bob").do("SUBSCRIBE", "bob", map[string]string{rvpwire.HeaderNotificationType: "pragma/notify",
		rvpwire.HeaderCallBack: "poll"}, "")
	if r.code != http.StatusNotImplemented || len(r.body) == 0 || r.header.Get("Content-Type") == "" {
		t.Fatalf("PollSupport=0: %d %q", r.code, r.body)
	}
}
