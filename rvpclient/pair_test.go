package rvpclient

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"rendezvous/rvpserver"
)

// testServer is the real rvpserver on a loopback httptest server. The
// handler can be swapped for a new server instance (a restart) while the
// address stays the same.
type testServer struct {
	t     *testing.T
	url   string
	host  string
	store rvpserver.Store
	cur   atomic.Pointer[rvpserver.Server]
	users []string
}

var testUsers = []string{"alice", "bob", "carol"}

func startTestServer(t *testing.T) *testServer {
	t.Helper()
	ts := &testServer{t: t, store: rvpserver.NewMemoryStore(), users: testUsers}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts.cur.Load().ServeHTTP(w, r)
	}))
	t.Cleanup(hs.Close)
	ts.url = hs.URL
	ts.host = strings.TrimPrefix(hs.URL, "http://")
	ts.start(true)
	return ts
}

func (ts *testServer) options() *rvpserver.Options {
	return &rvpserver.Options{Domains: []string{"example.com"}, HostNames: []string{ts.host},
		Store: ts.store, Logger: testLogger(ts.t)}
}

// start runs a server instance on the current store, adding the users if
// asked, and registers its shutdown.
func (ts *testServer) start(addUsers bool) *rvpserver.Server {
	t := ts.t
	t.Helper()
	opts := ts.options()
	ctx := context.Background()
	if addUsers {
		for _, u := range ts.users {
			if err := rvpserver.AddUser(ctx, ts.store, opts, u, "pw-"+u, strings.ToUpper(u[:1])+u[1:]+" Example"); err != nil {
				t.Fatal(err)
			}
		}
	}
	srv, err := rvpserver.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	ts.cur.Store(srv)
	return srv
}

// restart replaces the server by a new instance: on the same store (state
// survives) or on a fresh store (the server forgot everything).
func (ts *testServer) restart(freshStore bool) {
	_ = ts.cur.Load().Shutdown(context.Background())
	if freshStore {
		ts.store = rvpserver.NewMemoryStore()
	}
	ts.start(freshStore)
}

// testPair is two signed-in clients on one real server.
type testPair struct {
	srv        *testServer
	alice, bob *Client
	aev, bev   *eventLog
}

// newTestPair starts rvpserver in process, creates alice, bob and carol, and
// signs alice (options adjusted by aliceMode) and bob (Default mode) in,
// both with a loopback callback. The wire trace is printed under -v only.
func newTestPair(t *testing.T, aliceMode func(*Options)) *testPair {
	t.Helper()
	ts := startTestServer(t)
	p := &testPair{srv: ts}
	p.alice, p.aev = newTestClient(t, ts.url, aliceMode)
	p.bob, p.bev = newTestClient(t, ts.url, nil)
	signIn(t, p.alice, "alice")
	signIn(t, p.bob, "bob")
	return p
}

// client adds another client on the pair's server.
func (p *testPair) client(t *testing.T, mod func(*Options)) (*Client, *eventLog) {
	return newTestClient(t, p.srv.url, mod)
}

func defaultPoll() *rvpserver.PollOptions {
	po := rvpserver.DefaultPollOptions()
	return &po
}

// restartWith replaces the server by one with other options, same store.
func (ts *testServer) restartWith(opts *rvpserver.Options) {
	ts.t.Helper()
	_ = ts.cur.Load().Shutdown(context.Background())
	srv, err := rvpserver.New(opts)
	if err != nil {
		ts.t.Fatal(err)
	}
	if err := srv.Start(context.Background()); err != nil {
		ts.t.Fatal(err)
	}
	ts.t.Cleanup(func() { _ = srv.Shutdown(context.Background()) })
	ts.cur.Store(srv)
}
