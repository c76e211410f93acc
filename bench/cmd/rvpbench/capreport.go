package main

import (
	"fmt"
	"time"

	"rendezvous/bench/internal/proc"
	"rendezvous/bench/internal/report"
)

type capResult struct {
	n, failed, held, workers int
	ramp, rest               time.Duration
	base, after              proc.Stats
	cpu                      time.Duration
	baseG, g                 int
	samples                  []capSample
	gc, baseGC               gcLine
	rampEnd                  time.Duration // since rvpd started
}

func capacitySection(e *env, r capResult) report.Section {
	perPoll := float64(r.after.RSS-r.base.RSS) / float64(max(r.held, 1))
	gPer := float64(r.g-r.baseG) / float64(max(r.held, 1))
	cpuPct := 100 * float64(r.cpu) / float64(r.rest)
	summary := report.Table{
		Cols: []string{"measure", "value"},
		Rows: [][]string{
			{"held POLLs (rvpd_polls_held)", fmt.Sprintf("%d of %d (sign-in failures: %d)", r.held, r.n, r.failed)},
			{"ramp: first sign-in to all held", r.ramp.Round(100 * time.Millisecond).String()},
			{"rvpd RSS, no clients (accounts loaded)", mib(r.base.RSS)},
			{"rvpd RSS, all polls held", mib(r.after.RSS)},
			{"RSS per held poll", fmt.Sprintf("%.1f KiB", perPoll/1024)},
			{"goroutines, no clients / all held", fmt.Sprintf("%d / %d", r.baseG, r.g)},
			{"goroutines per held poll", fmt.Sprintf("%.2f", gPer)},
			{"OS threads, all held", fmt.Sprint(r.after.Threads)},
			{fmt.Sprintf("CPU at rest (%s, all held)", r.rest), fmt.Sprintf("%.3f%% of one core (%s in %d ticks of 10 ms)",
				cpuPct, r.cpu, r.cpu/(10*time.Millisecond))},
			{"last GC (gctrace)", fmt.Sprintf("at %.0f s (ramp ended at %.0f s): live heap %d MB, goroutine stacks %d MB",
				r.gc.at.Seconds(), r.rampEnd.Seconds(), r.gc.liveMB, r.gc.stacks)},
			{"last GC with no clients", fmt.Sprintf("live heap %d MB, stacks (scanned) %d MB", r.baseGC.liveMB, r.baseGC.stacks)},
			{"live heap + stacks per held poll (last GCs)", fmt.Sprintf("%.1f KiB",
				float64((r.gc.liveMB+r.gc.stacks-r.baseGC.liveMB-r.baseGC.stacks)<<20)/float64(max(r.held, 1))/1024)},
		},
	}
	ramp := report.Table{Cols: []string{"held polls", "rvpd RSS", "KiB per held poll (from no clients)"}}
	for _, q := range []float64{0.25, 0.5, 0.75, 1} {
		s := nearestSample(r.samples, int(q*float64(r.held)))
		per := "-"
		if s.held > 0 {
			per = fmt.Sprintf("%.1f", float64(s.rss-r.base.RSS)/float64(s.held)/1024)
		}
		ramp.Rows = append(ramp.Rows, []string{fmt.Sprint(s.held), mib(s.rss), per})
	}
	liveKiB := float64((r.gc.liveMB+r.gc.stacks-r.baseGC.liveMB-r.baseGC.stacks)<<20) / float64(max(r.held, 1)) / 1024
	g := goal{order: 3, name: fmt.Sprintf("Memory per held poll (%d held)", r.held), target: "at most 20 KiB",
		got: fmt.Sprintf("%.1f KiB RSS (%.1f KiB live heap + stacks)", perPoll/1024, liveKiB), met: verdict(perPoll <= 20*1024)}
	if perPoll > 20*1024 {
		g.why = fmt.Sprintf("Each held POLL keeps %.2f goroutines in rvpd (measured): net/http's goroutine for the "+
			"connection and the background reader net/http runs while a handler is busy, each with its own stack, "+
			"next to net/http's per-connection read and write buffers and the login's own state. The last "+
			"collection found %.1f KiB of live heap and stacks per poll; RSS adds the collector's headroom (GOGC=100 "+
			"lets the heap grow to twice the live size) and freed pages not yet returned to the OS. Getting under "+
			"20 KiB needs fewer goroutines and buffers per held POLL than net/http's connection model gives (for "+
			"example taking a held POLL's connection over with Hijack and releasing the buffers while it waits), "+
			"or a memory limit (GOMEMLIMIT) that trades CPU for headroom.", gPer, liveKiB)
	}
	e.goals.add(g)
	verdict := "meets"
	if perPoll > 20*1024 {
		verdict = "misses"
	}
	return report.Section{
		Heading: "3. Held-poll capacity",
		Text: []string{
			fmt.Sprintf("A fresh rvpd (separate process) with %d accounts. %d worker processes, each with its own "+
				"source address (127.0.0.2 and up), sign their share of the users in for polling (one keep-alive "+
				"connection each, Digest auth) and hold one POLL each with a requested hold of 600 s, re-polling "+
				"after every answer. RSS and CPU come from /proc/<rvpd>/status and /stat. Goroutines come from the Go "+
				"runtime's own dump: rvpd runs with GOTRACEBACK=all and gets SIGQUIT at the end (and once more in a "+
				"separate rvpd on the same database with no clients, for the baseline). rvpd also runs with "+
				"GODEBUG=gctrace=1; the last collection's line gives the live heap and stack sizes, which RSS "+
				"overstates by the garbage the collector has not yet reclaimed (GOGC=100) and by memory not yet "+
				"returned to the OS. The rest window sees no POLL "+
				"answered: with 600 s holds, each client costs one POLL cycle per 10 minutes, %.0f cycles per second "+
				"for %d clients, whose CPU the push figure prices per request.", r.n, r.workers, float64(r.held)/600, r.held),
			fmt.Sprintf("Goal: at most 20 KiB per held poll; this run %s it (%.1f KiB).", verdict, perPoll/1024),
		},
		Tables: []report.Table{summary, ramp},
	}
}

// nearestSample returns the first sample with at least held polls.
func nearestSample(ss []capSample, held int) capSample {
	for _, s := range ss {
		if s.held >= held {
			return s
		}
	}
	if len(ss) > 0 {
		return ss[len(ss)-1]
	}
	return capSample{}
}
