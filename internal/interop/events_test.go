package interop

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// eventLog is an append-only record of events from another goroutine or
// process, with waits on a predicate. Safe for concurrent use.
type eventLog[T any] struct {
	mu      sync.Mutex
	items   []T
	changed chan struct{} // closed and replaced on every append
}

func newEventLog[T any]() *eventLog[T] {
	return &eventLog[T]{changed: make(chan struct{})}
}

func (l *eventLog[T]) add(v T) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.items = append(l.items, v)
	close(l.changed)
	l.changed = make(chan struct{})
}

// snapshot returns the items so far and a channel closed at the next append.
func (l *eventLog[T]) snapshot() ([]T, <-chan struct{}) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]T(nil), l.items...), l.changed
}

// mark returns the current length, to wait only for later items.
func (l *eventLog[T]) mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.items)
}

// waitFrom returns the first item at index >= from that satisfies match,
// waiting up to timeout for it to arrive.
func (l *eventLog[T]) waitFrom(ctx context.Context, from int, timeout time.Duration, what string, match func(T) bool) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	for {
		items, changed := l.snapshot()
		for i := from; i < len(items); i++ {
			if match(items[i]) {
				return items[i], nil
			}
		}
		select {
		case <-changed:
		case <-ctx.Done():
			var zero T
			return zero, fmt.Errorf("interop: waiting %v for %s: %w (saw %d items)", timeout, what, ctx.Err(), len(items)-from)
		}
	}
}
