package rvpclient

import (
	"context"
	"math/rand/v2"
	"time"
)

// backoff is a jittered exponential delay: 1 s doubling up to 60 s, reset
// on success. Each wait lasts between half and all of the current step, so
// clients that failed together do not retry together.
type backoff struct {
	step time.Duration
}

const (
	backoffMin = time.Second
	backoffMax = 60 * time.Second
)

// next returns the delay to wait now and advances the step.
func (b *backoff) next() time.Duration {
	if b.step < backoffMin {
		b.step = backoffMin
	}
	d := b.step/2 + rand.N(b.step/2+1)
	b.step = min(b.step*2, backoffMax)
	return d
}

func (b *backoff) reset() { b.step = 0 }

// wait sleeps for the next delay; it returns false when ctx ended first.
func (b *backoff) wait(ctx context.Context) bool {
	t := time.NewTimer(b.next())
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
