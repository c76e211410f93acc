package rvpserver

import (
	"bytes"
	"net/http"

	"rendezvous/internal/rvpwire"
)

// knownProps lists the properties of a node, in the order of PROTOCOL.md
// 12.2 (allprop and the SUBSCRIBE 207 answer use it).
var knownProps = []rvpwire.Name{
	rvpwire.PropState, rvpwire.PropDisplayName, rvpwire.PropEmail,
	rvpwire.PropMobileState, rvpwire.PropMobileDescription,
}

// propElementsLocked returns the value elements of the named properties
// of alias as w sees them, and the names it does not know.
func (s *Server) propElementsLocked(acct *accountRecord, w requester, names []rvpwire.Name) (found []*rvpwire.Element, unknown []rvpwire.Name) {
	for _, n := range names {
		switch n {
		case rvpwire.PropState:
			found = append(found, s.visibleLocked(acct.Alias, s.aggregateLocked(acct.Alias), w).Element())
		case rvpwire.PropDisplayName:
			found = append(found, rvpwire.T(n.Space, n.Local, acct.DisplayName))
		case rvpwire.PropEmail:
			found = append(found, rvpwire.T(n.Space, n.Local, acct.Email))
		case rvpwire.PropMobileState:
			found = append(found, rvpwire.T(n.Space, n.Local, defaultString(acct.MobileState, "0")))
		case rvpwire.PropMobileDescription:
			found = append(found, rvpwire.T(n.Space, n.Local, acct.MobileDescription))
		default:
			unknown = append(unknown, n)
		}
	}
	return found, unknown
}

func defaultString(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// propsMultistatus builds the 207 body for a node: a 200 propstat with the
// found properties and, when some are unknown, a 404 propstat naming them.
func propsMultistatus(href string, found []*rvpwire.Element, unknown []rvpwire.Name) *rvpwire.Element {
	resp := rvpwire.Response{Href: href}
	if len(found) > 0 {
		resp.Propstats = append(resp.Propstats, rvpwire.Propstat{Props: found, Status: http.StatusOK})
	}
	if len(unknown) > 0 {
		var els []*rvpwire.Element
		for _, n := range unknown {
			els = append(els, n.Empty())
		}
		resp.Propstats = append(resp.Propstats, rvpwire.Propstat{Props: els, Status: http.StatusNotFound})
	}
	return rvpwire.Multistatus(resp)
}

// handlePropfind: Depth 0 only (else 412); an empty body means allprop.
func (s *Server) handlePropfind(rq *request) (*reply, error) {
	if d, err := rvpwire.ParseDepth(rq.r.Header.Get(rvpwire.HeaderDepth)); err != nil || d != 0 {
		return nil, rvpwire.Status(http.StatusPreconditionFailed, "PROPFIND needs Depth: 0")
	}
	pf := rvpwire.PropFind{AllProp: true}
	if len(bytes.TrimSpace(rq.body)) > 0 {
		root, err := rvpwire.Decode(bytes.NewReader(rq.body))
		if err != nil {
			return nil, err
		}
		if pf, err = rvpwire.ParsePropFind(root); err != nil {
			return nil, err
		}
		for _, n := range pf.Names {
			if !validName(n.Local) {
				return nil, badRequest("bad property name")
			}
		}
	}
	names := pf.Names
	if pf.AllProp {
		names = knownProps
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.allowedLocked(rq.node.Alias, rq.who, rvpwire.RightRead) {
		return nil, rvpwire.Status(http.StatusForbidden, "read denied by ACL")
	}
	found, unknown := s.propElementsLocked(s.accounts[rq.node.Alias], rq.who, names)
	return xmlReply(http.StatusMultiStatus, propsMultistatus(rq.nodeURL, found, unknown)), nil
}
