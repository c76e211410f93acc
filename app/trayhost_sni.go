//go:build linux || freebsd || openbsd || netbsd

package app

import (
	"context"
	"log/slog"

	"github.com/godbus/dbus/v5"
)

// trayWatcher is the bus name of the StatusNotifierItem watcher that Fyne's
// tray (fyne.io/systray) registers its icon with on these systems. Without
// an owner no panel shows the icon.
const trayWatcher = "org.kde.StatusNotifierWatcher"

// startTrayHost watches the session bus for the owner of trayWatcher on a
// private connection. Until the first answer, and without a session bus,
// there is no tray host.
func startTrayHost(log *slog.Logger, changed func()) *trayHost {
	h, ctx := newTrayHost(changed)
	go func() {
		defer close(h.done)
		if err := h.watch(ctx); err != nil && ctx.Err() == nil {
			log.Info("no system tray host known: closing the main window exits", "err", err)
		}
	}()
	return h
}

// watch subscribes to owner changes of trayWatcher, asks for its current
// owner and follows the changes until ctx ends (which closes the
// connection and so the signal channel).
func (h *trayHost) watch(ctx context.Context) error {
	conn, err := dbus.ConnectSessionBus(dbus.WithContext(ctx))
	if err != nil {
		return err
	}
	defer conn.Close()
	sigs := make(chan *dbus.Signal, 8)
	conn.Signal(sigs)
	err = conn.AddMatchSignalContext(ctx,
		dbus.WithMatchSender("org.freedesktop.DBus"),
		dbus.WithMatchInterface("org.freedesktop.DBus"),
		dbus.WithMatchMember("NameOwnerChanged"),
		dbus.WithMatchArg(0, trayWatcher))
	if err != nil {
		return err
	}
	var has bool
	err = conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.NameHasOwner", 0, trayWatcher).Store(&has)
	if err != nil {
		return err
	}
	h.set(has)
	for sig := range sigs {
		// NameOwnerChanged carries (name, old owner, new owner).
		if len(sig.Body) == 3 && sig.Body[0] == trayWatcher {
			owner, _ := sig.Body[2].(string)
			h.set(owner != "")
		}
	}
	return nil
}
