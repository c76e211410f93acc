package settings

import (
	"context"
	"errors"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/zalando/go-keyring"
)

// TestMain replaces go-keyring's provider with its in-memory mock for this
// test binary; the real keyring is exercised in settings/keyringtest.
func TestMain(m *testing.M) {
	keyring.MockInit()
	os.Exit(m.Run())
}

var _ Secrets = (*Keyring)(nil)

func TestKeyringRoundTrip(t *testing.T) {
	ctx := t.Context()
	k := NewKeyring(&KeyringOptions{Service: "settings test " + t.Name()})
	if err := k.Available(ctx); err != nil {
		t.Fatalf("Available = %v", err)
	}
	_, err := k.Get(ctx, kari)
	if !errors.Is(err, ErrNoSecret) || errors.Is(err, ErrNoKeyring) {
		t.Fatalf("Get before Set = %v, want ErrNoSecret only", err)
	}
	for _, pw := range []string{"first", "sëcond ✓"} {
		if err := k.Set(ctx, kari, pw); err != nil {
			t.Fatal(err)
		}
		if got, err := k.Get(ctx, kari); err != nil || got != pw {
			t.Fatalf("Get = %q, %v; want %q", got, err, pw)
		}
	}
	if err := k.Set(ctx, "bob@x.example", "other"); err != nil {
		t.Fatal(err)
	}
	if err := k.Delete(ctx, kari); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(ctx, kari); !errors.Is(err, ErrNoSecret) {
		t.Fatalf("Get after Delete = %v", err)
	}
	if err := k.Delete(ctx, kari); err != nil {
		t.Fatalf("second Delete = %v", err)
	}
	if got, err := k.Get(ctx, "bob@x.example"); err != nil || got != "other" {
		t.Fatalf("other profile = %q, %v", got, err)
	}
}

func TestKeyringRefusesEmptyInput(t *testing.T) {
	k := NewKeyring(nil)
	if err := k.Set(t.Context(), kari, ""); err == nil {
		t.Error("empty password stored")
	}
	if _, err := k.Get(t.Context(), " "); err == nil {
		t.Error("empty name accepted")
	}
}

// fakeBackend fails with err, or blocks until release is closed.
type fakeBackend struct {
	err     error
	release chan struct{}
	calls   atomic.Int32
}

func (f *fakeBackend) do() error {
	f.calls.Add(1)
	if f.release != nil {
		<-f.release
	}
	return f.err
}
func (f *fakeBackend) Get(_, _ string) (string, error) { return "pw", f.do() }
func (f *fakeBackend) Set(_, _, _ string) error        { return f.do() }
func (f *fakeBackend) Delete(_, _ string) error        { return f.do() }

func TestKeyringUnavailable(t *testing.T) {
	k := NewKeyring(nil)
	k.be = &fakeBackend{err: errors.New(`exec: "dbus-launch": executable file not found in $PATH`)}
	ctx := t.Context()
	_, getErr := k.Get(ctx, kari)
	for name, err := range map[string]error{
		"Available": k.Available(ctx), "Get": getErr, "Set": k.Set(ctx, kari, "pw"), "Delete": k.Delete(ctx, kari),
	} {
		ke, ok := errors.AsType[*KeyringError](err)
		if !errors.Is(err, ErrNoKeyring) || !ok || ke.Name == "" || ke.Op == "" {
			t.Errorf("%s = %#v, want a *KeyringError matching ErrNoKeyring", name, err)
		}
	}
}

func TestKeyringDataTooBigIsNotUnavailability(t *testing.T) {
	k := NewKeyring(nil)
	k.be = &fakeBackend{err: keyring.ErrSetDataTooBig}
	err := k.Set(t.Context(), kari, "pw")
	if err == nil || errors.Is(err, ErrNoKeyring) || !errors.Is(err, keyring.ErrSetDataTooBig) {
		t.Fatalf("Set = %v", err)
	}
}

// TestKeyringNeverHangs: a backend that never answers (an unanswered unlock
// prompt) costs the caller its timeout, not forever, and stuck calls do not
// pile up.
func TestKeyringNeverHangs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fb := &fakeBackend{release: make(chan struct{})}
		k := NewKeyring(&KeyringOptions{Timeout: 5 * time.Second})
		k.be = fb
		start := time.Now()
		_, err := k.Get(context.Background(), kari)
		if !errors.Is(err, ErrNoKeyring) || !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("Get = %v", err)
		}
		if waited := time.Since(start); waited != 5*time.Second {
			t.Fatalf("waited %v, want the 5s timeout", waited)
		}
		// The stuck call holds the slot: the next call gives up on its own
		// deadline without starting a second backend call.
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := k.Set(ctx, kari, "pw"); !errors.Is(err, ErrNoKeyring) {
			t.Fatalf("Set while stuck = %v", err)
		}
		if n := fb.calls.Load(); n != 1 {
			t.Fatalf("%d backend calls, want 1", n)
		}
		close(fb.release) // the backend finally answers
		synctest.Wait()
		if got, err := k.Get(context.Background(), kari); err != nil || got != "pw" {
			t.Fatalf("Get after release = %q, %v", got, err)
		}
	})
}

func TestKeyringHonoursCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fb := &fakeBackend{release: make(chan struct{})}
		k := NewKeyring(nil)
		k.be = fb
		ctx, cancel := context.WithCancel(context.Background())
		var wg sync.WaitGroup
		var err error
		wg.Go(func() { err = k.Delete(ctx, kari) })
		synctest.Wait()
		cancel()
		wg.Wait()
		if !errors.Is(err, context.Canceled) || !errors.Is(err, ErrNoKeyring) {
			t.Fatalf("Delete = %v", err)
		}
		close(fb.release)
	})
}
