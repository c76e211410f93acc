package rvpclient

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

// Client is the RVP engine for one account at a time. Build it with New,
// sign in with SignIn, release it with Close. All methods are safe for
// concurrent use; events go to Options.Handler (see Handler for the
// contract).
type Client struct {
	opts Options
	log  *slog.Logger
	ev   *dispatcher

	mu       sync.Mutex
	closed   bool
	acct     *account // nil when signed out
	conn     ConnState
	sess     *session // live session; nil while reconnecting or signed out
	status   State    // the status the user chose (restored after reconnects)
	self     Contact  // own properties as last known
	contacts map[string]*contact
	convs    map[string]*Conversation
	diag     diagState
	foreign  map[string]*transport // by domain, for contacts of other domains
	servers  serverMap             // server hosts of IM domains (see names.go)

	super *supervisor // reconnect supervisor, nil when not reconnecting
}

// account is what a sign-in needs again after a reconnect.
type account struct {
	node      rvpwire.Node
	principal string
	auth      *digest.Client
}

// Account names the user signing in.
type Account struct {
	SignInName string // alice@example.com
	Password   string
	// AuthName is the Digest user name; empty means SignInName. The server
	// also accepts the bare alias and PREFIX\alias forms.
	AuthName string
	// Status is the status published at sign-in; empty means online.
	Status State
}

// Contact is what the engine knows about a principal.
type Contact struct {
	Name        string // sign-in name, bob@example.com
	State       State  // "" until known
	DisplayName string
	Email       string
}

// New returns a Client; it does no I/O and starts no goroutine. A nil opts
// means defaults.
func New(opts *Options) *Client {
	o := opts.withDefaults()
	return &Client{
		opts:     o,
		log:      o.Logger,
		ev:       newDispatcher(o.Handler, o.Logger),
		contacts: map[string]*contact{},
		convs:    map[string]*Conversation{},
		foreign:  map[string]*transport{},
	}
}

// Close signs out (best effort, bounded by a few seconds), stops every
// goroutine of the engine and waits for them, after delivering the events
// already queued. It is idempotent. It must not be called from the Handler.
func (c *Client) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	signedIn := c.acct != nil
	c.mu.Unlock()
	var err error
	if signedIn {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		err = c.SignOut(ctx)
		cancel()
	}
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.opts.HTTPClient.CloseIdleConnections()
	c.ev.close()
	return err
}

// State reports the connection state.
func (c *Client) State() ConnState {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conn
}

// Self returns the own sign-in name and properties as last known ("" when
// signed out).
func (c *Client) Self() Contact {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.self
}

func (c *Client) emit(e Event) { c.ev.emit(e) }

// live returns the current session, or ErrNotSignedIn / ErrNotConnected.
func (c *Client) live() (*session, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.closed:
		return nil, ErrClosed
	case c.acct == nil:
		return nil, ErrNotSignedIn
	case c.sess == nil:
		return nil, ErrNotConnected
	}
	return c.sess, nil
}

// now is the injected clock.
func (c *Client) now() time.Time { return c.opts.Now() }
