package rvpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"slices"
	"strings"
	"time"
)

// Triple is one of the white paper's Default/Minimum/Maximum settings
// (PollLifeTime*, PollMsgLifeTime*). It is valid only when all three are set
// and Minimum <= Default <= Maximum.
type Triple struct {
	Default, Minimum, Maximum time.Duration
}

// Valid reports whether Minimum <= Default <= Maximum and Maximum > 0.
func (t Triple) Valid() bool {
	return t.Minimum >= 0 && t.Minimum <= t.Default && t.Default <= t.Maximum && t.Maximum > 0
}

// Clamp returns the granted value for a request: Default when requested is
// negative (absent), requested clamped to [Minimum, Maximum] otherwise.
func (t Triple) Clamp(requested time.Duration) time.Duration {
	switch {
	case requested < 0:
		return t.Default
	case requested < t.Minimum:
		return t.Minimum
	case requested > t.Maximum:
		return t.Maximum
	}
	return requested
}

// PollOptions are the server's polling settings, named as in the Exchange
// white paper (POLLING.md section 4). The zero value is not valid: use
// DefaultPollOptions and override fields.
type PollOptions struct {
	Support         bool          // PollSupport
	LifeTime        Triple        // PollLifeTimeDefault/Minimum/Maximum: the hold of a POLL
	MsgLifeTime     Triple        // PollMsgLifeTimeDefault/Minimum/Maximum
	MsgLimit        uint32        // PollMsgLimit; 0 disables buffering; 0xFFFFFFFF unlimited
	MsgKByteLimit   uint32        // PollMsgKByteLimit; 0 disables buffering; 0xFFFFFFFF unlimited
	DropMsgLifeTime time.Duration // PollDropMsgLifeTime
}

// Unlimited is the PollMsgLimit / PollMsgKByteLimit value meaning "no limit".
const Unlimited = 0xFFFFFFFF

// DefaultPollOptions returns the built-in polling settings of POLLING.md
// section 4.
func DefaultPollOptions() PollOptions {
	return PollOptions{
		Support:         true,
		LifeTime:        Triple{Default: 300 * time.Second, Minimum: 60 * time.Second, Maximum: 600 * time.Second},
		MsgLifeTime:     Triple{Default: 1800 * time.Second, Minimum: 0, Maximum: 3600 * time.Second},
		MsgLimit:        100,
		MsgKByteLimit:   100,
		DropMsgLifeTime: 14400 * time.Second,
	}
}

// Options configure a Server. A nil *Options means defaults; zero fields
// take their documented defaults.
type Options struct {
	// Domains are the IM domains this server is home for, e.g.
	// "example.com". The first one is the Digest realm and the server's own
	// principal name (RVP-From-Principal of server-originated NOTIFYs).
	// Principal URLs are http://<domain>/instmsg/aliases/<alias>. Required.
	// An alias names the same account in every served domain.
	Domains []string

	// HostNames are further host names (as in the Host header) that address
	// this server, e.g. "im.example.com" or "127.0.0.1:8080"; requests to
	// them are served like requests to Domains[0].
	HostNames []string

	// Store keeps everything acknowledged durably. nil means an in-memory
	// store (tests, and the desktop app's throwaway server). The Server does
	// not close it: its opener does.
	Store Store

	Logger *slog.Logger // nil discards logs

	// Now returns the current time; nil means time.Now.
	Now func() time.Time

	Poll *PollOptions // nil means DefaultPollOptions()

	// MaxOutstanding bounds requests being processed at once (held POLLs do
	// not count); past it the server answers 503 with Retry-After. Default
	// 1024 (Exchange's MaxOutstandingInboundMsgs).
	MaxOutstanding int

	// CallbackTimeout bounds one outgoing NOTIFY to a client callback or a
	// foreign server (connect, send, status line and headers). Default 5 s.
	CallbackTimeout time.Duration

	// MaxDeliveries bounds outgoing NOTIFYs in flight. Default 256.
	MaxDeliveries int

	// DeadAfter is the number of consecutive failed deliveries after which a
	// callback login is considered dead and removed. Default 3.
	DeadAfter int

	// DigestPrefixes are the "PREFIX\" forms of user names (besides alias and
	// alias@domain) for which Digest credentials are stored when a password
	// is set, e.g. "CORP". See internal/digest.
	DigestPrefixes []string

	// DefaultACL, when non-nil, replaces the built-in default ACL of new
	// users (DECISIONS.md, "ACL"). It names the rights of allprincipals.
	DefaultACL *DefaultACL

	// Resolver finds the server of another domain for server-to-server
	// NOTIFYs (SRV _rvp._tcp.<domain>, then the domain itself); nil means
	// net.DefaultResolver. Tests inject a fake.
	Resolver Resolver

	// DialContext opens outgoing connections (client callbacks and other
	// servers); nil means a net.Dialer bounded by CallbackTimeout.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)

	// ForwardRetries is how many times a failed server-to-server delivery
	// is retried (transport failure, 502, 503, 504). Default 4; negative
	// means no retry.
	ForwardRetries int

	// ForwardBackoff is the wait before the first retry, doubled for each
	// further one (at most a minute). Default 2 s.
	ForwardBackoff time.Duration

	// FirstID is the first subscription id and view id a fresh store
	// hands out (tests pin it); 0 means a random start in [2^20, 2^30)
	// (ids.go). At most 2^30.
	FirstID uint64

	// DisableAuth turns Digest authentication off: a request is taken to
	// come from its RVP-From-Principal. For tests and the desktop app's
	// throwaway loopback server only; never for a reachable rvpd.
	DisableAuth bool
}

// DefaultACL shapes the allprincipals ACE of a new user's ACL (the owner's
// ACE, granting everything, is always there). allprincipals may always
// list and read; AllowPresence and AllowSendTo add presence and send-to.
// Its credentials are assertion, digest and ntlm, so principals of other
// domains (judged by assertion) get those rights too; LocalOnly lists
// digest and ntlm only, so they get none of them while local users
// (Digest) keep them all. The zero value grants list and read to everyone.
type DefaultACL struct {
	AllowPresence bool
	AllowSendTo   bool
	LocalOnly     bool
}

// ErrInvalidOptions is wrapped by every error New returns for bad options.
var ErrInvalidOptions = errors.New("rvpserver: invalid options")

// Defaults of Options.
const (
	DefaultMaxOutstanding  = 1024
	DefaultCallbackTimeout = 5 * time.Second
	DefaultMaxDeliveries   = 256
	DefaultDeadAfter       = 3
)

// config is the normalised, validated form of Options.
type config struct {
	Options
	poll    PollOptions
	domains []string // lower-case, without ":80"
	hosts   map[string]bool
}

func normalize(opts *Options) (*config, error) {
	c := &config{}
	if opts != nil {
		c.Options = *opts
	}
	if len(c.Domains) == 0 {
		return nil, fmt.Errorf("%w: Domains is empty", ErrInvalidOptions)
	}
	c.hosts = map[string]bool{}
	for _, d := range c.Domains {
		h := normHost(d)
		if h == "" || strings.ContainsAny(h, "/@ \\") {
			return nil, fmt.Errorf("%w: bad domain %q", ErrInvalidOptions, d)
		}
		c.domains = append(c.domains, h)
		c.hosts[h] = true
	}
	for _, h := range c.HostNames {
		if n := normHost(h); n != "" {
			c.hosts[n] = true
		}
	}
	c.poll = DefaultPollOptions()
	if c.Poll != nil {
		c.poll = *c.Poll
	}
	if err := validatePoll(&c.poll); err != nil {
		return nil, err
	}
	setDefault(&c.MaxOutstanding, DefaultMaxOutstanding)
	setDefault(&c.MaxDeliveries, DefaultMaxDeliveries)
	setDefault(&c.DeadAfter, DefaultDeadAfter)
	if c.CallbackTimeout <= 0 {
		c.CallbackTimeout = DefaultCallbackTimeout
	}
	switch {
	case c.ForwardRetries < 0:
		c.ForwardRetries = 0
	case c.ForwardRetries == 0:
		c.ForwardRetries = DefaultForwardRetries
	}
	if c.ForwardBackoff <= 0 {
		c.ForwardBackoff = DefaultForwardBackoff
	}
	if c.FirstID > maxRandomID {
		return nil, fmt.Errorf("%w: FirstID %d is over %d", ErrInvalidOptions, c.FirstID, maxRandomID)
	}
	if c.Store == nil {
		c.Store = NewMemoryStore()
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// validatePoll refuses invalid triples, naming the setting. (cmd/rvpd falls
// back to the built-in triple with a warning before it gets here.)
func validatePoll(p *PollOptions) error {
	if !p.LifeTime.Valid() {
		return fmt.Errorf("%w: PollLifeTimeDefault/Minimum/Maximum %v/%v/%v: need Minimum <= Default <= Maximum",
			ErrInvalidOptions, p.LifeTime.Default, p.LifeTime.Minimum, p.LifeTime.Maximum)
	}
	if !p.MsgLifeTime.Valid() {
		return fmt.Errorf("%w: PollMsgLifeTimeDefault/Minimum/Maximum %v/%v/%v: need Minimum <= Default <= Maximum",
			ErrInvalidOptions, p.MsgLifeTime.Default, p.MsgLifeTime.Minimum, p.MsgLifeTime.Maximum)
	}
	if p.DropMsgLifeTime <= 0 {
		return fmt.Errorf("%w: PollDropMsgLifeTime %v must be positive", ErrInvalidOptions, p.DropMsgLifeTime)
	}
	return nil
}

func setDefault(v *int, def int) {
	if *v <= 0 {
		*v = def
	}
}

// normHost lower-cases a host and drops ":80".
func normHost(h string) string {
	return strings.TrimSuffix(strings.ToLower(strings.TrimSpace(h)), ":80")
}

// realm is the Digest realm: the first domain.
func (c *config) realm() string { return c.domains[0] }

// serves reports whether host (as in a URL or Host header) addresses this server.
// A host:port matches its host name: the port is the listener's business.
func (c *config) serves(host string) bool {
	h := normHost(host)
	if c.hosts[h] {
		return true
	}
	if name, _, err := net.SplitHostPort(h); err == nil {
		return c.hosts[name]
	}
	return false
}

// domainOf maps a served host to the IM domain its nodes belong to: a
// domain stays itself, any other of the server's names (HostNames, e.g.
// the address a client was configured with) means Domains[0], so that
// principal URLs in answers and notifications always carry the IM domain.
func (c *config) domainOf(host string) string {
	h := normHost(host)
	if slices.Contains(c.domains, h) {
		return h
	}
	return c.domains[0]
}
