package main

import (
	"context"
	"net"
	"testing"
	"time"

	"rendezvous/rvpclient"
)

// TestTwoDaemonsFederate runs two rvpd processes for two IM domains and
// two rvpclient users, one on each. rvpd has no resolver hook, so the
// domains are loopback addresses on port 80 (an IP-literal domain needs
// no DNS: its server is the address itself); the test needs root or
// CAP_NET_BIND_SERVICE and is skipped without it.
func TestTwoDaemonsFederate(t *testing.T) {
	const domA, domB = "127.0.77.1", "127.0.77.2"
	for _, d := range []string{domA, domB} {
		ln, err := net.Listen("tcp", d+":80")
		if err != nil {
			t.Skipf("cannot listen on %s:80 (needs root or CAP_NET_BIND_SERVICE): %v", d, err)
		}
		ln.Close()
	}
	start := func(domain string) {
		dir := t.TempDir()
		for _, a := range []string{"alice", "bob"} {
			if code, _, stderr := runCmd(t, a+"-pw\n", "user", "add", a, "-data-dir", dir, "-domains", domain); code != exitOK {
				t.Fatalf("user add %s: %d %s", a, code, stderr)
			}
		}
		startDaemon(t, dir, "-listen", domain+":80", "-domains", domain)
	}
	start(domA)
	start(domB)

	alice, aev := fedClient(t, domA, "alice")
	bob, bev := fedClient(t, domB, "bob")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := alice.AddContact(ctx, "bob@"+domB); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.AddContact(ctx, "alice@"+domA); err != nil {
		t.Fatal(err)
	}
	if err := bob.SetStatus(ctx, rvpclient.StateBusy); err != nil {
		t.Fatal(err)
	}
	aev.wait(t, "bob busy at alice", func(e rvpclient.Event) bool {
		p, ok := e.(rvpclient.PresenceEvent)
		return ok && p.Contact == "bob@"+domB && p.State == rvpclient.StateBusy
	})
	if err := alice.SetStatus(ctx, rvpclient.StateAway); err != nil {
		t.Fatal(err)
	}
	bev.wait(t, "alice away at bob", func(e rvpclient.Event) bool {
		p, ok := e.(rvpclient.PresenceEvent)
		return ok && p.Contact == "alice@"+domA && p.State == rvpclient.StateAway
	})
	for _, m := range []struct {
		from     *rvpclient.Client
		to, name string
		ev       *fedEvents
	}{{alice, "bob@" + domB, "alice@" + domA, bev}, {bob, "alice@" + domA, "bob@" + domB, aev}} {
		cv, err := m.from.StartConversation(m.to)
		if err != nil {
			t.Fatal(err)
		}
		if err := cv.Send(ctx, "hello from "+m.name); err != nil {
			t.Fatalf("%s -> %s: %v", m.name, m.to, err)
		}
		m.ev.wait(t, "message from "+m.name, func(e rvpclient.Event) bool {
			msg, ok := e.(rvpclient.MessageEvent)
			return ok && msg.From == m.name && msg.Text == "hello from "+m.name
		})
	}
}

// noSRV answers every SRV lookup "not found", so clients fall back to the
// domain itself (here a loopback address) without asking DNS.
type noSRV struct{}

func (noSRV) LookupSRV(_ context.Context, _, _, name string) (string, []*net.SRV, error) {
	return "", nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

type fedEvents struct{ ch chan rvpclient.Event }

func (e *fedEvents) HandleEvent(ev rvpclient.Event) {
	select {
	case e.ch <- ev:
	default:
	}
}

func (e *fedEvents) wait(t *testing.T, what string, match func(rvpclient.Event) bool) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case ev := <-e.ch:
			if match(ev) {
				return
			}
		case <-deadline:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

func fedClient(t *testing.T, domain, alias string) (*rvpclient.Client, *fedEvents) {
	t.Helper()
	ev := &fedEvents{ch: make(chan rvpclient.Event, 256)}
	c := rvpclient.New(&rvpclient.Options{ServerURL: "http://" + domain, Resolver: noSRV{}, Handler: ev,
		CallbackHost: "127.0.0.1"})
	t.Cleanup(func() { _ = c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.SignIn(ctx, rvpclient.Account{SignInName: alias + "@" + domain, Password: alias + "-pw"}); err != nil {
		t.Fatalf("sign in %s@%s: %v", alias, domain, err)
	}
	return c, ev
}
