package firewalltest

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"rendezvous/internal/netlab"
)

const (
	domain   = "humongous.example"
	alice    = "alice@" + domain
	kari     = "kari@" + domain
	password = "correct horse"
)

var (
	rvpdBin     string // built once by TestMain
	appBin      string // the desktop app, built by TestMain when desktopTools()
	withSession string // scripts/with-session.sh
)

func TestMain(m *testing.M) {
	netlab.RegisterRole("chat", chatRole)
	netlab.RegisterRole("relay", relayRole)
	netlab.RunRole()
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	if netlab.Available() == nil {
		dir, err := os.MkdirTemp("", "firewalltest")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		rvpdBin = filepath.Join(dir, "rvpd")
		if out, err := exec.Command("go", "build", "-o", rvpdBin, "rendezvous/cmd/rvpd").CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "firewalltest: build rvpd: %v\n%s", err, out)
			return 1
		}
		if desktopTools() {
			appBin = filepath.Join(dir, "rendezvous")
			if out, err := exec.Command("go", "build", "-o", appBin, "rendezvous").CombinedOutput(); err != nil {
				fmt.Fprintf(os.Stderr, "firewalltest: build the desktop app: %v\n%s", err, out)
				return 1
			}
			withSession, _ = filepath.Abs("../../scripts/with-session.sh")
		}
	}
	return m.Run()
}

// world is one topology with rvpd running in humongous.
type world struct {
	t   *testing.T
	lab *netlab.Lab
}

// newWorld builds the lab and starts rvpd on humongous:80 with the accounts
// alice and kari. hostNames are extra Host values rvpd answers to.
func newWorld(t *testing.T, fw netlab.Firewall, hostNames ...string) *world {
	t.Helper()
	if err := netlab.Available(); err != nil {
		t.Skipf("skipping the firewall scenario: %v", err)
	}
	lab, err := netlab.New(fw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(lab.Close)
	w := &world{t: t, lab: lab}
	data := t.TempDir()
	common := []string{"-data-dir", data, "-domains", domain}
	for _, u := range []string{"alice", "kari"} {
		cmd := exec.Command(rvpdBin, append([]string{"user", "add", u}, common...)...)
		cmd.Stdin = strings.NewReader(password + "\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("rvpd user add %s: %v\n%s", u, err, out)
		}
	}
	hosts := append([]string{netlab.HumongousAddr}, hostNames...)
	args := append([]string{"serve", "-listen", netlab.HumongousAddr + ":80", "-admin-listen", "off",
		"-host-names", strings.Join(hosts, ","), "-callback-timeout", "2"}, common...)
	srv := lab.Humongous.Command(context.Background(), rvpdBin, args...)
	logf, err := os.Create(filepath.Join(t.TempDir(), "rvpd.log"))
	if err != nil {
		t.Fatal(err)
	}
	srv.Stdout, srv.Stderr = logf, logf
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(logf.Name())
			t.Logf("rvpd log:\n%s", b)
		}
	})
	waitPort(t, lab.Humongous, netlab.HumongousAddr+":80")
	return w
}

// peer is a chat process: one rvpclient engine in one namespace.
type peer struct {
	t      *testing.T
	name   string
	stdin  io.WriteCloser
	events chan event
	mu     sync.Mutex
	nextID int
	log    []event
}

type peerOpts struct {
	user, mode, ports, server string
	period                    time.Duration
	env                       []string
}

func (w *world) start(h *netlab.Host, o peerOpts) *peer {
	t := w.t
	t.Helper()
	if o.server == "" {
		o.server = "http://" + netlab.HumongousAddr
	}
	if o.period == 0 {
		o.period = 10 * time.Minute
	}
	args := []string{"-user", o.user, "-password", password, "-server", o.server, "-mode", o.mode,
		"-ports", o.ports, "-period", o.period.String()}
	cmd, err := h.Role(context.Background(), "chat", o.env, args...)
	if err != nil {
		t.Fatal(err)
	}
	p := &peer{t: t, name: o.user, events: make(chan event, 1024)}
	p.stdin, _ = cmd.StdinPipe()
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go p.read(out)
	t.Cleanup(func() { _ = p.stdin.Close() })
	ev := p.expect(30*time.Second, "sign-in", func(e event) bool { return e.Ev == "signedin" })
	if ev.Err != "" {
		t.Fatalf("%s: sign-in failed: %s", o.user, ev.Err)
	}
	return p
}

func (p *peer) read(r io.Reader) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var e event
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			p.events <- e
		}
	}
	close(p.events)
}

// do sends a command and waits for its result.
func (p *peer) do(c command) event {
	p.mu.Lock()
	p.nextID++
	c.ID = p.nextID
	p.mu.Unlock()
	b, _ := json.Marshal(c)
	if _, err := p.stdin.Write(append(b, '\n')); err != nil {
		p.t.Fatalf("%s: %v", p.name, err)
	}
	want := "result"
	if c.Op == "diag" {
		want = "diag"
	}
	return p.expect(45*time.Second, c.Op, func(e event) bool { return e.Ev == want && e.ID == c.ID })
}

// expect waits for an event matching ok; events seen on the way are kept
// in the log so later checks (never, count) can inspect them.
func (p *peer) expect(d time.Duration, what string, ok func(event) bool) event {
	p.t.Helper()
	if e, found := p.find(ok); found {
		return e
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case e, open := <-p.events:
			if !open {
				p.t.Fatalf("%s: process ended while waiting for %s", p.name, what)
			}
			p.record(e)
			if ok(e) {
				return e
			}
		case <-timer.C:
			p.t.Fatalf("%s: no %s within %v; events: %+v", p.name, what, d, p.snapshot())
		}
	}
}

// record keeps an event in the log for find, count and snapshot.
func (p *peer) record(e event) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.log = append(p.log, e)
}

func (p *peer) find(ok func(event) bool) (event, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.log {
		if ok(e) {
			return e, true
		}
	}
	return event{}, false
}

func (p *peer) snapshot() []event {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]event(nil), p.log...)
}

// drain moves every event that arrives within d into the log.
func (p *peer) drain(d time.Duration) {
	timer := time.NewTimer(d)
	defer timer.Stop()
	for {
		select {
		case e, open := <-p.events:
			if !open {
				return
			}
			p.record(e)
		case <-timer.C:
			return
		}
	}
}

// count returns how many logged events match ok.
func (p *peer) count(ok func(event) bool) int {
	n := 0
	for _, e := range p.snapshot() {
		if ok(e) {
			n++
		}
	}
	return n
}

func isMessage(from, text string) func(event) bool {
	return func(e event) bool { return e.Ev == "message" && e.From == from && e.Text == text }
}

func isPresence(contact, state string) func(event) bool {
	return func(e event) bool { return e.Ev == "presence" && e.Contact == contact && e.State == state }
}

// sendAndMeasure sends text from p to q and returns the time from the send
// command to q's receipt (both stamped by processes on the same machine).
func sendAndMeasure(p, q *peer, to, text string) (time.Duration, event) {
	start := time.Now()
	res := p.do(command{Op: "send", Who: to, Text: text})
	if res.Err != "" {
		return 0, res
	}
	got := q.expect(20*time.Second, "message "+text, isMessage(p.name, text))
	return time.Duration(got.At - start.UnixNano()), res
}
