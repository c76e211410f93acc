package main

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"rendezvous/bench/internal/report"
	"rendezvous/bench/internal/rvpd"
	"rendezvous/bench/internal/rvpload"
	"rendezvous/internal/rvpwire"
)

// segHeader is the IPv4 + TCP header of one segment on this machine: 20 +
// 20 bytes plus the 12-byte timestamp option (net.ipv4.tcp_timestamps=1).
// Link framing (Ethernet: 18 bytes and more) is not counted.
const segHeader = 52

// idleRun is one idle client's measured window.
type idleRun struct {
	hold      int
	window    time.Duration
	cycles    int
	requests  int // POLLs written, 401 retries included
	w         rvpload.Wire
	proppatch rvpload.Wire // one status-lease refresh, measured alone
}

func idleSettings(e *env) (holds []int, window time.Duration, extra []string) {
	if e.quick {
		return []int{5, 10, 20}, 20 * time.Second, []string{"-poll-lifetime-default", "5",
			"-poll-lifetime-minimum", "1", "-poll-lifetime-maximum", "600"}
	}
	return []int{60, 300, 600}, 600 * time.Second, nil
}

func runIdle(ctx context.Context, e *env) (report.Section, error) {
	holds, window, extra := idleSettings(e)
	dir := filepath.Join(e.work, "idle")
	var aliases []string
	for _, h := range holds {
		aliases = append(aliases, "idle"+strconv.Itoa(h))
	}
	if err := rvpd.Seed(ctx, dir, aliases); err != nil {
		return report.Section{}, err
	}
	in, err := rvpd.Start(ctx, rvpd.Config{Bin: e.rvpdBin, DataDir: dir, Log: e.logs, Extra: extra})
	if err != nil {
		return report.Section{}, err
	}
	defer in.Stop(15 * time.Second)
	res := make(chan idleResultRun, len(holds))
	for i, h := range holds {
		go func() { r, err := idleClient(ctx, in.Addr, aliases[i], h, window); res <- idleResultRun{r, err} }()
	}
	runs := make([]idleRun, 0, len(holds))
	for range holds {
		r := <-res
		if r.err != nil {
			return report.Section{}, r.err
		}
		runs = append(runs, r.r)
	}
	slices.SortFunc(runs, func(a, b idleRun) int { return a.hold - b.hold })
	idleGoal(e, runs[len(runs)-1])
	return idleSection(runs, window), nil
}

type idleResultRun struct {
	r   idleRun
	err error
}

// idleClient signs in for polling, measures one status-lease refresh, then
// polls with the given hold for window/hold cycles and reads TCP_INFO
// before the first and after the last cycle.
func idleClient(ctx context.Context, addr, alias string, hold int, window time.Duration) (idleRun, error) {
	l, err := signInPoll(ctx, addr, nil, alias)
	if err != nil {
		return idleRun{}, err
	}
	defer l.Conn.Close()
	r := idleRun{hold: hold, cycles: int(window / (time.Duration(hold) * time.Second))}
	view, err := rvpload.SetState(l.Conn, l.Auth, rvpd.Domain, alias, rvpwire.StateOnline, "")
	if err != nil {
		return idleRun{}, err
	}
	p0, err := l.Conn.Wire()
	if err != nil {
		return idleRun{}, err
	}
	if _, err := rvpload.SetState(l.Conn, l.Auth, rvpd.Domain, alias, rvpwire.StateOnline, view); err != nil {
		return idleRun{}, err
	}
	p1, err := l.Conn.Wire()
	if err != nil {
		return idleRun{}, err
	}
	r.proppatch = diffWire(p1, p0)
	w0 := p1
	req0 := l.Conn.Requests
	t0 := time.Now()
	for range r.cycles {
		if _, err := l.Poll(hold); err != nil {
			return idleRun{}, err
		}
	}
	r.window = time.Since(t0)
	w1, err := l.Conn.Wire()
	if err != nil {
		return idleRun{}, err
	}
	r.w = diffWire(w1, w0)
	r.requests = l.Conn.Requests - req0
	return r, nil
}

func diffWire(a, b rvpload.Wire) rvpload.Wire {
	return rvpload.Wire{BytesSent: a.BytesSent - b.BytesSent, BytesReceived: a.BytesReceived - b.BytesReceived,
		SegsOut: a.SegsOut - b.SegsOut, SegsIn: a.SegsIn - b.SegsIn,
		DataSegsOut: a.DataSegsOut - b.DataSegsOut, DataSegsIn: a.DataSegsIn - b.DataSegsIn}
}

func (r idleRun) payload() float64 { return float64(r.w.BytesSent + r.w.BytesReceived) }
func (r idleRun) segs() float64    { return float64(r.w.SegsOut + r.w.SegsIn) }

func (r idleRun) dataSegs() float64 { return float64(r.w.DataSegsOut + r.w.DataSegsIn) }

func kib(b float64) string { return fmt.Sprintf("%.1f KiB", b/1024) }

func idleSection(runs []idleRun, window time.Duration) report.Section {
	t := report.Table{Cols: []string{"hold", "window", "POLL cycles", "requests (401 retries incl.)",
		"payload bytes", "segments (data / all)", "measured per client-hour", "arithmetic per client-hour",
		"+ lease refresh (3/h)"}}
	for _, r := range runs {
		perHour := 3600 / r.window.Seconds()
		measured := (r.payload() + segHeader*r.segs()) * perHour
		// The arithmetic: one POLL cycle's payload and data segments, times
		// the cycles an hour holds; no ACKs, keep-alives or retries.
		cycle := (r.payload() + segHeader*r.dataSegs()) / float64(max(r.cycles, 1))
		arith := cycle * 3600 / (r.window.Seconds() / float64(max(r.cycles, 1)))
		pp := float64(r.proppatch.BytesSent+r.proppatch.BytesReceived) +
			segHeader*float64(r.proppatch.SegsOut+r.proppatch.SegsIn)
		t.Rows = append(t.Rows, []string{fmt.Sprintf("%d s", r.hold), r.window.Round(time.Second).String(),
			fmt.Sprint(r.cycles), fmt.Sprint(r.requests), fmt.Sprintf("%.0f", r.payload()),
			fmt.Sprintf("%.0f / %.0f", r.dataSegs(), r.segs()), kib(measured), kib(arith), kib(3 * pp)})
	}
	return report.Section{
		Heading: "4. Idle cost on the wire",
		Text: []string{
			fmt.Sprintf("One polling client per hold, signed in to its own rvpd, idle for %s: nothing is sent to it, "+
				"so every POLL ends in 204 after the hold. Counts come from the kernel (TCP_INFO of the client's "+
				"socket: payload bytes and segments both ways, pure ACKs and keep-alive probes included), read "+
				"before the first POLL and after the last answer. Wire bytes = payload + %d bytes of IPv4+TCP header "+
				"(with timestamps) per segment; link framing is not counted. TCP keep-alive probes start after %s "+
				"of silence on the client (as in rvpclient) and after PollLifeTimeMaximum + 60 s on rvpd.", window, segHeader, rvpload.KeepAlive.Idle),
			"\"arithmetic\" is what the POLL cycles alone cost: one cycle's payload and data segments times the cycles " +
				"in an hour. \"measured\" is everything the socket saw in the window, scaled to an hour. The last column " +
				"is the status-lease refresh (PROPPATCH every 20 minutes, measured once on the same connection), which a " +
				"client that shows itself online also pays.",
		},
		Tables: []report.Table{t},
	}
}

// idleGoal compares the longest hold's measured cost with the arithmetic.
func idleGoal(e *env, r idleRun) {
	perHour := 3600 / r.window.Seconds()
	measured := (r.payload() + segHeader*r.segs()) * perHour
	cycle := (r.payload() + segHeader*r.dataSegs()) / float64(max(r.cycles, 1))
	arith := cycle * 3600 / (r.window.Seconds() / float64(max(r.cycles, 1)))
	ok := measured <= 1.25*arith
	g := goal{order: 4, name: fmt.Sprintf("Idle cost at a %d s hold", r.hold),
		target: fmt.Sprintf("the arithmetic: %s per client-hour", kib(arith)),
		got:    fmt.Sprintf("%s per client-hour measured", kib(measured)), met: verdict(ok)}
	if !ok {
		other := r.segs() - r.dataSegs()
		g.why = fmt.Sprintf("In %s the socket saw %.0f segments without payload next to %.0f data segments "+
			"(ACKs and any TCP keep-alive probes: %s per client-hour of headers alone).",
			r.window.Round(time.Second), other, r.dataSegs(), kib(segHeader*other*perHour))
	}
	if r.requests > r.cycles {
		g.why += fmt.Sprintf(" %d requests for %d POLLs: a hold longer than the 5-minute Digest nonce lifetime "+
			"costs a 401 round trip when the nonce has gone stale.", r.requests, r.cycles)
	}
	e.goals.add(g)
}
