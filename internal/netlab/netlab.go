// Package netlab builds the firewall scenario of the seed documents out of
// real Linux network namespaces: a host "woodgrove" (Kari's desk, behind a
// firewall), a host "humongous" (the RVP server and alice) and a router
// between them whose nftables ruleset is the firewall. It is used by tests
// only and needs root; Available reports why it cannot run.
//
// Addresses come from the documentation ranges (RFC 5737) and exist only
// inside the namespaces a Lab creates:
//
//	woodgrove 198.51.100.2 --- 198.51.100.1 router 203.0.113.1 --- 203.0.113.2 humongous
//
// Every namespace and process a Lab starts is removed by Close, which tests
// register with t.Cleanup so that a failing test cleans up too.
package netlab

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// The addresses of the lab's hosts.
const (
	WoodgroveAddr       = "198.51.100.2"
	RouterWoodgroveAddr = "198.51.100.1"
	RouterHumongousAddr = "203.0.113.1"
	HumongousAddr       = "203.0.113.2"
)

// Available reports why labs cannot be built on this machine (not root, no
// ip or nft command, network namespaces refused), or nil.
func Available() error {
	if os.Geteuid() != 0 {
		return errors.New("netlab: network namespaces need root")
	}
	for _, cmd := range []string{"ip", "nft"} {
		if _, err := exec.LookPath(cmd); err != nil {
			return fmt.Errorf("netlab: %s not installed (make deps installs iproute2 and nftables)", cmd)
		}
	}
	name := "nlprobe" + randomID()
	if out, err := exec.Command("ip", "netns", "add", name).CombinedOutput(); err != nil {
		return fmt.Errorf("netlab: ip netns add refused: %v: %s", err, bytes.TrimSpace(out))
	}
	_ = exec.Command("ip", "netns", "del", name).Run()
	return nil
}

func randomID() string {
	var b [3]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Host is one network namespace of a lab.
type Host struct {
	Name string // namespace name
	lab  *Lab
}

// Command returns a command that runs inside the host's namespace. The lab
// kills it (and waits for it) on Close if it is still running.
func (h *Host) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", h.Name, name}, args...)...)
	cmd.WaitDelay = 5 * time.Second
	h.lab.track(cmd)
	return cmd
}

// Run runs a command in the namespace and returns an error holding its output.
func (h *Host) Run(name string, args ...string) error {
	out, err := exec.Command("ip", append([]string{"netns", "exec", h.Name, name}, args...)...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("netlab: %s: %s %s: %v: %s", h.Name, name, strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

// Lab is a running topology. Close is idempotent and safe to call from
// t.Cleanup; the other methods are for the test goroutine.
type Lab struct {
	Woodgrove, Router, Humongous *Host

	mu      sync.Mutex
	cmds    []*exec.Cmd
	cleanup []func()
	closed  bool
}

// New creates the three namespaces, the veth links and routes, and loads the
// firewall. On error everything created so far is removed.
func New(fw Firewall) (*Lab, error) {
	id := randomID()
	l := &Lab{}
	l.Woodgrove = &Host{Name: "wg" + id, lab: l}
	l.Router = &Host{Name: "rt" + id, lab: l}
	l.Humongous = &Host{Name: "hm" + id, lab: l}
	if err := l.build(id); err != nil {
		l.Close()
		return nil, err
	}
	if err := l.SetFirewall(fw); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

func (l *Lab) build(id string) error {
	for _, h := range []*Host{l.Woodgrove, l.Router, l.Humongous} {
		if err := run("ip", "netns", "add", h.Name); err != nil {
			return err
		}
		name := h.Name
		l.cleanup = append(l.cleanup, func() { _ = run("ip", "netns", "del", name) })
		if err := h.Run("ip", "link", "set", "lo", "up"); err != nil {
			return err
		}
	}
	steps := [][]string{
		{"ip", "link", "add", "wg" + id, "netns", l.Woodgrove.Name, "type", "veth", "peer", "name", "rw" + id, "netns", l.Router.Name},
		{"ip", "link", "add", "hm" + id, "netns", l.Humongous.Name, "type", "veth", "peer", "name", "rh" + id, "netns", l.Router.Name},
	}
	for _, s := range steps {
		if err := run(s[0], s[1:]...); err != nil {
			return err
		}
	}
	hostSteps := []struct {
		h    *Host
		args []string
	}{
		{l.Woodgrove, []string{"ip", "addr", "add", WoodgroveAddr + "/24", "dev", "wg" + id}},
		{l.Woodgrove, []string{"ip", "link", "set", "wg" + id, "up"}},
		{l.Woodgrove, []string{"ip", "route", "add", "default", "via", RouterWoodgroveAddr}},
		{l.Humongous, []string{"ip", "addr", "add", HumongousAddr + "/24", "dev", "hm" + id}},
		{l.Humongous, []string{"ip", "link", "set", "hm" + id, "up"}},
		{l.Humongous, []string{"ip", "route", "add", "default", "via", RouterHumongousAddr}},
		{l.Router, []string{"ip", "addr", "add", RouterWoodgroveAddr + "/24", "dev", "rw" + id}},
		{l.Router, []string{"ip", "addr", "add", RouterHumongousAddr + "/24", "dev", "rh" + id}},
		{l.Router, []string{"ip", "link", "set", "rw" + id, "up"}},
		{l.Router, []string{"ip", "link", "set", "rh" + id, "up"}},
		{l.Router, []string{"sysctl", "-q", "-w", "net.ipv4.ip_forward=1"}},
	}
	for _, s := range hostSteps {
		if err := s.h.Run(s.args[0], s.args[1:]...); err != nil {
			return err
		}
	}
	return nil
}

func run(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("netlab: %s %s: %v: %s", name, strings.Join(args, " "), err, bytes.TrimSpace(out))
	}
	return nil
}

func (l *Lab) track(cmd *exec.Cmd) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cmds = append(l.cmds, cmd)
}

// OnClose registers f to run on Close before the namespaces are removed.
func (l *Lab) OnClose(f func()) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.cleanup = append(l.cleanup, f)
}

// Close kills every process started through the lab, runs the registered
// cleanups in reverse order and deletes the namespaces.
func (l *Lab) Close() {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return
	}
	l.closed = true
	cmds, cleanup := l.cmds, l.cleanup
	l.mu.Unlock()
	for _, c := range cmds {
		if c.Process != nil && c.ProcessState == nil {
			_ = c.Process.Kill()
		}
	}
	for i := len(cleanup) - 1; i >= 0; i-- {
		cleanup[i]()
	}
	for _, h := range []*Host{l.Woodgrove, l.Router, l.Humongous} {
		if h != nil {
			killNamespace(h.Name)
		}
	}
}

// killNamespace kills any process left in the namespace (ip netns pids).
func killNamespace(name string) {
	out, err := exec.Command("ip", "netns", "pids", name).Output()
	if err != nil {
		return
	}
	for _, pid := range strings.Fields(string(out)) {
		_ = exec.Command("kill", "-9", pid).Run()
	}
	_ = exec.Command("ip", "netns", "del", name).Run()
}

// SetHosts gives processes started in the host's namespace (through ip
// netns exec) their own /etc/hosts with the given lines, and an
// /etc/resolv.conf that points at 127.0.0.1 so that no DNS query leaves the
// lab: names resolve from the hosts file, SRV lookups fail at once. The
// files live in /etc/netns/<name>/, which ip netns exec bind-mounts, and
// are removed on Close.
func (h *Host) SetHosts(lines ...string) error {
	dir := filepath.Join("/etc/netns", h.Name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("netlab: %w", err)
	}
	h.lab.OnClose(func() { _ = os.RemoveAll(dir) })
	hosts := "127.0.0.1 localhost\n" + strings.Join(lines, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(dir, "hosts"), []byte(hosts), 0o644); err != nil {
		return fmt.Errorf("netlab: %w", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "resolv.conf"), []byte("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n"), 0o644); err != nil {
		return fmt.Errorf("netlab: %w", err)
	}
	return nil
}
