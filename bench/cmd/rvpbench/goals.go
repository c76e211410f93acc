package main

import (
	"slices"
	"sync"

	"rendezvous/bench/internal/report"
)

// goal is one target of issue 10 and what this run measured against it.
type goal struct {
	order  int // position in the summary (the figure's number)
	name   string
	target string
	got    string
	met    string // "yes", "no" or "not measured"
	why    string // for "no" and "not measured": the measured reasons
}

// goalBook collects goals from the figures; the idle figure adds from its
// own goroutine, so it is locked.
type goalBook struct {
	mu   sync.Mutex
	list []goal
}

func (b *goalBook) add(g goal) {
	b.mu.Lock()
	b.list = append(b.list, g)
	b.mu.Unlock()
}

func verdict(ok bool) string {
	if ok {
		return "yes"
	}
	return "no"
}

// section renders the goals as the report's summary.
func (b *goalBook) section() report.Section {
	b.mu.Lock()
	list := slices.Clone(b.list)
	b.mu.Unlock()
	slices.SortStableFunc(list, func(x, y goal) int { return x.order - y.order })
	t := report.Table{Cols: []string{"goal", "target", "this run", "met"}}
	var why []string
	for _, g := range list {
		t.Rows = append(t.Rows, []string{g.name, g.target, g.got, g.met})
		if g.why != "" {
			why = append(why, "**"+g.name+".** "+g.why)
		}
	}
	return report.Section{
		Heading: "Summary: goals and where we fall short",
		Text: []string{"Each goal of issue 10 against this run's figure; below the table, for every goal missed " +
			"or not measured, what the run measured that explains it."},
		Tables: []report.Table{t},
		After:  why,
	}
}
