package ui

import (
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
)

// tray drives the system tray icon and menu of a MainWindow. It lives on
// the UI goroutine.
type tray struct {
	desk   desktop.App
	owner  *MainWindow
	unread int
}

// newTray returns nil when the app has no system tray (desk is nil, e.g.
// the test driver).
func newTray(desk desktop.App, owner *MainWindow) *tray {
	if desk == nil {
		return nil
	}
	t := &tray{desk: desk, owner: owner}
	t.refresh()
	return t
}

func (t *tray) setUnread(n int) {
	t.unread = max(n, 0)
	t.refresh()
}

// refresh rebuilds icon and menu from the owner's state and the unread
// count.
func (t *tray) refresh() {
	icons := t.owner.opts.Icons
	if t.unread > 0 {
		t.desk.SetSystemTrayIcon(icons.TrayUnread)
	} else {
		t.desk.SetSystemTrayIcon(icons.Tray)
	}
	t.desk.SetSystemTrayMenu(t.menu())
}

func (t *tray) menu() *fyne.Menu {
	items := []*fyne.MenuItem{fyne.NewMenuItem("Open Rendezvous Messenger", t.owner.Show)}
	if t.unread > 0 {
		label := "1 unread message"
		if t.unread > 1 {
			label = fmt.Sprintf("%d unread messages", t.unread)
		}
		items = append(items, fyne.NewMenuItem(label, func() {
			if t.owner.opts.OnShowUnread != nil {
				t.owner.opts.OnShowUnread()
			}
		}))
	}
	items = append(items, fyne.NewMenuItemSeparator())
	for _, s := range SelectableStates {
		item := fyne.NewMenuItem(s.Label(), func() { t.owner.statusPicked(s.Label()) })
		item.Checked = t.owner.self.State == s
		items = append(items, item)
	}
	exit := fyne.NewMenuItem("Exit", t.owner.exit)
	exit.IsQuit = true
	items = append(items, fyne.NewMenuItemSeparator(), exit)
	return fyne.NewMenu("Rendezvous Messenger", items...)
}

// reset leaves only Exit in the menu, for when the user signed out.
func (t *tray) reset() {
	t.unread = 0
	t.desk.SetSystemTrayIcon(t.owner.opts.Icons.Tray)
	exit := fyne.NewMenuItem("Exit", t.owner.exit)
	exit.IsQuit = true
	t.desk.SetSystemTrayMenu(fyne.NewMenu("Rendezvous Messenger", exit))
}
