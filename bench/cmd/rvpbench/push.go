package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"rendezvous/bench/internal/natsbench"
	"rendezvous/bench/internal/pace"
	"rendezvous/bench/internal/proc"
	"rendezvous/bench/internal/report"
	"rendezvous/bench/internal/rvpd"
	"rendezvous/bench/internal/rvpload"
	"rendezvous/bench/internal/stats"
	"rendezvous/internal/digest"
)

// pushConfig is the publisher's schedule.
type pushConfig struct {
	rate       int           // IMs per second
	warm, dur  time.Duration // warm-up (not measured), then measured
	publishers int           // connections the publisher sends on
}

func pushSettings(e *env) ([]int, pushConfig) {
	if e.quick {
		return []int{1, 100, 1000}, pushConfig{rate: 200, warm: time.Second, dur: 3 * time.Second, publishers: 8}
	}
	return []int{1, 1000, 10000}, pushConfig{rate: 500, warm: 2 * time.Second, dur: 10 * time.Second, publishers: 16}
}

// publishIMs sends IMs from "pub" to random recipients at pc.rate, on
// pc.publishers keep-alive connections, first pc.warm of warm-up messages,
// then pc.dur of measured ones. It returns the measured messages sent and
// those answered 200.
func publishIMs(ctx context.Context, addr string, aliases []string, rec *recorder, pc pushConfig) (sent, ok, all int64, err error) {
	type job struct {
		to   string
		warm bool
	}
	jobs := make(chan job, 4096)
	var (
		nSent, nOK atomic.Int64
		nAll       atomic.Int64
		skipped    atomic.Int64
		wg         sync.WaitGroup
		firstErr   error
		errOnce    sync.Once
	)
	for range pc.publishers {
		c, err := rvpload.Dial(ctx, addr, nil, addr)
		if err != nil {
			close(jobs)
			wg.Wait()
			return 0, 0, 0, err
		}
		auth, _ := digest.NewClient("pub", rvpd.Password("pub"))
		wg.Go(func() {
			defer c.Close()
			for j := range jobs {
				st, err := rvpload.Notify(c, auth, rvpd.Domain, "pub", j.to, rec.stamp(j.warm))
				if err != nil {
					errOnce.Do(func() { firstErr = err })
					return
				}
				nAll.Add(1)
				if !j.warm {
					nSent.Add(1)
					if st == http.StatusOK {
						nOK.Add(1)
					}
				}
			}
		})
	}
	warmN := int(int64(pc.rate) * int64(pc.warm) / int64(time.Second))
	pace.Run(ctx, pc.rate, pc.warm+pc.dur, func(i int) {
		select {
		case jobs <- job{to: aliases[rand.IntN(len(aliases))], warm: i < warmN}:
		default: // every publisher busy and the queue full: counted as skipped
			skipped.Add(1)
		}
	})
	close(jobs)
	wg.Wait()
	if k := skipped.Load(); k > 0 && firstErr == nil {
		firstErr = fmt.Errorf("publisher saturated: %d IMs could not be queued", k)
	}
	return nSent.Load(), nOK.Load(), nAll.Load(), firstErr
}

func pushNATS(ctx context.Context, e *env, n int, pc pushConfig) (stats.Summary, error) {
	p, f, err := proc.Start(ctx, 30*time.Second, e.logs, nil, e.self, "serve-nats")
	if err != nil {
		return stats.Summary{}, err
	}
	defer p.Stop(10 * time.Second)
	if len(f) != 1 {
		return stats.Summary{}, fmt.Errorf("serve-nats: bad readiness line %q", f)
	}
	return natsbench.Run(ctx, natsbench.Config{Addr: f[0], N: n, Rate: pc.rate, Duration: pc.dur, Payload: 700})
}

func runPush(ctx context.Context, e *env) (report.Section, error) {
	fl, err := measureFloor(ctx, e)
	if err != nil {
		return report.Section{}, err
	}
	sizes, pc := pushSettings(e)
	t := report.Table{Cols: []string{"N", "transport", "samples", "p50", "p99", "p99.9",
		"p50 / floor", "p99 / floor", "delivered", "rvpd CPU per IM"}}
	ratio := func(s stats.Summary) []string {
		return []string{stats.Ratio(s.P50, fl.http.P50), stats.Ratio(s.P99, fl.http.P99)}
	}
	var pollMax pushResult
	var natsMax stats.Summary
	for _, n := range sizes {
		for _, mode := range []string{"poll", "callback"} {
			e.logf("push: N=%d mode=%s", n, mode)
			r, err := pushRVP(ctx, e, mode, n, pc)
			if err != nil {
				return report.Section{}, fmt.Errorf("push n=%d %s: %w", n, mode, err)
			}
			if mode == "poll" {
				pollMax = r
			}
			name := map[string]string{"poll": "RVP Polling", "callback": "RVP Default (callback)"}[mode]
			t.Rows = append(t.Rows, append(append([]string{fmt.Sprint(n), name, fmt.Sprint(r.lat.N),
				stats.Ms(r.lat.P50), stats.Ms(r.lat.P99), stats.Ms(r.lat.P999)}, ratio(r.lat)...),
				fmt.Sprintf("%d/%d (200: %d)", r.received, r.sent, r.ok),
				fmt.Sprintf("%.0f µs", float64(r.cpuPerMsg)/float64(time.Microsecond))))
		}
		e.logf("push: N=%d NATS", n)
		s, err := pushNATS(ctx, e, n, pc)
		if err != nil {
			return report.Section{}, fmt.Errorf("push n=%d nats: %w", n, err)
		}
		natsMax = s
		t.Rows = append(t.Rows, append(append([]string{fmt.Sprint(n), "NATS core (embedded)", fmt.Sprint(s.N),
			stats.Ms(s.P50), stats.Ms(s.P99), stats.Ms(s.P999)}, ratio(s)...), fmt.Sprintf("%d", s.N), "-"))
	}
	pushGoal(e, sizes[len(sizes)-1], pc, pollMax, natsMax, fl)
	return report.Section{
		Heading: "2. Push latency",
		Text: []string{
			fmt.Sprintf("N recipients are signed in to a fresh rvpd (separate process, bolt database). A publisher "+
				"(user `pub`) sends IMs (NOTIFY, `RVP-Ack-Type: DeepOr`, Digest-authenticated) to random "+
				"recipients at %d per second on %d keep-alive connections: %s of warm-up, then %s measured. "+
				"Latency runs from just before the publisher builds and writes the NOTIFY to the moment the "+
				"recipient has read the whole poll answer or callback request that carries the IM (parsing comes after). Polling: each recipient holds "+
				"one POLL on its own keep-alive connection and re-polls at once after every answer, acknowledging "+
				"what it got. Default: each recipient registered a callback URL on one of 16 listeners in the "+
				"harness; rvpd opens a new connection for every NOTIFY.", pc.rate, pc.publishers, pc.warm, pc.dur),
			"NATS: the same shape over an embedded NATS core server (v2.15.2, its own process): N subscriber " +
				"connections, one subject each, one publisher connection, 700-byte payloads at the same rate; the " +
				"ceiling for a client that keeps one full-duplex connection open.",
			"Ratios are to the HTTP keep-alive floor of figure 1 (p50 to p50, p99 to p99). \"delivered\" is " +
				"measured IMs received / measured IMs sent (and how many the server answered 200). rvpd CPU per IM is " +
				"rvpd's user+system CPU from the first warm-up IM to the last delivery, divided by all IMs sent " +
				"(warm-up included): what one IM costs the server, POLL re-arm or callback connection included.",
		},
		Tables: []report.Table{t},
	}, nil
}

// pushGoal records the polling p99 goal at the largest N.
func pushGoal(e *env, n int, pc pushConfig, r pushResult, nats stats.Summary, fl floors) {
	ok := r.lat.N > 0 && r.lat.P99 <= 5*time.Millisecond
	g := goal{order: 2, name: fmt.Sprintf("Push latency, Polling, %d held polls", n), target: "p99 at or below 5 ms",
		got: fmt.Sprintf("p50 %s, p99 %s, p99.9 %s", stats.Ms(r.lat.P50), stats.Ms(r.lat.P99), stats.Ms(r.lat.P999)),
		met: verdict(ok)}
	if !ok {
		busy := 100 * float64(r.cpuPerMsg) * float64(pc.rate) / float64(time.Second)
		g.why = fmt.Sprintf("The median IM arrives in %s (%s the HTTP floor) but the tail is long. rvpd spends %s "+
			"of CPU per IM: the Digest-checked NOTIFY, the durable write to bolt that must finish before the 200, "+
			"the POLL answer and the next Digest-checked POLL. At %d IMs/s that keeps %.0f%% of one CPU busy, on a "+
			"2-CPU machine that rvpd shares with %d client goroutines and the publisher, so any burst or collection "+
			"queues behind the others. NATS on the same machine, with no per-message authentication, disk write or "+
			"request per delivery, reaches p99 %s. Load average when the run started: %s.",
			stats.Ms(r.lat.P50), stats.Ratio(r.lat.P50, fl.http.P50), stats.Ms(r.cpuPerMsg), pc.rate, busy, n,
			stats.Ms(nats.P99), e.loadPre)
	}
	e.goals.add(g)
}
