package rvpclient_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http/httptest"
	"strings"
	"time"

	"rendezvous/rvpclient"
	"rendezvous/rvpserver"
)

// Example signs two users in on an in-process rvpserver and sends a
// message. The receiver's handler forwards events to a channel, as a UI
// adapter would forward them to its UI thread.
func Example() {
	url, stop := exampleServer()
	defer stop()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	got := make(chan rvpclient.MessageEvent, 1)
	bob := rvpclient.New(&rvpclient.Options{ServerURL: url, CallbackHost: "127.0.0.1",
		Handler: rvpclient.HandlerFunc(func(e rvpclient.Event) {
			if m, ok := e.(rvpclient.MessageEvent); ok {
				got <- m // buffered: the handler must not block
			}
		})})
	defer bob.Close()
	alice := rvpclient.New(&rvpclient.Options{ServerURL: url, Mode: rvpclient.ModePolling})
	defer alice.Close()

	for _, c := range []struct {
		cl   *rvpclient.Client
		name string
	}{{bob, "bob"}, {alice, "alice"}} {
		err := c.cl.SignIn(ctx, rvpclient.Account{SignInName: c.name + "@example.com", Password: "secret-" + c.name})
		if errors.Is(err, rvpclient.ErrAuth) {
			log.Fatal("wrong password")
		} else if err != nil {
			log.Fatal(err)
		}
	}
	conv, err := alice.StartConversation("bob@example.com")
	if err != nil {
		log.Fatal(err)
	}
	if err := conv.Send(ctx, "lunch at noon?"); rvpclient.IsOffline(err) {
		fmt.Println("bob is offline")
	} else if err != nil {
		log.Fatal(err)
	}
	m := <-got
	fmt.Printf("%s says %q\n", m.From, m.Text)
	// Output: alice@example.com says "lunch at noon?"
}

// ExampleConversation_Typing shows the keystroke pattern: call Typing on
// every key press; the engine sends at most one notification per 4 s.
func ExampleConversation_Typing() {
	var conv *rvpclient.Conversation // from StartConversation or a MessageEvent's SessionID
	onKey := func(ctx context.Context) {
		if err := conv.Typing(ctx); err != nil {
			log.Printf("typing: %v", err)
		}
	}
	_ = onKey
}

// ExampleClient_Diagnostics prints what a "connection information" dialog
// would show.
func ExampleClient_Diagnostics() {
	c := rvpclient.New(nil)
	d := c.Diagnostics()
	fmt.Println(d.State, d.Mode, d.CallbackCheck)
	// Output: signed out Default unchecked
}

// ExamplePortsBusyError shows how the UI words a busy Fixed Port range.
func ExamplePortsBusyError() {
	c := rvpclient.New(&rvpclient.Options{Mode: rvpclient.ModeFixedPort, PortFrom: 5000, PortTo: 5010})
	defer c.Close()
	err := c.SignIn(context.Background(), rvpclient.Account{SignInName: "alice@example.com", Password: "secret"})
	var busy *rvpclient.PortsBusyError
	if errors.As(err, &busy) {
		fmt.Printf("Ports %d to %d are in use by other programs.\n", busy.From, busy.To)
	}
}

func exampleServer() (url string, stop func()) {
	opts := &rvpserver.Options{Domains: []string{"example.com"}}
	st := rvpserver.NewMemoryStore()
	opts.Store = st
	ctx := context.Background()
	for _, u := range []string{"alice", "bob"} {
		if err := rvpserver.AddUser(ctx, st, opts, u, "secret-"+u, strings.ToUpper(u[:1])+u[1:]); err != nil {
			log.Fatal(err)
		}
	}
	srv, err := rvpserver.New(opts)
	if err != nil {
		log.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		log.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	return hs.URL, func() { hs.Close(); _ = srv.Shutdown(ctx) }
}
