package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// Icons are the images the windows use. Zero fields take built-in defaults
// (theme icons and coloured dots); package app passes the artwork of
// package assets.
type Icons struct {
	App        fyne.Resource               // window icon
	Tray       fyne.Resource               // system tray, nothing unread
	TrayUnread fyne.Resource               // system tray, messages unread
	Status     func(s State) fyne.Resource // contact list and status menu
}

func (ic Icons) withDefaults() Icons {
	if ic.App == nil {
		ic.App = theme.MailComposeIcon()
	}
	if ic.Tray == nil {
		ic.Tray = ic.App
	}
	if ic.TrayUnread == nil {
		ic.TrayUnread = theme.NewPrimaryThemedResource(theme.MailComposeIcon())
	}
	if ic.Status == nil {
		ic.Status = defaultStatusIcon
	}
	return ic
}

// Built-in status dots, one resource per colour so Fyne caches them.
var (
	dotGreen = dotIcon("online", "#2eb85c")
	dotRed   = dotIcon("busy", "#d93636")
	dotAmber = dotIcon("away", "#f2a91c")
	dotGrey  = dotIcon("offline", "#8a8f96")
)

func dotIcon(name, fill string) fyne.Resource {
	svg := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16" viewBox="0 0 16 16">`+
		`<circle cx="8" cy="8" r="6" fill="%s" stroke="#000000" stroke-opacity="0.25" stroke-width="1"/></svg>`, fill)
	return fyne.NewStaticResource("status-"+name+".svg", []byte(svg))
}

func defaultStatusIcon(s State) fyne.Resource {
	switch s {
	case StateBusy, StateOnPhone:
		return dotRed
	case StateAway, StateBackSoon, StateAtLunch, StateIdle:
		return dotAmber
	}
	if s.IsOnline() {
		return dotGreen
	}
	return dotGrey
}
