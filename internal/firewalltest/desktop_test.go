package firewalltest

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rendezvous/internal/netlab"
	"rendezvous/settings"
)

// kariScript runs inside woodgrove on a virtual display of its own (Xvfb's
// sockets live in the namespace): it starts the desktop app, reports when
// Kari's main window is up, waits for the conversation window that alice's
// message opens, and takes a screenshot.
const kariScript = `
set -u
"$APP" --smoke-sign-in "kari@humongous.example:$PASSWORD" >"$LOGDIR/app.log" 2>&1 &
app=$!
trap 'kill $app 2>/dev/null; wait $app 2>/dev/null' EXIT
timeout 60 xdotool search --sync --onlyvisible --name "Rendezvous Messenger - kari@humongous.example" >/dev/null || { echo "no-main-window"; exit 1; }
echo signed-in
conv=$(timeout 60 xdotool search --sync --onlyvisible --name "Conversation with" | head -n1)
[ -n "$conv" ] || { echo "no-conversation"; exit 1; }
xdotool windowmove "$conv" 330 0  # no window manager: keep it off the main window
sleep 2
import -window root "$SHOT" && echo shot
`

// TestDesktopAppPollingBehindFirewall runs the real desktop binary for Kari
// under Xvfb in woodgrove, behind the NAT firewall, in Polling mode with no
// server configured (discovery finds humongous.example in woodgrove's
// hosts file). alice's message must appear in Kari's conversation window.
func TestDesktopAppPollingBehindFirewall(t *testing.T) {
	t.Parallel()
	if appBin == "" {
		t.Skip("desktop scenario needs xvfb-run, xdotool and import (make deps installs them)")
	}
	w := newWorld(t, netlab.Firewall{NAT: true}, domain)
	if err := w.lab.Woodgrove.SetHosts(netlab.HumongousAddr + " " + domain); err != nil {
		t.Fatal(err)
	}
	home := t.TempDir()
	cfg, data := filepath.Join(home, "config"), filepath.Join(home, "data")
	prof, err := settings.Open(filepath.Join(cfg, "rendezvous"), kari, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := prof.SetConnection(settings.Connection{Mode: settings.ModePolling, PeriodMinutes: 10}, settings.Policy{}); err != nil {
		t.Fatal(err)
	}
	if err := prof.Save(); err != nil {
		t.Fatal(err)
	}
	a := w.start(w.lab.Humongous, peerOpts{user: alice, mode: "default"})

	shot := filepath.Join(artifacts(t), "firewall-kari-polling.png")
	logs := t.TempDir()
	runtime := filepath.Join(home, "runtime")
	if err := os.Mkdir(runtime, 0o700); err != nil {
		t.Fatal(err)
	}
	cmd := w.lab.Woodgrove.Command(context.Background(), "bash", withSession, "bash", "-c", kariScript)
	cmd.Env = append(os.Environ(), "APP="+appBin, "PASSWORD="+password, "LOGDIR="+logs, "SHOT="+shot,
		"XDG_CONFIG_HOME="+cfg, "XDG_DATA_HOME="+data, "XDG_RUNTIME_DIR="+runtime, "RVP_IN_SESSION=")
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			b, _ := os.ReadFile(filepath.Join(logs, "app.log"))
			t.Logf("desktop app log:\n%s", b)
		}
	})
	lines := bufio.NewScanner(out)
	expectLine(t, lines, "signed-in")
	mustOK(t, a.do(command{Op: "add", Who: kari}))
	a.expect(30*time.Second, "kari online", isPresence(kari, "online"))
	text := "Hello Kari, this came through your firewall"
	if res := a.do(command{Op: "send", Who: kari, Text: text}); res.Err != "" {
		t.Fatalf("alice -> kari (desktop, polling): %s", res.Err)
	}
	expectLine(t, lines, "shot")
	_ = cmd.Wait()
	applog, _ := os.ReadFile(filepath.Join(logs, "app.log"))
	if strings.Contains(string(applog), "Error in Fyne call thread") {
		t.Fatalf("Fyne reported a call from the wrong thread:\n%s", applog)
	}
	if !inTree(t, data, text) {
		t.Fatal("alice's message is not in Kari's transcript")
	}
	t.Logf("screenshot of Kari's desktop: %s", shot)
}

func expectLine(t *testing.T, sc *bufio.Scanner, want string) {
	t.Helper()
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line == want {
			return
		} else if line != "" {
			t.Fatalf("desktop script: %s (waiting for %s)", line, want)
		}
	}
	t.Fatalf("desktop script ended while waiting for %s", want)
}

// inTree reports whether any file under dir contains text.
func inTree(t *testing.T, dir, text string) bool {
	t.Helper()
	found := false
	_ = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if b, err := os.ReadFile(path); err == nil && strings.Contains(string(b), text) {
				found = true
			}
		}
		return nil
	})
	return found
}

// artifacts is where screenshots go: $RVP_ARTIFACTS (make test sets it to
// test-out/ in the repository) or a temporary directory.
func artifacts(t *testing.T) string {
	dir := os.Getenv("RVP_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// desktopTools reports whether the desktop scenario can run.
func desktopTools() bool {
	for _, c := range []string{"xvfb-run", "xdotool", "import", "dbus-run-session", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(c); err != nil {
			return false
		}
	}
	return true
}
