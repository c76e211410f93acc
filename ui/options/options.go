package options

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// Texts of the Options window.
const (
	OptionsTitle      = "Options"
	AccountsTab       = "Accounts"
	PrivacyTab        = "Privacy"
	NotificationsTab  = "Notifications"
	AdvancedButton    = "Advanced..."
	AdvancedPrompt    = "If a firewall or proxy keeps messages from reaching you, choose how this computer connects."
	NotificationsGone = "Notification settings are not available."
)

// Deps lists what the Options window uses. A nil interface disables the
// part that needs it (Privacy is nil while signed out).
type Deps struct {
	SignInName    string
	Connection    ConnectionSettings
	Notifications NotificationSettings
	Privacy       PrivacySource
	// OnConnectionSaved runs on the UI goroutine after the Connection
	// Configuration dialog saved c, the configuration of the next sign-in
	// (for example ConnectionStatus.SetNext). May be nil.
	OnConnectionSaved func(c Connection)
}

// Window is the Options window (Tools > Options...): Accounts, with the
// "Advanced..." button that opens Connection Configuration; Privacy;
// Notifications. Its data is read and written off the UI goroutine; closing
// the window cancels what is still running.
//
// Methods must be called on the UI goroutine, except Wait.
type Window struct {
	win      fyne.Window
	deps     Deps
	tasks    *tasks
	tabs     *container.AppTabs
	advanced *widget.Button
	privacy  *privacyTab
	notif    *notificationsTab
	conn     *ConnectionDialog // the last Connection Configuration dialog
	closed   bool
}

// NewWindow builds the Options window in app. It does no I/O; Show loads.
func NewWindow(app fyne.App, deps Deps) *Window {
	w := &Window{win: app.NewWindow(OptionsTitle), deps: deps, tasks: newTasks()}
	w.advanced = widget.NewButton(AdvancedButton, w.openConnection)
	if deps.Connection == nil {
		w.advanced.Disable()
	}
	w.privacy = newPrivacyTab(deps.Privacy, w.win, w.tasks)
	var notif fyne.CanvasObject = widget.NewLabel(NotificationsGone)
	if deps.Notifications != nil {
		w.notif = newNotificationsTab(deps.Notifications, w.tasks)
		notif = w.notif.content()
	}
	w.tabs = container.NewAppTabs(
		container.NewTabItem(AccountsTab, w.accountsContent()),
		container.NewTabItem(PrivacyTab, w.privacy.content()),
		container.NewTabItem(NotificationsTab, notif),
	)
	w.win.SetContent(w.tabs)
	w.win.Resize(fyne.NewSize(600, 540))
	w.win.SetOnClosed(w.onClosed)
	return w
}

func (w *Window) accountsContent() fyne.CanvasObject {
	prompt := widget.NewLabel(AdvancedPrompt)
	prompt.Wrapping = fyne.TextWrapWord
	box := container.NewVBox()
	if w.deps.SignInName != "" {
		box.Add(widget.NewLabelWithStyle("Account: "+w.deps.SignInName, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		box.Add(widget.NewSeparator())
	}
	box.Add(prompt)
	box.Add(container.NewHBox(w.advanced))
	return box
}

// Show shows the window (bringing it to the front if shown) and loads the
// privacy lists and notification preferences.
func (w *Window) Show() {
	if w.closed {
		return
	}
	w.win.Show()
	w.privacy.load()
	if w.notif != nil {
		w.notif.load()
	}
}

// Close closes the window; Closed then reports true. It is idempotent.
func (w *Window) Close() {
	if !w.closed {
		w.win.Close()
	}
}

// Closed reports whether the window was closed; the app then builds a new
// one for the next Tools > Options....
func (w *Window) Closed() bool { return w.closed }

// Wait waits for the window's goroutines. Call it off the UI goroutine
// (for example at shutdown, after Close).
func (w *Window) Wait() { w.tasks.wait() }

func (w *Window) onClosed() {
	w.closed = true
	w.tasks.stop()
}

// openConnection loads the connection state off the UI goroutine, then
// opens Connection Configuration.
func (w *Window) openConnection() {
	w.advanced.Disable()
	w.tasks.do(func(ctx context.Context) func() {
		state, err := w.deps.Connection.LoadConnection(ctx)
		return func() {
			w.advanced.Enable()
			if err != nil {
				showMessage(w.win, ConnectionDialogTitle, userMessage(err, "Your connection configuration could not be read"))
				return
			}
			w.conn = newConnectionDialog(w.win, state, w.deps.Connection, w.deps.OnConnectionSaved, w.tasks)
			w.conn.opener = w.advanced
			w.conn.Show()
		}
	})
}
