package digest

import (
	"errors"
	"fmt"
)

// kind is an error category. A kind may have a parent, so that for example
// errors.Is(err, ErrBadCredentials) holds for an ErrUnknownPrefix error.
type kind struct {
	msg    string
	parent error
}

func (k *kind) Error() string { return k.msg }

// Is reports whether target is the parent category of k.
func (k *kind) Is(target error) bool { return k.parent != nil && target == k.parent }

// Error categories. Test them with errors.Is; every error this package returns for a
// request is an *[Error] whose Kind is one of these.
var (
	// ErrNoCredentials: the request carries no Digest Authorization (none at all or
	// another scheme). Answer 401 with a fresh challenge.
	ErrNoCredentials error = &kind{msg: "no digest credentials"}
	// ErrMalformed: the Authorization or challenge cannot be parsed or misses a required
	// parameter.
	ErrMalformed error = &kind{msg: "malformed digest header"}
	// ErrURIMismatch: the uri parameter is not the Request-URI as sent. It is an
	// ErrMalformed; RFC 7616 section 3.4.6 suggests 400 Bad Request for it.
	ErrURIMismatch error = &kind{msg: "uri does not match the request-URI", parent: ErrMalformed}
	// ErrUnsupported: a well-formed header asks for something this package does not
	// implement (qop=auth-int, no qop, userhash, an unknown algorithm).
	ErrUnsupported error = &kind{msg: "unsupported digest parameters"}
	// ErrBadCredentials: wrong password, unknown user or wrong realm.
	ErrBadCredentials error = &kind{msg: "bad credentials"}
	// ErrUnknownUser: no HA1 is stored for this username. It is an ErrBadCredentials.
	ErrUnknownUser error = &kind{msg: "unknown user", parent: ErrBadCredentials}
	// ErrUnknownPrefix: the username names a known account through a PREFIX\alias form
	// whose prefix was not configured when the password was set, so no HA1 exists for
	// it. It is an ErrBadCredentials.
	ErrUnknownPrefix error = &kind{msg: "username prefix not configured", parent: ErrBadCredentials}
	// ErrStale: the response is correct but the nonce expired, was evicted or was not
	// minted by this verifier. Answer 401 with stale=true; the client retries.
	ErrStale error = &kind{msg: "stale nonce"}
	// ErrReplay: this nonce count was already used with this nonce, or is older than
	// the replay window.
	ErrReplay error = &kind{msg: "nonce count replayed"}
)

// Error is the error type of this package. Kind is one of the Err* categories.
type Error struct {
	Kind     error
	Username string // username as sent, if known
	Detail   string
}

func (e *Error) Error() string {
	msg := "digest: " + e.Kind.Error()
	if e.Username != "" {
		msg += fmt.Sprintf(" (user %q)", e.Username)
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap returns the category, so errors.Is(err, ErrStale) and friends work.
func (e *Error) Unwrap() error { return e.Kind }

func newError(k error, user, format string, args ...any) *Error {
	return &Error{Kind: k, Username: user, Detail: fmt.Sprintf(format, args...)}
}

// ChallengeStale reports whether the 401 that answers err should carry stale=true.
// It holds for ErrStale and for ErrReplay: a replayed count from an honest client means
// it raced past the replay window, and stale=true lets it retry with a fresh nonce
// without asking for the password, while an attacker gains nothing from it.
func ChallengeStale(err error) bool {
	return errors.Is(err, ErrStale) || errors.Is(err, ErrReplay)
}
