package history

import (
	"io"
	"log/slog"
	"sync"
)

// recorderQueue bounds the appends waiting to be written.
const recorderQueue = 256

// Recorder appends entries on a goroutine it owns, so callers on the UI
// goroutine never wait for the disk. Record never blocks: when the queue is
// full the entry is dropped with a logged warning. Close stops accepting,
// writes what is queued and waits. Safe for concurrent use.
type Recorder struct {
	store *Store
	log   *slog.Logger

	mu     sync.Mutex
	closed bool
	queue  chan record
	done   chan struct{}
}

type record struct {
	peer string
	e    Entry
}

// NewRecorder starts the recorder's goroutine; log nil discards warnings.
func NewRecorder(s *Store, log *slog.Logger) *Recorder {
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	r := &Recorder{store: s, log: log, queue: make(chan record, recorderQueue), done: make(chan struct{})}
	go r.loop()
	return r
}

func (r *Recorder) loop() {
	defer close(r.done)
	for rec := range r.queue {
		if err := r.store.Append(rec.peer, rec.e); err != nil {
			r.log.Warn("history not written", "peer", rec.peer, "err", err)
		}
	}
}

// Record queues e for the transcript with peer.
func (r *Recorder) Record(peer string, e Entry) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return
	}
	select {
	case r.queue <- record{peer, e}:
	default:
		r.log.Warn("history queue full; entry dropped", "peer", peer)
	}
}

// Close writes what is queued, stops the goroutine and waits. Idempotent.
func (r *Recorder) Close() {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.queue)
	}
	r.mu.Unlock()
	<-r.done
}
