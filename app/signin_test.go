package app

import (
	"context"
	"errors"
	"testing"

	"rendezvous/settings"
	"rendezvous/ui"
)

// brokenKeyring fails like a desktop without a Secret Service.
type brokenKeyring struct{ memSecrets }

func (*brokenKeyring) Set(context.Context, string, string) error { return settings.ErrNoKeyring }

func TestRememberAndRecall(t *testing.T) {
	ctx := context.Background()
	d := resolveDirs(t.TempDir(), t.TempDir(), "")
	si := &signIn{dirs: d, secrets: &memSecrets{}, log: discard()}
	p, err := si.openProfile("bob@example.com")
	if err != nil {
		t.Fatal(err)
	}
	req := ui.SignInRequest{SignInName: "bob@example.com", Password: "pw", Server: "im.example.com:8080",
		RememberPassword: true, SignInAutomatically: true}
	if err := si.remember(ctx, p, req); err != nil {
		t.Fatal(err)
	}
	if got := lastSignIn(d.config); got != "bob@example.com" {
		t.Fatalf("last sign-in %q", got)
	}
	got, err := si.recall(ctx, "bob@example.com")
	if err != nil || got != req {
		t.Fatalf("recall = %+v, %v", got, err)
	}

	si.secrets = &brokenKeyring{}
	var n notice
	if err := si.remember(ctx, p, req); !errors.As(err, &n) {
		t.Fatalf("a keyring failure was not reported: %v", err)
	}
	req.RememberPassword = false
	if err := si.remember(ctx, p, req); err != nil {
		t.Fatalf("not remembering failed: %v", err)
	}
}

func TestServerURL(t *testing.T) {
	si := &signIn{}
	for in, want := range map[string]string{"": "", "im.example.com:8080": "http://im.example.com:8080", "https://im.example.com": "https://im.example.com"} {
		got, err := si.serverURL(context.Background(), ui.SignInRequest{SignInName: "a@example.com", Server: in})
		if err != nil || got != want {
			t.Errorf("serverURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
