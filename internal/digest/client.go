package digest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"math"
	"sync"
)

// Client is the client side: it absorbs challenges from 401 answers and signs requests.
// After one challenge it keeps signing with that nonce and an increasing nonce count, so
// steady traffic needs no extra round trip until the server declares the nonce stale.
// It is safe for concurrent use.
//
// Request flow for the caller:
//
//	h, ok := c.Authorize(method, req.URL.RequestURI()) // ok: set Authorization: h
//	... send; on 401:
//	err := c.Challenge(resp.Header.Values("WWW-Authenticate"), ok)
//	// err == nil: send again (once); errors.Is(err, ErrBadCredentials): wrong password.
type Client struct {
	username, password string

	mu  sync.Mutex
	cur *session // guarded by mu; nil until the first challenge
}

// session is the challenge being answered; immutable except nc.
type session struct {
	ch  Challenge
	alg Algorithm
	ha1 string
	nc  uint32
}

// NewClient returns a Client for username (sent as is, e.g. "alice@im.example.com" or
// "CORP\alice") and password. It fails if the username cannot be put in a header: it
// is empty, holds control characters or ends in a backslash.
func NewClient(username, password string) (*Client, error) {
	if username == "" || !representable(username) {
		return nil, fmt.Errorf("digest: new client: username %q cannot be sent", username)
	}
	return &Client{username: username, password: password}, nil
}

// Username returns the username as sent.
func (c *Client) Username() string { return c.username }

// Authorize returns the Authorization field value for a request, or false if no
// challenge has been absorbed yet (send without credentials and absorb the 401).
// requestURI must be the Request-URI exactly as the request line will carry it.
func (c *Client) Authorize(method, requestURI string) (string, bool) {
	c.mu.Lock()
	s := c.cur
	if s == nil || s.nc == math.MaxUint32 {
		c.cur = nil
		c.mu.Unlock()
		return "", false
	}
	s.nc++
	nc := s.nc
	c.mu.Unlock()

	a := &Authorization{
		Username: c.username, Realm: s.ch.Realm, Nonce: s.ch.Nonce, URI: requestURI,
		Algorithm: s.alg, Qop: "auth", NC: fmt.Sprintf("%08x", nc), Cnonce: newCnonce(),
		Opaque: s.ch.Opaque,
	}
	resp, err := ComputeResponse(s.ha1, method, a)
	if err != nil { // impossible: alg is supported and qop is auth
		return "", false
	}
	a.Response = resp
	return a.String(), true
}

// Challenge absorbs the WWW-Authenticate field values of a 401 answer: it picks the
// SHA-256 challenge if one is offered with qop=auth, else MD5, and signs later requests
// with its nonce. sentCredentials tells whether the refused request carried an
// Authorization from this client. The result says what to do:
//
//   - nil: send the request again with [Client.Authorize] (first challenge, or the
//     nonce was stale). Retry once; a second 401 is a failure.
//   - ErrBadCredentials: credentials were sent and the challenge is not stale, so the
//     server refused the username or password.
//   - ErrUnsupported: no usable Digest challenge was offered.
func (c *Client) Challenge(headers []string, sentCredentials bool) error {
	best, err := pickChallenge(headers)
	if err != nil {
		return err
	}
	alg := best.Algorithm
	if alg == "" {
		alg = MD5
	}
	s := &session{ch: best, alg: alg, ha1: HA1(alg, c.username, best.Realm, c.password)}
	c.mu.Lock()
	c.cur = s
	c.mu.Unlock()
	if sentCredentials && !best.Stale {
		return newError(ErrBadCredentials, c.username, "refused by realm %q", best.Realm)
	}
	return nil
}

// pickChallenge returns the preferred usable Digest challenge among the values.
func pickChallenge(headers []string) (Challenge, error) {
	var best *Challenge
	var firstErr error
	for _, h := range headers {
		cs, err := ParseChallenges(h)
		if err != nil && firstErr == nil {
			firstErr = err
		}
		for i := range cs {
			ch := &cs[i]
			if !usable(ch) {
				continue
			}
			if best == nil || ch.Algorithm.Base() == SHA256 && best.Algorithm.Base() != SHA256 {
				best = ch
			}
		}
	}
	if best == nil {
		if firstErr != nil {
			return Challenge{}, newError(ErrUnsupported, "", "no usable Digest challenge (%v)", firstErr)
		}
		return Challenge{}, newError(ErrUnsupported, "", "no usable Digest challenge")
	}
	return *best, nil
}

func usable(ch *Challenge) bool {
	alg := ch.Algorithm
	if alg == "" {
		alg = MD5
	}
	return alg.Supported() && ch.offersAuth() && !ch.Userhash &&
		representable(ch.Realm) && representable(ch.Nonce) && representable(ch.Opaque)
}

func newCnonce() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b[:])
}
