package rvpclient

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"rendezvous/internal/rvpwire"
)

// SetStatus publishes the own presence state (online, busy, ...) as a
// status lease and keeps refreshing it. The state is remembered and
// published again after a reconnect. Use SignOut to go offline.
func (c *Client) SetStatus(ctx context.Context, st State) error {
	if st == "" {
		return fmt.Errorf("rvpclient: set status: empty state")
	}
	c.mu.Lock()
	if c.acct != nil {
		c.status = st
	}
	c.mu.Unlock()
	s, err := c.live()
	if err != nil {
		return fmt.Errorf("rvpclient: set status: %w", err)
	}
	return c.publishStatus(ctx, s, st)
}

// Status returns the status the user chose.
func (c *Client) Status() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status
}

// publishStatus sends the leased state with the session's view-id (none the
// first time) and schedules the lease refresh.
func (c *Client) publishStatus(ctx context.Context, s *session, st State) error {
	c.mu.Lock()
	view, self := s.viewID, c.acct
	c.mu.Unlock()
	if self == nil {
		return ErrNotSignedIn
	}
	ls := rvpwire.LeasedState{Value: st, Default: rvpwire.StateOffline, Timeout: int64(c.opts.StatusLease / time.Second), ViewID: view}
	r := newRequest(rvpwire.MethodProppatch, self.node.Path()).
		xml(rvpwire.PropertyUpdate{State: &ls}.Element())
	resp, err := s.tr.do(ctx, r)
	if err != nil {
		return fmt.Errorf("rvpclient: set status %s: %w", st, err)
	}
	granted, err := leaseEcho(resp, r, s.tr)
	if err != nil {
		return fmt.Errorf("rvpclient: set status %s: %w", st, err)
	}
	timeout := c.opts.StatusLease
	if granted.Timeout > 0 {
		timeout = time.Duration(granted.Timeout) * time.Second
	}
	c.mu.Lock()
	if granted.ViewID != "" {
		s.viewID = granted.ViewID
	}
	s.leaseAt = time.Now().Add(renewDelay(timeout))
	c.mu.Unlock()
	s.wake()
	return nil
}

// leaseEcho reads the r:state echo of a PROPPATCH 207; a propstat with a
// non-200 status is an error.
func leaseEcho(resp *response, r *request, tr *transport) (rvpwire.LeasedState, error) {
	var ls rvpwire.LeasedState
	ps, err := propstats(resp)
	if err != nil {
		return ls, err
	}
	for _, p := range ps {
		if p.Status/100 != 2 {
			return ls, &rvpwire.StatusError{Method: r.method, URL: tr.url(r), Code: p.Status, Reason: "property refused"}
		}
		for _, e := range p.Props {
			if rvpwire.PropState.Is(e) {
				if l, err := rvpwire.ParseLeasedState(e); err == nil {
					ls = l
				}
			}
		}
	}
	return ls, nil
}

// propstats decodes a 207 multistatus answer (one response expected); an
// empty body yields nothing.
func propstats(resp *response) ([]rvpwire.Propstat, error) {
	if len(resp.body) == 0 || resp.code != http.StatusMultiStatus {
		return nil, nil
	}
	root, err := rvpwire.Decode(bytesReader(resp.body))
	if err != nil {
		return nil, err
	}
	rs, err := rvpwire.ParseMultistatus(root)
	if err != nil {
		return nil, err
	}
	var out []rvpwire.Propstat
	for _, r := range rs {
		out = append(out, r.Propstats...)
	}
	return out, nil
}
