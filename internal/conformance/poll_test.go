package conformance

import (
	"bytes"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// pollFlags: holds of 1..3 s (default 2) and item lifetimes of 1..60 s
// (default 30) keep the polling checks short; a large KByte limit lets
// the 256 KiB answer limit show.
var pollFlags = []string{
	"-poll-lifetime-default", "2", "-poll-lifetime-minimum", "1", "-poll-lifetime-maximum", "3",
	"-poll-msg-lifetime-default", "30", "-poll-msg-lifetime-minimum", "1", "-poll-msg-lifetime-maximum", "60",
	"-poll-msg-kbyte-limit", "4096",
}

// testPollLogin: POLLING.md section 2.
func testPollLogin(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{flags: pollFlags})
	alice := s.client("alice")
	cases := []struct{ name, asked, want string }{
		{"Granted_RVP-Poll-Msg-Lifetime_echoed", "20", "20"},
		{"No_RVP-Poll-Msg-Lifetime_gets_the_default", "", "30"},
		{"RVP-Poll-Msg-Lifetime_above_the_maximum_is_clamped", "999", "60"},
	}
	for _, tc := range cases {
		check(t, tc.name, func(t *testing.T) {
			r := alice.pollLogin(t, tc.asked)
			if !isDecimal(r.h("Subscription-Id")) || r.h("Subscription-Lifetime") != "14400" {
				t.Errorf("Subscription-Id %q, Subscription-Lifetime %q", r.h("Subscription-Id"), r.h("Subscription-Lifetime"))
			}
			if r.h("RVP-Poll-Lifetime") != "2" {
				t.Errorf("RVP-Poll-Lifetime %q, want the default hold 2", r.h("RVP-Poll-Lifetime"))
			}
			if r.h("RVP-Poll-Msg-Lifetime") != tc.want {
				t.Errorf("RVP-Poll-Msg-Lifetime %q, want %s", r.h("RVP-Poll-Msg-Lifetime"), tc.want)
			}
		})
	}
}

// testPollSupportOff: POLLING.md section 2: PollSupport 0 answers the
// polling login 501 with a short text body.
func testPollSupportOff(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{flags: []string{"-poll-support", "0"}})
	r := s.client("alice").do(t, login(s.client("alice"), "poll", "14400"))
	check(t, "Polling_login_is_501_with_a_text_body", func(t *testing.T) {
		wantStatus(t, r, http.StatusNotImplemented)
		if ct := r.h("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("Content-Type %q, want text/plain", ct)
		}
		if !strings.Contains(strings.ToLower(string(r.body)), "poll") {
			t.Errorf("body %q does not say that polling is not enabled", r.body)
		}
	})
	wantFramed(t, r)
	check(t, "Callback_logins_still_work", func(t *testing.T) {
		wantStatus(t, s.client("bob").do(t, login(s.client("bob"), newCallback(t, answerClose, "/b").url, "14400")), http.StatusOK)
	})
}

// testPoll: POLLING.md section 3 and DECISIONS.md "Polling".
func testPoll(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{flags: pollFlags})
	bob, carol := s.client("bob"), s.client("carol")
	id := bob.pollLogin(t, "").h("Subscription-Id")

	t.Run("Empty_POLL", func(t *testing.T) {
		start := time.Now()
		r, _ := bob.poll(t, id, "1", 0)
		took := time.Since(start)
		check(t, "204_after_the_hold", func(t *testing.T) {
			wantStatus(t, r, http.StatusNoContent)
			if took < 900*time.Millisecond || took > 2500*time.Millisecond {
				t.Errorf("answered after %v, want about the 1 s hold", took)
			}
		})
		check(t, "204_carries_RVP-Poll-Lifetime", func(t *testing.T) {
			if r.h("RVP-Poll-Lifetime") != "1" {
				t.Errorf("RVP-Poll-Lifetime %q, want 1", r.h("RVP-Poll-Lifetime"))
			}
		})
		wantFramed(t, r)
	})

	bodies := queueIMs(t, carol, "bob", 2, "queued")
	r, items := bob.poll(t, id, "", 0)
	t.Run("Items", func(t *testing.T) {
		wantStatus(t, r, http.StatusOK)
		wantFramed(t, r)
		check(t, "200_carries_RVP-Poll-Lifetime", func(t *testing.T) {
			if r.h("RVP-Poll-Lifetime") != "2" {
				t.Errorf("RVP-Poll-Lifetime %q, want the default 2", r.h("RVP-Poll-Lifetime"))
			}
		})
		check(t, "Sequences_start_at_1_and_grow", func(t *testing.T) {
			if got := seqs(items); !slices.Equal(got, []int{1, 2}) {
				t.Errorf("sequences %v, want [1 2]", got)
			}
		})
		for i, it := range items {
			check(t, "Part_is_message/http", func(t *testing.T) {
				if it.contentType != "message/http" {
					t.Errorf("part %d Content-Type %q", it.seq, it.contentType)
				}
			})
			check(t, "Part_is_the_NOTIFY_a_callback_would_get", func(t *testing.T) {
				if it.notify.requestLine != "NOTIFY / HTTP/1.1" {
					t.Errorf("part %d request line %q, want \"NOTIFY / HTTP/1.1\"", it.seq, it.notify.requestLine)
				}
				if it.notify.header.Get("RVP-Notifications-Version") != "0.2" || !it.notify.hasLength {
					t.Errorf("part %d: headers %v", it.seq, it.notify.header)
				}
				if i < len(bodies) && !bytes.Equal(it.notify.body, bodies[i]) {
					t.Errorf("part %d body differs from the IM sent:\n%q", it.seq, clip(it.notify.body))
				}
			})
		}
	})
	check(t, "Unacknowledged_items_are_sent_again", func(t *testing.T) {
		_, again := bob.poll(t, id, "", 0)
		if got := seqs(again); !slices.Equal(got, []int{1, 2}) {
			t.Errorf("sequences %v after a POLL that acknowledged nothing, want [1 2]", got)
		}
	})
	check(t, "Acknowledged_items_are_removed", func(t *testing.T) {
		r, rest := bob.poll(t, id, "1", 2)
		if r.status != http.StatusNoContent || len(rest) != 0 {
			t.Errorf("after RVP-Poll-Ack 2: status %d items %v, want 204", r.status, seqs(rest))
		}
	})
	check(t, "A_held_POLL_is_answered_as_soon_as_an_item_arrives", func(t *testing.T) {
		held := bob.async(t, pollReq("bob", id, "3", 2))
		s.waitHeld(t, "1")
		start := time.Now()
		queueIMs(t, carol, "bob", 1, "while held")
		r := wait(t, held, 5*time.Second)
		items := parsePoll(t, r)
		if r.status != http.StatusOK || !slices.Equal(seqs(items), []int{3}) || time.Since(start) > 1500*time.Millisecond {
			t.Errorf("status %d seqs %v after %v, want 200 [3] at once", r.status, seqs(items), time.Since(start))
		}
	})
	check(t, "Sequences_are_per_login_subscription", func(t *testing.T) {
		other := bob.pollLogin(t, "").h("Subscription-Id")
		queueIMs(t, carol, "bob", 1, "to both logins")
		_, items := bob.poll(t, other, "", 0)
		if got := seqs(items); !slices.Equal(got, []int{1}) {
			t.Errorf("second login's sequences %v, want [1]", got)
		}
		_, items = bob.poll(t, id, "", 3)
		if got := seqs(items); !slices.Equal(got, []int{4}) {
			t.Errorf("first login's sequences %v, want [4]", got)
		}
		bob.poll(t, id, "1", 4)
	})
	check(t, "A_new_POLL_supersedes_a_held_one_which_gets_204", func(t *testing.T) {
		first := bob.async(t, pollReq("bob", id, "3", 4))
		s.waitHeld(t, "1")
		start := time.Now()
		second := bob.async(t, pollReq("bob", id, "1", 4))
		r := wait(t, first, 5*time.Second)
		if r.status != http.StatusNoContent || time.Since(start) > 900*time.Millisecond {
			t.Errorf("superseded POLL: status %d after %v, want 204 at once", r.status, time.Since(start))
		}
		wait(t, second, 5*time.Second)
	})
	check(t, "POLL_by_another_principal_gets_no_items", func(t *testing.T) {
		queueIMs(t, carol, "bob", 1, "private")
		r, items := s.client("mallory").poll(t, id, "1", 0)
		if r.status == http.StatusOK || len(items) != 0 {
			t.Errorf("mallory polling bob's login: status %d with %d items", r.status, len(items))
		}
		_, items = bob.poll(t, id, "", 4)
		bob.poll(t, id, "1", items[len(items)-1].seq)
	})
	check(t, "Unknown_Subscription-Id_is_404", func(t *testing.T) {
		if r, _ := bob.poll(t, "987654321", "1", 0); r.status != http.StatusNotFound {
			t.Errorf("status %d, want 404", r.status)
		}
	})
	check(t, "UNSUBSCRIBE_of_the_login_answers_its_held_POLL_404_at_once", func(t *testing.T) {
		held := bob.async(t, pollReq("bob", id, "3", 4))
		s.waitHeld(t, "1")
		start := time.Now()
		wantStatus(t, bob.do(t, unsubscribe("bob", id)), http.StatusOK)
		r := wait(t, held, 5*time.Second)
		if r.status != http.StatusNotFound || time.Since(start) > 900*time.Millisecond {
			t.Errorf("held POLL: status %d after %v, want 404 at once", r.status, time.Since(start))
		}
	})
}

// testHoldClamp: POLLING.md section 3: hold = clamp(requested, min, max),
// the default when none is requested.
func testHoldClamp(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{flags: pollFlags})
	bob, carol := s.client("bob"), s.client("carol")
	id := bob.pollLogin(t, "").h("Subscription-Id")
	ack := 0
	for _, tc := range []struct{ name, asked, want string }{
		{"Requested_100_is_clamped_to_the_maximum_3", "100", "3"},
		{"Requested_0_is_clamped_to_the_minimum_1", "0", "1"},
		{"None_requested_is_the_default_2", "", "2"},
		{"Requested_2_is_granted", "2", "2"},
	} {
		check(t, tc.name, func(t *testing.T) {
			queueIMs(t, carol, "bob", 1, "clamp")
			r, items := bob.poll(t, id, tc.asked, ack)
			wantStatus(t, r, http.StatusOK)
			ack += len(items)
			if r.h("RVP-Poll-Lifetime") != tc.want {
				t.Errorf("asked %q: RVP-Poll-Lifetime %q, want %s", tc.asked, r.h("RVP-Poll-Lifetime"), tc.want)
			}
		})
	}
}

// testAnswerLimits: DECISIONS.md "Polling": up to 64 items or 256 KiB of
// item bytes per answer; a larger item travels alone.
func testAnswerLimits(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{flags: pollFlags})
	bob, carol := s.client("bob"), s.client("carol")
	id := bob.pollLogin(t, "").h("Subscription-Id")
	check(t, "At_most_64_items_per_answer", func(t *testing.T) {
		queueIMs(t, carol, "bob", 70, "many")
		_, first := bob.poll(t, id, "", 0)
		_, rest := bob.poll(t, id, "", 64)
		if len(first) != 64 || len(rest) != 6 {
			t.Errorf("answers of %d and %d items, want 64 and 6", len(first), len(rest))
		}
		bob.poll(t, id, "1", 70)
	})
	check(t, "At_most_256KiB_of_items_per_answer_and_a_larger_item_alone", func(t *testing.T) {
		pad := strings.Repeat("p", 100<<10)
		queueIMs(t, carol, "bob", 4, pad)                          // seq 71..74, ~100 KiB each
		queueIMs(t, carol, "bob", 1, strings.Repeat("q", 300<<10)) // seq 75
		ack, sizes := 70, [][]int{}
		for ack < 75 {
			r, items := bob.poll(t, id, "", ack)
			if r.status != http.StatusOK || len(items) == 0 {
				t.Fatalf("status %d with %d items while items are queued", r.status, len(items))
			}
			total := 0
			var sz []int
			for _, it := range items {
				total += it.size
				sz = append(sz, it.size)
			}
			if total > 256<<10 && len(items) > 1 {
				t.Errorf("answer of %d items holds %d item bytes, over 256 KiB", len(items), total)
			}
			sizes = append(sizes, sz)
			ack = items[len(items)-1].seq
		}
		if len(sizes) != 3 || len(sizes[0]) != 2 || len(sizes[1]) != 2 || len(sizes[2]) != 1 {
			t.Errorf("item sizes per answer %v, want [2 items][2 items][the 300 KiB item alone]", sizes)
		}
	})
}

// testMixedLogins: POLLING.md section 2: what arrives for the principal
// goes to its callback logins and into its poll queues alike.
func testMixedLogins(t *testing.T) {
	t.Parallel()
	s := startServer(t, serverConfig{flags: pollFlags})
	bob := s.client("bob")
	cb := newCallback(t, answerKeepAlive, "/bob")
	bob.signIn(t, cb.url)
	id := bob.pollLogin(t, "").h("Subscription-Id")
	body := queueIMs(t, s.client("carol"), "bob", 1, "to every login")[0]
	check(t, "Callback_login_gets_the_IM", func(t *testing.T) {
		if in := cb.next(t, 5*time.Second); !bytes.Equal(in.body, body) {
			t.Errorf("callback body differs")
		}
	})
	check(t, "Polling_login_gets_the_IM", func(t *testing.T) {
		_, items := bob.poll(t, id, "", 0)
		if len(items) != 1 || !bytes.Equal(items[0].notify.body, body) {
			t.Errorf("poll items %v, want the one IM", seqs(items))
		}
	})
}
