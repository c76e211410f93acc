package rvpclient

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// discover finds the RVP server of an IM domain: the explicit URL when one
// is given, else the DNS SRV record _rvp._tcp.<domain> (lowest priority,
// then highest weight), else the domain itself on port 80. viaSRV reports
// that an SRV record named the server.
func discover(ctx context.Context, res Resolver, domain, explicit string) (base *url.URL, viaSRV bool, err error) {
	if explicit != "" {
		base, err = parseBase(explicit)
		return base, false, err
	}
	// Any lookup failure falls back to the domain itself, as librvp and
	// Miranda do; only a cancelled context stops here.
	_, addrs, err := res.LookupSRV(ctx, "rvp", "tcp", domain)
	if err != nil && ctx.Err() != nil {
		return nil, false, &NetworkError{Op: "look up _rvp._tcp." + domain, Err: ctx.Err()}
	}
	if best := pickSRV(addrs); best != nil {
		host := strings.TrimSuffix(best.Target, ".")
		if best.Port != 80 {
			host = net.JoinHostPort(host, strconv.Itoa(int(best.Port)))
		}
		base, err = parseBase("http://" + host)
		return base, err == nil, err
	}
	if domain == "" {
		return nil, false, fmt.Errorf("rvpclient: empty domain")
	}
	base, err = parseBase("http://" + domain)
	return base, false, err
}

// pickSRV returns the record to use (net.LookupSRV already sorts by
// priority and randomizes by weight; fakes may not, so sort here too).
func pickSRV(addrs []*net.SRV) *net.SRV {
	var best *net.SRV
	for _, a := range addrs {
		if a == nil || a.Target == "" || a.Target == "." {
			continue
		}
		if best == nil || a.Priority < best.Priority || a.Priority == best.Priority && a.Weight > best.Weight {
			best = a
		}
	}
	return best
}
