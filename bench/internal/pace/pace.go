// Package pace drives an open-loop load: events at a fixed rate that do not
// wait for earlier ones to finish. A late wake-up sends the events that fell
// due in the meantime at once instead of dropping them (time.Ticker drops
// ticks), so the count matches rate × duration on a busy machine too.
package pace

import (
	"context"
	"time"
)

// Run calls fn(i) for i = 0, 1, ... at rate events per second for d, on the
// calling goroutine, and returns the number of events. fn must not block
// for long; hand the work to other goroutines.
func Run(ctx context.Context, rate int, d time.Duration, fn func(i int)) int {
	total := int(int64(rate) * int64(d) / int64(time.Second))
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	i := 0
	for i < total && ctx.Err() == nil {
		due := min(total, int(time.Since(start)/interval)+1)
		for ; i < due; i++ {
			fn(i)
		}
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
	}
	return i
}
