package rvpclient

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"
)

// testLogger prints the wire trace (Debug) only under go test -v.
func testLogger(t testing.TB) *slog.Logger {
	if !testing.Verbose() {
		return slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// newTestClient returns a client for serverURL with a loopback callback,
// an event log, and Close registered for cleanup. mod may adjust options.
func newTestClient(t testing.TB, serverURL string, mod func(*Options)) (*Client, *eventLog) {
	t.Helper()
	ev := newEventLog()
	o := &Options{ServerURL: serverURL, CallbackHost: "127.0.0.1", Handler: ev, Logger: testLogger(t),
		SelfTestTimeout: -1, HTTPClient: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}}
	if mod != nil {
		mod(o)
	}
	c := New(o)
	t.Cleanup(func() { c.Close() })
	return c, ev
}

func signIn(t testing.TB, c *Client, alias string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := c.SignIn(ctx, Account{SignInName: alias + "@example.com", Password: "pw-" + alias}); err != nil {
		t.Fatalf("sign in %s: %v", alias, err)
	}
}

func testCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func isConn(st ConnState) func(Event) bool {
	return func(e Event) bool { ce, ok := e.(ConnectionEvent); return ok && ce.State == st }
}
