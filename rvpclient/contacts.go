package rvpclient

import (
	"context"
	"fmt"
	"sort"
	"time"

	"rendezvous/internal/rvpwire"
)

// contact is a watched principal. Fields are guarded by Client.mu.
type contact struct {
	node    rvpwire.Node
	info    Contact
	subID   uint64    // 0 while not subscribed
	renewAt time.Time // zero while not subscribed
	sess    *session  // the session subID belongs to
}

// AddContact watches a contact's presence (a propchange subscription on its
// node) and returns what the server reported about it. The contact stays on
// the watch list until RemoveContact or SignOut, and is subscribed again
// after a reconnect. Presence changes arrive as PresenceEvent.
func (c *Client) AddContact(ctx context.Context, name string) (Contact, error) {
	node, err := rvpwire.ParseSignInName(name)
	if err != nil {
		return Contact{}, fmt.Errorf("rvpclient: add contact: %w", err)
	}
	c.mu.Lock()
	if c.acct == nil {
		c.mu.Unlock()
		return Contact{}, fmt.Errorf("rvpclient: add contact %s: %w", name, ErrNotSignedIn)
	}
	ct := c.contacts[node.SignInName()]
	if ct == nil {
		ct = &contact{node: node, info: Contact{Name: node.SignInName()}}
		c.contacts[node.SignInName()] = ct
	}
	c.mu.Unlock()
	s, err := c.live()
	if err != nil {
		return Contact{}, fmt.Errorf("rvpclient: add contact %s: %w", name, err)
	}
	if err := c.subscribeContact(ctx, s, ct); err != nil {
		if code := rvpwire.StatusCode(err); code >= 400 && code < 500 {
			c.forgetContact(ct) // refused for good (no such user, not allowed)
		}
		return Contact{}, err
	}
	return c.contactInfo(ct), nil
}

// RemoveContact stops watching a contact (UNSUBSCRIBE). A subscription the
// server no longer knows counts as removed.
func (c *Client) RemoveContact(ctx context.Context, name string) error {
	node, err := rvpwire.ParseSignInName(name)
	if err != nil {
		return fmt.Errorf("rvpclient: remove contact: %w", err)
	}
	c.mu.Lock()
	ct := c.contacts[node.SignInName()]
	delete(c.contacts, node.SignInName())
	var id uint64
	var sess *session
	if ct != nil {
		id, sess = ct.subID, ct.sess
	}
	c.mu.Unlock()
	if id == 0 || sess == nil {
		return nil
	}
	return c.unsubscribe(ctx, sess, node, id)
}

// Contacts returns the watched contacts, sorted by name.
func (c *Client) Contacts() []Contact {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Contact, 0, len(c.contacts))
	for _, ct := range c.contacts {
		out = append(out, ct.info)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (c *Client) forgetContact(ct *contact) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.contacts[ct.node.SignInName()] == ct {
		delete(c.contacts, ct.node.SignInName())
	}
}

func (c *Client) contactInfo(ct *contact) Contact {
	c.mu.Lock()
	defer c.mu.Unlock()
	return ct.info
}

// subscribeContact sends a new propchange SUBSCRIBE for ct and seeds its
// properties from the 207 body.
func (c *Client) subscribeContact(ctx context.Context, s *session, ct *contact) error {
	tr, err := c.transportFor(ctx, s, ct.node)
	if err != nil {
		return fmt.Errorf("rvpclient: add contact %s: %w", ct.node.SignInName(), err)
	}
	resp, err := tr.do(ctx, c.propchangeRequest(ct.node, tr.from))
	if err != nil {
		return fmt.Errorf("rvpclient: add contact %s: %w", ct.node.SignInName(), err)
	}
	id, granted, err := c.grant(resp)
	if err != nil {
		return fmt.Errorf("rvpclient: add contact %s: %w", ct.node.SignInName(), err)
	}
	props := propsOf(resp)
	c.mu.Lock()
	if c.contacts[ct.node.SignInName()] != ct { // removed meanwhile
		c.mu.Unlock()
		_ = c.unsubscribe(ctx, s, ct.node, id)
		return nil
	}
	ct.subID, ct.sess, ct.renewAt = id, s, time.Now().Add(renewDelay(granted))
	applyProps(&ct.info, props)
	ev := PresenceEvent{Contact: ct.info.Name, State: ct.info.State, DisplayName: ct.info.DisplayName, Email: ct.info.Email}
	c.mu.Unlock()
	s.wake()
	c.emit(ev)
	return nil
}

// propchangeRequest is a new update/propchange SUBSCRIBE with the own
// principal URL (as the transport sends it) as Call-Back.
func (c *Client) propchangeRequest(node rvpwire.Node, principal string) *request {
	return newRequest(rvpwire.MethodSubscribe, node.Path()).
		set(rvpwire.HeaderNotificationType, string(rvpwire.UpdatePropchange)).
		set(rvpwire.HeaderCallBack, principal).
		set(rvpwire.HeaderLifetime, seconds(c.opts.Lifetime))
}

// propsOf reads the properties of a 207 answer; a missing or bad body
// yields none (old servers send none).
func propsOf(resp *response) rvpwire.Props {
	ps, err := propstats(resp)
	if err != nil {
		return rvpwire.Props{}
	}
	var elems []*rvpwire.Element
	for _, p := range ps {
		if p.Status/100 == 2 {
			elems = append(elems, p.Props...)
		}
	}
	return rvpwire.PropsFrom(elems)
}

// subscribeSelf sends the propchange subscription on the own node: it
// reports changes made by other logins, the self-test watches for it, and
// its 207 body seeds the own properties.
func (c *Client) subscribeSelf(ctx context.Context, s *session, acct *account) error {
	resp, err := s.tr.do(ctx, c.propchangeRequest(acct.node, s.tr.from))
	if err != nil {
		return fmt.Errorf("rvpclient: sign in as %s: subscribe to own node: %w", acct.node.SignInName(), err)
	}
	id, granted, err := c.grant(resp)
	if err != nil {
		return fmt.Errorf("rvpclient: sign in as %s: %w", acct.node.SignInName(), err)
	}
	props := propsOf(resp)
	c.mu.Lock()
	s.selfID, s.selfRenewAt = id, time.Now().Add(renewDelay(granted))
	c.self.Name = acct.node.SignInName()
	applyProps(&c.self, props)
	c.mu.Unlock()
	return nil
}

// unsubscribe cancels a subscription; 404 (already gone) counts as done.
func (c *Client) unsubscribe(ctx context.Context, s *session, node rvpwire.Node, id uint64) error {
	tr, err := c.transportFor(ctx, s, node)
	if err != nil {
		return fmt.Errorf("rvpclient: unsubscribe %s: %w", node.SignInName(), err)
	}
	r := newRequest(rvpwire.MethodUnsubscribe, node.Path()).set(rvpwire.HeaderSubscriptionID, fmt.Sprint(id))
	if _, err := tr.do(ctx, r); err != nil && !IsNotFound(err) {
		return fmt.Errorf("rvpclient: unsubscribe %s: %w", node.SignInName(), err)
	}
	return nil
}

// transportFor returns the transport for requests about node: the home
// server for the own domain, else that domain's server found by discovery
// (federation: no credentials, the foreign server trusts assertion).
func (c *Client) transportFor(ctx context.Context, s *session, node rvpwire.Node) (*transport, error) {
	c.mu.Lock()
	own := c.acct != nil && c.acct.node.Domain == node.Domain
	tr := c.foreign[node.Domain]
	acct := c.acct
	c.mu.Unlock()
	if own || acct == nil {
		return s.tr, nil
	}
	if tr != nil {
		return tr, nil
	}
	base, _, err := discover(ctx, c.opts.Resolver, node.Domain, "")
	if err != nil {
		return nil, err
	}
	c.learnServer(node.Domain, base)
	// Other domains get the logical form: they cannot know our SRV target.
	tr = c.newTransport(base, &account{node: acct.node, principal: acct.principal}, acct.principal)
	c.mu.Lock()
	c.foreign[node.Domain] = tr
	c.mu.Unlock()
	return tr, nil
}
