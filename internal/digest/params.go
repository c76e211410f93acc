package digest

import (
	"strings"
)

// param is one auth-param; the name is lower-cased.
type param struct {
	name, value string
}

// rawChallenge is one auth-scheme with its parameters, in header order.
type rawChallenge struct {
	scheme string
	params []param
}

// get returns the value of the named (lower-case) parameter.
func (r *rawChallenge) get(name string) (string, bool) {
	for _, p := range r.params {
		if p.name == name {
			return p.value, true
		}
	}
	return "", false
}

// parseList parses a WWW-Authenticate or Authorization field value into its challenges
// (or credentials). It is lenient: scheme and parameter names are case-insensitive,
// values may be quoted or not, whitespace is optional around '=' and commas, empty list
// elements and missing commas between parameters are tolerated. A token68 after a
// scheme (NTLM, Negotiate) is skipped. Duplicate parameters are an error.
func parseList(s string) ([]rawChallenge, error) {
	p := scanner{s: s}
	var out []rawChallenge
	for {
		p.skip(" \t,")
		if p.done() {
			return out, nil
		}
		start := p.i
		name := p.token()
		if name == "" {
			return nil, p.errorf("unexpected %q", s[p.i])
		}
		p.skip(" \t")
		if p.peek() != '=' || len(out) == 0 {
			out = append(out, rawChallenge{scheme: name})
			p.skipToken68()
			continue
		}
		p.i++
		p.skip(" \t")
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		last := &out[len(out)-1]
		lname := strings.ToLower(name)
		if _, dup := last.get(lname); dup {
			p.i = start
			return nil, p.errorf("duplicate parameter %q", lname)
		}
		last.params = append(last.params, param{name: lname, value: v})
	}
}

type scanner struct {
	s string
	i int
}

func (p *scanner) done() bool { return p.i >= len(p.s) }

func (p *scanner) peek() byte {
	if p.done() {
		return 0
	}
	return p.s[p.i]
}

func (p *scanner) skip(set string) {
	for !p.done() && strings.IndexByte(set, p.s[p.i]) >= 0 {
		p.i++
	}
}

func (p *scanner) errorf(format string, args ...any) error {
	return newError(ErrMalformed, "", "at offset %d: "+format, append([]any{p.i}, args...)...)
}

// token reads an RFC 9110 token.
func (p *scanner) token() string {
	start := p.i
	for !p.done() && isTchar(p.s[p.i]) {
		p.i++
	}
	return p.s[start:p.i]
}

// skipToken68 skips a token68 ("abc+/==") that directly follows a scheme. A run that
// is really the first auth-param ("realm=...") is left alone.
func (p *scanner) skipToken68() {
	j := p.i
	for j < len(p.s) && isToken68(p.s[j]) {
		j++
	}
	if j == p.i {
		return
	}
	k := j
	for k < len(p.s) && p.s[k] == '=' {
		k++
	}
	end := k
	for end < len(p.s) && (p.s[end] == ' ' || p.s[end] == '\t') {
		end++
	}
	if end == len(p.s) || p.s[end] == ',' {
		p.i = end
	}
}

// value reads a quoted string or an unquoted run up to whitespace or comma.
func (p *scanner) value() (string, error) {
	if p.peek() == '"' {
		return p.quoted()
	}
	start := p.i
	for !p.done() && !isCtl(p.s[p.i]) && strings.IndexByte(" ,\"", p.s[p.i]) < 0 {
		p.i++
	}
	v := p.s[start:p.i]
	switch {
	case v == "":
		return "", p.errorf("missing value")
	case strings.HasSuffix(v, `\`):
		return "", p.errorf("unquoted value ends in a backslash")
	}
	return v, nil
}

// quoted reads a quoted string. A backslash is literal except in the pair \" (see the
// package comment).
func (p *scanner) quoted() (string, error) {
	p.i++ // opening quote
	var b strings.Builder
	for !p.done() {
		c := p.s[p.i]
		switch {
		case c == '"':
			p.i++
			return b.String(), nil
		case c == '\\' && p.i+1 < len(p.s) && p.s[p.i+1] == '"':
			b.WriteByte('"')
			p.i += 2
		case isCtl(c) && c != '\t':
			return "", p.errorf("control character in quoted string")
		default:
			b.WriteByte(c)
			p.i++
		}
	}
	return "", p.errorf("unterminated quoted string")
}

func isTchar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func isToken68(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		strings.IndexByte("-._~+/", c) >= 0
}

func isCtl(c byte) bool { return c < 0x20 || c == 0x7f }

// tokenOrQuote writes v bare if it is a non-empty token, else quoted.
func tokenOrQuote(v string) string {
	for i := 0; i < len(v); i++ {
		if !isTchar(v[i]) {
			return quote(v)
		}
	}
	if v == "" {
		return quote(v)
	}
	return v
}

// quote formats v as a quoted string: '"' becomes \", everything else is written raw.
func quote(v string) string {
	return `"` + strings.ReplaceAll(v, `"`, `\"`) + `"`
}

// representable reports whether v survives quote and parse unchanged: no control
// characters and no trailing backslash.
func representable(v string) bool {
	if strings.HasSuffix(v, `\`) {
		return false
	}
	for i := 0; i < len(v); i++ {
		if c := v[i]; isCtl(c) && c != '\t' {
			return false
		}
	}
	return true
}
