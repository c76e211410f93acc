package conformance

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

var shortHolds = []string{"-poll-lifetime-default", "1", "-poll-lifetime-minimum", "1", "-poll-lifetime-maximum", "3"}

// testQueueLimits: POLLING.md section 4 (507) and DECISIONS.md "Polling"
// (a 507 is not counted in RVP-Poll-Dropped).
func testQueueLimits(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{flags: append([]string{"-poll-msg-limit", "3", "-poll-msg-kbyte-limit", "8"}, shortHolds...)})
	bob, carol := s.client("bob"), s.client("carol")
	id := bob.pollLogin(t, "").h("Subscription-Id")
	queueIMs(t, carol, "bob", 3, "fits")
	check(t, "Queue_full_by_PollMsgLimit_is_507", func(t *testing.T) {
		r := carol.do(t, sendIM("bob", imBody("carol", "bob", "one too many")))
		if r.status != http.StatusInsufficientStorage {
			t.Errorf("status %d, want 507", r.status)
		}
		wantFramed(t, r)
	})
	check(t, "A_507_is_never_queued_nor_counted_as_dropped", func(t *testing.T) {
		r, items := bob.poll(t, id, "", 0)
		if got := seqs(items); !slices.Equal(got, []int{1, 2, 3}) {
			t.Errorf("sequences %v, want [1 2 3]", got)
		}
		if d := r.h("RVP-Poll-Dropped"); d != "" && d != "0" {
			t.Errorf("RVP-Poll-Dropped %q after a 507", d)
		}
	})
	bob.poll(t, id, "1", 3)
	check(t, "Queue_full_by_PollMsgKByteLimit_is_507", func(t *testing.T) {
		big := imBody("carol", "bob", strings.Repeat("k", 9<<10))
		if r := carol.do(t, sendIM("bob", big)); r.status != http.StatusInsufficientStorage {
			t.Errorf("a 9 KiB item with an 8 KiB limit: status %d, want 507", r.status)
		}
	})
	check(t, "No_live_login_is_412", func(t *testing.T) {
		if r := carol.do(t, sendIM("dave", imBody("carol", "dave", "hi"))); r.status != http.StatusPreconditionFailed {
			t.Errorf("status %d, want 412", r.status)
		}
	})
}

// testBufferingDisabled: PollMsgLimit 0 or PollMsgKByteLimit 0: a
// NOTIFY is 507 unless a POLL is held to take it.
func testBufferingDisabled(t *testing.T) {
	t.Parallel()
	for _, flag := range []string{"-poll-msg-limit", "-poll-msg-kbyte-limit"} {
		t.Run(strings.TrimPrefix(flag, "-")+"_0", func(t *testing.T) {
			t.Parallel()
			s := startServer(t, serverConfig{flags: append([]string{flag, "0"}, shortHolds...)})
			bob, carol := s.client("bob"), s.client("carol")
			id := bob.pollLogin(t, "").h("Subscription-Id")
			check(t, "No_POLL_held_is_507", func(t *testing.T) {
				if r := carol.do(t, sendIM("bob", imBody("carol", "bob", "nobody home"))); r.status != http.StatusInsufficientStorage {
					t.Errorf("status %d, want 507", r.status)
				}
			})
			check(t, "A_held_POLL_takes_the_item_and_the_sender_gets_200", func(t *testing.T) {
				held := bob.async(t, pollReq("bob", id, "3", 0))
				s.waitHeld(t, "1")
				if r := carol.do(t, sendIM("bob", imBody("carol", "bob", "handed over"))); r.status != http.StatusOK {
					t.Errorf("NOTIFY while a POLL is held: status %d, want 200", r.status)
				}
				r := wait(t, held, 5*time.Second)
				if items := parsePoll(t, r); r.status != http.StatusOK || len(items) != 1 {
					t.Errorf("held POLL: status %d with %d items, want 200 with 1", r.status, len(items))
				}
			})
		})
	}
}

// testDropped: POLLING.md section 3/4: items that expire (PollMsgLifeTime)
// or whose queue is dropped (PollDropMsgLifeTime) are counted in
// RVP-Poll-Dropped on the next answer. Waits about 2.5 s of real time.
func testDropped(t *testing.T) {
	t.Parallel()
	flags := append([]string{"-poll-msg-lifetime-default", "1", "-poll-msg-lifetime-minimum", "1", "-poll-msg-lifetime-maximum", "60",
		"-poll-drop-msg-lifetime", "2"}, shortHolds...)
	s := startServer(t, serverConfig{flags: flags})
	bob, dave, carol := s.client("bob"), s.client("dave"), s.client("carol")
	expiring := bob.pollLogin(t, "1")
	if expiring.h("RVP-Poll-Msg-Lifetime") != "1" {
		t.Fatalf("RVP-Poll-Msg-Lifetime %q, want 1", expiring.h("RVP-Poll-Msg-Lifetime"))
	}
	long := dave.pollLogin(t, "60")
	queueIMs(t, carol, "bob", 2, "expires")
	queueIMs(t, carol, "dave", 1, "queue dropped")
	time.Sleep(2500 * time.Millisecond) // real server time must pass: lifetime 1 s, queue drop 2 s

	check(t, "Expired_items_counted_in_RVP-Poll-Dropped_on_a_200", func(t *testing.T) {
		queueIMs(t, carol, "bob", 1, "fresh")
		r, items := bob.poll(t, expiring.h("Subscription-Id"), "1", 0)
		if r.status != http.StatusOK || len(items) != 1 || r.h("RVP-Poll-Dropped") != "2" {
			t.Errorf("status %d items %v RVP-Poll-Dropped %q, want 200 with the fresh item and 2", r.status, seqs(items), r.h("RVP-Poll-Dropped"))
		}
		ack := 0
		if len(items) > 0 {
			ack = items[0].seq
		}
		r, _ = bob.poll(t, expiring.h("Subscription-Id"), "1", ack)
		if d := r.h("RVP-Poll-Dropped"); d != "" && d != "0" {
			t.Errorf("next answer repeats RVP-Poll-Dropped %q", d)
		}
	})
	check(t, "Undrained_queue_dropped_after_PollDropMsgLifeTime_counted_on_a_204", func(t *testing.T) {
		r, items := dave.poll(t, long.h("Subscription-Id"), "1", 0)
		if len(items) != 0 || r.h("RVP-Poll-Dropped") != "1" {
			t.Errorf("status %d items %v RVP-Poll-Dropped %q, want no items and 1", r.status, seqs(items), r.h("RVP-Poll-Dropped"))
		}
	})
}

// testCoalescing: POLLING.md section 4: a newer presence notification
// from a node replaces the older one still queued for the same login.
func testCoalescing(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{flags: shortHolds})
	alice, bob := s.client("alice"), s.client("bob")
	id := alice.pollLogin(t, "").h("Subscription-Id")
	alice.watch(t, "bob")
	view := bob.setState(t, "online", "")
	bob.setState(t, "busy", view)
	bob.setState(t, "away", view)
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, items := alice.poll(t, id, "1", 0)
		var states []string
		for _, it := range items {
			root, err := decodeXML(it.notify.body)
			if err != nil {
				t.Fatalf("item %d: %v", it.seq, err)
			}
			states = append(states, stateToken(root.path(nsR, "propnotification", nsD, "propertyupdate", nsD, "set", nsD, "prop", nsR, "state")))
		}
		if slices.Contains(states, "away") {
			check(t, "Only_the_newest_presence_of_a_node_stays_queued", func(t *testing.T) {
				if len(states) != 1 {
					t.Errorf("queued presence states %v, want only [away]", states)
				}
			})
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no presence item with state away; last answer %v", states)
		}
	}
}

// testDurability: POLLING.md section 4: an acknowledged item survives a
// restart of rvpd (here kill -9).
func testDurability(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{flags: shortHolds})
	id := s.client("bob").pollLogin(t, "").h("Subscription-Id")
	bodies := queueIMs(t, s.client("carol"), "bob", 2, "durable")
	s = s.restart(t)
	check(t, "Queued_items_survive_kill_-9_and_restart", func(t *testing.T) {
		r, items := s.client("bob").poll(t, id, "1", 0)
		if r.status != http.StatusOK || !slices.Equal(seqs(items), []int{1, 2}) || string(items[1].notify.body) != string(bodies[1]) {
			t.Errorf("after restart: status %d sequences %v, want 200 [1 2] with the same bodies", r.status, seqs(items))
		}
	})
}

// testTriples: POLLING.md section 4: an invalid Default/Minimum/Maximum
// triple is ignored as a whole with a warning naming it; a valid override
// may go beyond the built-in range.
func testTriples(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, setting string
		flags         []string
		header, want  string
		msgLifetime   string
		warn          bool
	}{
		{"Default_above_Maximum_ignored_with_warning", "PollLifeTime",
			[]string{"-poll-lifetime-default", "700", "-poll-lifetime-minimum", "60", "-poll-lifetime-maximum", "600"}, "RVP-Poll-Lifetime", "300", "", true},
		{"Partial_triple_ignored_with_warning", "PollMsgLifeTime",
			[]string{"-poll-msg-lifetime-default", "100", "-poll-msg-lifetime-minimum", "", "-poll-msg-lifetime-maximum", "200"}, "RVP-Poll-Msg-Lifetime", "1800", "", true},
		{"Non-numeric_member_ignored_with_warning", "PollMsgLifeTime",
			[]string{"-poll-msg-lifetime-default", "100", "-poll-msg-lifetime-minimum", "ten", "-poll-msg-lifetime-maximum", "200"}, "RVP-Poll-Msg-Lifetime", "1800", "", true},
		{"Override_beyond_the_built-in_range_is_used", "PollLifeTime",
			[]string{"-poll-lifetime-default", "14400", "-poll-lifetime-minimum", "14400", "-poll-lifetime-maximum", "14400"}, "RVP-Poll-Lifetime", "14400", "", false},
	}
	for _, tc := range cases {
		check(t, tc.name, func(t *testing.T) {
			t.Parallel()
			s := startServer(t, serverConfig{flags: tc.flags, users: []string{"alice"}})
			r := s.client("alice").pollLogin(t, tc.msgLifetime)
			if got := r.h(tc.header); got != tc.want {
				t.Errorf("%s %q, want %s", tc.header, got, tc.want)
			}
			warned := false
			for _, w := range s.warnings() {
				for _, v := range w {
					if str, ok := v.(string); ok && strings.Contains(str, tc.setting) {
						warned = true
					}
				}
			}
			if warned != tc.warn {
				t.Errorf("warning naming %s logged: %v, want %v; warnings %v", tc.setting, warned, tc.warn, s.warnings())
			}
		})
	}
}
