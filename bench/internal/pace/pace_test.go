package pace

import (
	"context"
	"testing"
	"time"
)

func TestRunCountAndOrder(t *testing.T) {
	var got []int
	n := Run(context.Background(), 1000, 50*time.Millisecond, func(i int) { got = append(got, i) })
	if n != 50 || len(got) != 50 {
		t.Fatalf("Run = %d events (%d calls), want 50", n, len(got))
	}
	for i, v := range got {
		if v != i {
			t.Fatalf("event %d has index %d", i, v)
		}
	}
}

func TestRunCatchesUp(t *testing.T) {
	// The first call blocks past many intervals; the events that fell due
	// meanwhile still happen, so the count is exact.
	n := Run(context.Background(), 1000, 40*time.Millisecond, func(i int) {
		if i == 0 {
			time.Sleep(20 * time.Millisecond)
		}
	})
	if n != 40 {
		t.Fatalf("Run = %d, want 40", n)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	n := Run(ctx, 100, time.Hour, func(i int) {
		if i == 2 {
			cancel()
		}
	})
	if n != 3 {
		t.Fatalf("Run after cancel = %d, want 3", n)
	}
}
