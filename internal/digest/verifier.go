package digest

import (
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults for [VerifierOptions].
const (
	DefaultNonceLifetime = 5 * time.Minute
	DefaultMaxNonces     = 4096
)

// clockSkew is how far in the future a nonce's issue time may lie (a clock step back).
const clockSkew = time.Minute

// VerifierOptions configures a [Verifier]. Realm is required; zero fields mean defaults.
type VerifierOptions struct {
	// Realm is the IM domain, e.g. "im.example.com".
	Realm string
	// Clock returns the current time; default time.Now.
	Clock func() time.Time
	// NonceLifetime is how long a nonce is accepted; default DefaultNonceLifetime.
	NonceLifetime time.Duration
	// Key authenticates nonces (at least 16 bytes). Default: 32 random bytes, so nonces
	// do not survive a restart (clients then get stale=true and retry). Verifiers that
	// share a Key accept each other's nonces, but each keeps its own replay state.
	Key []byte
	// MaxNonces caps the nonces whose counts are tracked; default DefaultMaxNonces.
	MaxNonces int
}

// LookupFunc returns the stored hex HA1 for a username exactly as sent and a base
// algorithm (MD5 or SHA256), as [Credentials.HA1] does. For an unknown user it returns
// an error that is an ErrBadCredentials (ErrUnknownUser, ErrUnknownPrefix); any other
// error is treated as a lookup failure. It may be called concurrently.
type LookupFunc func(username string, alg Algorithm) (ha1 string, err error)

// Verifier is the server side: it mints challenges and verifies Authorization headers.
// It is safe for concurrent use.
type Verifier struct {
	realm    string
	clock    func() time.Time
	lifetime time.Duration
	key      []byte

	mu      sync.Mutex
	tracker *tracker // guarded by mu
}

// NewVerifier returns a Verifier. It fails if the realm is missing or cannot be quoted,
// or the key is shorter than 16 bytes.
func NewVerifier(opts *VerifierOptions) (*Verifier, error) {
	var o VerifierOptions
	if opts != nil {
		o = *opts
	}
	if o.Realm == "" || !representable(o.Realm) {
		return nil, fmt.Errorf("digest: new verifier: invalid realm %q", o.Realm)
	}
	if o.Clock == nil {
		o.Clock = time.Now
	}
	if o.NonceLifetime <= 0 {
		o.NonceLifetime = DefaultNonceLifetime
	}
	if o.MaxNonces <= 0 {
		o.MaxNonces = DefaultMaxNonces
	}
	if o.Key == nil {
		o.Key = make([]byte, 32)
		rand.Read(o.Key) // never fails (crypto/rand, Go 1.24+)
	}
	if len(o.Key) < 16 {
		return nil, errors.New("digest: new verifier: key shorter than 16 bytes")
	}
	return &Verifier{
		realm: o.Realm, clock: o.Clock, lifetime: o.NonceLifetime,
		key: append([]byte(nil), o.Key...), tracker: newTracker(o.MaxNonces),
	}, nil
}

// Realm returns the verifier's realm.
func (v *Verifier) Realm() string { return v.realm }

// Challenge returns the WWW-Authenticate values for a 401, in order: SHA-256 then MD5,
// both qop="auth" with one fresh nonce. Set stale when [ChallengeStale] holds for the
// Verify error being answered.
func (v *Verifier) Challenge(stale bool) []string {
	c := Challenge{Realm: v.realm, Qop: []string{"auth"}, Nonce: mintNonce(v.key, v.clock()), Stale: stale}
	sha, md := c, c
	sha.Algorithm, md.Algorithm = SHA256, MD5
	return []string{sha.String(), md.String()}
}

// Verify checks the Authorization field value of a request with the given method and
// Request-URI as sent on the request line (r.RequestURI), and returns the username as
// sent ([Alias] maps it to the account). Errors are *[Error] values of the kinds
// ErrNoCredentials, ErrMalformed (or its ErrURIMismatch), ErrUnsupported,
// ErrBadCredentials (or its ErrUnknownUser, ErrUnknownPrefix), ErrStale and ErrReplay;
// a lookup failure is returned wrapped and is none of these. The response is checked
// before the nonce, so ErrStale and ErrReplay mean the password was right.
//
// A server answers every error of these kinds with 401 and the values of
// v.Challenge(ChallengeStale(err)) (or 400 for ErrMalformed, as RFC 7616 allows), and a
// lookup failure with 500.
func (v *Verifier) Verify(method, requestURI, authorization string, lookup LookupFunc) (string, error) {
	if strings.TrimSpace(authorization) == "" {
		return "", &Error{Kind: ErrNoCredentials}
	}
	a, err := ParseAuthorization(authorization)
	if err != nil {
		return "", err
	}
	nc, err := v.checkParams(a, requestURI)
	if err != nil {
		return "", err
	}
	alg := a.algorithm()
	ha1, err := lookup(a.Username, alg.Base())
	switch {
	case errors.Is(err, ErrBadCredentials):
		return "", err
	case err != nil:
		return "", fmt.Errorf("digest: look up %q: %w", a.Username, err)
	}
	want, err := ComputeResponse(ha1, method, a)
	if err != nil {
		return "", err
	}
	if subtle.ConstantTimeCompare([]byte(want), []byte(strings.ToLower(a.Response))) != 1 {
		return "", newError(ErrBadCredentials, a.Username, "wrong response")
	}
	if err := v.useNonce(a.Nonce, nc); err != nil {
		return "", newError(err, a.Username, "nonce count %s", a.NC)
	}
	return a.Username, nil
}

// checkParams validates everything but the response and the nonce, and returns the
// parsed nonce count.
func (v *Verifier) checkParams(a *Authorization, requestURI string) (uint64, error) {
	user := a.Username
	switch {
	case a.Userhash:
		return 0, newError(ErrUnsupported, user, "userhash")
	case !a.algorithm().Supported():
		return 0, newError(ErrUnsupported, user, "algorithm %q", a.Algorithm)
	case a.Qop == "":
		return 0, newError(ErrUnsupported, user, "no qop (RFC 2069 mode)")
	case !strings.EqualFold(a.Qop, "auth"):
		return 0, newError(ErrUnsupported, user, "qop %q (only auth)", a.Qop)
	case a.Cnonce == "":
		return 0, newError(ErrMalformed, user, "missing cnonce")
	case a.URI != requestURI:
		return 0, newError(ErrURIMismatch, user, "uri %q, request-URI %q", a.URI, requestURI)
	case a.Realm != v.realm:
		return 0, newError(ErrBadCredentials, user, "realm %q", a.Realm)
	}
	nc, err := strconv.ParseUint(a.NC, 16, 64)
	if err != nil || nc == 0 {
		return 0, newError(ErrMalformed, user, "nonce count %q", a.NC)
	}
	return nc, nil
}

// useNonce authenticates the nonce, checks its age and records the count. It returns
// a bare ErrStale or ErrReplay kind.
func (v *Verifier) useNonce(nonce string, nc uint64) error {
	issued, ok := openNonce(v.key, nonce)
	if !ok {
		return ErrStale
	}
	now := v.clock()
	age := now.Sub(time.Unix(0, issued))
	if age > v.lifetime || age < -clockSkew {
		return ErrStale
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.tracker.use(nonce, issued, now.Add(-v.lifetime).UnixNano(), nc)
}
