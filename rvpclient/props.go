package rvpclient

import (
	"context"
	"fmt"
	"net/http"

	"rendezvous/internal/rvpwire"
)

// Watcher is one subscription on the own node: who watches this user.
type Watcher struct {
	Name      string // sign-in name of the subscriber ("" if not a person)
	Principal string // subscriber's principal URL as the server reported it
	ID        uint64 // subscription id
	Remaining int64  // seconds the subscription has left
}

// Watchers lists who watches this user's presence (SUBSCRIPTIONS with
// update/propchange on the own node).
func (c *Client) Watchers(ctx context.Context) ([]Watcher, error) {
	s, acct, err := c.liveAccount()
	if err != nil {
		return nil, fmt.Errorf("rvpclient: list watchers: %w", err)
	}
	r := newRequest(rvpwire.MethodSubscriptions, acct.node.Path()).
		set(rvpwire.HeaderNotificationType, string(rvpwire.UpdatePropchange))
	resp, err := s.tr.do(ctx, r)
	if err != nil {
		return nil, fmt.Errorf("rvpclient: list watchers: %w", err)
	}
	root, err := rvpwire.Decode(bytesReader(resp.body))
	if err != nil {
		return nil, fmt.Errorf("rvpclient: list watchers: %w", err)
	}
	subs, err := rvpwire.ParseSubscriptions(root)
	if err != nil {
		return nil, fmt.Errorf("rvpclient: list watchers: %w", err)
	}
	out := make([]Watcher, 0, len(subs))
	for _, sub := range subs {
		w := Watcher{Principal: sub.Principal, ID: sub.ID, Remaining: sub.Timeout}
		if n, err := c.nodeOf(sub.Principal); err == nil {
			w.Name = n.SignInName()
		}
		out = append(out, w)
	}
	return out, nil
}

// Properties reads a principal's properties (PROPFIND Depth 0: display
// name, state, e-mail). It works for the own name too.
func (c *Client) Properties(ctx context.Context, name string) (Contact, error) {
	node, err := rvpwire.ParseSignInName(name)
	if err != nil {
		return Contact{}, fmt.Errorf("rvpclient: properties: %w", err)
	}
	s, err := c.live()
	if err != nil {
		return Contact{}, fmt.Errorf("rvpclient: properties of %s: %w", name, err)
	}
	tr, err := c.transportFor(ctx, s, node)
	if err != nil {
		return Contact{}, fmt.Errorf("rvpclient: properties of %s: %w", name, err)
	}
	pf := rvpwire.PropFind{Names: []rvpwire.Name{rvpwire.PropDisplayName, rvpwire.PropState, rvpwire.PropEmail}}
	r := newRequest(rvpwire.MethodPropfind, node.Path()).set(rvpwire.HeaderDepth, "0").xml(pf.Element())
	resp, err := tr.do(ctx, r)
	if err != nil {
		return Contact{}, fmt.Errorf("rvpclient: properties of %s: %w", name, err)
	}
	if resp.code != http.StatusMultiStatus {
		return Contact{}, fmt.Errorf("rvpclient: properties of %s: answer %d, want 207", name, resp.code)
	}
	info := Contact{Name: node.SignInName()}
	applyProps(&info, propsOf(resp))
	return info, nil
}

// SetDisplayName changes the own display name (PROPPATCH d:displayname).
func (c *Client) SetDisplayName(ctx context.Context, name string) error {
	return c.setProps(ctx, "set display name", rvpwire.Props{DisplayName: &name})
}

// SetEmail changes the own e-mail address (PROPPATCH r:email).
func (c *Client) SetEmail(ctx context.Context, email string) error {
	return c.setProps(ctx, "set e-mail", rvpwire.Props{Email: &email})
}

func (c *Client) setProps(ctx context.Context, op string, p rvpwire.Props) error {
	s, acct, err := c.liveAccount()
	if err != nil {
		return fmt.Errorf("rvpclient: %s: %w", op, err)
	}
	r := newRequest(rvpwire.MethodProppatch, acct.node.Path()).xml(rvpwire.PropertyUpdate{Props: p}.Element())
	resp, err := s.tr.do(ctx, r)
	if err != nil {
		return fmt.Errorf("rvpclient: %s: %w", op, err)
	}
	if _, err := leaseEcho(resp, r, s.tr); err != nil {
		return fmt.Errorf("rvpclient: %s: %w", op, err)
	}
	c.mu.Lock()
	applyProps(&c.self, p)
	c.mu.Unlock()
	return nil
}
