package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"
)

// openPTY returns the master and the slave side of a new pseudo-terminal.
func openPTY(t *testing.T) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { slave.Close() })
	return master, slave
}

// promptWatcher is rvpd's stderr; it reports each prompt as it is written.
type promptWatcher struct {
	buf     lockedBuffer
	prompts chan string
}

func (w *promptWatcher) Write(p []byte) (int, error) {
	w.buf.Write(p)
	if s := string(p); strings.HasSuffix(s, ": ") {
		w.prompts <- s
	}
	return len(p), nil
}

// runOnTTY runs "rvpd user add tom" with the slave as stdin, types lines
// after each prompt, and returns the exit status, stderr and everything the
// terminal echoed while rvpd ran.
func runOnTTY(t *testing.T, dir string, lines ...string) (int, string, string) {
	master, slave := openPTY(t)
	w := &promptWatcher{prompts: make(chan string, 2)}
	done := make(chan int, 1)
	go func() {
		done <- run(t.Context(), userArgs(dir, "user", "add", "tom"), slave, &bytes.Buffer{}, w)
	}()
	code := -1
	for _, line := range lines {
		select {
		case <-w.prompts: // echo is off before the first prompt
		case code = <-done:
			t.Fatalf("rvpd ended before prompting: %d %s", code, w.buf.String())
		}
		if _, err := master.WriteString(line + "\n"); err != nil {
			t.Fatal(err)
		}
	}
	code = <-done
	// Echo is back on: a marker typed now is echoed after anything echoed
	// while rvpd ran.
	if _, err := master.WriteString("MARKER\n"); err != nil {
		t.Fatal(err)
	}
	var echoed strings.Builder
	sc := bufio.NewScanner(master)
	for sc.Scan() && !strings.Contains(sc.Text(), "MARKER") {
		echoed.WriteString(sc.Text() + "\n")
	}
	return code, w.buf.String(), echoed.String()
}

func TestPasswordPromptWithoutEcho(t *testing.T) {
	dir := t.TempDir()
	code, stderr, echoed := runOnTTY(t, dir, "s3cret", "s3cret")
	if code != exitOK {
		t.Fatalf("user add on a terminal: %d %s", code, stderr)
	}
	if want := "Password for tom: \nRetype the password: \n"; stderr != want {
		t.Errorf("prompts %q, want %q", stderr, want)
	}
	if echoed != "" {
		t.Errorf("the terminal echoed %q while rvpd read the password", echoed)
	}
	if got := authStatus(t, dir, "tom", "s3cret"); got != 200 {
		t.Errorf("sign-in with the typed password: %d", got)
	}
}

func TestPasswordPromptMismatch(t *testing.T) {
	code, stderr, _ := runOnTTY(t, t.TempDir(), "one", "two")
	want := "Password for tom: \nRetype the password: \nrvpd: user add tom: the passwords do not match\n"
	if code != exitFailure || stderr != want {
		t.Errorf("mismatch: %d %q, want %q", code, stderr, want)
	}
}
