package rvpclient

import (
	"context"
	"fmt"

	"rendezvous/internal/rvpwire"
)

// ACL returns the own node's access-control list (ACL method, no body).
// Principal URLs of people come back in the logical form
// (http://<sign-in domain>/instmsg/aliases/<alias>), whatever form the
// server wrote them in (see names.go: server host forms).
func (c *Client) ACL(ctx context.Context) (ACL, error) {
	s, acct, err := c.liveAccount()
	if err != nil {
		return rvpwire.ACL{}, fmt.Errorf("rvpclient: read ACL: %w", err)
	}
	resp, err := s.tr.do(ctx, newRequest(rvpwire.MethodACL, acct.node.Path()))
	if err != nil {
		return rvpwire.ACL{}, fmt.Errorf("rvpclient: read ACL: %w", err)
	}
	root, err := rvpwire.Decode(bytesReader(resp.body))
	if err != nil {
		return rvpwire.ACL{}, fmt.Errorf("rvpclient: read ACL: %w", err)
	}
	acl, err := rvpwire.ParseACL(root)
	if err != nil {
		return rvpwire.ACL{}, fmt.Errorf("rvpclient: read ACL: %w", err)
	}
	for i, ace := range acl.ACEs {
		if n, err := c.nodeOf(ace.Principal); err == nil {
			acl.ACEs[i].Principal = n.String()
		}
	}
	return acl, nil
}

// Block denies a principal send-to and presence: they can no longer send
// messages (their sends get 403) and see this user as offline.
func (c *Client) Block(ctx context.Context, name string) error {
	return c.setACE(ctx, "block", name, nil, []rvpwire.Right{rvpwire.RightSendTo, rvpwire.RightPresence})
}

// Allow grants a principal send-to and presence explicitly (useful when the
// default for everyone was narrowed).
func (c *Client) Allow(ctx context.Context, name string) error {
	return c.setACE(ctx, "allow", name, []rvpwire.Right{rvpwire.RightSendTo, rvpwire.RightPresence}, nil)
}

// Unblock removes the principal's own ACE, so the rights granted to
// everybody apply again (an ACE with empty grant and deny removes it).
func (c *Client) Unblock(ctx context.Context, name string) error {
	return c.setACE(ctx, "unblock", name, nil, nil)
}

// setACE sends one ACE (the server merges it into the ACL).
func (c *Client) setACE(ctx context.Context, op, name string, grant, deny []rvpwire.Right) error {
	node, err := rvpwire.ParseSignInName(name)
	if err != nil {
		return fmt.Errorf("rvpclient: %s: %w", op, err)
	}
	s, acct, err := c.liveAccount()
	if err != nil {
		return fmt.Errorf("rvpclient: %s %s: %w", op, name, err)
	}
	// The own domain's people in the session's form, as librvp writes them
	// (rvpd reads any form of its own names).
	ace := rvpwire.ACE{Principal: s.form.url(node), Grant: grant, Deny: deny,
		Credentials: []rvpwire.Credential{rvpwire.CredAssertion, rvpwire.CredDigest, rvpwire.CredNTLM}}
	r := newRequest(rvpwire.MethodACL, acct.node.Path()).xml(rvpwire.ACL{ACEs: []rvpwire.ACE{ace}}.Element())
	if _, err := s.tr.do(ctx, r); err != nil {
		return fmt.Errorf("rvpclient: %s %s: %w", op, name, err)
	}
	return nil
}

// liveAccount returns the live session and account.
func (c *Client) liveAccount() (*session, *account, error) {
	s, err := c.live()
	if err != nil {
		return nil, nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.acct == nil {
		return nil, nil, ErrNotSignedIn
	}
	return s, c.acct, nil
}
