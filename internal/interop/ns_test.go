package interop

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Environment shared between the outer test process and its re-executed
// copy inside the namespaces.
const (
	envInNS      = "RVP_INTEROP_IN_NS"     // "1" inside the namespaces
	envRVPD      = "RVPD"                  // path of a built rvpd (optional outside)
	envArtifacts = "RVP_INTEROP_ARTIFACTS" // directory that keeps the logs
	envStrace    = "RVP_INTEROP_STRACE"    // optional: strace finch into this file
	envShim      = "RVP_INTEROP_SHIM"      // path of the built readerrno.so
	envNoShim    = "RVP_INTEROP_NO_SHIM"   // "1": run librvp without it (shows its bug)
)

// Library paths of the Debian packages pidgin-librvp and libgtk2.0-0.
const (
	librvpPath = "/usr/lib/x86_64-linux-gnu/purple-2/librvp.so"
	libgtkPath = "/usr/lib/x86_64-linux-gnu/libgtk-x11-2.0.so.0"
)

// innerTimeout bounds the whole run inside the namespaces.
const innerTimeout = 110 * time.Second

// missingPrerequisites names what this machine lacks to run the test;
// extra are further tools the front end needs.
func missingPrerequisites(extra ...string) []string {
	var missing []string
	if os.Geteuid() != 0 {
		missing = append(missing, "root (network and mount namespaces, port 80)")
	}
	tools := append([]string{"unshare", "ip", "dbus-daemon", "dbus-send", "dbus-monitor"}, extra...)
	if os.Getenv(envInNS) == "" {
		tools = append(tools, "cc")
		if os.Getenv(envRVPD) == "" {
			tools = append(tools, "go")
		}
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			missing = append(missing, tool)
		}
	}
	for _, lib := range []string{librvpPath, libgtkPath} { // libgtk: Pidgin's, preloaded into finch
		if _, err := os.Stat(lib); err != nil {
			missing = append(missing, lib)
		}
	}
	return missing
}

// skipUnlessRunnable skips t when a prerequisite is missing.
func skipUnlessRunnable(t *testing.T, extra ...string) {
	t.Helper()
	if m := missingPrerequisites(extra...); len(m) > 0 {
		t.Skipf("interop: needs %s (apt-get install --no-install-recommends pidgin pidgin-librvp finch dbus xvfb imagemagick gcc libc6-dev; run as root)",
			strings.Join(m, ", "))
	}
}

// inNamespace reports whether this process is the re-executed copy.
func inNamespace() bool { return os.Getenv(envInNS) == "1" }

// runInNamespace re-executes the test binary, running only test name, in a
// new network and mount namespace, and fails t when that run fails. The
// namespaces vanish with the process; nothing on the host is changed.
func runInNamespace(t *testing.T, name string) {
	t.Helper()
	rvpd := os.Getenv(envRVPD)
	if rvpd == "" {
		rvpd = buildRVPD(t)
	}
	shim := ""
	if os.Getenv(envNoShim) != "1" {
		shim = buildShim(t)
	}
	artifacts := os.Getenv(envArtifacts)
	if artifacts == "" {
		artifacts = t.TempDir()
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("interop: own executable: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), innerTimeout+10*time.Second)
	defer cancel()
	args := []string{"--net", "--mount", "--propagation", "private", "--", exe,
		"-test.run", "^" + name + "$", "-test.v", "-test.count", "1",
		"-test.timeout", innerTimeout.String()}
	cmd := exec.CommandContext(ctx, "unshare", args...)
	cmd.Env = append(os.Environ(), envInNS+"=1", envRVPD+"="+rvpd, envArtifacts+"="+artifacts, envShim+"="+shim)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	err = cmd.Run()
	t.Logf("inner run (artifacts in %s):\n%s", artifacts, out.String())
	if err != nil {
		t.Fatalf("interop: inner run in the namespaces failed: %v", err)
	}
}

// buildRVPD builds cmd/rvpd into a temporary directory.
func buildRVPD(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "rvpd")
	cmd := exec.CommandContext(t.Context(), "go", "build", "-o", bin, "rendezvous/cmd/rvpd")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("interop: go build rvpd: %v\n%s", err, out)
	}
	return bin
}

// buildShim compiles testdata/readerrno.c (see there) into a shared object.
func buildShim(t *testing.T) string {
	t.Helper()
	so := filepath.Join(t.TempDir(), "readerrno.so")
	cmd := exec.CommandContext(t.Context(), "cc", "-shared", "-fPIC", "-O2", "-o", so, "testdata/readerrno.c", "-ldl")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("interop: cc readerrno.so: %v\n%s", err, out)
	}
	return so
}

// isolateNetwork prepares the fresh namespaces: loopback up, example.com
// and im.example.com name 127.0.0.1, and DNS goes to 127.0.0.1 (where the
// SRV tests run a server; otherwise nothing listens there).
func isolateNetwork(t *testing.T, dir string) {
	t.Helper()
	if out, err := exec.Command("ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		t.Fatalf("interop: ip link set lo up: %v: %s", err, out)
	}
	if out, err := exec.Command("ip", "-o", "link").Output(); err != nil || strings.Count(string(out), "\n") != 1 {
		t.Fatalf("interop: expected a namespace with loopback only, got %q (%v)", out, err)
	}
	files := map[string]string{
		"/etc/hosts":       "127.0.0.1 localhost " + domain + " " + imHost + "\n::1 localhost\n",
		"/etc/resolv.conf": "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n",
	}
	for target, content := range files {
		src := filepath.Join(dir, filepath.Base(target))
		if err := os.WriteFile(src, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := syscall.Mount(src, target, "", syscall.MS_BIND, ""); err != nil {
			t.Fatalf("interop: bind %s: %v", target, err)
		}
	}
}

// artifactDir returns the directory for this run's logs.
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv(envArtifacts)
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}
