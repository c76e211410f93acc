package rvpclient

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"rendezvous/internal/rvpwire"
)

// session is one live login: the transport to the home server, the login
// and own-node subscriptions, the delivery path (listener or poll loop) and
// the maintenance loop. Its goroutines stop when ctx is cancelled; stop
// cancels and waits. Fields below mu are guarded by Client.mu.
type session struct {
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	tr          *transport
	form        urlForm // how principal URLs of the own domain are written to tr; set before install, then fixed
	mode        Mode
	callbackURL string // Default/Fixed
	listener    *callbackListener
	pollHold    time.Duration // Polling: the hold asked for

	kick     chan struct{} // wakes the maintenance loop (capacity 1)
	selfTest *selfTest     // set before the listener starts; never changes

	// guarded by Client.mu
	loginID      uint64
	loginRenewAt time.Time
	selfID       uint64
	selfRenewAt  time.Time
	viewID       string
	leaseAt      time.Time // when to refresh the status lease; zero: no lease
}

// stop cancels the session's goroutines, closes its listener and waits.
func (s *session) stop() {
	s.cancel()
	if s.listener != nil {
		s.listener.close()
	}
	s.wg.Wait()
}

// go runs f on a goroutine owned by the session.
func (s *session) goFunc(f func(ctx context.Context)) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		f(s.ctx)
	}()
}

func (s *session) wake() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// connect signs in: discovery, delivery path, login subscription, own-node
// subscription, maintenance, status. On error everything opened is closed.
// The returned session is not yet installed in c.
func (c *Client) connect(ctx context.Context, acct *account, status State) (*session, error) {
	base, viaSRV, err := discover(ctx, c.opts.Resolver, acct.node.Domain, c.opts.ServerURL)
	if err != nil {
		return nil, err
	}
	c.learnServer(acct.node.Domain, base)
	form := urlForm{}
	if viaSRV {
		form = urlForm{domain: acct.node.Domain, host: base.Host}
	}
	tr := c.newTransport(base, acct, form.url(acct.node))
	c.setCallbackCheck(CallbackUnchecked)
	sctx, cancel := context.WithCancel(context.Background())
	s := &session{ctx: sctx, cancel: cancel, tr: tr, form: form, mode: c.opts.Mode, kick: make(chan struct{}, 1),
		selfTest: &selfTest{seen: make(chan struct{})}}
	if err := c.openDelivery(ctx, s, base); err != nil {
		s.stop()
		return nil, err
	}
	if err := c.establish(ctx, s, acct, status); err != nil {
		s.stop()
		c.abandon(s, acct)
		return nil, err
	}
	return s, nil
}

// abandon cancels, best effort, the own subscriptions of a session whose
// sign-in failed half-way, so the server does not keep delivering to a
// closed listener until the lease ends.
func (c *Client) abandon(s *session, acct *account) {
	c.mu.Lock()
	ids := []uint64{s.selfID, s.loginID}
	c.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	for _, id := range ids {
		if id != 0 {
			_ = c.unsubscribe(ctx, s, acct.node, id)
		}
	}
}

// newTransport returns a transport to base that signs as acct and names
// the user from (the own principal URL in the form that server gets).
func (c *Client) newTransport(base *url.URL, acct *account, from string) *transport {
	return &transport{base: base, from: from, auth: acct.auth, hc: c.opts.HTTPClient,
		ua: c.opts.UserAgent, timeout: c.opts.RequestTimeout, log: c.log}
}

// establish runs the sign-in requests on a session whose delivery path is
// open, then starts its loops.
func (c *Client) establish(ctx context.Context, s *session, acct *account, status State) error {
	if err := c.subscribeLogin(ctx, s, acct); err != nil {
		return err
	}
	if err := c.subscribeSelf(ctx, s, acct); err != nil {
		return err
	}
	if s.mode == ModePolling {
		s.goFunc(func(ctx context.Context) { c.pollLoop(ctx, s) })
	}
	s.goFunc(func(ctx context.Context) { c.maintain(ctx, s) })
	armed := s.listener != nil && c.opts.SelfTestTimeout > 0 && c.armSelfTest(status)
	if err := c.publishStatus(ctx, s, status); err != nil {
		return err
	}
	if armed {
		s.goFunc(func(ctx context.Context) { c.runSelfTest(ctx, s) })
	}
	return nil
}

// subscribeLogin sends the login SUBSCRIBE (pragma/notify) on the own node.
func (c *Client) subscribeLogin(ctx context.Context, s *session, acct *account) error {
	cb := s.callbackURL
	if s.mode == ModePolling {
		cb = rvpwire.CallBackPoll
	}
	r := newRequest(rvpwire.MethodSubscribe, acct.node.Path()).
		set(rvpwire.HeaderNotificationType, string(rvpwire.PragmaNotify)).
		set(rvpwire.HeaderCallBack, cb).
		set(rvpwire.HeaderLifetime, seconds(c.opts.Lifetime))
	if s.mode == ModePolling && c.opts.PollMsgLifetime > 0 {
		r.set(rvpwire.HeaderPollMsgLifetime, seconds(c.opts.PollMsgLifetime))
	}
	resp, err := s.tr.do(ctx, r)
	if err != nil && s.form.host != "" && rvpwire.IsStatus(err, http.StatusForbidden) {
		// A server that does not count its SRV target among its own names
		// takes a principal in that form for a foreign one and refuses
		// the login: this session falls back to the logical form (it is
		// not installed yet, nothing else reads it).
		c.log.Warn("rvpclient: server refused the SRV principal form; using the logical form",
			"form", s.tr.from, "err", err)
		s.form, s.tr.from = urlForm{}, acct.principal
		resp, err = s.tr.do(ctx, r)
	}
	if err != nil {
		if s.mode == ModePolling && rvpwire.IsStatus(err, http.StatusNotImplemented) {
			var se *rvpwire.StatusError
			errors.As(err, &se)
			return &PollingUnsupportedError{Message: se.Reason, Err: err}
		}
		return fmt.Errorf("rvpclient: sign in as %s: %w", acct.node.SignInName(), err)
	}
	id, granted, err := c.grant(resp)
	if err != nil {
		return fmt.Errorf("rvpclient: sign in as %s: %w", acct.node.SignInName(), err)
	}
	c.mu.Lock()
	s.loginID, s.loginRenewAt = id, time.Now().Add(renewDelay(granted))
	c.mu.Unlock()
	return nil
}

// grant reads Subscription-Id and Subscription-Lifetime of a SUBSCRIBE
// answer; a missing lifetime means the one asked for.
func (c *Client) grant(resp *response) (uint64, time.Duration, error) {
	id, err := rvpwire.ParseSubscriptionID(resp.header.Get(rvpwire.HeaderSubscriptionID))
	if err != nil {
		return 0, 0, fmt.Errorf("answer without a valid Subscription-Id: %w", err)
	}
	return id, c.lifetimeOf(resp), nil
}

func (c *Client) lifetimeOf(resp *response) time.Duration {
	v, err := rvpwire.ParseSeconds(resp.header.Get(rvpwire.HeaderLifetime), 1<<40)
	if err != nil || v == 0 {
		return c.opts.Lifetime
	}
	return time.Duration(v) * time.Second
}

// renewDelay is when to renew a grant: five minutes before it ends, or at
// half of a short grant.
func renewDelay(granted time.Duration) time.Duration {
	if granted >= 10*time.Minute {
		return granted - 5*time.Minute
	}
	return max(granted/2, time.Second)
}

func seconds(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

// localIP returns the local address of a TCP connection to the server: the
// address the server can reach us on (for a server on another network
// behind NAT it cannot; the self-test tells).
func localIP(ctx context.Context, base *url.URL) (net.IP, error) {
	host := base.Host
	if _, _, err := net.SplitHostPort(host); err != nil {
		port := "80"
		if base.Scheme == "https" {
			port = "443"
		}
		host = net.JoinHostPort(host, port)
	}
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, &NetworkError{Op: "connect to " + base.String(), Err: err}
	}
	defer conn.Close()
	return conn.LocalAddr().(*net.TCPAddr).IP, nil
}
