package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"rendezvous/bench/internal/rvpd"
	"rendezvous/bench/internal/rvpload"
	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

// measureOurs measures the desktop app signing in (Polling mode) to a fresh
// rvpd with 100 online contacts. It returns a reason instead of figures when
// the app cannot be built or run in this tree.
func measureOurs(ctx context.Context, e *env, disp string) (guiRun, string, error) {
	if _, err := os.Stat(filepath.Join(e.root, "main.go")); err != nil {
		return guiRun{}, "the desktop app (main.go wiring app/, ui/ and rvpclient) is not in the tree at this run.", nil
	}
	if miss := missingTools("dbus-run-session", "gnome-keyring-daemon", "secret-tool"); len(miss) > 0 {
		return guiRun{}, strings.Join(miss, ", ") + " not installed (the app reads its password from the keyring).", nil
	}
	bin := filepath.Join(e.work, "rendezvous")
	e.logf("desktop: building the app (a cold build takes minutes)")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	build.Dir = e.root
	if out, err := build.CombinedOutput(); err != nil {
		return guiRun{}, fmt.Sprintf("the app does not build at this run: %s", firstLine(string(out))), nil
	}
	contacts := rvpd.Aliases("c", desktopContacts)
	dir := filepath.Join(e.work, "desktop-rvpd")
	if err := rvpd.Seed(ctx, dir, append(contacts, "me")); err != nil {
		return guiRun{}, "", err
	}
	in, err := rvpd.Start(ctx, rvpd.Config{Bin: e.rvpdBin, DataDir: dir, Log: e.logs})
	if err != nil {
		return guiRun{}, "", err
	}
	defer in.Stop(15 * time.Second)
	if err := setOnline(ctx, in.Addr, contacts); err != nil {
		return guiRun{}, "", err
	}
	home := filepath.Join(e.work, "app-home")
	if err := writeProfile(home, in.Addr, contacts); err != nil {
		return guiRun{}, "", err
	}
	me := "me@" + rvpd.Domain
	script := "set -e\nprintf '%s' bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null\n" +
		"for i in $(seq 1 100); do dbus-send --session --print-reply --dest=org.freedesktop.DBus / " +
		"org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true && break; sleep 0.05; done\n" +
		"printf '%s' \"$RVPBENCH_PW\" | secret-tool store --label=bench service 'Rendezvous Messenger' username \"$RVPBENCH_ME\"\n" +
		"exec \"$RVPBENCH_APP\"\n"
	rt := filepath.Join(home, "run")
	if err := os.MkdirAll(rt, 0o700); err != nil {
		return guiRun{}, "", err
	}
	cmd := exec.Command("dbus-run-session", "--", "sh", "-c", script)
	cmd.Env = append(os.Environ(), "DISPLAY="+disp, "HOME="+home, "XDG_RUNTIME_DIR="+rt,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "XDG_DATA_HOME="+filepath.Join(home, ".local/share"),
		"RVPBENCH_PW="+rvpd.Password("me"), "RVPBENCH_ME="+me, "RVPBENCH_APP="+bin)
	cmd.Stdout, cmd.Stderr = e.logs, e.logs
	// Signed in: the login subscription and one presence subscription per
	// contact are live in rvpd.
	signed := func() bool {
		v, ok, err := in.Metric("rvpd_subscriptions")
		return err == nil && ok && int(v) >= 1+desktopContacts
	}
	r, err := measureGUIPid(ctx, disp, cmd, bin, "Rendezvous Messenger - "+me, signed)
	return r, "", err
}

// measureGUIPid is measureGUI for a client started through a wrapper
// (dbus-run-session): the figures are taken from the wrapper's descendant
// that runs bin.
func measureGUIPid(ctx context.Context, disp string, cmd *exec.Cmd, bin, title string, signedIn func() bool) (guiRun, error) {
	return measureGUIWith(ctx, disp, cmd, title, signedIn, func() (int, error) { return pidOf(bin, cmd.Process.Pid) })
}

// pidOf finds the descendant of ancestor whose executable is bin.
func pidOf(bin string, ancestor int) (int, error) {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	for _, d := range ents {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		if exe, err := os.Readlink(filepath.Join("/proc", d.Name(), "exe")); err == nil && exe == bin && descends(pid, ancestor) {
			return pid, nil
		}
	}
	return 0, fmt.Errorf("no process under %d runs %s", ancestor, bin)
}

// descends reports whether pid has ancestor among its parents.
func descends(pid, ancestor int) bool {
	for range 64 {
		if pid == ancestor {
			return true
		}
		if pid <= 1 {
			return false
		}
		b, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
		if err != nil {
			return false
		}
		_, rest, _ := strings.Cut(string(b), ") ")
		f := strings.Fields(rest)
		if len(f) < 2 {
			return false
		}
		if pid, err = strconv.Atoi(f[1]); err != nil {
			return false
		}
	}
	return false
}

// setOnline signs each contact's presence online (a PROPPATCH each).
func setOnline(ctx context.Context, addr string, aliases []string) error {
	c, err := rvpload.Dial(ctx, addr, nil, addr)
	if err != nil {
		return err
	}
	defer c.Close()
	for _, a := range aliases {
		auth, err := digest.NewClient(a, rvpd.Password(a))
		if err != nil {
			return err
		}
		if _, err := rvpload.SetState(c, auth, rvpd.Domain, a, rvpwire.StateOnline, ""); err != nil {
			return err
		}
	}
	return nil
}

// writeProfile writes the app's settings file (format: settings/doc.go):
// sign-in name, server, Polling mode, automatic sign-in and the contacts.
func writeProfile(home, server string, contacts []string) error {
	me := "me@" + rvpd.Domain
	dir := filepath.Join(home, ".config", "rendezvous", "profiles", me)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	type contact struct{ SignInName, DisplayName, Group string }
	doc := map[string]any{
		"Version": 1, "SignInName": me, "Server": server,
		"Connection":       map[string]any{"PollingFlag": 1, "PollingPeriod": 10},
		"RememberPassword": true, "SignInAutomatically": true,
		"Notifications": map[string]bool{"NotifyOnMessage": false, "NotifyOnContactOnline": false, "PlaySound": false},
		"Groups":        []string{"Bench"},
	}
	var list []contact
	for _, c := range contacts {
		list = append(list, contact{c + "@" + rvpd.Domain, c, "Bench"})
	}
	doc["Contacts"] = list
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "settings.json"), b, 0o600); err != nil {
		return err
	}
	// The sign-in window starts with the last sign-in name (app/signin.go).
	last := filepath.Join(home, ".config", "rendezvous", "last-sign-in")
	return os.WriteFile(last, []byte(me+"\n"), 0o600)
}

func firstLine(s string) string {
	l, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return l
}
