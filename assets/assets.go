// Package assets embeds the application's artwork: the application icon,
// the tray icon and the presence status icons. The PNG files are drawn by
// the program in assets/gen from package assets/internal/art (standard
// library only) and committed; run `go generate ./assets` after changing
// the artwork.
package assets

//go:generate go run ./gen -out .

import (
	_ "embed"

	"fyne.io/fyne/v2"
)

var (
	//go:embed icon.png
	iconPNG []byte
	//go:embed tray.png
	trayPNG []byte
	//go:embed status-online.png
	onlinePNG []byte
	//go:embed status-busy.png
	busyPNG []byte
	//go:embed status-away.png
	awayPNG []byte
	//go:embed status-offline.png
	offlinePNG []byte
)

// The embedded images as Fyne resources. They are immutable; share them
// freely between goroutines.
var (
	AppIcon  fyne.Resource = fyne.NewStaticResource("icon.png", iconPNG)
	TrayIcon fyne.Resource = fyne.NewStaticResource("tray.png", trayPNG)

	StatusOnline  fyne.Resource = fyne.NewStaticResource("status-online.png", onlinePNG)
	StatusBusy    fyne.Resource = fyne.NewStaticResource("status-busy.png", busyPNG)
	StatusAway    fyne.Resource = fyne.NewStaticResource("status-away.png", awayPNG)
	StatusOffline fyne.Resource = fyne.NewStaticResource("status-offline.png", offlinePNG)
)

// StatusIcon returns the icon for a presence token (PROTOCOL.md section 6):
// red for busy and on-phone, amber for away, back-soon, at-lunch and idle,
// grey for offline, invisible and no state at all, and green for online and
// any token we do not know (an unknown token reads as online, as old
// clients did).
func StatusIcon(state string) fyne.Resource {
	switch state {
	case "busy", "on-phone":
		return StatusBusy
	case "away", "back-soon", "at-lunch", "idle":
		return StatusAway
	case "offline", "invisible", "":
		return StatusOffline
	}
	return StatusOnline
}
