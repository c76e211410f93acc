package conformance

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strings"
)

// challenge is one parsed WWW-Authenticate value.
type challenge struct {
	scheme string
	params map[string]string // keys lower-cased, values unquoted
}

// parseChallenge parses `Scheme k=v, k="quoted \" value"`. A backslash in
// a quoted string escapes the next character (RFC 7230), as in a
// challenge a server builds.
func parseChallenge(v string) (challenge, error) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(v), " ")
	ch := challenge{scheme: scheme, params: map[string]string{}}
	for rest = strings.TrimSpace(rest); rest != ""; rest = strings.TrimLeft(rest, ", \t") {
		key, after, ok := strings.Cut(rest, "=")
		if !ok {
			return ch, fmt.Errorf("challenge %q: parameter without '='", v)
		}
		key = strings.ToLower(strings.TrimSpace(key))
		after = strings.TrimLeft(after, " \t")
		var val string
		if strings.HasPrefix(after, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(after) && after[i] != '"'; i++ {
				if after[i] == '\\' && i+1 < len(after) {
					i++
				}
				b.WriteByte(after[i])
			}
			if i >= len(after) {
				return ch, fmt.Errorf("challenge %q: unterminated quoted string", v)
			}
			val, rest = b.String(), after[i+1:]
		} else {
			end := strings.IndexAny(after, ", \t")
			if end < 0 {
				end = len(after)
			}
			val, rest = after[:end], after[end:]
		}
		ch.params[key] = val
	}
	return ch, nil
}

// algorithm is the challenge's algorithm, MD5 when absent.
func (c challenge) algorithm() string {
	if a := c.params["algorithm"]; a != "" {
		return strings.ToUpper(a)
	}
	return "MD5"
}

// pickChallenge chooses the challenge an old client answers: the first
// Digest challenge when answering MD5 (Windows Messenger answers MD5 to
// whatever comes first), the SHA-256 one otherwise.
func pickChallenge(values []string, alg string) (challenge, error) {
	for _, v := range values {
		ch, err := parseChallenge(v)
		if err != nil {
			return ch, err
		}
		if !strings.EqualFold(ch.scheme, "Digest") {
			continue
		}
		if alg == "MD5" || ch.algorithm() == alg {
			return ch, nil
		}
	}
	return challenge{}, errors.New("no usable Digest challenge in " + strings.Join(values, " | "))
}

func hexHash(alg string, parts ...string) string {
	var h hash.Hash = md5.New()
	if alg == "SHA-256" {
		h = sha256.New()
	}
	h.Write([]byte(strings.Join(parts, ":")))
	return hex.EncodeToString(h.Sum(nil))
}

// digestAuth builds an Authorization value the way an old client writes
// it: the username raw inside quotes (a backslash stays a backslash),
// algorithm quoted, qop=auth, the given nonce count verbatim.
func digestAuth(ch challenge, alg, username, pass, method, uri, nc string) string {
	const cnonce = "0a4f113b"
	realm, nonce := ch.params["realm"], ch.params["nonce"]
	resp := digestResponse(alg, username, realm, pass, method, uri, nonce, nc, cnonce)
	s := fmt.Sprintf(`Digest username="%s", realm="%s", nonce="%s", uri="%s", algorithm="%s", response="%s", qop=auth, nc=%s, cnonce="%s"`,
		username, realm, nonce, uri, alg, resp, nc, cnonce)
	if op, ok := ch.params["opaque"]; ok {
		s += fmt.Sprintf(`, opaque="%s"`, op)
	}
	return s
}

// digestResponse is RFC 7616's response for qop=auth.
func digestResponse(alg, username, realm, pass, method, uri, nonce, nc, cnonce string) string {
	ha1 := hexHash(alg, username, realm, pass)
	ha2 := hexHash(alg, method, uri)
	return hexHash(alg, ha1, nonce, nc, cnonce, "auth", ha2)
}

func (c *client) authorization(ch challenge, method, uri, nc string) string {
	return digestAuth(ch, c.alg, c.username, c.pass, method, uri, nc)
}
