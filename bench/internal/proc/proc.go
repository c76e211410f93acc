// Package proc starts the helper processes of a benchmark (rvpd, the
// embedded NATS server, load workers), reads their readiness line and
// measures them from /proc.
//
// A Process is owned by the goroutine that started it; Stop may be called
// once from that owner. Stats may be called from any goroutine.
package proc

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// ErrNotReady means a child exited or timed out before it printed its
// readiness line.
var ErrNotReady = errors.New("proc: child not ready")

// Process is a running child.
type Process struct {
	cmd   *exec.Cmd
	Lines *bufio.Scanner // the child's stdout after the readiness line
	done  chan error
}

// Start runs name with args and env (appended to the environment), sends
// stderr to errw, and waits up to timeout for a stdout line that starts
// with "READY"; it returns that line's remaining fields.
func Start(ctx context.Context, timeout time.Duration, errw io.Writer, env []string, name string, args ...string) (*Process, []string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = errw
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, nil, fmt.Errorf("proc: %s: %w", name, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, nil, fmt.Errorf("proc: start %s: %w", name, err)
	}
	p := &Process{cmd: cmd, Lines: bufio.NewScanner(out), done: make(chan error, 1)}
	p.Lines.Buffer(make([]byte, 64<<10), 1<<20)
	ready := make(chan []string, 1)
	go func() {
		for p.Lines.Scan() {
			if f := strings.Fields(p.Lines.Text()); len(f) > 0 && f[0] == "READY" {
				ready <- f[1:]
				return
			}
		}
		close(ready)
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case f, ok := <-ready:
		if ok {
			go func() { p.done <- cmd.Wait() }()
			return p, f, nil
		}
	case <-t.C:
	case <-ctx.Done():
	}
	cmd.Process.Kill()
	cmd.Wait()
	return nil, nil, fmt.Errorf("%w: %s", ErrNotReady, name)
}

// StartWait runs a child that prints no readiness line (rvpd) and is ready
// once ready returns true; env is appended to the environment.
func StartWait(ctx context.Context, timeout time.Duration, errw io.Writer, env []string, ready func() bool, name string, args ...string) (*Process, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stderr = errw
	cmd.Stdout = errw
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("proc: start %s: %w", name, err)
	}
	p := &Process{cmd: cmd, done: make(chan error, 1)}
	go func() { p.done <- cmd.Wait() }()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) && ctx.Err() == nil {
		select {
		case err := <-p.done:
			return nil, fmt.Errorf("%w: %s exited: %v", ErrNotReady, name, err)
		case <-time.After(20 * time.Millisecond):
		}
		if ready() {
			return p, nil
		}
	}
	p.Stop(time.Second)
	return nil, fmt.Errorf("%w: %s", ErrNotReady, name)
}

// Pid returns the child's process id.
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Signal sends sig to the child.
func (p *Process) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Wait waits up to d for the child to exit and reports whether it did.
func (p *Process) Wait(d time.Duration) bool {
	select {
	case err := <-p.done:
		p.done <- err
		return true
	case <-time.After(d):
		return false
	}
}

// Stop sends SIGTERM, waits up to grace, then kills the child.
func (p *Process) Stop(grace time.Duration) {
	p.cmd.Process.Signal(syscall.SIGTERM)
	if !p.Wait(grace) {
		p.cmd.Process.Kill()
		p.Wait(5 * time.Second)
	}
}

// Stats is a snapshot of a process from /proc.
type Stats struct {
	RSS     int64         // resident set, bytes
	RSSAnon int64         // of which anonymous memory (heap, stacks, buffers)
	RSSFile int64         // of which file-backed pages (binary, shared libraries)
	CPU     time.Duration // user+system time so far
	Threads int
}

// ReadStats reads /proc/<pid>/status and /proc/<pid>/stat.
func ReadStats(pid int) (Stats, error) {
	var s Stats
	st, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return s, fmt.Errorf("proc: stats %d: %w", pid, err)
	}
	for line := range strings.Lines(string(st)) {
		f := strings.Fields(line)
		switch {
		case len(f) >= 2 && f[0] == "VmRSS:":
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			s.RSS = kb << 10
		case len(f) >= 2 && f[0] == "RssAnon:":
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			s.RSSAnon = kb << 10
		case len(f) >= 2 && f[0] == "RssFile:":
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			s.RSSFile = kb << 10
		case len(f) >= 2 && f[0] == "Threads:":
			s.Threads, _ = strconv.Atoi(f[1])
		}
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return s, fmt.Errorf("proc: stats %d: %w", pid, err)
	}
	// Fields after the parenthesised command name; utime and stime are
	// fields 14 and 15 of the whole line (clock ticks, 100 per second on
	// Linux).
	_, rest, _ := strings.Cut(string(stat), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return s, fmt.Errorf("proc: stats %d: short stat line", pid)
	}
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	stt, _ := strconv.ParseInt(f[12], 10, 64)
	s.CPU = time.Duration(ut+stt) * 10 * time.Millisecond
	return s, nil
}

// Self returns the running executable, for re-running the harness as a
// worker child.
func Self() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("proc: own executable: %w", err)
	}
	return exe, nil
}
