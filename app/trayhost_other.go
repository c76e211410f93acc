//go:build !(linux || freebsd || openbsd || netbsd)

package app

import "log/slog"

// startTrayHost assumes a tray host: Windows and macOS always show the
// notification area and the menu bar extras.
func startTrayHost(_ *slog.Logger, changed func()) *trayHost {
	h, _ := newTrayHost(changed)
	h.avail.Store(true)
	close(h.done)
	return h
}
