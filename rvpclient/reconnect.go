package rvpclient

import (
	"context"
	"errors"
	"time"

	"rendezvous/internal/rvpwire"
)

// supervisor is the goroutine that signs in again after the login was lost.
type supervisor struct {
	cancel context.CancelFunc
	done   chan struct{}
}

func (sv *supervisor) stop() {
	sv.cancel()
	<-sv.done
}

// lost is called by a goroutine of session s when the login is gone. If s
// is still the live session, the client goes Reconnecting and a supervisor
// signs in again. It never blocks; the caller must return soon after (the
// supervisor waits for s's goroutines).
func (c *Client) lost(s *session, reason error) {
	c.mu.Lock()
	if c.sess != s || c.closed || c.acct == nil {
		c.mu.Unlock()
		return
	}
	c.sess, c.conn = nil, Reconnecting
	c.diag.reconnects++
	c.diag.lastErr = reason
	for _, ct := range c.contacts {
		ct.subID, ct.sess, ct.renewAt = 0, nil, timeZero
	}
	ctx, cancel := context.WithCancel(context.Background())
	sv := &supervisor{cancel: cancel, done: make(chan struct{})}
	c.super = sv
	acct := c.acct
	c.mu.Unlock()
	c.log.Warn("rvpclient: login lost, signing in again", "reason", reason)
	c.emit(ConnectionEvent{State: Reconnecting, Reason: reason})
	go c.reconnect(ctx, sv, s, acct)
}

// reconnect stops the old session and signs in again with backoff until it
// succeeds, the password is refused, or SignOut/Close cancels ctx. It then
// restores the status (published by the sign-in itself) and the contact
// subscriptions; conversations need nothing on the server.
func (c *Client) reconnect(ctx context.Context, sv *supervisor, old *session, acct *account) {
	defer close(sv.done)
	old.stop()
	var bo backoff
	for {
		c.mu.Lock()
		status := c.status
		c.mu.Unlock()
		s, err := c.connect(ctx, acct, status)
		if err == nil {
			c.restoreContacts(ctx, s) // before Connected is reported
			if !c.installFor(sv, acct, s) {
				s.stop()
			}
			return
		}
		if ctx.Err() != nil {
			return
		}
		if errors.Is(err, ErrAuth) || errors.Is(err, ErrPollingUnsupported) {
			c.giveUp(sv, err)
			return
		}
		c.noteError(err)
		if !bo.wait(ctx) {
			return
		}
	}
}

// installFor installs s if sv is still the current supervisor.
func (c *Client) installFor(sv *supervisor, acct *account, s *session) bool {
	c.mu.Lock()
	current := c.super == sv
	if current {
		c.super = nil
	}
	c.mu.Unlock()
	return current && c.install(acct, s)
}

// giveUp signs the client out after an error retrying cannot fix.
func (c *Client) giveUp(sv *supervisor, err error) {
	c.mu.Lock()
	if c.super != sv {
		c.mu.Unlock()
		return
	}
	c.super, c.acct, c.conn = nil, nil, Disconnected
	c.diag.lastErr = err
	c.contacts, c.convs = map[string]*contact{}, map[string]*Conversation{}
	c.mu.Unlock()
	c.emit(ConnectionEvent{State: Disconnected, Reason: err})
}

// restoreContacts subscribes to every watched contact again. Failures are
// retried by the maintenance loop.
func (c *Client) restoreContacts(ctx context.Context, s *session) {
	c.mu.Lock()
	var list []*contact
	for _, ct := range c.contacts {
		list = append(list, ct)
	}
	c.mu.Unlock()
	for _, ct := range list {
		if err := c.subscribeContact(ctx, s, ct); err != nil {
			c.noteError(err)
			delay := retryDelay
			if code := rvpwire.StatusCode(err); code >= 400 && code < 500 {
				delay = refusedRetryDelay
			}
			c.mu.Lock()
			ct.sess, ct.renewAt = s, time.Now().Add(delay)
			c.mu.Unlock()
			s.wake()
		}
	}
}
