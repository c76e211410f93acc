package keyringtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rendezvous/settings"
)

const skipMessage = "real keyring test skipped: set RVP_REAL_KEYRING=1 and run inside a D-Bus session " +
	"with an unlocked Secret Service, e.g. dbus-run-session -- sh -c " +
	"'echo -n pw | gnome-keyring-daemon --unlock --components=secrets; RVP_REAL_KEYRING=1 go test ./settings/keyringtest/' " +
	"(make test does this)"

// realKeyring returns a Keyring on a service name unique to this test run
// (and that name),
// after checking that the keyring answers. Without RVP_REAL_KEYRING=1 it
// skips; with it, an unusable keyring fails the test.
func realKeyring(t *testing.T) (*settings.Keyring, string, context.Context) {
	t.Helper()
	if os.Getenv("RVP_REAL_KEYRING") != "1" {
		t.Skip(skipMessage)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	service := fmt.Sprintf("Rendezvous Messenger test %d-%d", os.Getpid(), time.Now().UnixNano())
	k := settings.NewKeyring(&settings.KeyringOptions{Service: service})
	if err := k.Available(ctx); err != nil {
		t.Fatalf("RVP_REAL_KEYRING=1 but the keyring does not work (DBUS_SESSION_BUS_ADDRESS=%q): %v",
			os.Getenv("DBUS_SESSION_BUS_ADDRESS"), err)
	}
	return k, service, ctx
}

func TestRealKeyringRoundTrip(t *testing.T) {
	k, _, ctx := realKeyring(t)
	const name = "kari@humongous.example"
	t.Cleanup(func() { _ = k.Delete(context.Background(), name) })

	if _, err := k.Get(ctx, name); !errors.Is(err, settings.ErrNoSecret) || errors.Is(err, settings.ErrNoKeyring) {
		t.Fatalf("Get before Set = %v, want ErrNoSecret", err)
	}
	for _, pw := range []string{"first p4ss", "sëcond ✓ pass"} {
		if err := k.Set(ctx, name, pw); err != nil {
			t.Fatalf("Set: %v", err)
		}
		if got, err := k.Get(ctx, name); err != nil || got != pw {
			t.Fatalf("Get = %q, %v; want %q", got, err, pw)
		}
	}
	if err := k.Delete(ctx, name); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	if _, err := k.Get(ctx, name); !errors.Is(err, settings.ErrNoSecret) {
		t.Fatalf("Get after Delete = %v", err)
	}
	if err := k.Delete(ctx, name); err != nil {
		t.Fatalf("Delete of a missing password = %v", err)
	}
}

// TestRealKeyringIsTheSecretService checks with libsecret's secret-tool that
// the password really sits in the Secret Service under the documented
// attributes, so the test above cannot pass against some other store.
func TestRealKeyringIsTheSecretService(t *testing.T) {
	k, service, ctx := realKeyring(t)
	tool, err := exec.LookPath("secret-tool")
	if err != nil {
		t.Fatalf("secret-tool (Debian package libsecret-tools) is needed: %v", err)
	}
	const name, pw = "bob@x.example", "looked up by secret-tool"
	t.Cleanup(func() { _ = k.Delete(context.Background(), name) })
	if err := k.Set(ctx, name, pw); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(ctx, tool, "lookup", "service", service, "username", name).Output()
	if err != nil || string(out) != pw {
		t.Fatalf("secret-tool lookup = %q, %v", out, err)
	}
}

// TestRealKeyringNothingOnDisk saves a profile next to a real stored
// password and scans the profile directory for it.
func TestRealKeyringNothingOnDisk(t *testing.T) {
	k, _, ctx := realKeyring(t)
	const name, pw = "carol@x.example", "real-keyring-secret-4711"
	t.Cleanup(func() { _ = k.Delete(context.Background(), name) })
	if err := k.Set(ctx, name, pw); err != nil {
		t.Fatal(err)
	}
	base := t.TempDir()
	p, err := settings.Open(base, name, nil)
	if err != nil {
		t.Fatal(err)
	}
	p.SetRememberPassword(true)
	p.SetSignInAutomatically(true)
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if bytes.Contains(data, []byte(pw)) {
			t.Errorf("%s contains the password", path)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestNoSessionBusFailsFast runs the real go-keyring code with a D-Bus
// session address that cannot connect, in a child process (godbus caches
// the session bus per process): every call must fail at once with an error
// matching ErrNoKeyring. It needs no keyring and always runs.
func TestNoSessionBusFailsFast(t *testing.T) {
	if os.Getenv("RVP_KEYRING_CHILD") == "1" {
		noBusChild(t)
		return
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestNoSessionBusFailsFast$", "-test.v")
	cmd.Env = append(os.Environ(), "RVP_KEYRING_CHILD=1",
		"DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(t.TempDir(), "no-such-bus"))
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: TestNoSessionBusFailsFast") {
		t.Fatalf("child failed: %v\n%s", err, out)
	}
}

func noBusChild(t *testing.T) {
	k := settings.NewKeyring(&settings.KeyringOptions{Service: "Rendezvous Messenger no-bus test"})
	ctx := t.Context()
	start := time.Now()
	_, getErr := k.Get(ctx, "kari@humongous.example")
	for name, err := range map[string]error{
		"Available": k.Available(ctx), "Get": getErr,
		"Set": k.Set(ctx, "kari@humongous.example", "pw"), "Delete": k.Delete(ctx, "kari@humongous.example"),
	} {
		if !errors.Is(err, settings.ErrNoKeyring) {
			t.Errorf("%s = %v, want ErrNoKeyring", name, err)
		}
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("four calls took %v; they must fail fast", took)
	}
}
