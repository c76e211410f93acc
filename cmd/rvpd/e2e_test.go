package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"rendezvous/internal/rvpwire"
)

// The end-to-end tests run the real rvpd binary, built once per test run
// (with -race when the tests run with -race).
var (
	buildOnce sync.Once
	binDir    string
	binErr    error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func rvpdBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the rvpd binary")
	}
	buildOnce.Do(func() {
		if binDir, binErr = os.MkdirTemp("", "rvpd-test-"); binErr != nil {
			return
		}
		args := []string{"build", "-o", filepath.Join(binDir, "rvpd")}
		if raceEnabled {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
		if err != nil {
			binErr = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return filepath.Join(binDir, "rvpd")
}

// daemon is one running rvpd process.
type daemon struct {
	cmd       *exec.Cmd
	addr      string // RVP listener, host:port
	adminAddr string
	stderr    *lockedBuffer
	done      chan struct{} // closed when the process has exited
	waitErr   error         // set before done is closed
}

// startDaemon starts rvpd on loopback ports chosen by the kernel and waits
// for its "listening" log lines (JSON) to learn them.
func startDaemon(t *testing.T, dataDir string, extra ...string) *daemon {
	t.Helper()
	args := append([]string{"-listen", "127.0.0.1:0", "-admin-listen", "127.0.0.1:0", "-data-dir", dataDir,
		"-domains", testDomain, "-log-format", "json"}, extra...)
	d := &daemon{cmd: exec.Command(rvpdBinary(t), args...), stderr: &lockedBuffer{}, done: make(chan struct{})}
	pipe, err := d.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addrs := make(chan [2]string, 1)
	go d.readLog(pipe, addrs)
	t.Cleanup(func() {
		d.cmd.Process.Kill()
		<-d.done
		if strings.Contains(d.stderr.String(), "WARNING: DATA RACE") {
			t.Error("the race detector reported a data race in rvpd")
		}
		if t.Failed() {
			t.Logf("rvpd stderr:\n%s", d.stderr)
		}
	})
	select {
	case a := <-addrs:
		d.addr, d.adminAddr = a[0], a[1]
	case <-d.done:
		t.Fatalf("rvpd exited at start: %v\n%s", d.waitErr, d.stderr)
	case <-time.After(30 * time.Second):
		t.Fatalf("rvpd did not report its addresses\n%s", d.stderr)
	}
	return d
}

// readLog copies the log into d.stderr, reports both listen addresses once
// and, at EOF, waits for the process. It owns cmd.Wait.
func (d *daemon) readLog(r io.Reader, addrs chan<- [2]string) {
	defer close(d.done)
	var a [2]string
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Bytes()
		d.stderr.Write(append(line, '\n'))
		var rec struct{ Msg, Addr string }
		if json.Unmarshal(line, &rec) != nil {
			continue
		}
		switch rec.Msg {
		case "listening":
			a[0] = rec.Addr
		case "metrics listening":
			a[1] = rec.Addr
			addrs <- a // logged after "listening"
		}
	}
	io.Copy(io.Discard, r)
	d.waitErr = d.cmd.Wait()
}

func (d *daemon) url() string { return "http://" + d.addr }

// kill9 kills the process without warning and waits for it.
func (d *daemon) kill9(t *testing.T) {
	t.Helper()
	if err := d.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	<-d.done
	if ws, ok := d.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("rvpd did not die of SIGKILL: %v", d.waitErr)
	}
}

// pollsHeld reads the rvpd_polls_held gauge from the metrics listener.
func (d *daemon) pollsHeld(t *testing.T) string {
	t.Helper()
	resp, err := http.Get("http://" + d.adminAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if f := strings.Fields(sc.Text()); len(f) == 2 && f[0] == "rvpd_polls_held" {
			return f[1]
		}
	}
	t.Fatalf("no rvpd_polls_held in /metrics")
	return ""
}

func addUsers(t *testing.T, dataDir string, aliases ...string) {
	t.Helper()
	for _, a := range aliases {
		code, _, stderr := runCmd(t, a+"-pw\n", "user", "add", a, "-data-dir", dataDir, "-domains", testDomain)
		if code != exitOK {
			t.Fatalf("user add %s: %d %s", a, code, stderr)
		}
	}
}

// TestKill9KeepsQueuedItems: what rvpd acknowledged to a sender survives
// kill -9 and is delivered, with its sequence, to the same polling login
// after a restart; acknowledged items stay gone after another kill -9.
func TestKill9KeepsQueuedItems(t *testing.T) {
	dir := t.TempDir()
	addUsers(t, dir, "alice", "bob")
	// Short holds so that the final empty POLL answers within a second.
	short := []string{"-poll-lifetime-default", "1", "-poll-lifetime-minimum", "1", "-poll-lifetime-maximum", "5"}
	d := startDaemon(t, dir, short...)

	code, _, stderr := runCmd(t, "", "user", "list", "-data-dir", dir, "-domains", testDomain)
	wantLocked := "rvpd: user list: database " + filepath.Join(dir, "rvpd.db") +
		" is locked by another process (is rvpd running? user commands need it stopped)\n"
	if code != exitFailure || stderr != wantLocked {
		t.Errorf("user list while rvpd runs: %d %q, want %d %q", code, stderr, exitFailure, wantLocked)
	}

	second := exec.Command(rvpdBinary(t), "-listen", "127.0.0.1:0", "-admin-listen", "off", "-data-dir", dir, "-domains", testDomain)
	out, err := second.CombinedOutput()
	wantOut := "rvpd: database " + filepath.Join(dir, "rvpd.db") +
		" is locked by another process (is rvpd running? user commands need it stopped)\n"
	if second.ProcessState.ExitCode() != exitFailure || !strings.HasSuffix(string(out), wantOut) {
		t.Errorf("second rvpd on the same DataDir: %v %q, want exit 1 and %q", err, out, wantOut)
	}

	// A wrong password is refused (and logged without secrets, see below).
	mallory := newRVPClient(t, d.url(), "alice", "wrong-pw")
	resp, err := mallory.do(t.Context(), rvpwire.MethodSubscribe, rvpwire.AliasesPath+"alice", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: status %d, want 401", resp.StatusCode)
	}

	alice := newRVPClient(t, d.url(), "alice", "alice-pw")
	sub := alice.pollLogin(t)
	bob := newRVPClient(t, d.url(), "bob", "bob-pw")
	const session = "{3F2A9C10-5B7E-4D21-9A0B-6C1D2E3F4A5B}"
	bob.sendIM(t, "alice", session, "first", http.StatusOK)
	bob.sendIM(t, "alice", session, "second", http.StatusOK)
	d.kill9(t)
	checkNoSecrets(t, d.stderr.String(), "alice-pw", "bob-pw", "wrong-pw")

	d = startDaemon(t, dir, short...)
	alice = newRVPClient(t, d.url(), "alice", "alice-pw")
	path := rvpwire.AliasesPath + "alice"
	resp, body := alice.mustDo(t, http.StatusOK, rvpwire.MethodPoll, path, pollHeader(sub, 0, 5), nil)
	got := decodePollAnswer(t, resp, body)
	from := rvpwire.PrincipalURL(testDomain, "bob")
	want := []receivedIM{{seq: 1, from: from, text: "first"}, {seq: 2, from: from, text: "second"}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after kill -9 and restart the POLL gave %+v, want %+v", got, want)
	}

	// Acknowledge both; the next answer is empty (204 after the hold).
	alice.mustDo(t, http.StatusNoContent, rvpwire.MethodPoll, path, pollHeader(sub, 2, 1), nil)
	d.kill9(t)
	d = startDaemon(t, dir, short...)
	alice = newRVPClient(t, d.url(), "alice", "alice-pw")
	alice.mustDo(t, http.StatusNoContent, rvpwire.MethodPoll, path, pollHeader(sub, 2, 1), nil)
}

// checkNoSecrets fails if the log holds a password or a Digest response.
func checkNoSecrets(t *testing.T, log string, passwords ...string) {
	t.Helper()
	for _, s := range append(passwords, "response=", "Authorization", "Digest ") {
		if strings.Contains(log, s) {
			t.Errorf("the log contains %q:\n%s", s, log)
		}
	}
}

// TestSIGTERMAnswersHeldPoll: SIGTERM answers a held POLL with 204 before
// rvpd exits, and rvpd exits with status 0.
func TestSIGTERMAnswersHeldPoll(t *testing.T) {
	dir := t.TempDir()
	addUsers(t, dir, "alice")
	d := startDaemon(t, dir)
	alice := newRVPClient(t, d.url(), "alice", "alice-pw")
	sub := alice.pollLogin(t)

	type result struct {
		code int
		err  error
	}
	answered := make(chan result, 1)
	go func() {
		resp, err := alice.do(t.Context(), rvpwire.MethodPoll, rvpwire.AliasesPath+"alice", pollHeader(sub, 0, 600), nil)
		if err != nil {
			answered <- result{err: err}
			return
		}
		resp.Body.Close()
		answered <- result{code: resp.StatusCode}
	}()
	// rvpd is another process: its gauge is the only way to see the POLL
	// being held, so look at it until it says so (bounded).
	deadline := time.Now().Add(20 * time.Second)
	for d.pollsHeld(t) != "1" {
		if time.Now().After(deadline) {
			t.Fatal("the POLL was never held")
		}
		select {
		case r := <-answered:
			t.Fatalf("the POLL was answered before SIGTERM: %+v", r)
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err := d.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-answered:
		if r.err != nil || r.code != http.StatusNoContent {
			t.Fatalf("held POLL at SIGTERM: status %d, err %v; want 204", r.code, r.err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the held POLL was not answered after SIGTERM")
	}
	<-d.done
	if d.waitErr != nil {
		t.Fatalf("rvpd exit after SIGTERM: %v", d.waitErr)
	}
}
