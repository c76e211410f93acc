package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"time"

	"rendezvous/bench/internal/proc"
	"rendezvous/bench/internal/report"
	"rendezvous/bench/internal/rvpd"
)

// capSample is rvpd's memory at a number of held polls during the ramp.
type capSample struct {
	held int
	rss  int64
}

func capacitySettings(e *env) (n, workers int, rest time.Duration) {
	if e.quick {
		return 2000, 2, 5 * time.Second
	}
	// 125 s: the Go runtime forces a collection every 2 minutes, so the
	// rest window ends after one whose gctrace line gives the live heap and
	// the goroutine stacks with every poll held.
	return 19000, 4, 125 * time.Second
}

func runCapacity(ctx context.Context, e *env) (report.Section, error) {
	n, workers, rest := capacitySettings(e)
	dir := filepath.Join(e.work, "capacity")
	if err := rvpd.Seed(ctx, dir, rvpd.Aliases("u", n)); err != nil {
		return report.Section{}, err
	}
	baseG, baseGC, err := idleGoroutines(ctx, e, dir)
	if err != nil {
		return report.Section{}, err
	}
	e.logf("capacity: %d goroutines with no clients", baseG)
	dump := filepath.Join(e.work, "capacity-rvpd.stderr")
	f, err := os.Create(dump)
	if err != nil {
		return report.Section{}, err
	}
	defer f.Close()
	in, err := rvpd.Start(ctx, rvpd.Config{Bin: e.rvpdBin, DataDir: dir, Log: f,
		Env: []string{"GOTRACEBACK=all", "GODEBUG=gctrace=1"}})
	if err != nil {
		return report.Section{}, err
	}
	defer in.Stop(15 * time.Second)
	started := time.Now()
	time.Sleep(2 * time.Second)
	base, err := proc.ReadStats(in.Pid())
	if err != nil {
		return report.Section{}, err
	}
	e.logf("capacity: rvpd at rest with %d accounts: RSS %s", n, mib(base.RSS))
	t0 := time.Now()
	stopWorkers, err := startHolders(ctx, e, in.Addr, n, workers)
	if err != nil {
		return report.Section{}, err
	}
	defer stopWorkers()
	samples, err := rampSamples(ctx, in, n, 4*time.Minute)
	if err != nil {
		return report.Section{}, err
	}
	ramp := time.Since(t0)
	rampEnd := time.Since(started)
	failed := n - samples[len(samples)-1].held
	e.logf("capacity: %d polls held after %s; resting %s", n-failed, ramp.Round(time.Second), rest)
	time.Sleep(5 * time.Second)
	before, err := proc.ReadStats(in.Pid())
	if err != nil {
		return report.Section{}, err
	}
	time.Sleep(rest)
	after, err := proc.ReadStats(in.Pid())
	if err != nil {
		return report.Section{}, err
	}
	held, _, _ := in.Metric("rvpd_polls_held")
	g, err := quitAndCount(in, dump)
	if err != nil {
		return report.Section{}, err
	}
	gc, err := lastGC(dump)
	if err != nil {
		return report.Section{}, err
	}
	return capacitySection(e, capResult{n: n, failed: failed, held: int(held), workers: workers, ramp: ramp, rest: rest,
		base: base, after: after, cpu: after.CPU - before.CPU, baseG: baseG, g: g, samples: samples,
		gc: gc, baseGC: baseGC, rampEnd: rampEnd}), nil
}

// startHolders starts the worker processes, each with its own source
// address 127.0.0.<2+i>; they sign in and poll in the background.
func startHolders(ctx context.Context, e *env, addr string, n, workers int) (func(), error) {
	var ps []*proc.Process
	stop := func() {
		for _, p := range ps {
			p.Stop(10 * time.Second)
		}
	}
	type ready struct {
		p   *proc.Process
		err error
	}
	ch := make(chan ready, workers)
	per := (n + workers - 1) / workers
	for i := range workers {
		from, count := i*per, min(per, n-i*per)
		go func() {
			p, _, err := proc.Start(ctx, 30*time.Second, e.logs, nil, e.self, "hold", "-addr", addr,
				"-local", fmt.Sprintf("127.0.0.%d", 2+i), "-from", strconv.Itoa(from), "-count", strconv.Itoa(count))
			ch <- ready{p, err}
		}()
	}
	var firstErr error
	for range workers {
		r := <-ch
		if r.err != nil {
			firstErr = r.err
			continue
		}
		ps = append(ps, r.p)
	}
	if firstErr != nil {
		stop()
		return nil, firstErr
	}
	return stop, nil
}

// rampSamples waits until rvpd holds want polls, or the count has not
// grown for 15 s (sign-ins failed), noting RSS on the way.
func rampSamples(ctx context.Context, in *rvpd.Instance, want int, limit time.Duration) ([]capSample, error) {
	var out []capSample
	deadline := time.Now().Add(limit)
	grew := time.Now()
	for {
		v, ok, err := in.Metric("rvpd_polls_held")
		if err != nil || !ok {
			return nil, fmt.Errorf("polls held: %v (exported: %v)", err, ok)
		}
		st, err := proc.ReadStats(in.Pid())
		if err != nil {
			return nil, err
		}
		if len(out) == 0 || int(v) > out[len(out)-1].held {
			grew = time.Now()
		}
		out = append(out, capSample{int(v), st.RSS})
		if int(v) >= want || (v > 0 && time.Since(grew) > 15*time.Second) {
			return out, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return nil, fmt.Errorf("only %d of %d polls held after %s", int(v), want, limit)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// idleGoroutines runs rvpd on the capacity database with no client, counts
// its goroutines from a SIGQUIT dump and returns its last GC line (zero if
// it collected nothing).
func idleGoroutines(ctx context.Context, e *env, dir string) (int, gcLine, error) {
	dump := filepath.Join(e.work, "idle-rvpd.stderr")
	f, err := os.Create(dump)
	if err != nil {
		return 0, gcLine{}, err
	}
	defer f.Close()
	in, err := rvpd.Start(ctx, rvpd.Config{Bin: e.rvpdBin, DataDir: dir, Log: f,
		Env: []string{"GOTRACEBACK=all", "GODEBUG=gctrace=1"}})
	if err != nil {
		return 0, gcLine{}, err
	}
	time.Sleep(2 * time.Second)
	n, err := quitAndCount(in, dump)
	if err != nil {
		return 0, gcLine{}, err
	}
	gc, _ := lastGC(dump)
	return n, gc, nil
}

var goroutineHeader = regexp.MustCompile(`^goroutine [1-9][0-9]* `)

// quitAndCount sends SIGQUIT (the Go runtime then prints every goroutine
// with GOTRACEBACK=all and exits) and counts the goroutines in the dump.
func quitAndCount(in *rvpd.Instance, dump string) (int, error) {
	if err := in.Signal(syscall.SIGQUIT); err != nil {
		return 0, err
	}
	if !in.Wait(30 * time.Second) {
		return 0, fmt.Errorf("rvpd did not exit on SIGQUIT")
	}
	f, err := os.Open(dump)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		if goroutineHeader.Match(sc.Bytes()) {
			n++
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("no goroutine dump in %s", dump)
	}
	return n, sc.Err()
}

// gcLine is what one gctrace line says about memory.
type gcLine struct {
	at     time.Duration // since rvpd started
	liveMB int           // heap live after the collection
	stacks int           // MB of goroutine stacks scanned
}

var gcTrace = regexp.MustCompile(`^gc \d+ @([0-9.]+)s .* \d+->\d+->(\d+) MB, .*?(\d+) MB stacks`)

// lastGC returns the last gctrace line of rvpd's stderr.
func lastGC(path string) (gcLine, error) {
	f, err := os.Open(path)
	if err != nil {
		return gcLine{}, err
	}
	defer f.Close()
	var last gcLine
	found := false
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := gcTrace.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		sec, _ := strconv.ParseFloat(m[1], 64)
		live, _ := strconv.Atoi(m[2])
		st, _ := strconv.Atoi(m[3])
		last, found = gcLine{time.Duration(sec * float64(time.Second)), live, st}, true
	}
	if !found {
		return gcLine{}, fmt.Errorf("no gctrace line in %s", path)
	}
	return last, sc.Err()
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
