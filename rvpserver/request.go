package rvpserver

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

// requester is who sent a request.
type requester struct {
	principal string             // principal URL (or server name) as the request named it
	alias     string             // local account alias; "" for a foreign requester
	cred      rvpwire.Credential // how the identity was established
}

// local reports whether the requester is an account of this server.
func (q requester) local() bool { return q.alias != "" }

// identify decides who sent r. This is the one decision point for
// authentication: a request whose RVP-From-Principal names a principal of
// a domain this server does not serve, or names a server rather than a
// node, is foreign and is taken on assertion
// (its rights then come from ACL entries that accept assertion
// credentials); every other request must pass Digest, and the
// authenticated user must be the principal it claims to be.
func (s *Server) identify(r *http.Request) (requester, error) {
	from := strings.TrimSpace(r.Header.Get(rvpwire.HeaderFromPrincipal))
	if from != "" && (!s.isLocalPrincipal(from) || isServerName(from)) {
		s.met.foreignRequests.Add(1)
		return requester{principal: from, cred: rvpwire.CredAssertion}, nil
	}
	alias, err := s.authenticate(r)
	if err != nil {
		return requester{}, err
	}
	if from == "" {
		return requester{principal: rvpwire.PrincipalURL(s.cfg.domains[0], alias), alias: alias, cred: rvpwire.CredDigest}, nil
	}
	if n, err := rvpwire.ParseNodeURL(from, ""); err == nil && n.Alias != alias {
		return requester{}, rvpwire.Status(http.StatusForbidden, "RVP-From-Principal is not the authenticated user")
	}
	return requester{principal: from, alias: alias, cred: rvpwire.CredDigest}, nil
}

// isServerName reports whether p names a server (a bare host name, as
// server-originated NOTIFYs carry) rather than a node. A server name, even
// one of ours (a NOTIFY we forwarded that came back to us), is taken on
// assertion: it is no account, so it has only the rights ACLs grant
// everyone.
func isServerName(p string) bool {
	_, err := rvpwire.ParseNodeURL(p, "")
	return err != nil && !strings.Contains(p, "/")
}

// nodeURLFor renders node's URL in the form the requester uses for its own
// principal URL (DECISIONS.md: every principal URL the server sends must
// match the client's exactly). A client that found the server through an
// SRV record names everybody with the SRV target host (and its port unless
// 80), e.g. librvp's http://im.example.com:8081/instmsg/aliases/bob, and
// ignores hrefs in any other form. Other requesters get the IM domain form.
func (s *Server) nodeURLFor(node rvpwire.Node, who requester) string {
	if n, err := rvpwire.ParseNodeURL(who.principal, ""); err == nil && who.local() && s.cfg.serves(n.Domain) {
		return rvpwire.PrincipalURL(n.Domain, node.Alias)
	}
	return node.String()
}

// isLocalPrincipal reports whether a principal URL or bare server name
// belongs to a domain this server serves.
func (s *Server) isLocalPrincipal(p string) bool {
	if n, err := rvpwire.ParseNodeURL(p, ""); err == nil {
		return s.cfg.serves(n.Domain)
	}
	if u, err := url.Parse(p); err == nil && u.Host != "" {
		return s.cfg.serves(u.Host)
	}
	return s.cfg.serves(p)
}

// authenticate verifies Digest credentials and returns the account alias.
// With DisableAuth the alias is taken from RVP-From-Principal.
func (s *Server) authenticate(r *http.Request) (string, error) {
	if s.cfg.DisableAuth {
		n, err := rvpwire.ParseNodeURL(r.Header.Get(rvpwire.HeaderFromPrincipal), "")
		if err != nil {
			return "", badRequest("RVP-From-Principal required")
		}
		if s.account(n.Alias) == nil {
			return "", rvpwire.Status(http.StatusForbidden, "unknown principal")
		}
		return n.Alias, nil
	}
	user, err := s.verifier.Verify(r.Method, r.RequestURI, r.Header.Get("Authorization"), s.lookupHA1)
	if err != nil {
		if !errors.Is(err, digest.ErrNoCredentials) {
			s.met.authFailures.Add(1)
			s.log.Info("authentication failed", "method", r.Method, "remote", r.RemoteAddr, "err", err)
		}
		if err != nil && !isDigestKind(err) {
			return "", err // store failure: 500
		}
		return "", &authChallenge{stale: digest.ChallengeStale(err), reason: "digest"}
	}
	return digest.Alias(user), nil
}

func isDigestKind(err error) bool {
	var de *digest.Error
	return errors.As(err, &de) || errors.Is(err, digest.ErrBadCredentials)
}

// lookupHA1 is the digest.LookupFunc over the in-memory accounts.
func (s *Server) lookupHA1(username string, alg digest.Algorithm) (string, error) {
	a := s.account(digest.Alias(username))
	if a == nil {
		return "", digest.ErrUnknownUser
	}
	return a.Creds.HA1(alg, username)
}

// account returns the account of alias or nil. The record must be treated
// as read-only by the caller (updates replace the pointer under mu).
func (s *Server) account(alias string) *accountRecord {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accounts[strings.ToLower(alias)]
}

// target resolves the node a request addresses: a path-only or absolute
// Request-URI, a logical or physical (/instmsg/local/...) URL, on any of
// this server's names. A path-only /instmsg/aliases/ URI reached this server
// whatever its Host says (an address, a name missing from HostNames), so it
// addresses Domains[0]. An unknown node is 404.
func (s *Server) target(r *http.Request) (rvpwire.Node, *accountRecord, error) {
	n, err := rvpwire.ParseNodeURL(r.RequestURI, r.Host)
	pathOnly := strings.HasPrefix(r.RequestURI, rvpwire.AliasesPath)
	if err != nil || !pathOnly && !s.cfg.serves(n.Domain) {
		return n, nil, rvpwire.Status(http.StatusNotFound, "no such node on this server")
	}
	n.Domain = s.cfg.domainOf(n.Domain)
	a := s.account(n.Alias)
	if a == nil {
		return n, nil, rvpwire.Status(http.StatusNotFound, "no such user")
	}
	return n, a, nil
}

// localNode maps a principal URL to a local alias, or "" when it is not a
// node of a served domain.
func (s *Server) localNode(principal string) string {
	n, err := rvpwire.ParseNodeURL(principal, "")
	if err != nil || !s.cfg.serves(n.Domain) {
		return ""
	}
	return n.Alias
}
