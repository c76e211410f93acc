package ui

import (
	"context"
	"errors"
	"sync"
	"time"
)

// errWrongPassword stands for the engine's typed error; testDescribe is the
// app's Describer in miniature.
var errWrongPassword = errors.New("engine: 401")
var errOffline = errors.New("engine: 412")

func testDescribe(err error) string {
	switch {
	case errors.Is(err, errWrongPassword):
		return "The sign-in name or password is wrong."
	case errors.Is(err, errOffline):
		return "Bob is not signed in."
	}
	return ""
}

// fakeSignIn records requests and answers with err.
type fakeSignIn struct {
	mu    sync.Mutex
	reqs  []SignInRequest
	err   error
	block chan struct{} // when set, SignIn waits for it or ctx
}

func (f *fakeSignIn) SignIn(ctx context.Context, r SignInRequest) error {
	f.mu.Lock()
	f.reqs = append(f.reqs, r)
	err, block := f.err, f.block
	f.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return err
}

func (f *fakeSignIn) requests() []SignInRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]SignInRequest(nil), f.reqs...)
}

// fakeConversation records what the window asked of the engine.
type fakeConversation struct {
	mu      sync.Mutex
	sent    []string
	typing  int
	left    int
	invited []string
	errs    []error // answers of successive Sends; nil when exhausted
}

func (f *fakeConversation) Send(_ context.Context, text string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sent = append(f.sent, text)
	if len(f.errs) == 0 {
		return nil
	}
	err := f.errs[0]
	f.errs = f.errs[1:]
	return err
}

func (f *fakeConversation) Typing(context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.typing++
}

func (f *fakeConversation) Leave(context.Context) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.left++
}

func (f *fakeConversation) Invite(_ context.Context, who string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.invited = append(f.invited, who)
	return nil
}

func (f *fakeConversation) snapshot() fakeConversation {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fakeConversation{sent: append([]string(nil), f.sent...), typing: f.typing, left: f.left,
		invited: append([]string(nil), f.invited...)}
}

// fakeClock is a settable clock with manual timers.
type fakeClock struct {
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at      time.Time
	f       func()
	stopped bool
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 11, 21, 12, 0, 0, 0, time.Local)}
}

func (c *fakeClock) Now() time.Time { return c.now }

func (c *fakeClock) After(d time.Duration, f func()) func() {
	t := &fakeTimer{at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return func() { t.stopped = true }
}

// advance moves the clock and fires due timers on the calling goroutine.
func (c *fakeClock) advance(d time.Duration) {
	c.now = c.now.Add(d)
	for _, t := range c.timers {
		if !t.stopped && !t.at.After(c.now) {
			t.stopped = true
			t.f()
		}
	}
}

// fakeMain records the main window's service calls.
type fakeMain struct {
	mu       sync.Mutex
	states   []State
	added    []string
	removed  []string
	blocked  map[string]bool
	names    []string
	stateErr error
	props    map[string]Contact // Properties answers by sign-in name
	propsErr error
	asked    []string
}

func (f *fakeMain) Properties(_ context.Context, n string) (Contact, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, n)
	return f.props[n], f.propsErr
}

func (f *fakeMain) SetState(_ context.Context, s State) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.states = append(f.states, s)
	return f.stateErr
}

func (f *fakeMain) AddContact(_ context.Context, n string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.added = append(f.added, n)
	return nil
}

func (f *fakeMain) RemoveContact(_ context.Context, n string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.removed = append(f.removed, n)
	return nil
}

func (f *fakeMain) SetDisplayName(_ context.Context, n string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.names = append(f.names, n)
	return nil
}

func (f *fakeMain) SetBlocked(_ context.Context, n string, b bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.blocked == nil {
		f.blocked = map[string]bool{}
	}
	f.blocked[n] = b
	return nil
}

// inline collects what window queues deliver, so tests apply results on the
// test goroutine (the test driver's fyne.Do would run them on the queue
// goroutine, concurrently with the test).
type inline struct {
	mu  sync.Mutex
	fns []func()
}

func (c *inline) deliver(f func()) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.fns = append(c.fns, f)
}

// settle waits for the queues' jobs and applies their results, until no job
// is left (an apply may submit another job).
func (c *inline) settle(qs ...*workQueue) {
	for {
		for _, q := range qs {
			q.drain()
		}
		c.mu.Lock()
		fns := c.fns
		c.fns = nil
		c.mu.Unlock()
		if len(fns) == 0 {
			return
		}
		for _, f := range fns {
			f()
		}
	}
}
