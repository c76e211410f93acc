package rvpserver

import (
	"bytes"
	"errors"
	"net/http"
	"slices"
	"strings"

	"rendezvous/internal/rvpwire"
)

// ACL evaluation (DECISIONS.md, "ACL"). The node's owner may do everything
// on it. For anyone else, the ACE naming the requester, if the requester
// satisfies its credentials, decides the rights it names, deny winning
// over grant; rights it does not name fall through to the allprincipals
// ACE, again only if its credentials are satisfied; a right nobody grants
// is denied. digest and ntlm also satisfy an ACE that lists only
// assertion; any satisfies everyone.
//
// allprincipals is one principal whatever its credentials. Principals of
// other domains are judged by assertion, so an allprincipals ACE listing
// digest and ntlm only gives them nothing while local users keep its
// rights: that is how a user (or DefaultACL.LocalOnly) shuts out other
// domains.

// allowedLocked reports whether w has right on alias's node; mu must be held.
func (s *Server) allowedLocked(alias string, w requester, right rvpwire.Right) bool {
	if w.alias == alias {
		return true
	}
	acct := s.accounts[alias]
	if acct == nil {
		return false
	}
	// After a merge there is at most one ACE per principal; should a stored
	// ACL hold more, the later one counts, as it would have in a merge.
	var named, all *rvpwire.ACE
	for i := range acct.ACL.ACEs {
		ace := &acct.ACL.ACEs[i]
		switch {
		case ace.All:
			all = ace
		case s.samePrincipal(ace.Principal, w):
			named = ace
		}
	}
	for _, ace := range []*rvpwire.ACE{named, all} {
		if ace == nil || !credsSatisfied(ace.Credentials, w.cred) {
			continue
		}
		if hasRight(ace.Deny, right) {
			return false
		}
		if hasRight(ace.Grant, right) {
			return true
		}
	}
	return false
}

func hasRight(list []rvpwire.Right, r rvpwire.Right) bool {
	return slices.Contains(list, r) || slices.Contains(list, rvpwire.RightAll)
}

// credsSatisfied reports whether a requester proven by have matches an ACE
// listing creds.
func credsSatisfied(creds []rvpwire.Credential, have rvpwire.Credential) bool {
	for _, c := range creds {
		switch {
		case c == rvpwire.CredAny, c == have:
			return true
		case c == rvpwire.CredAssertion && (have == rvpwire.CredDigest || have == rvpwire.CredNTLM):
			return true
		}
	}
	return false
}

// samePrincipal reports whether an ACE's principal names w: local nodes
// compare by alias (any served domain), others case-insensitively.
func (s *Server) samePrincipal(p string, w requester) bool {
	if a := s.localNode(p); a != "" {
		return a == w.alias
	}
	return w.alias == "" && principalKey(p) == principalKey(w.principal)
}

func principalKey(p string) string {
	if n, err := rvpwire.ParseNodeURL(p, ""); err == nil {
		return n.String()
	}
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(p)), "/")
}

// aceKey identifies the principal of an ACE for merging: allprincipals
// is one principal whatever its credentials; local nodes by alias (any
// served domain); others by their normalised URL.
func (s *Server) aceKey(ace rvpwire.ACE) string {
	if ace.All {
		return "all"
	}
	if a := s.localNode(ace.Principal); a != "" {
		return "local:" + a
	}
	return "url:" + principalKey(ace.Principal)
}

// mergeACL applies an ACL set: each ACE replaces the ACE of the same
// principal (in its place) or is added; one with empty grant and deny
// removes it. Within set, a later ACE for a principal wins. The result
// holds at most one ACE per principal.
func (s *Server) mergeACL(cur rvpwire.ACL, set rvpwire.ACL) rvpwire.ACL {
	out := rvpwire.ACL{Inheritance: cur.Inheritance, ACEs: slices.Clone(cur.ACEs)}
	for _, ace := range set.ACEs {
		k := s.aceKey(ace)
		same := func(e rvpwire.ACE) bool { return s.aceKey(e) == k }
		remove := len(ace.Grant) == 0 && len(ace.Deny) == 0
		i := slices.IndexFunc(out.ACEs, same)
		switch {
		case i < 0 && !remove:
			out.ACEs = append(out.ACEs, ace)
		case i >= 0:
			// Drop every ACE of that principal, then put ace in the first's place.
			out.ACEs = slices.DeleteFunc(out.ACEs, same)
			if !remove {
				out.ACEs = slices.Insert(out.ACEs, i, ace)
			}
		}
	}
	return out
}

// handleACL answers ACL get (no body: needs readacl) and ACL set (a body:
// own node only, merged; an ACE without credentials is 400).
func (s *Server) handleACL(rq *request) (*reply, error) {
	if len(bytes.TrimSpace(rq.body)) == 0 {
		s.mu.Lock()
		defer s.mu.Unlock()
		if !s.allowedLocked(rq.node.Alias, rq.who, rvpwire.RightReadACL) {
			return nil, rvpwire.Status(http.StatusForbidden, "readacl denied")
		}
		return xmlReply(http.StatusOK, s.accounts[rq.node.Alias].ACL.Element()), nil
	}
	if rq.who.alias != rq.node.Alias {
		return nil, rvpwire.Status(http.StatusForbidden, "ACL set on another principal's node")
	}
	root, err := rvpwire.Decode(bytes.NewReader(rq.body))
	if err != nil {
		return nil, err
	}
	set, err := rvpwire.ParseACL(root)
	if errors.Is(err, rvpwire.ErrNoCredentials) {
		return nil, badRequest("credentials not specified")
	}
	if err != nil {
		return nil, err
	}
	w := s.setACL(rq.node.Alias, set)
	if err := w.wait(rq.r.Context()); err != nil {
		return nil, err
	}
	return okReply(), nil
}

// setACL merges set into alias's ACL, persists it and tells watchers whose
// view of the presence changed (a block shows offline at once).
func (s *Server) setACL(alias string, set rvpwire.ACL) *commitWait {
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.accounts[alias]
	next := *old
	next.ACL = s.mergeACL(old.ACL, set)
	agg := s.aggregateLocked(alias)
	var before = map[uint64]rvpwire.State{}
	for _, sub := range s.byNode[alias] {
		before[sub.ID] = s.visibleLocked(alias, agg, sub.watcher())
	}
	s.accounts[alias] = &next
	w := s.submitLocked(putRecord(BucketAccounts, alias, &next))
	s.notifyWatchersLocked(alias, func(sub *subscription) (rvpwire.State, rvpwire.State) {
		return before[sub.ID], s.visibleLocked(alias, agg, sub.watcher())
	})
	return w
}
