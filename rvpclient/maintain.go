package rvpclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"rendezvous/internal/rvpwire"
)

// ErrServerForgot is the reason of a reconnect when the server no longer
// knows the login (404 on a renewal or POLL, e.g. after a restart that lost
// its state).
var ErrServerForgot = errors.New("rvpclient: the server no longer knows this login")

// retryDelay is how soon a renewal that failed without a verdict (network
// trouble) is tried again.
const retryDelay = 30 * time.Second

// refusedRetryDelay is how soon a contact subscription the server refused
// (4xx) is tried again.
const refusedRetryDelay = time.Hour

var timeZero time.Time

// maintain is the session's timer loop: it renews the login, own-node and
// contact subscriptions about five minutes before they expire and refreshes
// the status lease before it ends. At each lease refresh it also renews the
// login subscription, which doubles as a liveness probe: a server that lost
// its state (restart with a fresh store) answers 404 and the engine signs in
// again within one lease period even in Default mode, where nothing else
// would tell. It returns when ctx ends or the login is lost.
func (c *Client) maintain(ctx context.Context, s *session) {
	for {
		t := time.NewTimer(time.Until(c.nextDue(s)))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.kick:
			t.Stop()
			continue
		case <-t.C:
		}
		if err := c.runDue(ctx, s); err != nil {
			if ctx.Err() == nil {
				c.lost(s, err)
			}
			return
		}
	}
}

// nextDue returns the earliest scheduled task time.
func (c *Client) nextDue(s *session) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	next := time.Now().Add(time.Hour)
	consider := func(t time.Time) {
		if !t.IsZero() && t.Before(next) {
			next = t
		}
	}
	consider(s.loginRenewAt)
	consider(s.selfRenewAt)
	consider(s.leaseAt)
	for _, ct := range c.contacts {
		if ct.sess == s {
			consider(ct.renewAt)
		}
	}
	return next
}

// runDue runs every task that is due. An error return means the login is
// lost.
func (c *Client) runDue(ctx context.Context, s *session) error {
	now := time.Now()
	c.mu.Lock()
	acct := c.acct
	loginDue := !s.loginRenewAt.After(now)
	selfDue := !s.selfRenewAt.IsZero() && !s.selfRenewAt.After(now)
	leaseDue := !s.leaseAt.IsZero() && !s.leaseAt.After(now)
	var due []*contact
	for _, ct := range c.contacts {
		if ct.sess == s && !ct.renewAt.IsZero() && !ct.renewAt.After(now) {
			due = append(due, ct)
		}
	}
	c.mu.Unlock()
	if acct == nil {
		return nil
	}
	if loginDue || leaseDue {
		if err := c.renewLogin(ctx, s, acct); err != nil {
			return err
		}
	}
	if selfDue {
		c.renewSelf(ctx, s, acct)
	}
	if leaseDue {
		c.refreshLease(ctx, s)
	}
	for _, ct := range due {
		c.renewContact(ctx, s, ct)
	}
	return nil
}

// renewSub renews a subscription and returns the granted lifetime.
func (c *Client) renewSub(ctx context.Context, tr *transport, node rvpwire.Node, id uint64) (time.Duration, error) {
	r := newRequest(rvpwire.MethodSubscribe, node.Path()).
		set(rvpwire.HeaderSubscriptionID, fmt.Sprint(id)).
		set(rvpwire.HeaderLifetime, seconds(c.opts.Lifetime))
	resp, err := tr.do(ctx, r)
	if err != nil {
		return 0, err
	}
	return c.lifetimeOf(resp), nil
}

// renewLogin renews the login subscription; 404 (or 401 refusing the
// password) means the login is lost.
func (c *Client) renewLogin(ctx context.Context, s *session, acct *account) error {
	c.mu.Lock()
	id := s.loginID
	c.mu.Unlock()
	granted, err := c.renewSub(ctx, s.tr, acct.node, id)
	switch {
	case err == nil:
		c.mu.Lock()
		s.loginRenewAt = time.Now().Add(renewDelay(granted))
		c.mu.Unlock()
		return nil
	case rvpwire.IsStatus(err, http.StatusNotFound):
		return fmt.Errorf("%w: renew login: %w", ErrServerForgot, err)
	case errors.Is(err, ErrAuth):
		return err
	}
	c.noteError(fmt.Errorf("rvpclient: renew login: %w", err))
	c.mu.Lock()
	s.loginRenewAt = time.Now().Add(retryDelay)
	c.mu.Unlock()
	return nil
}

// renewSelf renews the own-node propchange subscription, subscribing anew
// when the server lost it.
func (c *Client) renewSelf(ctx context.Context, s *session, acct *account) {
	c.mu.Lock()
	id := s.selfID
	c.mu.Unlock()
	granted, err := c.renewSub(ctx, s.tr, acct.node, id)
	if rvpwire.IsStatus(err, http.StatusNotFound) {
		err = c.subscribeSelf(ctx, s, acct)
		if err == nil {
			return
		}
	}
	next := time.Now().Add(retryDelay)
	if err == nil {
		next = time.Now().Add(renewDelay(granted))
	} else {
		c.noteError(fmt.Errorf("rvpclient: renew own subscription: %w", err))
	}
	c.mu.Lock()
	s.selfRenewAt = next
	c.mu.Unlock()
}

// refreshLease publishes the chosen status again with the view-id. A server
// that refuses the view-id (it forgot the view) gets a new view.
func (c *Client) refreshLease(ctx context.Context, s *session) {
	c.mu.Lock()
	st := c.status
	c.mu.Unlock()
	err := c.publishStatus(ctx, s, st)
	if code := rvpwire.StatusCode(err); code >= 400 && code < 500 && code != http.StatusUnauthorized {
		c.mu.Lock()
		s.viewID = ""
		c.mu.Unlock()
		err = c.publishStatus(ctx, s, st)
	}
	if err != nil {
		c.noteError(err)
		c.mu.Lock()
		s.leaseAt = time.Now().Add(retryDelay)
		c.mu.Unlock()
	}
}

// renewContact renews a contact subscription, or subscribes again when the
// server lost it or an earlier attempt failed.
func (c *Client) renewContact(ctx context.Context, s *session, ct *contact) {
	c.mu.Lock()
	id := ct.subID
	c.mu.Unlock()
	var err error
	if id != 0 {
		var tr *transport
		if tr, err = c.transportFor(ctx, s, ct.node); err == nil {
			var granted time.Duration
			if granted, err = c.renewSub(ctx, tr, ct.node, id); err == nil {
				c.mu.Lock()
				ct.renewAt = time.Now().Add(renewDelay(granted))
				c.mu.Unlock()
				return
			}
		}
	}
	if id == 0 || rvpwire.IsStatus(err, http.StatusNotFound) {
		if err = c.subscribeContact(ctx, s, ct); err == nil {
			return
		}
	}
	c.noteError(fmt.Errorf("rvpclient: renew contact %s: %w", ct.node.SignInName(), err))
	delay := retryDelay
	if code := rvpwire.StatusCode(err); code >= 400 && code < 500 {
		delay = refusedRetryDelay // refused, not lost: do not hammer the server
	}
	c.mu.Lock()
	ct.subID, ct.renewAt = 0, time.Now().Add(delay)
	c.mu.Unlock()
}
