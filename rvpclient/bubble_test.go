package rvpclient

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"rendezvous/rvpserver"
)

// bubbleServer runs the real rvpserver inside a synctest bubble; clients
// reach it in memory (memTransport), so its lease and subscription timers
// and the clients' renewals all run on the bubble's fake clock.
func bubbleServer(t *testing.T) *rvpserver.Server {
	t.Helper()
	st := rvpserver.NewMemoryStore()
	opts := &rvpserver.Options{Domains: []string{"example.com"}, Store: st, Logger: testLogger(t)}
	for _, u := range testUsers {
		if err := rvpserver.AddUser(context.Background(), st, opts, u, "pw-"+u, u); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := rvpserver.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	return srv
}

func bubbleClient(t *testing.T, srv http.Handler) (*Client, *eventLog) {
	return newTestClient(t, "http://example.com", func(o *Options) {
		o.Mode = ModePolling
		o.HTTPClient = &http.Client{Transport: memTransport{srv}}
	})
}

// TestIntegrationLeasesOverHours: against the real server, alice stays
// online for her watcher far past the 20-minute status lease and the 4-hour
// subscription lifetime, because the engine refreshes and renews in time.
func TestIntegrationLeasesOverHours(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := bubbleServer(t)
		alice, _ := bubbleClient(t, srv)
		bob, bev := bubbleClient(t, srv)
		signIn(t, alice, "alice")
		signIn(t, bob, "bob")
		ctx := context.Background()
		if got, err := bob.AddContact(ctx, "alice@example.com"); err != nil || got.State != StateOnline {
			t.Fatalf("AddContact = %+v, %v", got, err)
		}
		start := time.Now()
		for time.Since(start) < 9*time.Hour {
			time.Sleep(10 * time.Minute)
			synctest.Wait()
			if cs := bob.Contacts(); len(cs) != 1 || cs[0].State != StateOnline {
				t.Fatalf("after %v bob sees %+v; events %s", time.Since(start), cs, bev)
			}
		}
		for _, c := range []*Client{alice, bob} {
			if c.State() != Connected || c.Diagnostics().Reconnects != 0 {
				t.Errorf("%s: state %v, diagnostics %+v", c.Self().Name, c.State(), c.Diagnostics())
			}
		}
		ws, err := alice.Watchers(ctx)
		if err != nil || !slices.ContainsFunc(ws, func(w Watcher) bool { return w.Name == "bob@example.com" }) {
			t.Errorf("watchers after 9 h: %+v, %v", ws, err)
		}
		cv, _ := bob.StartConversation("alice@example.com")
		if err := cv.Send(ctx, "still here"); err != nil {
			t.Errorf("send after 9 h: %v", err)
		}
	})
}

// TestIntegrationSignOutGoesOffline: a watcher sees offline at once when
// the other side signs out.
func TestIntegrationSignOutGoesOffline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := bubbleServer(t)
		alice, _ := bubbleClient(t, srv)
		bob, bev := bubbleClient(t, srv)
		signIn(t, alice, "alice")
		signIn(t, bob, "bob")
		if _, err := bob.AddContact(context.Background(), "alice@example.com"); err != nil {
			t.Fatal(err)
		}
		if err := alice.SignOut(context.Background()); err != nil {
			t.Fatal(err)
		}
		bev.wait(t, "alice offline", isPresence("alice@example.com", StateOffline))
	})
}
