// Package app wires Rendezvous Messenger together: command line and XDG
// directories, settings and keyring secrets, the protocol engine
// (rvpclient), the optional server on this computer (app/localserver) and
// the windows of package ui. It holds no protocol or widget logic of its
// own; it owns the lifetimes.
//
// Threading: Main runs the Fyne event loop on the main goroutine. The
// controller's window fields live on the UI goroutine; engine events enter
// the windows through the session's dispatch into the ui adapters (which use
// fyne.Do); blocking engine calls run on the windows' queue goroutines or on
// goroutines the controller counts and waits for at exit. Two goroutines of
// Main's own: the tray-host watcher (trayhost*.go), whose news reaches the
// main window through fyne.Do, and the loop guard (loopguard.go), which
// shuts down and exits when Fyne's Run does not return after quitting.
package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/adrg/xdg"
	"github.com/gen2brain/beeep"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"rendezvous/app/localserver"
	"rendezvous/assets"
	"rendezvous/settings"
	"rendezvous/ui"
)

// ID is the application ID (also in FyneApp.toml).
const ID = "net.rendezvous.messenger"

// Main runs the desktop app with args (without the program name) and
// returns the exit code.
func Main(args []string) int {
	cfg, err := parseArgs(args, os.Stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 2
	}
	log := newLogger(os.Stderr, cfg.verbose)
	beeep.AppName = "Rendezvous Messenger"
	id := ID // a profile of its own keeps Fyne's preferences and cache apart
	if cfg.profile != "" {
		id += "." + cfg.profile
	}
	a := fyneapp.NewWithID(id)
	c := newController(a, cfg, resolveDirs(xdg.ConfigHome, xdg.DataHome, cfg.profile), log)
	c.si.secrets = settings.NewKeyring(nil)
	c.si.policy = func() settings.Policy { return settings.LoadPolicy(xdg.ConfigDirs, log) }
	a.SetIcon(c.icons.App)
	tray := startTrayHost(log, func() { fyne.Do(c.trayHostChanged) })
	c.trayHost = tray.available
	guard := newLoopGuard(quitGrace, os.Exit, log)
	c.onQuit = guard.quitRequested
	stopSignals := c.detachOnSignal()
	c.start()
	c.startSmoke()
	guard.run(a.Run, func() {
		tray.close()
		stopSignals()
		c.shutdown()
	})
	return 0
}

func newLogger(w io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// newController builds the controller without I/O; Main (or a test) sets
// secrets and policy.
func newController(a fyne.App, cfg config, d dirs, log *slog.Logger) *controller {
	local := localserver.New(localserver.Options{Dir: d.server, Logger: log})
	c := &controller{
		app: a, cfg: cfg, dirs: d, log: log, local: local, icons: appIcons(),
		notify: newNotifier(func(title, body string) error { return beeep.Notify(title, body, "") }, log),
	}
	c.si = &signIn{dirs: d, local: local, log: log}
	return c
}

// appIcons are the artwork of package assets for the windows.
func appIcons() ui.Icons {
	return ui.Icons{App: assets.AppIcon, Tray: assets.TrayIcon, Status: func(s ui.State) fyne.Resource { return assets.StatusIcon(string(s)) }}
}
