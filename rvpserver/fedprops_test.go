package rvpserver_test

import (
	"testing"

	"rendezvous/rvpclient"
)

// TestFederationPropertyChange: a display-name change reaches a watcher
// in another domain as a property notification, and rvpclient reports it.
// A state and a name change owed to a server at the same time are both
// delivered: one never replaces the other.
func TestFederationPropertyChange(t *testing.T) {
	fn := newFedNet()
	a := newSite(t, fn, "a.example", nil)
	b := newSite(t, fn, "b.example", nil)
	alice, aev := a.user(fn, "alice", rvpclient.ModeDefault)
	bob, _ := b.user(fn, "bob", rvpclient.ModeDefault)
	addContact(t, alice, b.name("bob"))

	if err := bob.SetDisplayName(ctx10(t), "Bob of Humongous"); err != nil {
		t.Fatal(err)
	}
	aev.wait(t, "bob's new name", func(ev rvpclient.Event) bool {
		p, ok := ev.(rvpclient.PresenceEvent)
		return ok && p.Contact == b.name("bob") && p.DisplayName == "Bob of Humongous" && p.State == rvpclient.StateOnline
	})

	// b's deliveries to Woodgrove wait until released, so a state and a
	// name change are owed to it at the same time.
	attempts := make(chan struct{})
	release := make(chan struct{})
	b.dial.setHook(func(addr string) {
		if addr == a.addr {
			attempts <- struct{}{}
			<-release
		}
	})
	setStatus(t, bob, rvpclient.StateBusy)
	waitAttempt(t, attempts) // the state
	if err := bob.SetDisplayName(ctx10(t), "Robert"); err != nil {
		t.Fatal(err)
	}
	waitAttempt(t, attempts) // the name, in its own slot
	b.dial.setHook(nil)
	release <- struct{}{}
	release <- struct{}{}
	// The two notifications may arrive in either order.
	var busy, renamed bool
	for !busy || !renamed {
		aev.wait(t, "bob busy and renamed", func(ev rvpclient.Event) bool {
			p, ok := ev.(rvpclient.PresenceEvent)
			if !ok || p.Contact != b.name("bob") {
				return false
			}
			busy = busy || p.State == rvpclient.StateBusy
			renamed = renamed || p.DisplayName == "Robert"
			return true
		})
	}
}
