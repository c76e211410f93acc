package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"rendezvous/bench/internal/proc"
	"rendezvous/bench/internal/report"
	"rendezvous/bench/internal/rvpd"
	"rendezvous/bench/internal/rvpload"
	"rendezvous/bench/internal/stats"
	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

// fanTracker follows one presence change to every watcher. Safe for
// concurrent use by the watchers' poll goroutines.
type fanTracker struct {
	mu      sync.Mutex
	want    rvpwire.State
	start   time.Time
	arrived []time.Duration // one per watcher that has it, in arrival order
	seen    map[int]bool
	n       int
	done    chan struct{}
}

func (t *fanTracker) begin(st rvpwire.State, n int) <-chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.want, t.start, t.arrived, t.seen, t.n = st, time.Now(), nil, map[int]bool{}, n
	t.done = make(chan struct{})
	return t.done
}

func (t *fanTracker) note(at time.Time, watcher int, n rvpwire.Notification, err error) {
	if err != nil || n.Update == nil || n.Update.State == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.done == nil || n.Update.State.Value != t.want || t.seen[watcher] {
		return
	}
	t.seen[watcher] = true
	t.arrived = append(t.arrived, at.Sub(t.start))
	if len(t.arrived) == t.n {
		close(t.done)
	}
}

func (t *fanTracker) result() []time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.arrived)
}

// fanRound is one presence change: when the last watcher had it, and how
// many had it at all.
type fanRound struct {
	last, median time.Duration
	got          int
}

func fanoutSettings(e *env) ([]int, int) {
	if e.quick {
		return []int{10, 100}, 5
	}
	return []int{10, 100, 1000}, 20
}

func runFanout(ctx context.Context, e *env) (report.Section, error) {
	sizes, rounds := fanoutSettings(e)
	t := report.Table{Cols: []string{"watchers", "changes", "last watcher p50", "last watcher worst",
		"any watcher p50", "any watcher p99", "missed", "rvpd CPU per change"}}
	for i, w := range sizes {
		e.logf("fanout: %d watchers", w)
		rs, all, cpu, err := fanout(ctx, e, w, rounds)
		if err != nil {
			return report.Section{}, fmt.Errorf("%d watchers: %w", w, err)
		}
		last := stats.New(len(rs))
		missed := 0
		for _, r := range rs {
			last.Add(r.last)
			missed += w - r.got
		}
		ls, as := last.Summary(), all.Summary()
		if i == len(sizes)-1 {
			fanoutGoal(e, w, ls, cpu)
		}
		t.Rows = append(t.Rows, []string{fmt.Sprint(w), fmt.Sprint(len(rs)), stats.Ms(ls.P50), stats.Ms(ls.Max),
			stats.Ms(as.P50), stats.Ms(as.P99), fmt.Sprint(missed), stats.Ms(cpu)})
	}
	return report.Section{
		Heading: "5. Presence fan-out",
		Text: []string{
			fmt.Sprintf("W watchers are signed in to a fresh rvpd for polling (one keep-alive connection each, one POLL "+
				"held) and subscribed to user `pub`'s presence (update/propchange). `pub` then changes its state "+
				"%d times (PROPPATCH with its view id, one change at a time; the next starts when every watcher has "+
				"the previous one, or after 10 s). Time runs from just before the PROPPATCH is written to the moment a "+
				"watcher has read the whole poll answer that carries the propnotification (parsing comes after). \"last watcher\" is the time until the "+
				"last of the W has it, per change; \"any watcher\" pools every watcher's arrival.", rounds),
			"rvpd CPU per change is rvpd's user+system CPU over all changes (warm-up included) divided by their " +
				"number; the harness and its W clients share the same 2 CPUs with rvpd.",
			"Goal: 1000-watcher fan-out under 50 ms (last watcher).",
		},
		Tables: []report.Table{t},
	}, nil
}

// fanout measures rounds presence changes of "pub" to w polling watchers
// and returns them with rvpd's CPU per change.
func fanout(ctx context.Context, e *env, w, rounds int) ([]fanRound, *stats.Samples, time.Duration, error) {
	dir := filepath.Join(e.work, fmt.Sprintf("fanout-%d", w))
	aliases := rvpd.Aliases("w", w)
	if err := rvpd.Seed(ctx, dir, append(aliases, "pub")); err != nil {
		return nil, nil, 0, err
	}
	in, err := rvpd.Start(ctx, rvpd.Config{Bin: e.rvpdBin, DataDir: dir, Log: e.logs})
	if err != nil {
		return nil, nil, 0, err
	}
	defer in.Stop(15 * time.Second)
	tr := &fanTracker{}
	stop, err := startWatchers(ctx, in, aliases, tr)
	if err != nil {
		return nil, nil, 0, err
	}
	defer stop()
	c, err := rvpload.Dial(ctx, in.Addr, nil, in.Addr)
	if err != nil {
		return nil, nil, 0, err
	}
	defer c.Close()
	auth, _ := digest.NewClient("pub", rvpd.Password("pub"))
	states := []rvpwire.State{rvpwire.StateOnline, rvpwire.StateBusy, rvpwire.StateAway}
	var view string
	all := stats.New(w * (rounds + 1))
	var out []fanRound
	before, err := proc.ReadStats(in.Pid())
	if err != nil {
		return nil, nil, 0, err
	}
	for i := range rounds + 1 { // round 0 is the warm-up (offline to online)
		st := states[i%len(states)]
		done := tr.begin(st, w)
		if view, err = rvpload.SetState(c, auth, rvpd.Domain, "pub", st, view); err != nil {
			return nil, nil, 0, err
		}
		select {
		case <-done:
		case <-time.After(10 * time.Second):
		case <-ctx.Done():
			return nil, nil, 0, ctx.Err()
		}
		arr := tr.result()
		if i == 0 || len(arr) == 0 {
			continue
		}
		for _, d := range arr {
			all.Add(d)
		}
		sorted := slices.Sorted(slices.Values(arr))
		out = append(out, fanRound{last: sorted[len(sorted)-1], median: sorted[len(sorted)/2], got: len(arr)})
	}
	after, err := proc.ReadStats(in.Pid())
	if err != nil {
		return nil, nil, 0, err
	}
	return out, all, (after.CPU - before.CPU) / time.Duration(rounds+1), nil
}

// startWatchers signs each alias in for polling, subscribes it to pub's
// presence and keeps a POLL held; it returns once rvpd holds them all.
func startWatchers(ctx context.Context, in *rvpd.Instance, aliases []string, tr *fanTracker) (func(), error) {
	idx := make(map[string]int, len(aliases))
	for i, a := range aliases {
		idx[a] = i
	}
	return startPolling(ctx, in, aliases, "pub", func(a string, r rvpload.PollResult) {
		for _, p := range r.Parts {
			n, err := rvpload.DecodePart(p)
			tr.note(r.At, idx[a], n, err)
		}
	})
}

// fanoutGoal records the 1000-watcher goal.
func fanoutGoal(e *env, w int, last stats.Summary, cpu time.Duration) {
	ok := last.N > 0 && last.P50 < 50*time.Millisecond && last.Max < 50*time.Millisecond
	g := goal{order: 5, name: fmt.Sprintf("Presence fan-out to %d watchers", w), target: "last watcher under 50 ms",
		got: fmt.Sprintf("p50 %s, worst %s", stats.Ms(last.P50), stats.Ms(last.Max)), met: verdict(ok)}
	if !ok {
		g.why = fmt.Sprintf("rvpd spends %s of CPU per change, %.0f µs per watcher: for each watcher a "+
			"propnotification document of its own, a durable enqueue in bolt, a POLL answer, and then the "+
			"watcher's next POLL with its Digest check and the acknowledgement that deletes the item. With %d "+
			"watchers that is more CPU than 50 ms of both CPUs hold, and the harness's %d clients read and re-poll "+
			"on the same 2 CPUs. Load average when the run started: %s.",
			stats.Ms(cpu), float64(cpu)/float64(w)/float64(time.Microsecond), w, w, e.loadPre)
	}
	e.goals.add(g)
}
