package rvpserver

import (
	"container/heap"
	"sync"
	"time"
)

// timerKind names what a timer is for; the id says which object.
type timerKind uint8

const (
	timerSub          timerKind = iota + 1 // subscription expiry
	timerView                              // presence lease expiry
	timerPollItems                         // earliest PollMsgLifeTime of a queue
	timerPollDrop                          // PollDropMsgLifeTime of a queue
	timerForward                           // retry of presence to a foreign watcher's server
	timerForwardProps                      // retry of other properties to a foreign watcher's server
)

type timerKey struct {
	kind timerKind
	id   uint64
}

type timerEntry struct {
	at  time.Time
	key timerKey
}

type timerHeap []timerEntry

func (h timerHeap) Len() int           { return len(h) }
func (h timerHeap) Less(i, j int) bool { return h[i].at.Before(h[j].at) }
func (h timerHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *timerHeap) Push(x any)        { *h = append(*h, x.(timerEntry)) }
func (h *timerHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	*h = old[:len(old)-1]
	return e
}

// scheduler runs all of the server's timers on one goroutine with a
// min-heap, instead of one runtime timer per object. set replaces the
// deadline of a key; entries whose deadline was replaced or cancelled are
// skipped when they surface. fire runs on the scheduler goroutine and must
// not block for long; it re-checks its object's state, so a late or stale
// firing is harmless.
type scheduler struct {
	now  func() time.Time
	fire func(timerKey)

	mu   sync.Mutex
	h    timerHeap              // guarded by mu
	due  map[timerKey]time.Time // guarded by mu: the live deadline of each key
	wake chan struct{}
	stop chan struct{}
	done chan struct{}
}

func newScheduler(now func() time.Time, fire func(timerKey)) *scheduler {
	return &scheduler{now: now, fire: fire, due: map[timerKey]time.Time{},
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

// set arms (or re-arms) key for at. Safe from any goroutine.
func (s *scheduler) set(key timerKey, at time.Time) {
	s.mu.Lock()
	if cur, ok := s.due[key]; ok && cur.Equal(at) {
		s.mu.Unlock()
		return
	}
	s.due[key] = at
	heap.Push(&s.h, timerEntry{at: at, key: key})
	first := s.h[0].key == key && s.h[0].at.Equal(at)
	s.mu.Unlock()
	if first {
		s.poke()
	}
}

// cancel disarms key.
func (s *scheduler) cancel(key timerKey) {
	s.mu.Lock()
	delete(s.due, key)
	s.mu.Unlock()
}

func (s *scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// run fires due timers until stop is closed.
func (s *scheduler) run() {
	defer close(s.done)
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		for _, k := range s.popDue() {
			s.fire(k)
		}
		t.Reset(s.nextWait())
		select {
		case <-t.C:
		case <-s.wake:
		case <-s.stop:
			return
		}
	}
}

// popDue removes and returns the keys whose live deadline has passed.
func (s *scheduler) popDue() []timerKey {
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []timerKey
	for len(s.h) > 0 && !s.h[0].at.After(now) {
		e := heap.Pop(&s.h).(timerEntry)
		if at, ok := s.due[e.key]; ok && at.Equal(e.at) {
			delete(s.due, e.key)
			out = append(out, e.key)
		}
	}
	return out
}

func (s *scheduler) nextWait() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Drop stale heads so the heap does not keep us waking for nothing.
	for len(s.h) > 0 {
		if at, ok := s.due[s.h[0].key]; ok && at.Equal(s.h[0].at) {
			break
		}
		heap.Pop(&s.h)
	}
	if len(s.h) == 0 {
		return time.Hour
	}
	return max(s.h[0].at.Sub(s.now()), 0)
}

func (s *scheduler) close() {
	close(s.stop)
	<-s.done
}
