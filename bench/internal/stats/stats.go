// Package stats collects latency samples and reports exact percentiles.
//
// A Samples value is safe for concurrent use by many recorders; Summary may
// be called at any time and works on a copy.
package stats

import (
	"fmt"
	"slices"
	"sync"
	"time"
)

// Samples is a bounded, concurrency-safe list of durations. Samples past the
// capacity given to New are counted in Dropped and otherwise ignored, so a
// runaway run cannot grow memory without bound.
type Samples struct {
	mu      sync.Mutex
	d       []time.Duration
	limit   int
	dropped int
}

// New returns an empty Samples that keeps at most limit samples.
func New(limit int) *Samples {
	return &Samples{d: make([]time.Duration, 0, min(limit, 1<<16)), limit: limit}
}

// Add records one sample.
func (s *Samples) Add(d time.Duration) {
	s.mu.Lock()
	if len(s.d) < s.limit {
		s.d = append(s.d, d)
	} else {
		s.dropped++
	}
	s.mu.Unlock()
}

// Summary is the percentile view of a set of samples.
type Summary struct {
	N       int
	Dropped int
	Min     time.Duration
	P50     time.Duration
	P99     time.Duration
	P999    time.Duration
	Max     time.Duration
}

// Summary sorts a copy of the samples and returns nearest-rank percentiles.
// All fields are zero when there are no samples.
func (s *Samples) Summary() Summary {
	s.mu.Lock()
	d := slices.Clone(s.d)
	dropped := s.dropped
	s.mu.Unlock()
	slices.Sort(d)
	sum := Summary{N: len(d), Dropped: dropped}
	if len(d) == 0 {
		return sum
	}
	sum.Min, sum.Max = d[0], d[len(d)-1]
	sum.P50 = rank(d, 0.50)
	sum.P99 = rank(d, 0.99)
	sum.P999 = rank(d, 0.999)
	return sum
}

// rank is the nearest-rank percentile of sorted d (p in (0,1]).
func rank(d []time.Duration, p float64) time.Duration {
	i := int(p*float64(len(d))+0.999999999) - 1
	return d[max(0, min(i, len(d)-1))]
}

// Ms formats a duration in milliseconds with three decimals ("0.042 ms").
func Ms(d time.Duration) string {
	return fmt.Sprintf("%.3f ms", float64(d)/float64(time.Millisecond))
}

// Ratio formats a/b as "12.3x"; "n/a" when b is zero.
func Ratio(a, b time.Duration) string {
	if b <= 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.1fx", float64(a)/float64(b))
}
