package firewalltest

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rendezvous/internal/netlab"
)

// TestPollingThroughCuttingMiddlebox: woodgrove reaches humongous only
// through a relay on the router that cuts every connection 60 s after it
// opened, in the middle of held polls. Polling keeps working; nothing is
// lost and nothing is shown twice.
func TestPollingThroughCuttingMiddlebox(t *testing.T) {
	t.Parallel()
	relayAddr := netlab.RouterWoodgroveAddr + ":8080"
	w := newWorld(t, netlab.Firewall{ProxyOnly: true}, relayAddr)
	if err := w.lab.Router.StartRole(context.Background(), "relay", "-listen", relayAddr, "-target", netlab.HumongousAddr+":80", "-cut", "60s"); err != nil {
		t.Fatal(err)
	}
	a := w.start(w.lab.Humongous, peerOpts{user: alice, mode: "default"})
	k := w.start(w.lab.Woodgrove, peerOpts{user: kari, mode: "polling", server: "http://" + relayAddr})
	mustOK(t, k.do(command{Op: "add", Who: alice}))
	mustOK(t, a.do(command{Op: "add", Who: kari}))

	// Send at moments that leave the POLLs held for long stretches in
	// between, so the relay cuts held polls (at 60 s and 120 s of
	// connection age), not just idle connections: two cuts in a row must
	// make the client ask for shorter holds.
	start := time.Now()
	var sent []string
	for i, at := range []time.Duration{0, 130 * time.Second, 145 * time.Second} {
		k.drain(time.Until(start.Add(at)))
		text := fmt.Sprintf("message %d at %v", i, time.Since(start).Round(time.Second))
		if res := a.do(command{Op: "send", Who: kari, Text: text}); res.Err != "" {
			t.Fatalf("alice -> kari %q failed: %s", text, res.Err)
		}
		sent = append(sent, text)
		k.expect(90*time.Second, text, isMessage(alice, text))
	}
	k.drain(3 * time.Second)
	for _, text := range sent {
		if n := k.count(isMessage(alice, text)); n != 1 {
			t.Errorf("%q shown %d times, want exactly once", text, n)
		}
	}
	d := k.do(command{Op: "diag"})
	t.Logf("%d messages over %v; kari's engine: polls cut %d, duplicates dropped %d, hold now %s",
		len(sent), time.Since(start).Round(time.Second), d.PollsCut, d.Dups, d.Hold)
	if d.PollsCut < 2 {
		t.Fatalf("%d held polls cut, want at least 2: the middlebox did not act, the test proves nothing", d.PollsCut)
	}
	if hold, err := time.ParseDuration(d.Hold); err != nil || hold >= 60*time.Second {
		t.Fatalf("hold %s after held polls kept being cut at 60 s, want a shorter one", d.Hold)
	}
}

// TestPollingThroughSquid: woodgrove reaches the outside only through
// Debian's squid (its default configuration plus an ACL for woodgrove's
// network), and the client finds the proxy in the standard environment
// variables.
func TestPollingThroughSquid(t *testing.T) {
	t.Parallel()
	squid, err := exec.LookPath("squid")
	if err != nil {
		t.Skip("squid not installed (make deps installs it)")
	}
	w := newWorld(t, netlab.Firewall{ProxyOnly: true})
	proxy := netlab.RouterWoodgroveAddr + ":3128"
	conf := squidConfig(t, proxy)
	cmd := w.lab.Router.Command(context.Background(), squid, "-N", "-f", conf)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitPort(t, w.lab.Router, proxy)
	a := w.start(w.lab.Humongous, peerOpts{user: alice, mode: "default"})
	env := []string{"HTTP_PROXY=http://" + proxy, "http_proxy=http://" + proxy}
	k := w.start(w.lab.Woodgrove, peerOpts{user: kari, mode: "polling", env: env})
	chatBothWays(t, a, k)
}

// squidConfig writes Debian's default squid.conf with three changes: an
// ACL allowing woodgrove's network, the listening address, and files in a
// temporary directory.
func squidConfig(t *testing.T, listen string) string {
	t.Helper()
	def, err := os.ReadFile("/etc/squid/squid.conf")
	if err != nil {
		t.Skipf("no default squid.conf: %v", err)
	}
	// squid drops root for the proxy user, which must write its logs: the
	// directory cannot live under t.TempDir (whose parent is 0700).
	dir, err := os.MkdirTemp("", "rvp-squid-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	sc := bufio.NewScanner(strings.NewReader(string(def)))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "http_access deny all"):
			b.WriteString("acl woodgrove src 198.51.100.0/24\nhttp_access allow woodgrove\n")
		case strings.HasPrefix(line, "http_port "):
			line = "http_port " + listen
		case strings.HasPrefix(line, "include "):
			continue
		}
		b.WriteString(line + "\n")
	}
	fmt.Fprintf(&b, "pid_filename %s/squid.pid\naccess_log %s/access.log\ncache_log %s/cache.log\ncache_store_log none\n", dir, dir, dir)
	// The lab has no name server and needs none (rvpd is addressed by IP);
	// keep squid from looking for the host's.
	b.WriteString("dns_nameservers 127.0.0.1\npinger_enable off\n")
	path := filepath.Join(dir, "squid.conf")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			for _, f := range []string{"cache.log", "access.log"} {
				data, _ := os.ReadFile(filepath.Join(dir, f))
				t.Logf("squid %s:\n%s", f, data)
			}
		}
	})
	return path
}

// waitPort waits until something accepts connections on addr inside h.
func waitPort(t *testing.T, h *netlab.Host, addr string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if h.Run("bash", "-c", "exec 3<>/dev/tcp/"+strings.Replace(addr, ":", "/", 1)) == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("nothing listens on %s in %s", addr, h.Name)
}
