package rvpserver

import (
	"context"
	"slices"
	"strings"

	"rendezvous/internal/rvpwire"
)

// otherProps are the properties besides r:state that PROPPATCH sets, in
// the order of PROTOCOL.md 12.2.
var otherProps = []rvpwire.Name{
	rvpwire.PropDisplayName, rvpwire.PropEmail, rvpwire.PropMobileState, rvpwire.PropMobileDescription,
}

// propsChanged reports whether b differs from a in a property watchers
// are told about.
func propsChanged(a, b *accountRecord) bool {
	return a.DisplayName != b.DisplayName || a.Email != b.Email ||
		a.MobileState != b.MobileState || a.MobileDescription != b.MobileDescription
}

// propsChangedLocked tells each propchange watcher of alias that may read
// the node (the read right, as for PROPFIND) its properties other than
// r:state as they are now (PROTOCOL.md 10, rule 2). Every such
// notification carries all four, so a newer one supersedes an older one
// whole; r:state goes in notifications of its own, gated by presence.
// mu must be held.
func (s *Server) propsChangedLocked(alias string) {
	acct := s.accounts[alias]
	for _, sub := range s.sortedSubsLocked(alias) {
		if sub.Type != rvpwire.UpdatePropchange {
			continue
		}
		w := sub.watcher()
		if !s.allowedLocked(alias, w, rvpwire.RightRead) {
			continue
		}
		found, _ := s.propElementsLocked(acct, w, otherProps)
		s.sendUpdateLocked(sub, rvpwire.PropertyUpdate{Props: rvpwire.PropsFrom(found)})
	}
}

// sendUpdateLocked routes one property notification (r:state flattened)
// for sub: to the logins of a local subscriber, or as a NOTIFY to a
// foreign Call-Back. mu must be held.
func (s *Server) sendUpdateLocked(sub *subscription, pu rvpwire.PropertyUpdate) {
	n := rvpwire.Notification{
		From:   rvpwire.Contact{Href: sub.NodeURL},
		To:     []rvpwire.Contact{{Href: sub.CallBack}},
		Update: &pu,
	}
	m := &outMsg{header: s.serverHeader(2), body: rvpwire.Marshal(n.Element()), coalesce: coalesceKey(sub.NodeURL, &pu)}
	s.met.presenceNotifies.Add(1)
	if local := s.localNode(sub.CallBack); local != "" {
		s.dispatchAsyncLocked(s.planLocked(local, m), m)
		return
	}
	if u, ok := serverRoute(sub.CallBack); ok {
		s.forwardPresenceLocked(fwdKey{sub: sub.ID, props: pu.State == nil}, u, m)
		return
	}
	cb := sub.CallBack // a foreign watcher with a plain listener URL
	s.async(func(ctx context.Context) { s.deliver(ctx, 0, cb, m) })
}

// coalesceKey names the poll queue items a property notification from
// node from supersedes: the older ones from that node carrying the same
// set of properties. A state-only notification's key is the node URL
// itself (the key stored queues hold); with other properties the sorted
// property names follow it.
func coalesceKey(from string, pu *rvpwire.PropertyUpdate) string {
	if pu == nil {
		return from
	}
	var names []string
	if pu.State != nil {
		names = append(names, "{"+rvpwire.NSRVP+"}state")
	}
	for _, e := range pu.Props.Elements() {
		names = append(names, "{"+e.Name.Space+"}"+e.Name.Local)
	}
	for _, e := range pu.Other {
		names = append(names, "{"+e.Name.Space+"}"+e.Name.Local)
	}
	if len(names) == 1 && pu.State != nil {
		return from
	}
	slices.Sort(names)
	names = slices.Compact(names)
	return from + " " + strings.Join(names, " ")
}
