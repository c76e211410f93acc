package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"rendezvous/bench/internal/proc"
)

// guiRun is what the desktop figure measures of one client.
type guiRun struct {
	window   time.Duration // start to its main window visible
	signedIn time.Duration // start to signed in with every contact subscribed (0: never)
	rss, pss int64         // at 60 s
	anon     int64         // anonymous part of rss
	idleCPU  time.Duration // CPU used from 60 s to 90 s
	threads  int
}

// display is an Xvfb server owned by the caller.
type display struct {
	p    *proc.Process
	name string
}

// startXvfb runs Xvfb on the first free display number from 90 and waits
// for its socket.
func startXvfb(ctx context.Context, e *env) (*display, error) {
	for n := 90; n < 110; n++ {
		sock := fmt.Sprintf("/tmp/.X11-unix/X%d", n)
		if _, err := os.Stat(sock); err == nil {
			continue
		}
		name := ":" + strconv.Itoa(n)
		ready := func() bool { _, err := os.Stat(sock); return err == nil }
		p, err := proc.StartWait(ctx, 20*time.Second, e.logs, nil, ready, "Xvfb", name,
			"-screen", "0", "1024x768x24", "-nolisten", "tcp")
		if err != nil {
			continue
		}
		return &display{p, name}, nil
	}
	return nil, fmt.Errorf("no Xvfb display could be started")
}

func (d *display) stop() { d.p.Stop(5 * time.Second) }

// missingTools names the commands of list that are not installed.
func missingTools(list ...string) []string {
	var out []string
	for _, t := range list {
		if _, err := exec.LookPath(t); err != nil {
			out = append(out, t)
		}
	}
	return out
}

// windowVisible reports whether a visible window whose name matches title
// exists on the display.
func windowVisible(ctx context.Context, disp, title string) bool {
	cmd := exec.CommandContext(ctx, "xdotool", "search", "--onlyvisible", "--name", title)
	cmd.Env = append(os.Environ(), "DISPLAY="+disp)
	out, err := cmd.Output()
	return err == nil && strings.TrimSpace(string(out)) != ""
}

// measureGUIWith starts a client with cmd (its environment already set),
// waits for its window and for signedIn (nil: not measured), and samples the
// process that pid finds (called at 60 s) for memory at 60 s and CPU from
// 60 s to 90 s. It stops the client before returning.
func measureGUIWith(ctx context.Context, disp string, cmd *exec.Cmd, title string, signedIn func() bool,
	pid func() (int, error)) (guiRun, error) {
	var r guiRun
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return r, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	}()
	for time.Since(t0) < 60*time.Second {
		select {
		case <-done:
			return r, fmt.Errorf("%s exited after %s", cmd.Path, time.Since(t0).Round(time.Millisecond))
		case <-ctx.Done():
			return r, ctx.Err()
		case <-time.After(25 * time.Millisecond):
		}
		if r.window == 0 && windowVisible(ctx, disp, title) {
			r.window = time.Since(t0)
		}
		if r.signedIn == 0 && signedIn != nil && signedIn() {
			r.signedIn = time.Since(t0)
		}
	}
	p, err := pid()
	if err != nil {
		return r, err
	}
	screenshot(ctx, disp, title)
	st, err := proc.ReadStats(p)
	if err != nil {
		return r, err
	}
	r.rss, r.anon, r.threads = st.RSS, st.RSSAnon, st.Threads
	r.pss = readPSS(p)
	time.Sleep(30 * time.Second)
	st2, err := proc.ReadStats(p)
	if err != nil {
		return r, err
	}
	r.idleCPU = st2.CPU - st.CPU
	return r, nil
}

// readPSS reads the proportional set size (shared pages divided among the
// processes that map them) from smaps_rollup; 0 if unreadable.
func readPSS(pid int) int64 {
	b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "smaps_rollup"))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == "Pss:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb << 10
		}
	}
	return 0
}

// screenshot saves the screen as PNG into $RVPBENCH_SHOTS (when set), for
// checking by eye what the client showed at 60 s. Failures are ignored.
func screenshot(ctx context.Context, disp, title string) {
	dir := os.Getenv("RVPBENCH_SHOTS")
	if dir == "" {
		return
	}
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, title)
	cmd := exec.CommandContext(ctx, "import", "-window", "root", filepath.Join(dir, name+".png"))
	cmd.Env = append(os.Environ(), "DISPLAY="+disp)
	cmd.Run()
}
