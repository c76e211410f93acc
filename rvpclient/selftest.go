package rvpclient

import (
	"context"
	"sync"
	"time"
)

// CallbackCheck is the result of the callback self-test.
type CallbackCheck int

// Self-test results.
const (
	CallbackUnchecked   CallbackCheck = iota // Polling mode, disabled, or not decidable
	CallbackPending                          // waiting for the own status NOTIFY
	CallbackOK                               // a NOTIFY reached the listener
	CallbackUnreachable                      // nothing arrived in time
)

// String names the result.
func (k CallbackCheck) String() string {
	return [...]string{"unchecked", "pending", "ok", "unreachable"}[k]
}

// selfTest watches for the first NOTIFY at the callback listener after the
// sign-in PROPPATCH. The status change of the own node comes back through
// the own-node propchange subscription, so if the listener is reachable a
// NOTIFY arrives within moments. Any NOTIFY that reaches the listener proves
// reachability just as well.
type selfTest struct {
	once sync.Once
	seen chan struct{}
}

// saw records a NOTIFY; it reports whether it was the first.
func (t *selfTest) saw() bool {
	first := false
	t.once.Do(func() { close(t.seen); first = true })
	return first
}

// armSelfTest reports whether the test can decide anything: the server only
// notifies a change, so when the own node already shows the status about to
// be published (another login set it) no NOTIFY is guaranteed and the test
// is skipped (CallbackUnchecked). A NOTIFY that already arrived counts.
func (c *Client) armSelfTest(status State) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.self.State == status || c.diag.callbackCheck == CallbackOK {
		return false
	}
	c.diag.callbackCheck = CallbackPending
	return true
}

// runSelfTest waits for the NOTIFY and reports the outcome.
func (c *Client) runSelfTest(ctx context.Context, s *session) {
	t := time.NewTimer(c.opts.SelfTestTimeout)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return
	case <-s.selfTest.seen:
	case <-t.C:
		c.mu.Lock()
		if c.diag.callbackCheck == CallbackPending {
			c.diag.callbackCheck = CallbackUnreachable
		}
		c.mu.Unlock()
		c.log.Warn("rvpclient: notifications do not reach this computer", "callback", s.callbackURL)
		c.emit(CallbackUnreachableEvent{CallbackURL: s.callbackURL, Waited: c.opts.SelfTestTimeout})
	}
}

func (c *Client) setCallbackCheck(k CallbackCheck) {
	c.mu.Lock()
	c.diag.callbackCheck = k
	c.mu.Unlock()
}
