package ui

import (
	"context"
	"net/url"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// MainService is what the main window asks of the signed-in engine. Every
// method blocks, is called on the window's goroutine with a context, and
// returns an error the Describer knows.
type MainService interface {
	SetState(ctx context.Context, s State) error
	AddContact(ctx context.Context, signInName string) error
	RemoveContact(ctx context.Context, signInName string) error
	SetBlocked(ctx context.Context, signInName string, blocked bool) error
	SetDisplayName(ctx context.Context, name string) error
	// Properties asks the server for a contact's current display name,
	// e-mail address and state (Contacts > Properties).
	Properties(ctx context.Context, signInName string) (Contact, error)
}

// MainOptions configure a MainWindow. Self and Service are required; the
// callbacks run on the UI goroutine and may be nil.
type MainOptions struct {
	Self     Contact // the signed-in user
	Service  MainService
	Describe Describer
	Icons    Icons

	OpenConversation func(c Contact)          // double tap, Send Message
	OpenURL          func(u *url.URL) error   // Send E-mail; nil means the app's OpenURL
	ShowOptions      func(parent fyne.Window) // Tools > Options…; nil leaves the item out
	ShowDiagnostics  func(parent fyne.Window) // Help > Connection Diagnostics…; nil leaves it out
	OnSignOut        func()                   // File > Sign Out
	OnExit           func()                   // File > Exit, tray Exit; also closing without a tray
	OnShowUnread     func()                   // the tray's unread item

	// TrayHost reports, without blocking, whether a system tray host shows
	// the tray icon now (on Linux: a StatusNotifierItem watcher owns its
	// name on the session bus). Closing the window hides it to the tray
	// only while it reports true; otherwise closing is File > Exit. nil
	// means a host exists whenever the app has a tray (desktop.App).
	TrayHost func() bool

	// Extras are shown between the contact list and the buttons, in order
	// (e.g. a connection status line and a firewall banner from package
	// options). The window does not manage their visibility.
	Extras []fyne.CanvasObject

	deliver func(func()) // tests: replaces fyne.Do for queue results
	trayApp desktop.App  // tests: the tray backend instead of the app's
}

// MainWindow is the contact list window. Methods run on the UI goroutine
// unless their comment says "any goroutine".
type MainWindow struct {
	opts  MainOptions
	app   fyne.App
	win   fyne.Window
	queue *workQueue
	tray  *tray

	self     Contact
	selfIcon *widget.Icon
	selfName *widget.Label
	status   *widget.Select
	list     *contactList

	rows     []contactRow
	selected widget.ListItemID
	props    *propertiesView // the open Properties dialog, if any
	setting  bool            // the status select is being set by code
}

// MainTitle is the main window's title for a sign-in name.
func MainTitle(signInName string) string { return "Rendezvous Messenger - " + signInName }

// NewMainWindow builds the main window and, where the desktop has one, the
// system tray icon; it does not show the window.
func NewMainWindow(a fyne.App, opts MainOptions) *MainWindow {
	opts.Icons = opts.Icons.withDefaults()
	if opts.OpenURL == nil {
		opts.OpenURL = a.OpenURL
	}
	w := &MainWindow{opts: opts, app: a, win: a.NewWindow(MainTitle(opts.Self.SignInName)),
		queue: newWorkQueue(opts.deliver), self: opts.Self, selected: -1}
	w.win.SetIcon(opts.Icons.App)
	w.win.SetContent(w.build())
	w.win.Resize(fyne.NewSize(320, 560))
	desk := opts.trayApp
	if desk == nil {
		desk, _ = a.(desktop.App)
	}
	w.tray = newTray(desk, w)
	w.win.SetMainMenu(w.mainMenu())
	w.win.SetCloseIntercept(w.closeRequested)
	w.applySelf(opts.Self)
	return w
}

// ClosesToTray reports whether closing the window now hides it to the
// system tray (true) or exits the app (false).
func (w *MainWindow) ClosesToTray() bool {
	return w.tray != nil && (w.opts.TrayHost == nil || w.opts.TrayHost())
}

// TrayHostChanged re-reads TrayHost and updates the File menu, whose "Close
// to Tray" item is there only while closing hides the window.
func (w *MainWindow) TrayHostChanged() { w.win.SetMainMenu(w.mainMenu()) }

// closeRequested handles the window's close button: hide to the tray when
// a tray host shows the icon (the tray's Open brings the window back),
// else exit as File > Exit does, since a hidden window could not be found
// again.
func (w *MainWindow) closeRequested() {
	if w.ClosesToTray() {
		w.win.Hide()
		return
	}
	w.exit()
}

// Window returns the Fyne window.
func (w *MainWindow) Window() fyne.Window { return w.win }

// Show shows the window and brings it to the front.
func (w *MainWindow) Show() {
	w.win.Show()
	w.win.RequestFocus()
}

// Close closes the window for good (sign-out), resets the tray and stops
// the window's goroutine.
func (w *MainWindow) Close() {
	w.queue.stop()
	if w.tray != nil {
		w.tray.reset()
	}
	w.win.Close()
}

// Stop cancels the window's work without touching a widget (app shutdown
// after the event loop ended). Any goroutine.
func (w *MainWindow) Stop() { w.queue.stop() }

// Wait blocks until the window's goroutine has ended after Close or Stop.
func (w *MainWindow) Wait() { w.queue.wait() }

// ContactsChanged replaces the contact list. Any goroutine.
func (w *MainWindow) ContactsChanged(cs []Contact) {
	cs = append([]Contact(nil), cs...)
	fyne.Do(func() { w.applyContacts(cs) })
}

// SelfChanged updates the signed-in user's name and state. Any goroutine.
func (w *MainWindow) SelfChanged(c Contact) { fyne.Do(func() { w.applySelf(c) }) }

// SetUnread shows how many messages are unread (tray icon and menu). Any
// goroutine.
func (w *MainWindow) SetUnread(n int) {
	fyne.Do(func() {
		if w.tray != nil {
			w.tray.setUnread(n)
		}
	})
}

// ShowError shows err in plain words in a dialog. Any goroutine.
func (w *MainWindow) ShowError(err error) { fyne.Do(func() { w.applyError(err) }) }

func (w *MainWindow) build() fyne.CanvasObject {
	w.selfIcon = widget.NewIcon(nil)
	w.selfName = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.selfName.Truncation = fyne.TextTruncateEllipsis
	labels := make([]string, len(SelectableStates))
	for i, s := range SelectableStates {
		labels[i] = s.Label()
	}
	w.status = widget.NewSelect(labels, w.statusPicked)
	header := container.NewBorder(nil, nil, w.selfIcon, w.status, w.selfName)

	w.list = newContactList(w)
	w.list.OnSelected = func(id widget.ListItemID) { w.selected = id }
	w.list.OnUnselected = func(widget.ListItemID) { w.selected = -1 }

	add := widget.NewButtonWithIcon("Add a Contact", theme.ContentAddIcon(), w.promptAddContact)
	send := widget.NewButtonWithIcon("Send Message", theme.MailSendIcon(), w.sendToSelected)
	footer := container.NewVBox(w.opts.Extras...)
	footer.Add(container.NewGridWithColumns(2, add, send))
	return container.NewBorder(container.NewVBox(header, widget.NewSeparator()), footer, nil, nil, w.list)
}

func (w *MainWindow) applySelf(c Contact) {
	w.self = c
	w.selfName.SetText(c.Name())
	w.selfIcon.SetResource(w.opts.Icons.Status(c.State))
	w.setting = true
	w.status.SetSelected(c.State.Label())
	w.setting = false
	if w.tray != nil {
		w.tray.refresh()
	}
}

func (w *MainWindow) applyContacts(cs []Contact) {
	var keep string
	if c, ok := w.contactAt(w.selected); ok {
		keep = c.SignInName
	}
	w.rows = groupContacts(cs)
	w.list.Refresh()
	at := slices.IndexFunc(w.rows, func(r contactRow) bool {
		return keep != "" && r.header == "" && r.contact.SignInName == keep
	})
	switch {
	case at == w.selected: // still in place: leave the list (and its scrolling) alone
	case at < 0:
		w.list.UnselectAll()
	default:
		w.list.Select(at) // the contact moved, e.g. to the other group
	}
}

func (w *MainWindow) applyError(err error) {
	if err == nil {
		return
	}
	dialog.ShowInformation("Rendezvous Messenger", describe(w.opts.Describe, err), w.win)
}

// contactAt returns the contact shown at list row id.
func (w *MainWindow) contactAt(id widget.ListItemID) (Contact, bool) {
	if id < 0 || id >= len(w.rows) || w.rows[id].header != "" {
		return Contact{}, false
	}
	return w.rows[id].contact, true
}

// statusPicked handles a choice in the status menu (select or tray).
func (w *MainWindow) statusPicked(label string) {
	s, ok := stateForLabel(label)
	if w.setting || !ok || s == w.self.State {
		return
	}
	w.setState(s)
}

func (w *MainWindow) setState(s State) {
	prev := w.self
	next := w.self
	next.State = s
	w.applySelf(next)
	w.do(func(ctx context.Context) error { return w.opts.Service.SetState(ctx, s) }, func(err error) {
		if err != nil && w.self.State == s {
			w.applySelf(prev)
		}
	})
}

// do runs call on the window's goroutine and then, on the UI goroutine,
// shows its error (if any) and runs after (if set).
func (w *MainWindow) do(call func(ctx context.Context) error, after func(err error)) {
	ok := w.queue.submit(func(ctx context.Context) func() {
		err := call(ctx)
		return func() {
			if after != nil {
				after(err)
			}
			w.applyError(err)
		}
	})
	if !ok && after != nil {
		after(context.Canceled)
	}
}

func (w *MainWindow) openConversation(c Contact) {
	if w.opts.OpenConversation != nil {
		w.opts.OpenConversation(c)
	}
}

func (w *MainWindow) sendToSelected() {
	if c, ok := w.contactAt(w.selected); ok {
		w.openConversation(c)
		return
	}
	dialog.ShowInformation("Send Message", "Choose a contact in the list first.", w.win)
}

func (w *MainWindow) exit() {
	if w.opts.OnExit != nil {
		w.opts.OnExit()
	}
}
