//go:build linux || freebsd || openbsd || netbsd

package app

import (
	"os"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// TestTrayHostFollowsTheWatcher needs a session bus of its own (run the
// package under dbus-run-session); it claims and releases the
// StatusNotifierWatcher name the way a panel does.
func TestTrayHostFollowsTheWatcher(t *testing.T) {
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Skip("no session bus (run under dbus-run-session)")
	}
	panel, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Skip("session bus unreachable:", err)
	}
	defer panel.Close()
	if has := ownerOf(t, panel); has {
		t.Skip("this session bus already has a tray host")
	}
	changes := make(chan struct{}, 4)
	h := startTrayHost(discard(), func() { changes <- struct{}{} })
	defer h.close()

	if reply, err := panel.RequestName(trayWatcher, dbus.NameFlagDoNotQueue); err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("claim %s: %v, %v", trayWatcher, reply, err)
	}
	if waitChange(t, changes); !h.available() {
		t.Fatal("the watcher's arrival was not noticed")
	}
	if _, err := panel.ReleaseName(trayWatcher); err != nil {
		t.Fatal(err)
	}
	if waitChange(t, changes); h.available() {
		t.Fatal("the watcher's departure was not noticed")
	}
}

func ownerOf(t *testing.T, conn *dbus.Conn) bool {
	var has bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, trayWatcher).Store(&has); err != nil {
		t.Fatal(err)
	}
	return has
}

func waitChange(t *testing.T, changes <-chan struct{}) {
	t.Helper()
	select {
	case <-changes:
	case <-time.After(10 * time.Second):
		t.Fatal("no change reported")
	}
}

func TestTrayHostWithoutBus(t *testing.T) {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path="+t.TempDir()+"/none")
	h := startTrayHost(discard(), func() { t.Error("changed without a bus") })
	h.close()
	if h.available() {
		t.Fatal("a tray host without a session bus")
	}
}
