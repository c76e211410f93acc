package rvpclient

import (
	"net"
	"net/url"
	"strings"

	"rendezvous/internal/rvpwire"
)

// Principal URLs name a person by a host and an alias. The host is the IM
// domain in the logical form (http://example.com/instmsg/aliases/bob), but
// clients that found their server through an SRV record build the URLs from
// the SRV target instead, with its port unless 80: librvp and Miranda name
// bob@example.com http://im.example.com/instmsg/aliases/bob or
// http://im.example.com:8081/instmsg/aliases/bob (PROTOCOL.md 2.2.5), and
// rvpd answers each client in that client's own form. The engine therefore
// remembers, per IM domain, the server it talks to (the SRV target or the
// ServerURL override) and reads a principal URL whose host is such a server
// as a sign-in name of that domain.

// serverMap maps server hosts to the IM domains they serve. Guarded by
// Client.mu.
type serverMap struct {
	exact map[string]string // host[:port] as in principal URLs -> domain
	names map[string]string // host name without port -> domain
}

// learn records that base serves domain. The first server learned for a
// host wins, except that the own domain always wins (a host that serves
// the own domain and also a foreign one is read as the own domain).
func (m *serverMap) learn(domain string, base *url.URL, own bool) {
	host := strings.ToLower(base.Host)
	if host == "" || host == domain {
		return
	}
	if m.exact == nil {
		m.exact, m.names = map[string]string{}, map[string]string{}
	}
	put := func(mm map[string]string, k string) {
		if _, ok := mm[k]; !ok || own {
			mm[k] = domain
		}
	}
	put(m.exact, host)
	put(m.names, hostName(host))
}

// domain returns the IM domain that host stands for: a learned server host
// (exactly, else by host name whatever the port) maps to its domain,
// anything else stays itself.
func (m *serverMap) domain(host string) (string, bool) {
	if d, ok := m.exact[host]; ok {
		return d, true
	}
	d, ok := m.names[hostName(host)]
	return d, ok
}

// hostName strips the port of host[:port].
func hostName(host string) string {
	if h, _, err := net.SplitHostPort(host); err == nil {
		return h
	}
	return host
}

// learnServer records the server found for domain (see serverMap.learn).
func (c *Client) learnServer(domain string, base *url.URL) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.servers.learn(domain, base, c.acct != nil && c.acct.node.Domain == domain)
}

// nodeOf reads a principal URL (logical, physical, or in a server-host
// form) as a node named by its sign-in domain.
func (c *Client) nodeOf(href string) (rvpwire.Node, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nodeOfLocked(href)
}

// nodeOfLocked is nodeOf with c.mu held.
func (c *Client) nodeOfLocked(href string) (rvpwire.Node, error) {
	n, err := rvpwire.ParseNodeURL(href, "")
	if err != nil {
		return n, err
	}
	if !c.isDomainLocked(n.Domain) {
		if d, ok := c.servers.domain(n.Domain); ok {
			n.Domain = d
		}
	}
	return n, nil
}

// isDomainLocked reports whether host is itself an IM domain the engine
// deals with (the own domain, a foreign domain it talks to, a contact's
// domain); such a host is never read as a server of another domain.
func (c *Client) isDomainLocked(host string) bool {
	if c.acct != nil && c.acct.node.Domain == host {
		return true
	}
	if _, ok := c.foreign[host]; ok {
		return true
	}
	for _, ct := range c.contacts {
		if ct.node.Domain == host {
			return true
		}
	}
	return false
}

// urlForm is how the engine writes principal URLs of one IM domain: with
// the domain itself (the logical form, the zero urlForm), or, when the
// home server was found through an SRV record, with the SRV target host
// (and its port unless 80). That is the form librvp and Miranda build for
// everybody of their domain, and librvp recognises a principal only in its
// own form: a message whose notification-from is in the logical form lands
// on a temporary buddy, so its answer starts a new Session-Id (measured in
// internal/interop). rvpd accepts either form and answers each client in
// its own. People of other domains are always written in the logical form.
type urlForm struct {
	domain string // the IM domain written with host; "" for the logical form
	host   string // host[:port] of the SRV target
}

// url returns n's principal URL in this form.
func (f urlForm) url(n rvpwire.Node) string {
	if f.host != "" && n.Domain == f.domain {
		return rvpwire.PrincipalURL(f.host, n.Alias)
	}
	return n.String()
}
