package interop

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// frontend is a libpurple user interface that loads librvp.
type frontend struct {
	name  string   // for messages and file names
	ui    string   // libpurple UI id: the key of per-UI account settings
	tools []string // executables it needs besides the common ones
	// start runs it with the given configuration directory on the bus,
	// writing libpurple's debug log (librvp's trace) to logPath. quit asks
	// it to leave over D-Bus; cleanup falls back to signals.
	start func(t *testing.T, env frontendEnv) frontendRun
}

// frontendEnv is what a front end is started with.
type frontendEnv struct {
	configDir, home, bus, dir string
	logPath                   string
	tag                       string // distinguishes the files of a second instance
	quit                      func(context.Context) error
}

// frontendRun is a started front end.
type frontendRun struct {
	// screenshot saves a picture of the UI to dir/name.png, if it can.
	screenshot func(name string)
}

// finchFrontend runs finch, libpurple's text UI, on a pseudo-terminal.
var finchFrontend = frontend{
	name: "finch", ui: "gnt-purple", tools: []string{"finch"},
	start: func(t *testing.T, env frontendEnv) frontendRun {
		startFinch(t, env.configDir, env.home, env.bus, env.logPath, filepath.Join(env.dir, "finch-screen"+env.tag+".raw"), env.quit)
		return frontendRun{screenshot: func(string) {}}
	},
}

// pidginFrontend runs Pidgin (GTK 2) on a private Xvfb display.
var pidginFrontend = frontend{
	name: "pidgin", ui: "gtk-gaim", tools: []string{"pidgin", "Xvfb", "import"},
	start: func(t *testing.T, env frontendEnv) frontendRun {
		display := startXvfb(t)
		startPidgin(t, env, display)
		return frontendRun{screenshot: func(name string) {
			// No window manager: every window opens at 0,0. Put the buddy
			// list beside the conversation (best effort).
			mv := exec.Command("xdotool", "search", "--name", "^Buddy List$", "windowmove", "%@", "360", "0")
			mv.Env = []string{"DISPLAY=" + display}
			if out, err := mv.CombinedOutput(); err != nil {
				t.Logf("moving the buddy list: %v: %s", err, out)
			}
			path := filepath.Join(env.dir, name+env.tag+".png")
			out, err := exec.Command("import", "-display", display, "-window", "root", path).CombinedOutput()
			if err != nil {
				t.Logf("screenshot %s: %v: %s", path, err, out)
				return
			}
			t.Logf("screenshot: %s", path)
		}}
	},
}

// startXvfb runs a virtual X server on a free display and returns its name.
func startXvfb(t *testing.T) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1024x768x24", "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	p, err := startProc(cmd)
	w.Close()
	if err != nil {
		t.Fatalf("interop: start Xvfb: %v", err)
	}
	t.Cleanup(func() { _ = p.stop(syscall.SIGTERM, 5*time.Second) })
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("interop: Xvfb display number: %v", err)
	}
	return ":" + strings.TrimSpace(line)
}

// startPidgin runs Pidgin with libpurple's debug output on stdout.
func startPidgin(t *testing.T, env frontendEnv, display string) {
	t.Helper()
	logf, err := os.Create(env.logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("pidgin", "-d", "-c", env.configDir)
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + env.home, "LANG=C.UTF-8", "DISPLAY=" + display,
		"DBUS_SESSION_BUS_ADDRESS=" + env.bus, "NO_AT_BRIDGE=1",
		"XDG_RUNTIME_DIR=" + env.home,
		// Without it librvp loses response bytes under GTK (testdata/readerrno.c).
		"LD_PRELOAD=" + os.Getenv(envShim),
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	p, err := startProc(cmd)
	if err != nil {
		t.Fatalf("interop: start pidgin: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = env.quit(ctx)
		select {
		case <-p.exited:
		case <-time.After(5 * time.Second):
			_ = p.stop(syscall.SIGTERM, 5*time.Second)
		}
		logf.Close()
	})
}

// String names the front end.
func (f frontend) String() string { return fmt.Sprintf("%s (libpurple UI %s)", f.name, f.ui) }
