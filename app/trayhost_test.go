package app

import (
	"context"
	"sync/atomic"
	"testing"

	"fyne.io/fyne/v2"
)

// trayLoopApp is a loopApp with a system tray.
type trayLoopApp struct{ *loopApp }

func (trayLoopApp) SetSystemTrayMenu(*fyne.Menu)    {}
func (trayLoopApp) SetSystemTrayIcon(fyne.Resource) {}
func (trayLoopApp) SetSystemTrayWindow(fyne.Window) {}

// TestMainWindowClosesToTrayOnlyWithAHost: with a tray but no tray host,
// closing the main window must be Exit; a host that comes later turns it
// into Close to Tray.
func TestMainWindowClosesToTrayOnlyWithAHost(t *testing.T) {
	a := newLoopApp(t)
	alice := newTestUserOn(t, a, trayLoopApp{a}, t.TempDir(), "")
	var host atomic.Bool
	alice.c.trayHost = host.Load
	ctx := context.Background()
	if _, err := alice.c.local.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.c.local.CreateAccount(ctx, "alice", "pw-a"); err != nil {
		t.Fatal(err)
	}
	cur := alice.signIn(t, a, "alice@localhost", "pw-a")
	defer alice.exit(a)
	var toTray bool
	a.do(func() { toTray = cur.main.ClosesToTray() })
	if toTray {
		t.Fatal("without a tray host the main window would hide where nobody can find it")
	}
	host.Store(true)
	a.do(func() { alice.c.trayHostChanged(); toTray = cur.main.ClosesToTray() })
	if !toTray {
		t.Fatal("with a tray host the main window does not close to the tray")
	}
}
