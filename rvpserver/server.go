package rvpserver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"rendezvous/internal/digest"
)

// Server is an RVP home server (rvpd's engine). Create it with New, load
// state with Start, serve with ServeHTTP, stop with Shutdown.
//
// Concurrency: ServeHTTP and every exported method are safe for concurrent
// use. One mutex (mu) guards the in-memory model; it is never held across
// network I/O or while waiting for the store. Goroutines the Server owns:
// the committer, the timer scheduler and the delivery workers, all started
// by Start and stopped (and waited for) by Shutdown. A held POLL costs only
// its net/http goroutine and a small struct.
type Server struct {
	cfg      *config
	log      *slog.Logger
	verifier *digest.Verifier
	client   *http.Client
	disc     *discovery
	inflight chan struct{} // MaxOutstanding slots
	sendSem  chan struct{} // MaxDeliveries slots
	jobs     chan func(context.Context)
	met      metrics

	mu       sync.Mutex
	state    int // stateNew, stateRunning, stateClosed; guarded by mu
	accounts map[string]*accountRecord
	subs     map[uint64]*subscription
	byNode   map[string]map[uint64]*subscription // node alias -> subscriptions on it
	views    map[uint64]*viewRecord
	viewsOf  map[string]map[uint64]*viewRecord // alias -> live views
	ctr      counters
	fwd      map[fwdKey]*pendingForward // property notifications owed to foreign watchers' servers

	commits   *committer
	timers    *scheduler
	stop      chan struct{} // closed by Shutdown
	bg        context.Context
	bgCancel  context.CancelFunc // cancels bg: called by Shutdown
	workers   sync.WaitGroup
	closeOnce sync.Once
	closeErr  error
}

const (
	stateNew = iota
	stateRunning
	stateClosed
)

// subscription is a live subscription with its runtime state; guarded by
// Server.mu.
type subscription struct {
	subRecord
	failures int        // consecutive failed deliveries (callback logins)
	queue    *pollQueue // polling logins only
}

// ErrNotRunning is returned by methods that need a started server.
var ErrNotRunning = errors.New("rvpserver: server not running")

// Number of workers that deliver asynchronous NOTIFYs (presence), and the
// length of their queue; past it presence notifications are dropped (and
// counted), never blocking a request.
const (
	asyncWorkers  = 16
	asyncQueueLen = 4096
)

// New validates opts and builds a Server. It does no I/O and starts no
// goroutine. A nil opts is invalid (Domains is required).
func New(opts *Options) (*Server, error) {
	cfg, err := normalize(opts)
	if err != nil {
		return nil, err
	}
	v, err := digest.NewVerifier(&digest.VerifierOptions{Realm: cfg.realm(), Clock: cfg.Now})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidOptions, err)
	}
	s := &Server{
		cfg: cfg, log: cfg.Logger, verifier: v,
		client:   newCallbackClient(cfg.CallbackTimeout, cfg.DialContext),
		disc:     newDiscovery(cfg.Resolver, cfg.Now),
		fwd:      map[fwdKey]*pendingForward{},
		inflight: make(chan struct{}, cfg.MaxOutstanding),
		sendSem:  make(chan struct{}, cfg.MaxDeliveries),
		jobs:     make(chan func(context.Context), asyncQueueLen),
		accounts: map[string]*accountRecord{}, subs: map[uint64]*subscription{},
		byNode: map[string]map[uint64]*subscription{}, views: map[uint64]*viewRecord{},
		viewsOf: map[string]map[uint64]*viewRecord{},
		stop:    make(chan struct{}),
	}
	s.bg, s.bgCancel = context.WithCancel(context.Background())
	s.commits = newCommitter(cfg.Store)
	s.timers = newScheduler(cfg.Now, s.onTimer)
	return s, nil
}

func (s *Server) now() time.Time { return s.cfg.Now() }

// Start loads everything from the Store, re-arms timers (things already
// expired expire at once) and starts the server's goroutines. It may be
// called once.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	if s.state != stateNew {
		s.mu.Unlock()
		return fmt.Errorf("rvpserver: start: %w", ErrNotRunning)
	}
	s.mu.Unlock()
	ld, err := load(ctx, s.cfg.Store)
	if err != nil {
		return fmt.Errorf("rvpserver: start: %w", err)
	}
	s.mu.Lock()
	s.install(ld)
	s.state = stateRunning
	s.mu.Unlock()
	for _, k := range s.timers.popDue() { // what expired while down goes now
		s.onTimer(k)
	}
	s.workers.Add(2 + asyncWorkers)
	go func() { defer s.workers.Done(); s.commits.run() }()
	go func() { defer s.workers.Done(); s.timers.run() }()
	for range asyncWorkers {
		go func() { defer s.workers.Done(); s.asyncWorker() }()
	}
	s.log.Info("rvpd started", "accounts", len(ld.accounts), "subscriptions", len(ld.subs), "views", len(ld.views))
	return nil
}

// Shutdown answers held POLLs (204), stops timers and workers, and flushes
// pending writes. Requests arriving afterwards get 503. It is idempotent;
// it returns ctx's error if waiting for the goroutines takes too long (they
// still stop).
func (s *Server) Shutdown(ctx context.Context) error {
	s.closeOnce.Do(func() {
		s.mu.Lock()
		wasRunning := s.state == stateRunning
		s.state = stateClosed
		for _, sub := range s.subs {
			if sub.queue != nil {
				sub.queue.release(http.StatusNoContent)
			}
		}
		s.mu.Unlock()
		close(s.stop)
		s.bgCancel()
		if !wasRunning {
			return
		}
		done := make(chan struct{})
		go func() {
			s.timers.close()
			s.commits.close()
			s.workers.Wait()
			close(done)
		}()
		select {
		case <-done:
			s.log.Info("rvpd stopped")
		case <-ctx.Done():
			s.closeErr = fmt.Errorf("rvpserver: shutdown: %w", ctx.Err())
		}
	})
	return s.closeErr
}

// runningLocked reports whether requests may be served; mu must be held.
func (s *Server) runningLocked() bool { return s.state == stateRunning }

// submitLocked queues ops for the store in memory order; mu must be held.
func (s *Server) submitLocked(ops ...Op) *commitWait {
	return s.commits.submit(ops...)
}

// countersOpLocked persists the id counters; mu must be held.
func (s *Server) countersOpLocked() Op { return putRecord(BucketMeta, countersKey, s.ctr) }

// onTimer dispatches a fired timer; it runs on the scheduler goroutine.
func (s *Server) onTimer(k timerKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != stateRunning {
		return
	}
	now := s.now()
	switch k.kind {
	case timerSub:
		if sub := s.subs[k.id]; sub != nil && !now.Before(sub.Expires) {
			s.log.Debug("subscription expired", "id", sub.ID, "node", sub.Node)
			s.removeSubLocked(sub, http.StatusNotFound)
		}
	case timerView:
		if v := s.views[k.id]; v != nil && !now.Before(v.Expires) {
			s.met.leaseExpiries.Add(1)
			s.endViewsLocked(v.Alias, []*viewRecord{v})
		}
	case timerPollItems:
		if sub := s.subs[k.id]; sub != nil && sub.queue != nil {
			s.expireItemsLocked(sub, now)
		}
	case timerForward, timerForwardProps:
		s.retryForwardLocked(fwdKey{k.id, k.kind == timerForwardProps})
	case timerPollDrop:
		if sub := s.subs[k.id]; sub != nil && sub.queue != nil {
			s.dropQueueIfStaleLocked(sub, now)
		}
	}
}
