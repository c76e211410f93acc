package rvpclient

import (
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// Event is something the engine tells the application. The set of event
// types is closed: MessageEvent, TypingEvent, JoinedEvent, LeftEvent,
// PresenceEvent, ConnectionEvent, CallbackUnreachableEvent, DroppedEvent and
// WarningEvent.
type Event interface{ isEvent() }

// Handler receives events.
//
// Contract: HandleEvent is called on a goroutine owned by the engine, one
// event at a time and in the order the engine produced them. It must not
// block and must not call back into the Client synchronously in a way that
// waits for another event; hand the event to the UI thread (fyne.Do) and
// return.
type Handler interface{ HandleEvent(Event) }

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(Event)

// HandleEvent calls f(e).
func (f HandlerFunc) HandleEvent(e Event) { f(e) }

// MessageEvent is an instant message received in a conversation.
type MessageEvent struct {
	SessionID string // conversation id, e.g. {3F2A9C10-...}
	From      string // sender's sign-in name, e.g. bob@example.com
	FromName  string // sender's display name as sent (r:description)
	Text      string
	Format    Format    // parsed X-MMS-IM-Format
	Time      time.Time // when it arrived
}

// TypingEvent says a participant is typing; it repeats about every 4 s while
// they type. The UI should forget it after some seconds without a repeat.
type TypingEvent struct {
	SessionID string
	From      string
}

// JoinedEvent says a participant joined a conversation (a third party added,
// or a conversation opened by someone else).
type JoinedEvent struct {
	SessionID string
	Who       string
}

// LeftEvent says a participant left a conversation.
type LeftEvent struct {
	SessionID string
	Who       string
}

// PresenceEvent is a watched contact's (or one's own) new presence or
// properties. Fields that the notification did not carry are left as they
// were last known.
type PresenceEvent struct {
	Contact     string // sign-in name
	State       State
	DisplayName string
	Email       string
	Self        bool // the own node (a change made by this or another login)
}

// ConnState is the engine's connection state.
type ConnState int

// The connection states.
const (
	Disconnected ConnState = iota // never signed in, or signed out
	Connected
	Reconnecting
)

// String names the state.
func (s ConnState) String() string {
	switch s {
	case Connected:
		return "connected"
	case Reconnecting:
		return "reconnecting"
	}
	return "signed out"
}

// ConnectionEvent reports a change of the connection state. Reason is the
// error that caused Reconnecting (or a sign-out the user did not ask for).
type ConnectionEvent struct {
	State  ConnState
	Reason error
}

// CallbackUnreachableEvent says notifications cannot reach this computer in
// Default/Fixed mode: the self-test after sign-in did not see its own
// status change arrive at the callback within Waited. The UI should suggest
// Polling or a Fixed Port opened in the firewall.
type CallbackUnreachableEvent struct {
	CallbackURL string
	Waited      time.Duration
}

// DroppedEvent says the server dropped Count queued notifications for this
// polling login (RVP-Poll-Dropped): something was lost.
type DroppedEvent struct{ Count int64 }

// WarningEvent is a diagnostic the user may want to see, e.g. a Ports
// setting below 1025 that made the engine fall back to Default mode.
type WarningEvent struct{ Message string }

func (MessageEvent) isEvent()             {}
func (TypingEvent) isEvent()              {}
func (JoinedEvent) isEvent()              {}
func (LeftEvent) isEvent()                {}
func (PresenceEvent) isEvent()            {}
func (ConnectionEvent) isEvent()          {}
func (CallbackUnreachableEvent) isEvent() {}
func (DroppedEvent) isEvent()             {}
func (WarningEvent) isEvent()             {}

// maxQueuedEvents bounds the dispatcher queue (besides the batch being
// delivered, so at most twice this is held); beyond it events are counted
// as lost (Diagnostics.EventsLost) and logged.
const maxQueuedEvents = 4096

// dispatcher delivers events to the handler on its own goroutine, in order.
type dispatcher struct {
	h   Handler
	log *slog.Logger

	mu      sync.Mutex
	queue   []Event
	lost    int64
	closed  bool
	started bool
	wake    chan struct{} // capacity 1
	done    chan struct{}
}

func newDispatcher(h Handler, log *slog.Logger) *dispatcher {
	return &dispatcher{h: h, log: log, wake: make(chan struct{}, 1), done: make(chan struct{})}
}

// emit queues e; it never blocks. It starts the goroutine on first use.
func (d *dispatcher) emit(e Event) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return
	}
	if len(d.queue) >= maxQueuedEvents {
		d.lost++
		d.log.Warn("rvpclient: event handler falls behind, event lost", "event", fmt.Sprintf("%T", e), "lost", d.lost)
		return
	}
	d.queue = append(d.queue, e)
	if !d.started {
		d.started = true
		go d.run()
	}
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

func (d *dispatcher) run() {
	defer close(d.done)
	for {
		d.mu.Lock()
		batch := d.queue
		d.queue = nil
		closed := d.closed
		d.mu.Unlock()
		for _, e := range batch {
			d.h.HandleEvent(e)
		}
		if closed && len(batch) == 0 {
			return
		}
		if len(batch) == 0 {
			<-d.wake
		}
	}
}

// close delivers what is queued, stops the goroutine and waits for it.
func (d *dispatcher) close() {
	d.mu.Lock()
	started := d.started
	d.closed = true
	d.mu.Unlock()
	select {
	case d.wake <- struct{}{}:
	default:
	}
	if started {
		<-d.done
	}
}

func (d *dispatcher) lostCount() int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.lost
}
