package rvpload

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
	"rendezvous/rvpserver"
)

const domain = "bench.example"

// newServer runs rvpserver in process with users bob and pub.
func newServer(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	st := rvpserver.NewMemoryStore()
	opts := &rvpserver.Options{Domains: []string{domain}, Store: st}
	for _, a := range []string{"bob", "pub"} {
		if err := rvpserver.AddUser(ctx, st, opts, a, "pw-"+a, a); err != nil {
			t.Fatal(err)
		}
	}
	srv, err := rvpserver.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Shutdown(ctx)
		hs.Close()
		st.Close()
	})
	return strings.TrimPrefix(hs.URL, "http://")
}

func dialAs(t *testing.T, addr, alias string) (*Conn, *digest.Client) {
	t.Helper()
	c, err := Dial(context.Background(), addr, nil, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	auth, err := digest.NewClient(alias, "pw-"+alias)
	if err != nil {
		t.Fatal(err)
	}
	return c, auth
}

// TestPollDeliversIMAndPresence signs bob in for polling, sends him an IM
// and a presence change of pub, and checks what his POLLs return.
func TestPollDeliversIMAndPresence(t *testing.T) {
	addr := newServer(t)
	bc, bauth := dialAs(t, addr, "bob")
	bob, err := SignIn(bc, bauth, domain, "bob", rvpwire.CallBackPoll)
	if err != nil {
		t.Fatal(err)
	}
	if err := bob.Watch("pub"); err != nil {
		t.Fatal(err)
	}
	pc, pauth := dialAs(t, addr, "pub")
	if st, err := Notify(pc, pauth, domain, "pub", "bob", "m12345"); err != nil || st != 200 {
		t.Fatalf("Notify = %d, %v; want 200", st, err)
	}
	res, err := bob.Poll(60)
	if err != nil || res.Status != 200 || len(res.Parts) != 1 {
		t.Fatalf("Poll = %+v, %v; want one part", res, err)
	}
	n, err := DecodePart(res.Parts[0])
	if err != nil || n.MIME == nil {
		t.Fatalf("DecodePart = %+v, %v", n, err)
	}
	im, err := rvpwire.ParseIM(*n.MIME)
	if err != nil || im.Body != "m12345" || n.From.Href != rvpwire.PrincipalURL(domain, "pub") {
		t.Fatalf("IM = %+v from %q, %v; want body m12345 from pub", im, n.From.Href, err)
	}
	view, err := SetState(pc, pauth, domain, "pub", rvpwire.StateBusy, "")
	if err != nil || view == "" {
		t.Fatalf("SetState = %q, %v; want a view id", view, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		res, err = bob.Poll(60)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range res.Parts {
			n, err := DecodePart(p)
			if err == nil && n.Update != nil && n.Update.State != nil && n.Update.State.Value == rvpwire.StateBusy {
				return
			}
		}
	}
	t.Fatal("no busy propnotification reached bob")
}

func TestDoRetriesOnceOnWrongPassword(t *testing.T) {
	addr := newServer(t)
	c, err := Dial(context.Background(), addr, nil, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	auth, _ := digest.NewClient("bob", "wrong")
	_, err = SignIn(c, auth, domain, "bob", rvpwire.CallBackPoll)
	if err == nil {
		t.Fatal("SignIn with a wrong password succeeded")
	}
	if c.Requests != 2 {
		t.Fatalf("requests = %d, want 2 (unsigned, then signed once)", c.Requests)
	}
}

func TestWireCountsBytes(t *testing.T) {
	addr := newServer(t)
	c, auth := dialAs(t, addr, "bob")
	w0, err := c.Wire()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SignIn(c, auth, domain, "bob", rvpwire.CallBackPoll); err != nil {
		t.Fatal(err)
	}
	w1, err := c.Wire()
	if err != nil {
		t.Fatal(err)
	}
	if w1.BytesSent <= w0.BytesSent || w1.BytesReceived <= w0.BytesReceived || w1.DataSegsOut < w0.DataSegsOut+2 {
		t.Fatalf("TCP_INFO did not grow with two requests: %+v -> %+v", w0, w1)
	}
}
