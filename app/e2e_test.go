package app

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"rendezvous/rvpclient"
	"rendezvous/settings"
	"rendezvous/ui"
)

// memSecrets is an in-memory settings.Secrets.
type memSecrets struct {
	mu sync.Mutex
	m  map[string]string
}

func (s *memSecrets) Get(_ context.Context, n string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if pw, ok := s.m[n]; ok {
		return pw, nil
	}
	return "", settings.ErrNoSecret
}

func (s *memSecrets) Set(_ context.Context, n, pw string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m == nil {
		s.m = map[string]string{}
	}
	s.m[n] = pw
	return nil
}

func (s *memSecrets) Delete(_ context.Context, n string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, n)
	return nil
}

func discard() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

type recorded struct {
	peer string
	msg  ui.Message
}

// testUser is one app instance (one --profile) in the test.
type testUser struct {
	c        *controller
	signedIn chan *signedIn
	recorded chan recorded
}

func newTestUser(t *testing.T, a *loopApp, base, profile string) *testUser {
	return newTestUserOn(t, a, a, base, profile)
}

// newTestUserOn is newTestUser with the app the controller sees (a wrapper
// of a, e.g. with a system tray).
func newTestUserOn(t *testing.T, a *loopApp, app fyne.App, base, profile string) *testUser {
	d := resolveDirs(filepath.Join(base, "config"), filepath.Join(base, "data"), profile)
	c := newController(app, config{profile: profile}, d, discard())
	c.notify.close()
	c.notify = newNotifier(func(string, string) error { return nil }, discard())
	c.si.secrets = &memSecrets{}
	c.si.engine = func(o *rvpclient.Options) { o.SelfTestTimeout = -1 }
	u := &testUser{c: c, signedIn: make(chan *signedIn, 1), recorded: make(chan recorded, 16)}
	c.onSignedIn = func(cur *signedIn) { u.signedIn <- cur }
	c.onRecord = func(peer string, m ui.Message) { u.recorded <- recorded{peer, m} }
	a.do(c.start)
	return u
}

func (u *testUser) signIn(t *testing.T, a *loopApp, name, pw string) *signedIn {
	t.Helper()
	a.do(func() {
		u.c.signInWin.SignInWith(ui.SignInRequest{SignInName: name, Password: pw, RememberPassword: true})
	})
	select {
	case cur := <-u.signedIn:
		return cur
	case <-time.After(20 * time.Second):
		t.Fatalf("%s did not sign in", name)
		return nil
	}
}

func (u *testUser) waitRecorded(t *testing.T, text string) recorded {
	t.Helper()
	for {
		select {
		case r := <-u.recorded:
			if r.msg.Text == text {
				return r
			}
		case <-time.After(20 * time.Second):
			t.Fatalf("%q never reached the transcript", text)
		}
	}
}

func (u *testUser) exit(a *loopApp) {
	a.do(u.c.exit)
	u.c.shutdown()
}

// TestTwoLocalUsersChat is the newcomer's path end to end: alice's instance
// hosts the server on this computer, bob's instance (another profile) finds
// it, both sign in through the sign-in window, alice sends bob a message
// through her conversation window and bob's conversation window shows it.
func TestTwoLocalUsersChat(t *testing.T) {
	a := newLoopApp(t)
	base := t.TempDir()
	ctx := context.Background()
	alice := newTestUser(t, a, base, "")
	bob := newTestUser(t, a, base, "bob")

	if _, err := alice.c.local.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.c.local.CreateAccount(ctx, "alice", "pw-a"); err != nil {
		t.Fatal(err)
	}
	if _, err := bob.c.local.CreateAccount(ctx, "bob", "pw-b"); err != nil { // through alice's instance
		t.Fatal(err)
	}

	curA := alice.signIn(t, a, "alice@localhost", "pw-a")
	curB := bob.signIn(t, a, "bob@localhost", "pw-b")
	defer alice.exit(a)
	defer bob.exit(a)

	if err := curA.s.AddContact(ctx, "bob@localhost"); err != nil {
		t.Fatal(err)
	}
	if bobSeen, ok := curA.s.book.lookup("bob@localhost"); !ok || bobSeen.State != ui.StateOnline {
		t.Errorf("alice sees bob as %+v", bobSeen)
	}
	if err := curB.s.SetDisplayName(ctx, "Bobby"); err != nil {
		t.Fatal(err)
	}
	if p, err := curA.s.Properties(ctx, "bob@localhost"); err != nil || p.DisplayName != "Bobby" || p.State != ui.StateOnline {
		t.Errorf("bob's properties for alice: %+v, %v", p, err)
	}
	if bobSeen, _ := curA.s.book.lookup("bob@localhost"); bobSeen.DisplayName != "Bobby" {
		t.Errorf("alice's list shows bob as %+v after Properties", bobSeen)
	}
	a.do(func() {
		if got := curA.main.Window().Title(); got != "Rendezvous Messenger - alice@localhost" {
			t.Errorf("main title %q", got)
		}
		curA.convs.Open(ui.Contact{SignInName: "bob@localhost"}).SendText("Hello Bob")
	})
	if r := alice.waitRecorded(t, "Hello Bob"); !r.msg.Outgoing || r.peer != "bob@localhost" {
		t.Fatalf("alice kept %+v", r)
	}
	if r := bob.waitRecorded(t, "Hello Bob"); r.msg.Outgoing || r.msg.From != "alice@localhost" {
		t.Fatalf("bob kept %+v", r)
	}
	d, err := curA.s.Diagnostics(ctx)
	if err != nil || !d.SignedIn || d.CallbackAddr == "" {
		t.Errorf("diagnostics %+v, %v", d, err)
	}
	if err := curB.s.SetBlocked(ctx, "alice@localhost", true); err != nil {
		t.Fatal(err)
	}
	if acl, err := curB.s.ACL(ctx); err != nil || len(acl) != 1 || acl[0].SignInName != "alice@localhost" || !acl[0].Blocked {
		t.Errorf("bob's ACL %+v, %v", acl, err)
	}
	a.do(func() {
		menus := curA.main.Window().MainMenu().Items
		if len(menus) != 4 || menus[2].Label != "Tools" || menus[3].Items[0].Label != "Connection Diagnostics…" {
			t.Errorf("menus without the options hooks")
		}
		ws := curB.convs.Windows()
		if len(ws) != 1 {
			t.Fatalf("bob has %d conversation windows", len(ws))
		}
		if got := ws[0].Window().Title(); got != "Conversation with alice" {
			t.Errorf("bob's window title %q", got)
		}
		msgs := ws[0].Messages()
		if len(msgs) != 1 || msgs[0].Text != "Hello Bob" || msgs[0].From != "alice@localhost" {
			t.Errorf("bob's transcript %+v", msgs)
		}
	})
}

// Signing out returns to the sign-in window, signs the engine out, and a
// second sign-in works in the same process.
func TestSignOutAndInAgain(t *testing.T) {
	a := newLoopApp(t)
	base := t.TempDir()
	ctx := context.Background()
	alice := newTestUser(t, a, base, "")
	if _, err := alice.c.local.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.c.local.CreateAccount(ctx, "alice", "pw-a"); err != nil {
		t.Fatal(err)
	}
	first := alice.signIn(t, a, "alice@localhost", "pw-a")
	a.do(alice.c.signOut)
	alice.c.bg.Wait() // the sign-out ran
	if st := first.s.client.State(); st != rvpclient.Disconnected {
		t.Fatalf("engine state after sign-out: %v", st)
	}
	second := alice.signIn(t, a, "alice@localhost", "pw-a")
	defer alice.exit(a)
	if second == first || second.s.client.State() != rvpclient.Connected {
		t.Fatal("no new session")
	}
	if pw, err := alice.c.si.secrets.Get(ctx, "alice@localhost"); err != nil || pw != "pw-a" {
		t.Fatalf("remembered password %q, %v", pw, err)
	}
}
