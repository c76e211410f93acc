package localserver

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestHostAndSecondInstance(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "server")
	first := New(Options{Dir: dir})
	t.Cleanup(func() { first.Close(ctx) })
	info, err := first.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Hosted || !isLoopback(info.Address) {
		t.Fatalf("info = %+v", info)
	}
	if st, _ := os.Stat(filepath.Join(dir, "server.json")); st.Mode().Perm() != 0o600 {
		t.Fatalf("server.json mode %v", st.Mode())
	}
	if name, err := first.CreateAccount(ctx, "Alice", "pw"); err != nil || name != "alice@localhost" {
		t.Fatalf("create alice = %q, %v", name, err)
	}

	second := New(Options{Dir: dir})
	info2, err := second.Start(ctx)
	if err != nil || info2.Address != info.Address || info2.Hosted {
		t.Fatalf("second instance: %+v, %v", info2, err)
	}
	if name, err := second.CreateAccount(ctx, "bob", "pw"); err != nil || name != "bob@localhost" {
		t.Fatalf("create bob remotely = %q, %v", name, err)
	}
	if _, err := second.CreateAccount(ctx, "alice", "x"); !errors.Is(err, ErrAccountExists) {
		t.Fatalf("duplicate account: %v", err)
	}
	if _, err := second.CreateAccount(ctx, "no/slash", "x"); !errors.Is(err, ErrBadName) {
		t.Fatalf("bad name: %v", err)
	}
}

func TestAccountsEndpointNeedsToken(t *testing.T) {
	ctx := context.Background()
	l := New(Options{Dir: t.TempDir()})
	t.Cleanup(func() { l.Close(ctx) })
	info, err := l.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, auth := range []string{"", "Bearer wrong"} {
		req, _ := http.NewRequest(http.MethodPost, info.URL()+accountsPath, strings.NewReader(`{"name":"eve","password":"x"}`))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("auth %q: status %d", auth, resp.StatusCode)
		}
	}
}

func TestFindWithoutHost(t *testing.T) {
	l := New(Options{Dir: t.TempDir()})
	if _, err := l.Find(context.Background()); !errors.Is(err, ErrNoHost) {
		t.Fatalf("err = %v", err)
	}
	if _, err := l.CreateAccount(context.Background(), "bob", "x"); !errors.Is(err, ErrNoHost) {
		t.Fatalf("err = %v", err)
	}
}

func TestRestartKeepsPortAndAccounts(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := New(Options{Dir: dir})
	info, err := l.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	l.CreateAccount(ctx, "alice", "pw")
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	l2 := New(Options{Dir: dir})
	t.Cleanup(func() { l2.Close(ctx) })
	info2, err := l2.Start(ctx)
	if err != nil || info2.Address != info.Address || !info2.Hosted {
		t.Fatalf("restart: %+v (was %+v), %v", info2, info, err)
	}
	if _, err := l2.CreateAccount(ctx, "alice", "pw"); !errors.Is(err, ErrAccountExists) {
		t.Fatalf("account lost over restart: %v", err)
	}
}

func TestOpenedUpServerStaysOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := New(Options{Dir: dir})
	info, err := l.Host(ctx, true)
	if err != nil {
		t.Fatal(err)
	}
	if !info.Open || !isLoopback(info.Address) {
		t.Fatalf("info %+v", info)
	}
	if ip := boundIP(t, l); !ip.IsUnspecified() {
		t.Fatalf("an opened-up server listens on %v only", ip)
	}
	for _, a := range info.Network {
		if isLoopback(a) {
			t.Fatalf("network address %s is loopback", a)
		}
	}
	if _, err := l.CreateAccount(ctx, "alice", "pw"); err != nil { // still reachable on loopback
		t.Fatal(err)
	}
	if err := l.Close(ctx); err != nil {
		t.Fatal(err)
	}
	again := New(Options{Dir: dir})
	t.Cleanup(func() { again.Close(ctx) })
	info2, err := again.Start(ctx) // the saved choice
	if err != nil || !info2.Open {
		t.Fatalf("restart: %+v, %v", info2, err)
	}
	if found, err := New(Options{Dir: dir}).Find(ctx); err != nil || !found.Open || found.Hosted {
		t.Fatalf("another instance sees %+v, %v", found, err)
	}
}

func TestLoopbackByDefault(t *testing.T) {
	ctx := context.Background()
	l := New(Options{Dir: t.TempDir()})
	t.Cleanup(func() { l.Close(ctx) })
	info, err := l.Start(ctx)
	if err != nil || info.Open || len(info.Network) != 0 {
		t.Fatalf("info %+v, %v", info, err)
	}
	if bound := boundIP(t, l); !bound.Equal(net.IPv4(127, 0, 0, 1)) {
		t.Fatalf("listening on %v", bound)
	}
}

func boundIP(t *testing.T, l *Local) net.IP {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	h, _, err := net.SplitHostPort(l.host.bound)
	if err != nil {
		t.Fatal(err)
	}
	return net.ParseIP(h)
}
