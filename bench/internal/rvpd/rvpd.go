// Package rvpd builds the real rvpd daemon, seeds its database with
// benchmark accounts and runs it as a separate process, so that its memory
// and CPU can be read from /proc exactly as an operator would see them.
//
// An Instance is owned by the goroutine that started it.
package rvpd

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"rendezvous/bench/internal/proc"
	"rendezvous/rvpserver"
)

// Domain is the IM domain of every benchmark server.
const Domain = "bench.example"

// Password returns the password of a benchmark account.
func Password(alias string) string { return "pw-" + alias }

// Build compiles root/cmd/rvpd into dir and returns the binary's path.
func Build(ctx context.Context, root, dir string) (string, error) {
	bin := filepath.Join(dir, "rvpd")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "./cmd/rvpd")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("rvpd: build: %w\n%s", err, out)
	}
	return bin, nil
}

// Seed creates dir/rvpd.db holding one account per alias. Accounts are made
// with rvpserver.AddUser in memory and copied into the bolt file in one
// transaction, which takes seconds instead of one fsync per account.
func Seed(ctx context.Context, dir string, aliases []string) error {
	mem := rvpserver.NewMemoryStore()
	defer mem.Close()
	opts := &rvpserver.Options{Domains: []string{Domain}}
	for _, a := range aliases {
		if err := rvpserver.AddUser(ctx, mem, opts, a, Password(a), a); err != nil {
			return fmt.Errorf("rvpd: seed %s: %w", a, err)
		}
	}
	var ops []rvpserver.Op
	for _, b := range rvpserver.AllBuckets {
		err := mem.Scan(ctx, b, "", func(k string, v []byte) error {
			ops = append(ops, rvpserver.Put(b, k, append([]byte(nil), v...)))
			return nil
		})
		if err != nil {
			return fmt.Errorf("rvpd: seed: %w", err)
		}
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("rvpd: seed: %w", err)
	}
	db, err := rvpserver.OpenBolt(filepath.Join(dir, "rvpd.db"))
	if err != nil {
		return fmt.Errorf("rvpd: seed: %w", err)
	}
	return errors.Join(db.Apply(ctx, ops), db.Close())
}

// Aliases returns prefix + a zero-padded index for 0..n-1.
func Aliases(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s%05d", prefix, i)
	}
	return out
}

// Instance is a running rvpd.
type Instance struct {
	*proc.Process
	Addr  string // RVP listener host:port
	Admin string // metrics listener host:port
}

// Config is how to run one rvpd.
type Config struct {
	Bin     string
	DataDir string
	Log     io.Writer // rvpd's stderr
	Extra   []string  // further flags, e.g. -poll-lifetime-minimum 1
	Env     []string  // further environment, e.g. GOTRACEBACK=all
}

// Start runs rvpd on free loopback ports and waits until it accepts
// connections.
func Start(ctx context.Context, cfg Config) (*Instance, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	admin, err := freePort()
	if err != nil {
		return nil, err
	}
	args := append([]string{"-listen", addr, "-admin-listen", admin, "-domains", Domain,
		"-host-names", addr, "-data-dir", cfg.DataDir, "-log-level", "warn"}, cfg.Extra...)
	ready := func() bool {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
		}
		return err == nil
	}
	p, err := proc.StartWait(ctx, 60*time.Second, cfg.Log, cfg.Env, ready, cfg.Bin, args...)
	if err != nil {
		return nil, fmt.Errorf("rvpd: %w", err)
	}
	return &Instance{Process: p, Addr: addr, Admin: admin}, nil
}

// Metric reads one unlabelled metric from rvpd's /metrics; ok is false
// when rvpd does not export it.
func (in *Instance) Metric(name string) (v float64, ok bool, err error) {
	c := &http.Client{Timeout: 10 * time.Second}
	resp, err := c.Get("http://" + in.Admin + "/metrics")
	if err != nil {
		return 0, false, fmt.Errorf("rvpd: metrics: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return 0, false, fmt.Errorf("rvpd: metrics: %w", err)
	}
	for line := range strings.Lines(string(b)) {
		f := strings.Fields(line)
		if len(f) == 2 && f[0] == name {
			v, err := strconv.ParseFloat(f[1], 64)
			return v, err == nil, err
		}
	}
	return 0, false, nil
}

func freePort() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("rvpd: free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}
