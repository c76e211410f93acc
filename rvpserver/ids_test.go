package rvpserver

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"testing"

	"rendezvous/internal/rvpwire"
)

func idOf(t *testing.T, s string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("id %q: %v", s, err)
	}
	return n
}

// TestFreshStoreIDsStartHigh: a wiped server does not hand out the ids it
// handed out before, so a stale client cannot cancel a new subscription.
// Ids stay 32-bit for librvp's %d.
func TestFreshStoreIDsStartHigh(t *testing.T) {
	var firsts []uint64
	for range 2 {
		e := newEnv(t, nil)
		alice := e.user("alice")
		sub := idOf(t, alice.login(newListener(t).URL))
		view := idOf(t, alice.setState(rvpwire.StateOnline, ""))
		for _, id := range []uint64{sub, view} {
			if id < minRandomID || id >= maxRandomID {
				t.Fatalf("first id %d outside [%d, %d)", id, minRandomID, maxRandomID)
			}
		}
		if next := idOf(t, alice.login(newListener(t).URL)); next != sub+1 {
			t.Fatalf("second subscription %d after %d", next, sub)
		}
		firsts = append(firsts, sub)
	}
	if firsts[0] == firsts[1] {
		t.Fatalf("two fresh stores both started at %d", firsts[0])
	}
}

// TestIDsContinueAfterRestart: a store with counters keeps them.
func TestIDsContinueAfterRestart(t *testing.T) {
	st := NewMemoryStore()
	e := startEnv(t, &Options{Domains: []string{testDomain}, Store: st}, true)
	first := idOf(t, e.user("alice").login(newListener(t).URL))
	if err := e.srv.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	e2 := startEnv(t, &Options{Domains: []string{testDomain}, Store: st, FirstID: 5}, false)
	if next := idOf(t, e2.user("bob").login(newListener(t).URL)); next != first+1 {
		t.Fatalf("after restart %d, want %d", next, first+1)
	}
}

// TestIDsWrapBelowInt32: past 2^31-1 the counter restarts and skips ids
// still in use.
func TestIDsWrapBelowInt32(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.FirstID = 7 })
	alice := e.user("alice")
	if id := idOf(t, alice.login(newListener(t).URL)); id != 7 {
		t.Fatalf("first id %d, want FirstID 7", id)
	}
	e.srv.mu.Lock()
	e.srv.ctr.NextSub = maxID - 1
	e.srv.mu.Unlock()
	if id := idOf(t, alice.login(newListener(t).URL)); id != maxID {
		t.Fatalf("id %d, want %d", id, maxID)
	}
	if id := idOf(t, alice.login(newListener(t).URL)); id != 8 {
		t.Fatalf("id after wrap %d, want 8 (7 is in use)", id)
	}
	r := alice.do("SUBSCRIPTIONS", "alice", map[string]string{rvpwire.HeaderNotificationType: "pragma/notify"}, "")
	if list, err := rvpwire.ParseSubscriptions(r.doc(t)); err != nil || len(list) != 3 || r.code != http.StatusOK {
		t.Fatalf("logins after wrap: %d %+v %v", r.code, list, err)
	}
}

func TestFirstIDBounded(t *testing.T) {
	_, err := New(&Options{Domains: []string{testDomain}, FirstID: maxRandomID + 1})
	if !errors.Is(err, ErrInvalidOptions) {
		t.Fatalf("FirstID over 2^30: %v", err)
	}
}
