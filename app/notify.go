package app

import (
	"log/slog"
	"sync"
)

// notifyQueue bounds the desktop notifications waiting to be shown.
const notifyQueue = 16

// notifier shows desktop notifications on a goroutine it owns, so the UI
// goroutine never waits for D-Bus. notify never blocks (a full queue drops
// the notification); close stops the goroutine and waits. Safe for
// concurrent use.
type notifier struct {
	send func(title, body string) error
	log  *slog.Logger

	mu     sync.Mutex
	closed bool
	queue  chan [2]string
	done   chan struct{}
}

func newNotifier(send func(title, body string) error, log *slog.Logger) *notifier {
	n := &notifier{send: send, log: log, queue: make(chan [2]string, notifyQueue), done: make(chan struct{})}
	go n.loop()
	return n
}

func (n *notifier) loop() {
	defer close(n.done)
	for m := range n.queue {
		if err := n.send(m[0], m[1]); err != nil {
			n.log.Debug("notification not shown", "err", err)
		}
	}
}

func (n *notifier) notify(title, body string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.closed {
		return
	}
	select {
	case n.queue <- [2]string{title, body}:
	default:
	}
}

func (n *notifier) close() {
	n.mu.Lock()
	if !n.closed {
		n.closed = true
		close(n.queue)
	}
	n.mu.Unlock()
	<-n.done
}
