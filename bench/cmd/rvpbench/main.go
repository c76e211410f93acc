// Command rvpbench measures the figures of docs/BENCHMARKS.md (issue 10):
// the loopback floor, push latency against an embedded NATS server,
// held-poll capacity, idle wire cost, presence fan-out and the desktop
// client. Run it with `make bench` from the repository root; it needs about
// 15 minutes and talks to loopback only.
//
// Usage:
//
//	rvpbench [-root DIR] [-out FILE] [-rvpd BIN] [-quick] [all|floor|push|capacity|idle|fanout|desktop]
//
// rvpbench also re-runs itself as child processes (serve-floor, serve-nats,
// hold); those words are internal.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"rendezvous/bench/internal/report"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(os.Args) > 1 && isChild(os.Args[1]) {
		if err := runChild(ctx, os.Args[1], os.Args[2:]); err != nil {
			fmt.Fprintln(os.Stderr, "rvpbench:", err)
			os.Exit(1)
		}
		return
	}
	if err := run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "rvpbench:", err)
		os.Exit(1)
	}
}

// env is what every figure needs. It is built once by run and read only.
type env struct {
	root    string    // the rendezvous module (repository root)
	work    string    // scratch directory, removed at the end
	rvpdBin string    // built from root/cmd/rvpd
	self    string    // this executable, for worker children
	logs    io.Writer // children's stderr
	out     io.Writer // progress and tables
	quick   bool      // small sizes, for a smoke run

	// floor is set by the first floor measurement; the figures run one
	// after another on the main goroutine, so it needs no lock.
	floor *floors

	goals   goalBook // targets met or missed, for the summary
	loadPre string   // load averages when the run started
}

func (e *env) logf(format string, args ...any) {
	fmt.Fprintf(e.out, "%s  %s\n", time.Now().Format("15:04:05"), fmt.Sprintf(format, args...))
}

// figure runs one benchmark and returns its section of the report.
type figure func(ctx context.Context, e *env) (report.Section, error)

var figures = []struct {
	name string
	run  figure
}{
	{"floor", runFloor},
	{"push", runPush},
	{"capacity", runCapacity},
	{"fanout", runFanout},
	{"desktop", runDesktop},
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("rvpbench", flag.ContinueOnError)
	root := fs.String("root", "..", "the rendezvous repository root")
	out := fs.String("out", "", "write the Markdown report to this file (all only)")
	quick := fs.Bool("quick", false, "small sizes and short runs (smoke test; figures not comparable)")
	rvpdBin := fs.String("rvpd", "", "use this rvpd binary instead of building ROOT/cmd/rvpd")
	if err := fs.Parse(args); err != nil {
		return err
	}
	which := "all"
	if fs.NArg() > 0 {
		which = fs.Arg(0)
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("unexpected %q: flags go before the figure name", fs.Arg(1))
	}
	if !knownFigure(which) {
		return fmt.Errorf("unknown figure %q (all, floor, push, capacity, idle, fanout, desktop)", which)
	}
	e, cleanup, err := newEnv(ctx, *root, *rvpdBin, *quick)
	if err != nil {
		return err
	}
	defer cleanup()
	doc := &report.Doc{Command: command(), Started: time.Now(), Machine: report.Describe(e.work), LoadPre: report.LoadAvg()}
	for _, l := range doc.Machine.Lines() {
		e.logf("%s", l)
	}
	e.logf("load average: %s", doc.LoadPre)
	e.loadPre = doc.LoadPre
	if err := runFigures(ctx, e, which, doc); err != nil {
		return err
	}
	sum := e.goals.section()
	report.WriteText(e.out, sum, doc.Command, doc.Machine)
	doc.Sections = append([]report.Section{sum}, doc.Sections...)
	doc.Elapsed = time.Since(doc.Started)
	doc.LoadPost = report.LoadAvg()
	e.logf("load average: %s", doc.LoadPost)
	if *out == "" {
		return nil
	}
	f, err := os.Create(*out)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return errors.Join(report.WriteMarkdown(f, doc), f.Close())
}

// runFigures runs the chosen figures in order. The idle figure runs for ten
// minutes at almost no load, so under "all" it runs in the background
// beside the others, against its own rvpd.
func runFigures(ctx context.Context, e *env, which string, doc *report.Doc) error {
	var idle chan idleResult
	if which == "all" || which == "idle" {
		idle = make(chan idleResult, 1)
		go func() { s, err := runIdle(ctx, e); idle <- idleResult{s, err} }()
	}
	for _, f := range figures {
		if which != "all" && which != f.name {
			continue
		}
		e.logf("figure %s: start", f.name)
		s, err := f.run(ctx, e)
		if err != nil {
			return fmt.Errorf("%s: %w", f.name, err)
		}
		report.WriteText(e.out, s, doc.Command, doc.Machine)
		doc.Sections = append(doc.Sections, s)
	}
	if idle != nil {
		e.logf("figure idle: waiting for the background run")
		r := <-idle
		if r.err != nil {
			return fmt.Errorf("idle: %w", r.err)
		}
		report.WriteText(e.out, r.s, doc.Command, doc.Machine)
		doc.Sections = insertIdle(doc.Sections, r.s)
	}
	return nil
}

func knownFigure(name string) bool {
	if name == "all" || name == "idle" {
		return true
	}
	for _, f := range figures {
		if f.name == name {
			return true
		}
	}
	return false
}

type idleResult struct {
	s   report.Section
	err error
}

// insertIdle puts the idle section after capacity, keeping the order.
func insertIdle(ss []report.Section, idle report.Section) []report.Section {
	for i, s := range ss {
		if strings.HasPrefix(s.Heading, "5.") {
			return append(ss[:i], append([]report.Section{idle}, ss[i:]...)...)
		}
	}
	return append(ss, idle)
}

func newEnv(ctx context.Context, root, rvpdBin string, quick bool) (*env, func(), error) {
	abs, err := filepath.Abs(root)
	if err != nil {
		return nil, nil, err
	}
	work, err := os.MkdirTemp("", "rvpbench-")
	if err != nil {
		return nil, nil, err
	}
	logs, err := os.Create(filepath.Join(work, "children.log"))
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { logs.Close(); os.RemoveAll(work) }
	e := &env{root: abs, work: work, logs: logs, out: os.Stdout, quick: quick}
	if e.self, err = os.Executable(); err != nil {
		cleanup()
		return nil, nil, err
	}
	if rvpdBin != "" {
		e.rvpdBin, err = filepath.Abs(rvpdBin)
		return e, cleanup, err
	}
	e.logf("building rvpd from %s", abs)
	if e.rvpdBin, err = buildRvpd(ctx, abs, work); err != nil {
		cleanup()
		return nil, nil, err
	}
	return e, cleanup, nil
}

// command is the exact command line as a reader should type it.
func command() string {
	if c := os.Getenv("RVPBENCH_COMMAND"); c != "" {
		return c
	}
	return strings.Join(append([]string{"rvpbench"}, os.Args[1:]...), " ")
}
