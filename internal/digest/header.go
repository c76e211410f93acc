package digest

import (
	"strings"
)

// Challenge is one WWW-Authenticate: Digest challenge.
type Challenge struct {
	Realm     string
	Nonce     string
	Opaque    string // empty if absent
	Domain    string // empty if absent
	Algorithm Algorithm
	Qop       []string // lower-cased qop options, e.g. ["auth"]
	Stale     bool
	Charset   string // empty if absent
	Userhash  bool
}

// ParseChallenges returns the Digest challenges in one WWW-Authenticate field value, in
// order, skipping other schemes. A value without any Digest challenge yields none and
// no error.
func ParseChallenges(value string) ([]Challenge, error) {
	list, err := parseList(value)
	if err != nil {
		return nil, err
	}
	var out []Challenge
	for i := range list {
		if !strings.EqualFold(list[i].scheme, "Digest") {
			continue
		}
		c, err := challengeFrom(&list[i])
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// ParseChallenge parses a WWW-Authenticate field value and returns its first Digest
// challenge.
func ParseChallenge(value string) (Challenge, error) {
	cs, err := ParseChallenges(value)
	if err != nil {
		return Challenge{}, err
	}
	if len(cs) == 0 {
		return Challenge{}, newError(ErrMalformed, "", "no Digest challenge in %q", value)
	}
	return cs[0], nil
}

func challengeFrom(r *rawChallenge) (Challenge, error) {
	var c Challenge
	var ok bool
	if c.Realm, ok = r.get("realm"); !ok {
		return c, newError(ErrMalformed, "", "challenge without realm")
	}
	if c.Nonce, ok = r.get("nonce"); !ok {
		return c, newError(ErrMalformed, "", "challenge without nonce")
	}
	c.Opaque, _ = r.get("opaque")
	c.Domain, _ = r.get("domain")
	c.Charset, _ = r.get("charset")
	alg, _ := r.get("algorithm")
	c.Algorithm = ParseAlgorithm(alg)
	if qop, ok := r.get("qop"); ok {
		for q := range strings.SplitSeq(qop, ",") {
			if q = strings.ToLower(strings.TrimSpace(q)); q != "" {
				c.Qop = append(c.Qop, q)
			}
		}
	}
	stale, _ := r.get("stale")
	c.Stale = strings.EqualFold(stale, "true")
	uh, _ := r.get("userhash")
	c.Userhash = strings.EqualFold(uh, "true")
	return c, nil
}

// String formats c as a WWW-Authenticate field value.
func (c Challenge) String() string {
	var b strings.Builder
	b.WriteString("Digest realm=" + quote(c.Realm))
	if c.Domain != "" {
		b.WriteString(", domain=" + quote(c.Domain))
	}
	if len(c.Qop) > 0 {
		b.WriteString(", qop=" + quote(strings.Join(c.Qop, ",")))
	}
	if c.Algorithm != "" {
		b.WriteString(", algorithm=" + tokenOrQuote(string(c.Algorithm)))
	}
	b.WriteString(", nonce=" + quote(c.Nonce))
	if c.Opaque != "" {
		b.WriteString(", opaque=" + quote(c.Opaque))
	}
	if c.Charset != "" {
		b.WriteString(", charset=" + tokenOrQuote(c.Charset))
	}
	if c.Userhash {
		b.WriteString(", userhash=true")
	}
	if c.Stale {
		b.WriteString(", stale=true")
	}
	return b.String()
}

// offersAuth reports whether c lists qop=auth.
func (c *Challenge) offersAuth() bool {
	for _, q := range c.Qop {
		if q == "auth" {
			return true
		}
	}
	return false
}

// Authorization is the parameter set of an Authorization: Digest header. Values are
// kept as sent (after unquoting), except Algorithm, which is canonicalised by
// [ParseAlgorithm] and is empty when absent (meaning MD5).
type Authorization struct {
	Username  string
	Realm     string
	Nonce     string
	URI       string
	Response  string
	Algorithm Algorithm
	Cnonce    string
	Opaque    string
	Qop       string
	NC        string
	Userhash  bool
}

// errNotDigest marks credentials of another scheme.
var errNotDigest = &kind{msg: "not digest credentials", parent: ErrNoCredentials}

// ParseAuthorization parses an Authorization field value. It requires the Digest scheme
// and the parameters username, realm, nonce, uri and response; the qop-related ones are
// checked by the verifier. Credentials of another scheme yield an ErrNoCredentials.
func ParseAuthorization(value string) (*Authorization, error) {
	list, err := parseList(value)
	if err != nil {
		return nil, err
	}
	if len(list) != 1 {
		return nil, newError(ErrMalformed, "", "want one credentials item, have %d", len(list))
	}
	r := &list[0]
	if !strings.EqualFold(r.scheme, "Digest") {
		return nil, newError(errNotDigest, "", "scheme %q", r.scheme)
	}
	a := &Authorization{}
	for _, f := range []struct {
		name string
		dst  *string
	}{{"username", &a.Username}, {"realm", &a.Realm}, {"nonce", &a.Nonce}, {"uri", &a.URI}, {"response", &a.Response}} {
		v, ok := r.get(f.name)
		if !ok {
			return nil, newError(ErrMalformed, a.Username, "missing %s", f.name)
		}
		*f.dst = v
	}
	alg, _ := r.get("algorithm")
	a.Algorithm = ParseAlgorithm(alg)
	a.Cnonce, _ = r.get("cnonce")
	a.Opaque, _ = r.get("opaque")
	a.Qop, _ = r.get("qop")
	a.NC, _ = r.get("nc")
	uh, _ := r.get("userhash")
	a.Userhash = strings.EqualFold(uh, "true")
	return a, nil
}

// algorithm returns the algorithm in effect: MD5 when none was named.
func (a *Authorization) algorithm() Algorithm {
	if a.Algorithm == "" {
		return MD5
	}
	return a.Algorithm
}

// String formats a as an Authorization field value. Values that end in a backslash
// cannot be represented (see the package comment).
func (a *Authorization) String() string {
	var b strings.Builder
	b.WriteString("Digest username=" + quote(a.Username))
	b.WriteString(", realm=" + quote(a.Realm))
	b.WriteString(", nonce=" + quote(a.Nonce))
	b.WriteString(", uri=" + quote(a.URI))
	if a.Algorithm != "" {
		b.WriteString(", algorithm=" + tokenOrQuote(string(a.Algorithm)))
	}
	b.WriteString(", response=" + quote(a.Response))
	if a.Qop != "" {
		b.WriteString(", qop=" + tokenOrQuote(a.Qop))
	}
	if a.NC != "" {
		b.WriteString(", nc=" + tokenOrQuote(a.NC))
	}
	if a.Cnonce != "" {
		b.WriteString(", cnonce=" + quote(a.Cnonce))
	}
	if a.Opaque != "" {
		b.WriteString(", opaque=" + quote(a.Opaque))
	}
	if a.Userhash {
		b.WriteString(", userhash=true")
	}
	return b.String()
}
