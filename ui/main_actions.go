package ui

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// closeToTrayLabel is the File menu item that says what the close button
// does while a tray host shows the icon.
const closeToTrayLabel = "Close to Tray"

// mainMenu is the menu bar: File, Contacts, Tools, Help.
func (w *MainWindow) mainMenu() *fyne.MainMenu {
	exit := fyne.NewMenuItem("Exit", w.exit)
	exit.IsQuit = true
	file := fyne.NewMenu("File",
		fyne.NewMenuItem("Change My Display Name…", w.promptDisplayName),
		fyne.NewMenuItem("Sign Out", func() {
			if w.opts.OnSignOut != nil {
				w.opts.OnSignOut()
			}
		}),
		fyne.NewMenuItemSeparator())
	if w.ClosesToTray() { // without a tray host, closing the window is Exit
		file.Items = append(file.Items, fyne.NewMenuItem(closeToTrayLabel, w.win.Hide))
	}
	file.Items = append(file.Items, exit)
	contacts := fyne.NewMenu("Contacts",
		fyne.NewMenuItem("Add a Contact…", w.promptAddContact),
		fyne.NewMenuItem("Send Message", w.sendToSelected),
		fyne.NewMenuItem("Remove Contact…", func() { w.withSelected(w.confirmRemove) }),
		fyne.NewMenuItem("Properties", func() { w.withSelected(w.showProperties) }))
	menus := []*fyne.Menu{file, contacts}
	if w.opts.ShowOptions != nil {
		menus = append(menus, fyne.NewMenu("Tools",
			fyne.NewMenuItem("Options…", func() { w.opts.ShowOptions(w.win) })))
	}
	help := fyne.NewMenu("Help")
	if w.opts.ShowDiagnostics != nil {
		help.Items = append(help.Items,
			fyne.NewMenuItem("Connection Diagnostics…", func() { w.opts.ShowDiagnostics(w.win) }))
	}
	help.Items = append(help.Items, fyne.NewMenuItem("About Rendezvous Messenger", w.showAbout))
	return fyne.NewMainMenu(append(menus, help)...)
}

func (w *MainWindow) withSelected(f func(Contact)) {
	if c, ok := w.contactAt(w.selected); ok {
		f(c)
		return
	}
	dialog.ShowInformation("Contacts", "Choose a contact in the list first.", w.win)
}

// contextMenu is the secondary-tap menu of a contact.
func (w *MainWindow) contextMenu(c Contact) *fyne.Menu {
	block := fyne.NewMenuItem("Block", func() { w.setBlocked(c, true) })
	unblock := fyne.NewMenuItem("Unblock", func() { w.setBlocked(c, false) })
	block.Disabled, unblock.Disabled = c.Blocked, !c.Blocked
	return fyne.NewMenu("",
		fyne.NewMenuItem("Send Message", func() { w.openConversation(c) }),
		fyne.NewMenuItem("Send E-mail", func() { w.sendEmail(c) }),
		fyne.NewMenuItemSeparator(),
		block, unblock,
		fyne.NewMenuItemSeparator(),
		fyne.NewMenuItem("Remove Contact…", func() { w.confirmRemove(c) }),
		fyne.NewMenuItem("Properties", func() { w.showProperties(c) }))
}

// mailtoURL is the mailto: URL for a contact: its e-mail address, or else its
// sign-in name, which has the same form.
func mailtoURL(c Contact) *url.URL {
	addr := c.Email
	if addr == "" {
		addr = c.SignInName
	}
	return &url.URL{Scheme: "mailto", Opaque: addr}
}

func (w *MainWindow) sendEmail(c Contact) {
	if err := w.opts.OpenURL(mailtoURL(c)); err != nil {
		w.applyError(fmt.Errorf("ui: open mail program: %w", err))
	}
}

func (w *MainWindow) setBlocked(c Contact, blocked bool) {
	w.do(func(ctx context.Context) error { return w.opts.Service.SetBlocked(ctx, c.SignInName, blocked) }, nil)
}

// signInNameError checks a sign-in name typed into the Add a Contact form.
func signInNameError(s string) error {
	if msg := signInNameProblem(s); msg != "" {
		return errPlain(msg)
	}
	return nil
}

// lineForm describes a dialog that asks for one line of text.
type lineForm struct {
	title, confirm, label, hint string
	entry                       *widget.Entry // text, placeholder and validator set
	done                        func(text string)
}

// promptLine shows f; Enter submits, the text arrives trimmed.
func (w *MainWindow) promptLine(f lineForm) {
	items := []*widget.FormItem{{Text: f.label, Widget: f.entry, HintText: f.hint}}
	d := dialog.NewForm(f.title, f.confirm, "Cancel", items, func(ok bool) {
		if ok {
			f.done(strings.TrimSpace(f.entry.Text))
		}
	}, w.win)
	enterMovesOn(d, w.win.Canvas(), f.entry)
	// As wide as the window allows: a wider dialog is cut off at its edges.
	d.Resize(fyne.NewSize(min(360, w.win.Canvas().Size().Width-2*theme.Padding()), 0))
	d.Show()
	w.win.Canvas().Focus(f.entry)
}

func (w *MainWindow) promptAddContact() {
	name := widget.NewEntry()
	name.SetPlaceHolder("bob@example.com")
	name.Validator = func(s string) error {
		s = strings.TrimSpace(s)
		if sameName(s, w.self.SignInName) {
			return errPlain("That is your own sign-in name.")
		}
		return signInNameError(s)
	}
	w.promptLine(lineForm{title: "Add a Contact", confirm: "Add", label: "Sign-in name",
		hint: "The contact sees that you added them.", entry: name, done: w.addContact})
}

func (w *MainWindow) promptDisplayName() {
	name := widget.NewEntry()
	name.SetText(w.self.DisplayName)
	name.Validator = func(s string) error {
		if strings.TrimSpace(s) == "" {
			return errPlain("Type the name your contacts should see.")
		}
		return nil
	}
	w.promptLine(lineForm{title: "Change My Display Name", confirm: "Change", label: "Display name",
		hint: "Your contacts see this name.", entry: name, done: w.setDisplayName})
}

func (w *MainWindow) setDisplayName(name string) {
	w.do(func(ctx context.Context) error { return w.opts.Service.SetDisplayName(ctx, name) }, func(err error) {
		if err == nil {
			next := w.self
			next.DisplayName = name
			w.applySelf(next)
		}
	})
}

func (w *MainWindow) addContact(signInName string) {
	w.do(func(ctx context.Context) error { return w.opts.Service.AddContact(ctx, signInName) }, nil)
}

func (w *MainWindow) confirmRemove(c Contact) {
	msg := fmt.Sprintf("Remove %s (%s) from your contact list?", c.Name(), c.SignInName)
	dialog.ShowConfirm("Remove Contact", msg, func(ok bool) {
		if ok {
			w.do(func(ctx context.Context) error { return w.opts.Service.RemoveContact(ctx, c.SignInName) }, nil)
		}
	}, w.win)
}

func (w *MainWindow) showAbout() {
	dialog.ShowInformation("About Rendezvous Messenger",
		"Rendezvous Messenger\nAn instant messenger that speaks RVP.", w.win)
}
