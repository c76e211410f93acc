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
// on it. For anyone else, an ACE naming the requester (whose credentials
// the requester satisfies) decides the rights it names, deny winning over
// grant; rights it does not name fall through to the allprincipals ACE;
// a right nobody grants is denied. digest and ntlm also satisfy an ACE
// that lists only assertion; any satisfies everyone.
//
// Several ACEs for the same principal (allprincipals included) may differ
// in their credentials; the most specific one the requester satisfies
// applies: one that lists only the requester's kind of proof, then one
// that lists it among others, then one satisfied through the ordering
// (digest for assertion) or any. So "allprincipals, assertion: deny
// send-to" next to "allprincipals, assertion digest ntlm: grant send-to"
// shuts out principals of other domains and keeps local users in.

// allowedLocked reports whether w has right on alias's node; mu must be held.
func (s *Server) allowedLocked(alias string, w requester, right rvpwire.Right) bool {
	if w.alias == alias {
		return true
	}
	acct := s.accounts[alias]
	if acct == nil {
		return false
	}
	var named, all *rvpwire.ACE
	namedRank, allRank := 0, 0
	for i := range acct.ACL.ACEs {
		ace := &acct.ACL.ACEs[i]
		rank := credRank(ace.Credentials, w.cred)
		switch {
		case rank == 0:
		case ace.All:
			if rank > allRank {
				all, allRank = ace, rank
			}
		case s.samePrincipal(ace.Principal, w):
			if rank > namedRank {
				named, namedRank = ace, rank
			}
		}
	}
	for _, ace := range []*rvpwire.ACE{named, all} {
		if ace == nil {
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

// credRank says how specifically an ACE listing creds matches a requester
// proven by have: 0 not at all, 1 through the ordering or any, 2 listing
// have among others, 3 listing only have.
func credRank(creds []rvpwire.Credential, have rvpwire.Credential) int {
	rank := 0
	for _, c := range creds {
		switch {
		case c == have && len(creds) == 1:
			return 3
		case c == have:
			rank = 2
		case rank == 0 && credsSatisfied([]rvpwire.Credential{c}, have):
			rank = 1
		}
	}
	return rank
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

// aceKey identifies the principal of an ACE for merging.
func (s *Server) aceKey(ace rvpwire.ACE) string {
	if ace.All {
		return "*" + credsKey(ace.Credentials)
	}
	if a := s.localNode(ace.Principal); a != "" {
		return "local:" + a
	}
	return principalKey(ace.Principal)
}

// credsKey is a set of credentials in a fixed order, so that an
// allprincipals ACE replaces the one with the same credentials only.
func credsKey(creds []rvpwire.Credential) string {
	names := make([]string, 0, len(creds))
	for _, c := range creds {
		names = append(names, string(c))
	}
	slices.Sort(names)
	return strings.Join(slices.Compact(names), " ")
}

// mergeACL applies an ACL set: each ACE replaces the ACE of the same
// principal or is added; one with empty grant and deny removes it.
func (s *Server) mergeACL(cur rvpwire.ACL, set rvpwire.ACL) rvpwire.ACL {
	out := rvpwire.ACL{Inheritance: cur.Inheritance, ACEs: slices.Clone(cur.ACEs)}
	for _, ace := range set.ACEs {
		k := s.aceKey(ace)
		i := slices.IndexFunc(out.ACEs, func(e rvpwire.ACE) bool { return s.aceKey(e) == k })
		switch {
		case len(ace.Grant) == 0 && len(ace.Deny) == 0:
			if i >= 0 {
				out.ACEs = slices.Delete(out.ACEs, i, i+1)
			}
		case i >= 0:
			out.ACEs[i] = ace
		default:
			out.ACEs = append(out.ACEs, ace)
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
