package netlab

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
)

// A role is code a test binary runs as a separate process inside one of the
// lab's namespaces (a process belongs to one network namespace; goroutines
// of one process cannot each have their own). The test binary re-executes
// itself with NETLAB_ROLE set; TestMain calls RunRole first thing.

const roleEnv = "NETLAB_ROLE"

var (
	rolesMu sync.Mutex
	roles   = map[string]func(args []string) int{}
)

// RegisterRole makes fn runnable as role name. Call it from init or TestMain
// before RunRole.
func RegisterRole(name string, fn func(args []string) int) {
	rolesMu.Lock()
	defer rolesMu.Unlock()
	roles[name] = fn
}

// RunRole runs the role named by NETLAB_ROLE and exits; it returns at once
// when the variable is unset (the normal test run).
func RunRole() {
	name := os.Getenv(roleEnv)
	if name == "" {
		return
	}
	rolesMu.Lock()
	fn := roles[name]
	rolesMu.Unlock()
	if fn == nil {
		fmt.Fprintf(os.Stderr, "netlab: unknown role %q\n", name)
		os.Exit(2)
	}
	os.Exit(fn(os.Args[1:]))
}

// Role starts this test binary as role name inside the host's namespace,
// with args after a "--" separator-free argument list (flags are the role's
// own). Extra environment variables may be given as "K=V".
func (h *Host) Role(ctx context.Context, name string, env []string, args ...string) (*exec.Cmd, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	cmd := h.Command(ctx, exe, args...)
	cmd.Env = append(append(os.Environ(), roleEnv+"="+name), env...)
	return cmd, nil
}

// StartRole starts role name in the host's namespace like Role and waits
// until the role prints its first line, which must be "ready" (a role that
// serves something prints it once it listens). The rest of its standard
// output is discarded; the lab stops the process on Close.
func (h *Host) StartRole(ctx context.Context, name string, args ...string) error {
	cmd, err := h.Role(ctx, name, nil, args...)
	if err != nil {
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("netlab: start %s on %s: %w", name, h.Name, err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		return fmt.Errorf("netlab: %s on %s did not get ready: %q", name, h.Name, line)
	}
	go func() { _, _ = io.Copy(io.Discard, out); _ = cmd.Wait() }()
	return nil
}
