package rvpclient

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"rendezvous/internal/rvpwire"
)

// Mode is the notification delivery mode (POLLING.md section 1, PollingFlag).
type Mode int

// The delivery modes.
const (
	ModeDefault   Mode = iota // listener on a random port >= 1024
	ModePolling               // POLL loop, no listener
	ModeFixedPort             // listener on the first free port of a range
)

// String names the mode as the UI shows it.
func (m Mode) String() string {
	switch m {
	case ModeDefault:
		return "Default"
	case ModePolling:
		return "Polling"
	case ModeFixedPort:
		return "Fixed Port(s)"
	}
	return "Mode(?)"
}

// Resolver looks up SRV records; *net.Resolver implements it. Tests inject
// a fake.
type Resolver interface {
	LookupSRV(ctx context.Context, service, proto, name string) (string, []*net.SRV, error)
}

// Options configure a Client. A nil *Options means defaults; zero fields take
// the documented defaults. Options are read at SignIn: a change of Mode,
// ports or polling period takes effect at the next sign-in.
type Options struct {
	// ServerURL overrides discovery for the own domain, e.g.
	// "https://im.example.com" or "http://127.0.0.1:8080". Principal URLs
	// then stay in the logical form (see the package doc); a URL naming
	// the ServerURL host is read as the own domain's.
	ServerURL string

	Mode          Mode
	PortFrom      int           // ModeFixedPort: first port of the range
	PortTo        int           // ModeFixedPort: last port; 0 means PortFrom
	PollingPeriod time.Duration // ModePolling: the hold asked for; default 10 min, clamped to [1, 15] min

	// PollMsgLifetime, when > 0, is sent as RVP-Poll-Msg-Lifetime at a
	// polling sign-in.
	PollMsgLifetime time.Duration

	// Lifetime is the Subscription-Lifetime asked for; default 4 h.
	Lifetime time.Duration
	// StatusLease is the status lease asked for (d:timeout); default 20 min.
	StatusLease time.Duration

	// CallbackHost is the IP address the listener binds and advertises.
	// Empty means the local address of a TCP connection to the server.
	CallbackHost string
	// SelfTestTimeout bounds the callback self-test after a sign-in in
	// Default/Fixed mode; default 5 s; negative disables the test.
	SelfTestTimeout time.Duration

	Resolver Resolver // nil: net.DefaultResolver
	// HTTPClient sends the requests; nil means a client with its own
	// transport and no proxy (a proxy would change the Request-URI that
	// Digest signs). The engine uses a copy whose CheckRedirect leaves
	// redirects to the engine (net/http would turn a redirected SUBSCRIBE
	// into a GET) and whose Timeout is zero (RequestTimeout bounds
	// requests; a client timeout would cut held POLLs).
	HTTPClient *http.Client
	// RequestTimeout bounds one ordinary request (not POLL); default 30 s.
	RequestTimeout time.Duration

	// Listen opens the callback listener; nil means net.Listen. Tests inject
	// in-memory listeners.
	Listen func(network, address string) (net.Listener, error)

	Handler Handler      // nil discards events
	Logger  *slog.Logger // nil discards logs; the wire trace is logged at Debug
	// Now is the clock for event times; nil means time.Now. Timers use the
	// time package (tests run them under testing/synctest).
	Now func() time.Time

	UserAgent string // default "rendezvous/1.0"
}

// Defaults.
const (
	DefaultLifetime       = 4 * time.Hour
	DefaultStatusLease    = 20 * time.Minute
	DefaultPollingPeriod  = 10 * time.Minute
	MinPollingPeriod      = time.Minute      // PollingPeriod is clamped to [Min, Max]
	MaxPollingPeriod      = 15 * time.Minute // (POLLING.md section 5)
	DefaultRequestTimeout = 30 * time.Second
	DefaultSelfTest       = 5 * time.Second

	// MaxNotifyBody bounds one NOTIFY body at the listener and in a poll part.
	MaxNotifyBody = 1 << 20
	// TypingInterval is how often a typing notification is repeated.
	TypingInterval = 4 * time.Second
	// deadPollSlack is added to the hold to declare a POLL connection dead.
	deadPollSlack = 30 * time.Second
)

// withDefaults returns a normalized copy.
func (o *Options) withDefaults() Options {
	var n Options
	if o != nil {
		n = *o
	}
	if n.PollingPeriod <= 0 {
		n.PollingPeriod = DefaultPollingPeriod
	}
	n.PollingPeriod = min(max(n.PollingPeriod, MinPollingPeriod), MaxPollingPeriod)
	if n.Lifetime <= 0 {
		n.Lifetime = DefaultLifetime
	}
	if n.StatusLease <= 0 {
		n.StatusLease = DefaultStatusLease
	}
	if n.SelfTestTimeout == 0 {
		n.SelfTestTimeout = DefaultSelfTest
	}
	if n.RequestTimeout <= 0 {
		n.RequestTimeout = DefaultRequestTimeout
	}
	if n.Resolver == nil {
		n.Resolver = net.DefaultResolver
	}
	if n.HTTPClient == nil {
		n.HTTPClient = defaultHTTPClient()
	} else {
		hc := *n.HTTPClient // shallow copy: the transport is shared
		hc.CheckRedirect = noRedirect
		hc.Timeout = 0
		n.HTTPClient = &hc
	}
	if n.Listen == nil {
		n.Listen = net.Listen
	}
	if n.Handler == nil {
		n.Handler = HandlerFunc(func(Event) {})
	}
	if n.Logger == nil {
		n.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if n.Now == nil {
		n.Now = time.Now
	}
	if n.UserAgent == "" {
		n.UserAgent = "rendezvous/1.0"
	}
	if n.PortTo == 0 {
		n.PortTo = n.PortFrom
	}
	return n
}

// State is a presence token (online, busy, ...); see rvpwire.State.
type State = rvpwire.State

// The presence states.
const (
	StateOnline    = rvpwire.StateOnline
	StateOffline   = rvpwire.StateOffline
	StateAway      = rvpwire.StateAway
	StateBusy      = rvpwire.StateBusy
	StateBackSoon  = rvpwire.StateBackSoon
	StateOnPhone   = rvpwire.StateOnPhone
	StateAtLunch   = rvpwire.StateAtLunch
	StateIdle      = rvpwire.StateIdle
	StateInvisible = rvpwire.StateInvisible
)

// defaultHTTPClient follows no redirects (a 302 is followed by the engine
// with the same method) and honours the standard proxy variables
// (HTTP_PROXY, HTTPS_PROXY, NO_PROXY): behind a firewall that lets only a
// proxy out, Polling works through it. Loopback is never proxied.
// TCP keep-alive probes start only after the longest hold a POLL may ask
// for: a held POLL is an idle connection, the poll loop notices a dead one
// at hold + 30 s by itself, and net/http's 30 s probes would cost several
// times what the polls do.
func defaultHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyFromEnvironment
	tr.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAliveConfig: clientKeepAlive}).DialContext
	return &http.Client{Transport: tr, CheckRedirect: noRedirect}
}

// clientKeepAlive is the TCP keep-alive of connections to servers.
var clientKeepAlive = net.KeepAliveConfig{Enable: true, Idle: MaxPollingPeriod + time.Minute, Interval: time.Minute, Count: 5}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Format is a parsed X-MMS-IM-Format (font, effects, colour ...).
type Format = rvpwire.Format

// ACL is the own node's access-control list; ACE is one entry.
type (
	ACL = rvpwire.ACL
	ACE = rvpwire.ACE
)
