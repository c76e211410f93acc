package rvpclient

import (
	"context"
	"errors"
	"fmt"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

// SignIn signs in: it finds the server, opens the delivery path of
// Options.Mode (read now; later changes apply at the next sign-in),
// subscribes to the own node and publishes a.Status. It returns ErrAuth
// (wrapped) for a wrong password, a *PollingUnsupportedError when the server
// refuses polling, a *PortsBusyError when no fixed port is free, a
// *NetworkError when the server cannot be reached, or a wrapped
// *rvpwire.StatusError. On success the client is Connected and keeps itself
// signed in until SignOut or Close.
func (c *Client) SignIn(ctx context.Context, a Account) error {
	acct, status, err := newAccount(a)
	if err != nil {
		return err
	}
	node := acct.node
	c.mu.Lock()
	switch {
	case c.closed:
		c.mu.Unlock()
		return ErrClosed
	case c.acct != nil:
		c.mu.Unlock()
		return ErrAlreadySignedIn
	}
	c.acct, c.status, c.self = acct, status, Contact{Name: node.SignInName()}
	c.mu.Unlock()

	s, err := c.connect(ctx, acct, status)
	if err != nil {
		c.mu.Lock()
		if c.acct == acct {
			c.acct = nil
		}
		c.diag.lastErr = err
		c.mu.Unlock()
		return err
	}
	if !c.install(acct, s) { // SignOut or Close came first
		s.stop()
		return fmt.Errorf("rvpclient: sign in as %s: %w", node.SignInName(), ErrNotSignedIn)
	}
	return nil
}

// install makes s the live session of acct and reports Connected; it
// reports false when acct was signed out meanwhile.
func (c *Client) install(acct *account, s *session) bool {
	c.mu.Lock()
	if c.acct != acct || c.closed {
		c.mu.Unlock()
		return false
	}
	c.sess, c.conn = s, Connected
	c.diag.session(s)
	c.mu.Unlock()
	c.emit(ConnectionEvent{State: Connected})
	return true
}

// SignOut cancels the contact subscriptions, publishes offline, cancels the
// own subscriptions, stops the delivery path and forgets contacts and
// conversations. The server-side steps are best effort (the leases expire
// by themselves); the first error is returned after everything is stopped.
func (c *Client) SignOut(ctx context.Context) error {
	c.mu.Lock()
	acct, sup := c.acct, c.super
	c.super = nil
	c.mu.Unlock()
	if acct == nil {
		return nil
	}
	if sup != nil {
		sup.stop()
	}
	c.mu.Lock()
	s := c.sess
	c.sess = nil
	var subs []*contact
	for _, ct := range c.contacts {
		if ct.sess == s && ct.subID != 0 {
			subs = append(subs, ct)
		}
	}
	c.mu.Unlock()
	var errs []error
	if s != nil {
		errs = c.leave(ctx, s, acct, subs)
		s.stop()
	}
	c.mu.Lock()
	c.acct, c.conn, c.self = nil, Disconnected, Contact{}
	c.contacts, c.convs = map[string]*contact{}, map[string]*Conversation{}
	c.foreign = map[string]*transport{}
	c.servers = serverMap{}
	c.mu.Unlock()
	c.emit(ConnectionEvent{State: Disconnected})
	return errors.Join(errs...)
}

// leave sends the sign-out requests of a live session.
func (c *Client) leave(ctx context.Context, s *session, acct *account, subs []*contact) []error {
	var errs []error
	for _, ct := range subs {
		if err := c.unsubscribe(ctx, s, ct.node, ct.subID); err != nil {
			errs = append(errs, err)
		}
	}
	if err := c.publishOffline(ctx, s, acct); err != nil {
		errs = append(errs, err)
	}
	c.mu.Lock()
	selfID, loginID := s.selfID, s.loginID
	c.mu.Unlock()
	for _, id := range []uint64{selfID, loginID} {
		if id == 0 {
			continue
		}
		if err := c.unsubscribe(ctx, s, acct.node, id); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// publishOffline ends this login's view (offline with its view-id).
func (c *Client) publishOffline(ctx context.Context, s *session, acct *account) error {
	c.mu.Lock()
	view := s.viewID
	s.leaseAt = timeZero
	c.mu.Unlock()
	if view == "" {
		return nil // never published a view: nothing to end
	}
	ls := rvpwire.LeasedState{Value: rvpwire.StateOffline, Default: rvpwire.StateOffline,
		Timeout: int64(c.opts.StatusLease.Seconds()), ViewID: view}
	r := newRequest(rvpwire.MethodProppatch, acct.node.Path()).xml(rvpwire.PropertyUpdate{State: &ls}.Element())
	if _, err := s.tr.do(ctx, r); err != nil {
		return fmt.Errorf("rvpclient: sign out: publish offline: %w", err)
	}
	return nil
}

// newAccount checks the account and prepares its Digest client.
func newAccount(a Account) (*account, State, error) {
	node, err := rvpwire.ParseSignInName(a.SignInName)
	if err != nil {
		return nil, "", fmt.Errorf("rvpclient: sign in: %w", err)
	}
	authName := a.AuthName
	if authName == "" {
		authName = node.SignInName()
	}
	auth, err := digest.NewClient(authName, a.Password)
	if err != nil {
		return nil, "", fmt.Errorf("rvpclient: sign in as %s: %w", node.SignInName(), err)
	}
	status := a.Status
	if status == "" {
		status = StateOnline
	}
	return &account{node: node, principal: node.String(), auth: auth}, status, nil
}
