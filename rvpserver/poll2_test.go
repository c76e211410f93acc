package rvpserver

import (
	"net/http"
	"strings"
	"testing"

	"rendezvous/internal/rvpwire"
)

func TestPollAnswerLimits(t *testing.T) {
	p := DefaultPollOptions()
	p.MsgLimit, p.MsgKByteLimit = Unlimited, Unlimited
	s := bubbleServer(t, &Options{Poll: &p})
	id := pollLogin(t, s, "bob", nil)
	for range 70 {
		if w := call(s, "NOTIFY", "alice", "bob", imHeaders(), imBody("alice", "bob", "x")); w.Code != 200 {
			t.Fatalf("NOTIFY: %d", w.Code)
		}
	}
	big := strings.Repeat("y", rvpwire.PollAnswerMaxBytes)
	call(s, "NOTIFY", "alice", "bob", imHeaders(), imBody("alice", "bob", big))
	call(s, "NOTIFY", "alice", "bob", imHeaders(), imBody("alice", "bob", "after"))
	var sizes []int
	var last uint64
	for range 4 {
		parts, _ := recorderParts(t, call(s, "POLL", "bob", "bob", pollHdr(id, last, ""), ""))
		sizes = append(sizes, len(parts))
		last = parts[len(parts)-1].Seq
	}
	// 64, then the 6 small ones (the big one would pass 256 KiB), then the
	// big one alone, then the last.
	if want := []int{64, 6, 1, 1}; !equalInts(sizes, want) || last != 72 {
		t.Fatalf("answer sizes %v (last seq %d), want %v", sizes, last, want)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestPollBufferingDisabledHandsOver(t *testing.T) {
	p := DefaultPollOptions()
	p.MsgLimit = 0
	s := bubbleServer(t, &Options{Poll: &p})
	id := pollLogin(t, s, "bob", nil)
	if w := call(s, "NOTIFY", "alice", "bob", imHeaders(), imBody("alice", "bob", "x")); w.Code != http.StatusInsufficientStorage {
		t.Fatalf("no POLL held, buffering off: %d, want 507", w.Code)
	}
	got := make(chan int, 1)
	go func() { got <- call(s, "POLL", "bob", "bob", pollHdr(id, 0, "600"), "").Code }()
	waitHeld(t, s, 1)
	if w := call(s, "NOTIFY", "alice", "bob", imHeaders(), imBody("alice", "bob", "x")); w.Code != 200 {
		t.Fatalf("POLL held, buffering off: %d, want 200", w.Code)
	}
	if code := <-got; code != 200 {
		t.Fatalf("held POLL: %d", code)
	}
}

func TestAckTypes(t *testing.T) {
	e := newEnv(t, nil)
	alice, bob := e.user("alice"), e.user("bob")
	l1, l2 := newListener(t), newListener(t)
	bob.login(l1.URL)
	bob.login(l2.URL)
	l2.setCode(http.StatusInternalServerError)
	h := imHeaders()
	h[rvpwire.HeaderAckType] = "DeepAnd"
	if r := alice.do("NOTIFY", "bob", h, imBody("alice", "bob", "x")); r.code != 500 {
		t.Fatalf("DeepAnd with one refusal: %d", r.code)
	}
	l1.next(t)
	l2.next(t)
	h[rvpwire.HeaderAckType] = "SingleHop"
	if r := alice.do("NOTIFY", "bob", h, imBody("alice", "bob", "x")); r.code != 200 {
		t.Fatalf("SingleHop: %d", r.code)
	}
	l1.next(t) // delivered afterwards by the workers
	l2.next(t)
	h[rvpwire.HeaderAckType] = "Bogus"
	if r := alice.do("NOTIFY", "bob", h, imBody("alice", "bob", "x")); r.code != 400 {
		t.Fatalf("bad ack type: %d", r.code)
	}
}
