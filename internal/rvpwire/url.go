package rvpwire

import (
	"fmt"
	"net/url"
	"strings"
)

// AliasesPath is the path prefix of human principals' nodes.
const AliasesPath = "/instmsg/aliases/"

// localPrefix is the prefix of physical URLs: /instmsg/local/<domain>/instmsg/aliases/<alias>.
const localPrefix = "/instmsg/local/"

// Node names a principal's node: a lower-cased alias in an IM domain.
type Node struct {
	Domain string // IM domain host, lower-case, without ":80"
	Alias  string // lower-case alias
}

// String returns the node's logical URL.
func (n Node) String() string { return PrincipalURL(n.Domain, n.Alias) }

// Path returns the path of the node's logical URL.
func (n Node) Path() string { return AliasesPath + url.PathEscape(n.Alias) }

// SignInName returns alias@domain.
func (n Node) SignInName() string { return n.Alias + "@" + n.Domain }

// PrincipalURL returns http://<domain>/instmsg/aliases/<alias>; the domain may
// carry a port other than 80 (":80" is dropped, as real clients require).
func PrincipalURL(domain, alias string) string {
	return "http://" + stripPort80(strings.ToLower(domain)) + AliasesPath + url.PathEscape(strings.ToLower(alias))
}

func stripPort80(host string) string { return strings.TrimSuffix(host, ":80") }

// ParseNodeURL reads a node from a logical URL, a physical URL
// (/instmsg/local/<domain>/instmsg/aliases/<alias>), or a path-only
// Request-URI, in which case the domain is taken from host (the Host header).
// Aliases and domains are lower-cased.
func ParseNodeURL(raw, host string) (Node, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return Node{}, fmt.Errorf("rvpwire: bad node URL %q: %w", raw, err)
	}
	if u.Host != "" {
		host = u.Host
	}
	p := u.Path
	if rest, ok := strings.CutPrefix(p, localPrefix); ok {
		dom, tail, ok := strings.Cut(rest, "/")
		if !ok {
			return Node{}, fmt.Errorf("rvpwire: bad physical URL %q", raw)
		}
		host, p = dom, "/"+tail
	}
	alias, ok := strings.CutPrefix(p, AliasesPath)
	alias = strings.TrimSuffix(alias, "/")
	if !ok || alias == "" || strings.Contains(alias, "/") {
		return Node{}, fmt.Errorf("rvpwire: %q is not an /instmsg/aliases/ node", raw)
	}
	if host == "" {
		return Node{}, fmt.Errorf("rvpwire: node URL %q has no host", raw)
	}
	return Node{Domain: stripPort80(strings.ToLower(host)), Alias: strings.ToLower(alias)}, nil
}

// ParseSignInName splits user@domain into a node. It refuses names without
// exactly one "@" or with an empty part.
func ParseSignInName(s string) (Node, error) {
	alias, domain, ok := strings.Cut(strings.TrimSpace(s), "@")
	if !ok || alias == "" || domain == "" || strings.ContainsAny(domain, "@/ ") || strings.ContainsAny(alias, "/ ") {
		return Node{}, fmt.Errorf("rvpwire: %q is not a sign-in name of the form user@domain", s)
	}
	return Node{Domain: strings.ToLower(domain), Alias: strings.ToLower(alias)}, nil
}
