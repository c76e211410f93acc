package options

import (
	"context"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"rendezvous/settings"
)

// NotificationSettings is what the Notifications tab needs. Both methods
// may do I/O and are called off the UI goroutine; implementations must be
// safe for concurrent use.
type NotificationSettings interface {
	LoadNotifications(ctx context.Context) (settings.Notifications, error)
	SaveNotifications(ctx context.Context, n settings.Notifications) error
}

// notificationsTab shows settings.Notifications as three checks and saves
// each change at once. Saves run one at a time on the tab's goroutine, the
// newest value last, so the file always ends with what the checks show.
type notificationsTab struct {
	ns     NotificationSettings
	tasks  *tasks
	onMsg  *widget.Check
	onLine *widget.Check
	sound  *widget.Check
	status *widget.Label
	loaded bool

	mu      sync.Mutex // guards pending and saving
	pending *settings.Notifications
	saving  bool
}

func newNotificationsTab(ns NotificationSettings, t *tasks) *notificationsTab {
	n := &notificationsTab{ns: ns, tasks: t, status: widget.NewLabel("")}
	changed := func(bool) { n.changed() }
	n.onMsg = widget.NewCheck("Show a notification when a message arrives", changed)
	n.onLine = widget.NewCheck("Show a notification when a contact comes online", changed)
	n.sound = widget.NewCheck("Play a sound", changed)
	n.status.Importance = widget.DangerImportance
	n.status.Wrapping = fyne.TextWrapWord
	n.status.Hide()
	n.setEnabled(false)
	return n
}

func (n *notificationsTab) content() fyne.CanvasObject {
	return container.NewVBox(n.onMsg, n.onLine, n.sound, n.status)
}

func (n *notificationsTab) setEnabled(on bool) {
	for _, c := range []*widget.Check{n.onMsg, n.onLine, n.sound} {
		setEnabled(c, on)
	}
}

// load reads the preferences off the UI goroutine and shows them.
func (n *notificationsTab) load() {
	n.tasks.do(func(ctx context.Context) func() {
		prefs, err := n.ns.LoadNotifications(ctx)
		return func() { n.applyLoaded(prefs, err) }
	})
}

func (n *notificationsTab) applyLoaded(prefs settings.Notifications, err error) {
	if err != nil {
		n.showError(userMessage(err, "Your notification settings could not be read"))
		return
	}
	n.loaded = false // the checks' OnChanged must not save what was just read
	n.onMsg.SetChecked(prefs.NotifyOnMessage)
	n.onLine.SetChecked(prefs.NotifyOnContactOnline)
	n.sound.SetChecked(prefs.PlaySound)
	n.loaded = true
	n.setEnabled(true)
}

func (n *notificationsTab) current() settings.Notifications {
	return settings.Notifications{
		NotifyOnMessage: n.onMsg.Checked, NotifyOnContactOnline: n.onLine.Checked, PlaySound: n.sound.Checked,
	}
}

// changed queues the checks' state for saving.
func (n *notificationsTab) changed() {
	if !n.loaded {
		return
	}
	prefs := n.current()
	n.mu.Lock()
	n.pending = &prefs
	start := !n.saving
	n.saving = true
	n.mu.Unlock()
	if start {
		n.tasks.do(n.saveLoop)
	}
}

// saveLoop saves the newest pending value until none is left.
func (n *notificationsTab) saveLoop(ctx context.Context) func() {
	var lastErr error
	for {
		n.mu.Lock()
		prefs := n.pending
		n.pending = nil
		if prefs == nil {
			n.saving = false
			n.mu.Unlock()
			break
		}
		n.mu.Unlock()
		lastErr = n.ns.SaveNotifications(ctx, *prefs)
	}
	return func() {
		if lastErr != nil {
			n.showError(userMessage(lastErr, "Your notification settings could not be saved"))
		} else {
			n.status.Hide()
		}
	}
}

func (n *notificationsTab) showError(msg string) {
	n.status.SetText(msg)
	n.status.Show()
}
