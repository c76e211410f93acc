package interop

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
	"unsafe"
)

// proc is a child process we started; exited is closed once it ended.
type proc struct {
	cmd    *exec.Cmd
	exited chan struct{}
	err    error // cmd.Wait's result, valid after exited is closed
}

// startProc starts cmd and a goroutine that waits for it.
func startProc(cmd *exec.Cmd) (*proc, error) {
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &proc{cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.err = p.cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// stop ends the process: sig, then SIGKILL after grace; it waits for the end.
func (p *proc) stop(sig syscall.Signal, grace time.Duration) error {
	select {
	case <-p.exited:
		return p.err
	default:
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.exited:
		return p.err
	case <-time.After(grace):
	}
	_ = p.cmd.Process.Kill()
	<-p.exited
	return p.err
}

// rvpdUser adds an account with the rvpd user command (before serve).
func rvpdUser(t *testing.T, bin, dataDir, alias, display, password string) {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), bin, "user", "add", alias, "-display-name", display,
		"-data-dir", dataDir, "-domains", rvpdDomains(), "-digest-prefixes", authDomain)
	cmd.Stdin = strings.NewReader(password + "\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("interop: rvpd user add %s: %v\n%s", alias, err, out)
	}
}

// rvpdDomains is rvpd's Domains setting (RVP_INTEROP_DOMAINS overrides it
// for experiments).
func rvpdDomains() string {
	if d := os.Getenv("RVP_INTEROP_DOMAINS"); d != "" {
		return d
	}
	return domain
}

// rvpdServer is an rvpd we run; it can be restarted on the same database.
type rvpdServer struct {
	bin, dataDir, addr string
	log                *os.File // debug log of every run, appended
	cur                *proc
	copied             chan struct{} // closed when cur's stderr is copied
}

// startRVPD runs rvpd serve on addr and returns once it listens. Its log
// (debug level) goes to logPath. It is stopped with SIGTERM at cleanup.
func startRVPD(t *testing.T, bin, dataDir, addr, logPath string) *rvpdServer {
	t.Helper()
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	s := &rvpdServer{bin: bin, dataDir: dataDir, addr: addr, log: logf}
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("interop: rvpd did not stop cleanly: %v", err)
		}
		logf.Close()
	})
	s.start(t)
	return s
}

// start runs rvpd and waits until it listens.
func (s *rvpdServer) start(t *testing.T) {
	t.Helper()
	cmd := exec.Command(s.bin, "serve", "-listen", s.addr, "-domains", rvpdDomains(),
		"-host-names", imHost, "-data-dir", s.dataDir, "-admin-listen", "off", "-log-level", "debug",
		"-digest-prefixes", authDomain, "-callback-timeout", "5")
	// Experiments: extra serve flags; a repeated flag's last value wins.
	cmd.Args = append(cmd.Args, strings.Fields(os.Getenv("RVP_INTEROP_RVPD_FLAGS"))...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	p, err := startProc(cmd)
	if err != nil {
		t.Fatalf("interop: start rvpd: %v", err)
	}
	s.cur, s.copied = p, make(chan struct{})
	listening := make(chan struct{})
	go func(copied chan<- struct{}) {
		defer close(copied)
		sc := bufio.NewScanner(stderr)
		once := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(s.log, line)
			if !once && strings.Contains(line, "msg=listening") {
				once = true
				close(listening)
			}
		}
	}(s.copied)
	select {
	case <-listening:
	case <-p.exited:
		t.Fatalf("interop: rvpd exited (%v); see %s", p.err, s.log.Name())
	case <-time.After(10 * time.Second):
		t.Fatalf("interop: rvpd did not start listening; see %s", s.log.Name())
	}
}

// stop ends the running rvpd gracefully (SIGTERM) and waits for it.
func (s *rvpdServer) stop() error {
	if s.cur == nil {
		return nil
	}
	err := s.cur.stop(syscall.SIGTERM, 15*time.Second)
	<-s.copied
	s.cur = nil
	return err
}

// restart stops rvpd and starts it again on the same database.
func (s *rvpdServer) restart(t *testing.T) {
	t.Helper()
	if err := s.stop(); err != nil {
		t.Fatalf("interop: rvpd stop for restart: %v", err)
	}
	s.start(t)
}

// startBus runs a private D-Bus session daemon and returns its address.
func startBus(t *testing.T, dir string) string {
	t.Helper()
	sock := filepath.Join(dir, "bus")
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--nopidfile",
		"--address=unix:path="+sock, "--print-address=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = io.Discard // "Failed to set fd limit" is harmless here
	p, err := startProc(cmd)
	if err != nil {
		t.Fatalf("interop: start dbus-daemon: %v", err)
	}
	t.Cleanup(func() { _ = p.stop(syscall.SIGTERM, 5*time.Second) })
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("interop: dbus-daemon address: %v", err)
	}
	return strings.TrimSpace(line)
}

// openPTY returns a new pseudo-terminal pair with a 160x50 window.
func openPTY() (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, err
	}
	var unlock int32
	var n uint32
	ws := struct{ Row, Col, X, Y uint16 }{Row: 50, Col: 160}
	if err = ioctl(master, syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err == nil {
		err = ioctl(master, syscall.TIOCGPTN, unsafe.Pointer(&n))
	}
	if err == nil {
		slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY|syscall.O_CLOEXEC, 0)
	}
	if err == nil {
		err = ioctl(slave, syscall.TIOCSWINSZ, unsafe.Pointer(&ws))
	}
	if err != nil {
		master.Close()
		if slave != nil {
			slave.Close()
		}
		return nil, nil, fmt.Errorf("interop: pty: %w", err)
	}
	return master, slave, nil
}

func ioctl(f *os.File, req uintptr, arg unsafe.Pointer) error {
	_, _, e := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), req, uintptr(arg))
	if e != 0 {
		return e
	}
	return nil
}

// startFinch runs finch with libpurple debug output (librvp's protocol trace)
// on stderr into logPath and the terminal stream into screenPath. quit asks
// it to leave (over D-Bus) before cleanup falls back to signals.
func startFinch(t *testing.T, configDir, home, busAddr, logPath, screenPath string, quit func(context.Context) error) *proc {
	t.Helper()
	master, slave, err := openPTY()
	if err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	screen, err := os.Create(screenPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("finch", "-d", "-c", configDir)
	if trace := os.Getenv(envStrace); trace != "" { // evidence for client-side bugs
		cmd = exec.Command("strace", "-f", "-tt", "-s", "64", "-o", trace,
			"finch", "-d", "-c", configDir)
	}
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + home, "TERM=xterm", "LANG=C.UTF-8",
		"DBUS_SESSION_BUS_ADDRESS=" + busAddr,
		// librvp references gtk_events_pending; finch does not link GTK.
		// readerrno works around librvp's stale-errno bug (testdata/readerrno.c).
		"LD_PRELOAD=" + libgtkPath + " " + os.Getenv(envShim),
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	p, err := startProc(cmd)
	if err != nil {
		t.Fatalf("interop: start finch: %v", err)
	}
	slave.Close()
	drained := make(chan struct{})
	go func() { // ends with EIO once finch and its pty are gone
		defer close(drained)
		_, _ = io.Copy(screen, master)
	}()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if quit != nil {
			_ = quit(ctx)
		}
		select {
		case <-p.exited:
		case <-time.After(5 * time.Second):
			_ = p.stop(syscall.SIGTERM, 5*time.Second)
		}
		master.Close()
		<-drained
		screen.Close()
		logf.Close()
	})
	return p
}
