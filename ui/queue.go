package ui

import (
	"context"

	"fyne.io/fyne/v2"
	"sync"
	"time"
)

// jobTimeout bounds one service call made from a window's queue.
const jobTimeout = 60 * time.Second

// queueSize bounds the jobs waiting in one window's queue.
const queueSize = 64

// A job is one blocking service call. It runs on the queue goroutine and
// returns what to apply on the UI goroutine afterwards, or nil.
type job func(ctx context.Context) (apply func())

// workQueue runs a window's blocking service calls one at a time, in order,
// on one goroutine it owns. Jobs are submitted from the UI goroutine without
// blocking; the queue hands each job's apply func to deliver (fyne.Do), so
// a result reaches the widgets in one step on the UI goroutine.
//
// Lifetime: the goroutine starts with the first job. finish refuses new jobs
// and lets the queued ones run; stop also cancels their context; wait blocks
// until the goroutine has ended. All methods are safe for concurrent use.
type workQueue struct {
	ctx     context.Context
	cancel  context.CancelFunc
	deliver func(func())

	mu      sync.Mutex
	jobs    chan job
	started bool
	closed  bool
	running sync.WaitGroup // the goroutine
	exited  chan struct{}  // closed when the queue is finished and drained
	pending sync.WaitGroup // jobs submitted and not yet finished
}

// newWorkQueue returns a queue; deliver nil means fyne.Do (tests pass a
// collector and apply on their own goroutine).
func newWorkQueue(deliver func(func())) *workQueue {
	if deliver == nil {
		deliver = fyne.Do
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &workQueue{ctx: ctx, cancel: cancel, deliver: deliver, jobs: make(chan job, queueSize),
		exited: make(chan struct{})}
}

// submit queues job and reports whether it was accepted (false once the
// queue is finished or when it is full).
func (q *workQueue) submit(j job) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || len(q.jobs) == cap(q.jobs) {
		return false
	}
	if !q.started {
		q.started = true
		q.running.Add(1)
		go q.loop()
	}
	q.pending.Add(1)
	q.jobs <- j
	return true
}

// queued reports how many jobs wait to start.
func (q *workQueue) queued() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.jobs)
}

func (q *workQueue) loop() {
	defer close(q.exited)
	defer q.running.Done()
	for j := range q.jobs {
		q.run(j)
	}
}

func (q *workQueue) run(j job) {
	defer q.pending.Done()
	ctx, cancel := context.WithTimeout(q.ctx, jobTimeout)
	defer cancel()
	if apply := j(ctx); apply != nil {
		q.deliver(apply)
	}
}

// call makes a job of a service call that has no result to apply.
func call(f func(ctx context.Context)) job {
	return func(ctx context.Context) func() { f(ctx); return nil }
}

// finish refuses further jobs; queued jobs still run. Idempotent.
func (q *workQueue) finish() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if !q.closed {
		q.closed = true
		close(q.jobs)
		if !q.started {
			close(q.exited)
		}
	}
}

// done reports, without blocking, whether the queue has finished and its
// goroutine ended.
func (q *workQueue) done() bool {
	select {
	case <-q.exited:
		return true
	default:
		return false
	}
}

// stop finishes the queue and cancels the context of running and queued
// jobs. Idempotent.
func (q *workQueue) stop() {
	q.finish()
	q.cancel()
}

// wait blocks until the queue goroutine has ended (after finish or stop).
func (q *workQueue) wait() { q.running.Wait() }

// drain blocks until every submitted job has finished and been delivered.
func (q *workQueue) drain() { q.pending.Wait() }
