package stats

import (
	"testing"
	"time"
)

func TestSummaryNearestRank(t *testing.T) {
	s := New(2000)
	for i := 1000; i >= 1; i-- {
		s.Add(time.Duration(i) * time.Millisecond)
	}
	got := s.Summary()
	want := Summary{N: 1000, Min: time.Millisecond, P50: 500 * time.Millisecond,
		P99: 990 * time.Millisecond, P999: 999 * time.Millisecond, Max: 1000 * time.Millisecond}
	if got != want {
		t.Fatalf("Summary() = %+v, want %+v", got, want)
	}
}

func TestSummaryLimitAndEmpty(t *testing.T) {
	s := New(2)
	if got := s.Summary(); got != (Summary{}) {
		t.Fatalf("empty Summary() = %+v", got)
	}
	s.Add(3)
	s.Add(1)
	s.Add(2)
	got := s.Summary()
	if got.N != 2 || got.Dropped != 1 || got.Min != 1 || got.Max != 3 {
		t.Fatalf("Summary() = %+v, want N=2 Dropped=1 Min=1 Max=3", got)
	}
}

func TestRatio(t *testing.T) {
	if got := Ratio(3*time.Millisecond, time.Millisecond); got != "3.0x" {
		t.Fatalf("Ratio = %q", got)
	}
	if got := Ratio(1, 0); got != "n/a" {
		t.Fatalf("Ratio by zero = %q", got)
	}
}
