package digest

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Algorithm is a Digest algorithm token in its canonical spelling. Unknown tokens are
// kept as sent; Supported reports whether this package implements one.
type Algorithm string

// The algorithms this package implements.
const (
	MD5        Algorithm = "MD5"
	MD5Sess    Algorithm = "MD5-sess"
	SHA256     Algorithm = "SHA-256"
	SHA256Sess Algorithm = "SHA-256-sess"
)

var knownAlgorithms = []Algorithm{MD5, MD5Sess, SHA256, SHA256Sess}

// ParseAlgorithm maps a token case-insensitively to its canonical spelling. The empty
// token is returned unchanged (it means MD5 where an algorithm is optional).
func ParseAlgorithm(s string) Algorithm {
	for _, a := range knownAlgorithms {
		if strings.EqualFold(s, string(a)) {
			return a
		}
	}
	return Algorithm(s)
}

// Supported reports whether a is one of the implemented algorithms.
func (a Algorithm) Supported() bool {
	for _, k := range knownAlgorithms {
		if a == k {
			return true
		}
	}
	return false
}

// Base returns the hash algorithm behind a session variant (MD5 for MD5-sess); stored
// HA1 values are always for the base algorithm.
func (a Algorithm) Base() Algorithm {
	return Algorithm(strings.TrimSuffix(string(a), "-sess"))
}

// Sess reports whether a is a session variant.
func (a Algorithm) Sess() bool { return strings.HasSuffix(string(a), "-sess") }

// hash returns the lower-case hex digest of s under a's base algorithm; a must be
// supported.
func (a Algorithm) hash(s string) string {
	if a.Base() == SHA256 {
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:])
	}
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// HA1 returns hex(H(username ":" realm ":" password)) for a's base algorithm, the value
// the server stores instead of the password. It is password-equivalent for that realm.
// An unsupported algorithm yields "".
func HA1(a Algorithm, username, realm, password string) string {
	if !a.Supported() {
		return ""
	}
	return a.hash(username + ":" + realm + ":" + password)
}

// ComputeResponse returns the request-digest (the response parameter) for the
// credentials in auth, given the base-algorithm HA1 (as from [HA1]) and the request
// method. It uses auth's Algorithm (empty means MD5), Nonce, NC, Cnonce, Qop and URI
// exactly as they are written in the header. Only qop=auth is supported.
func ComputeResponse(ha1, method string, auth *Authorization) (string, error) {
	alg := auth.algorithm()
	if !alg.Supported() {
		return "", newError(ErrUnsupported, auth.Username, "algorithm %q", auth.Algorithm)
	}
	if !strings.EqualFold(auth.Qop, "auth") {
		return "", newError(ErrUnsupported, auth.Username, "qop %q (only auth)", auth.Qop)
	}
	if alg.Sess() {
		ha1 = alg.hash(ha1 + ":" + auth.Nonce + ":" + auth.Cnonce)
	}
	ha2 := alg.hash(method + ":" + auth.URI)
	return alg.hash(strings.Join([]string{ha1, auth.Nonce, auth.NC, auth.Cnonce, auth.Qop, ha2}, ":")), nil
}
