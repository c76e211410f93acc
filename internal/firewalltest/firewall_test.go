package firewalltest

import (
	"testing"
	"time"

	"rendezvous/internal/netlab"
)

// variants of the router: a plain stateful firewall, and the same with NAT.
var variants = []struct {
	name string
	nat  bool
}{{"firewall", false}, {"nat", true}}

// TestDefaultModeBehindFirewall: Kari can sign in and send, but nothing the
// server pushes reaches her: alice's message fails with a clear reason and
// Kari never sees alice's status change.
func TestDefaultModeBehindFirewall(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, netlab.Firewall{NAT: v.nat})
			a := w.start(w.lab.Humongous, peerOpts{user: alice, mode: "default"})
			k := w.start(w.lab.Woodgrove, peerOpts{user: kari, mode: "default"})
			k.expect(20*time.Second, "callback self-test failure", func(e event) bool { return e.Ev == "unreachable" })
			mustOK(t, k.do(command{Op: "add", Who: alice}))
			if d, res := sendAndMeasure(k, a, alice, "hello from woodgrove"); res.Err != "" {
				t.Fatalf("kari -> alice failed: %s", res.Err)
			} else {
				t.Logf("kari -> alice delivered in %v", d)
			}
			res := a.do(command{Op: "send", Who: kari, Text: "hello kari"})
			if res.Err == "" {
				t.Fatal("alice -> kari reported success although kari's callback is behind the firewall")
			}
			t.Logf("alice's client reports: code=%s err=%s", res.Code, res.Err)
			mustOK(t, a.do(command{Op: "status", State: "busy"}))
			k.drain(8 * time.Second)
			if n := k.count(func(e event) bool { return e.Ev == "message" && e.From == alice }); n != 0 {
				t.Fatalf("kari received %d messages from alice through the firewall", n)
			}
			if n := k.count(isPresence(alice, "busy")); n != 0 {
				t.Fatal("kari saw alice's status change through the firewall")
			}
		})
	}
}

// TestPollingBehindFirewall: messages and presence flow both ways, each in
// about a round trip.
func TestPollingBehindFirewall(t *testing.T) {
	for _, v := range variants {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			w := newWorld(t, netlab.Firewall{NAT: v.nat})
			a := w.start(w.lab.Humongous, peerOpts{user: alice, mode: "default"})
			k := w.start(w.lab.Woodgrove, peerOpts{user: kari, mode: "polling"})
			chatBothWays(t, a, k)
		})
	}
}

// chatBothWays checks presence and messages in both directions between
// alice (a) and kari (k), and that every delivery takes well under a poll
// hold (a client that waited for its hold to end would take minutes).
func chatBothWays(t *testing.T, a, k *peer) {
	t.Helper()
	mustOK(t, k.do(command{Op: "add", Who: alice}))
	mustOK(t, a.do(command{Op: "add", Who: kari}))
	mustOK(t, a.do(command{Op: "status", State: "busy"}))
	k.expect(10*time.Second, "alice busy", isPresence(alice, "busy"))
	mustOK(t, k.do(command{Op: "status", State: "at-lunch"}))
	a.expect(10*time.Second, "kari at lunch", isPresence(kari, "at-lunch"))
	for i, dir := range []struct {
		from, to *peer
		text     string
	}{{a, k, "are you there, kari?"}, {k, a, "yes, via polling"}, {a, k, "great"}} {
		d, res := sendAndMeasure(dir.from, dir.to, dir.to.name, dir.text)
		if res.Err != "" {
			t.Fatalf("message %d %s -> %s failed: %s", i, dir.from.name, dir.to.name, res.Err)
		}
		t.Logf("%s -> %s delivered in %v", dir.from.name, dir.to.name, d)
		if d > 5*time.Second {
			t.Fatalf("delivery took %v: far more than a round trip", d)
		}
	}
}

// TestFixedPortsBehindFirewall: with the router opening the range towards
// woodgrove, Fixed Port(s) works; with the range closed it fails like
// Default.
func TestFixedPortsBehindFirewall(t *testing.T) {
	t.Run("open", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t, netlab.Firewall{OpenPorts: &[2]int{5000, 5010}})
		a := w.start(w.lab.Humongous, peerOpts{user: alice, mode: "default"})
		k := w.start(w.lab.Woodgrove, peerOpts{user: kari, mode: "fixed", ports: "5000-5010"})
		if d := k.do(command{Op: "diag"}); d.Mode != "Fixed Port(s)" && d.Callback == "" {
			t.Fatalf("kari is not in Fixed Port(s) mode: %+v", d)
		}
		chatBothWays(t, a, k)
	})
	t.Run("closed", func(t *testing.T) {
		t.Parallel()
		w := newWorld(t, netlab.Firewall{})
		a := w.start(w.lab.Humongous, peerOpts{user: alice, mode: "default"})
		k := w.start(w.lab.Woodgrove, peerOpts{user: kari, mode: "fixed", ports: "5000-5010"})
		k.expect(20*time.Second, "callback self-test failure", func(e event) bool { return e.Ev == "unreachable" })
		if res := a.do(command{Op: "send", Who: kari, Text: "hello kari"}); res.Err == "" {
			t.Fatal("alice -> kari reported success although the port range is closed")
		}
	})
}

func mustOK(t *testing.T, e event) {
	t.Helper()
	if e.Err != "" {
		t.Fatalf("command %d failed: %s", e.ID, e.Err)
	}
}
