package ui

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"
)

// LocalServer hosts a chat server on this computer for people without one.
// Both methods block and are called on a window goroutine with a context.
type LocalServer interface {
	// Start starts the server on this computer, or finds the one another
	// instance of the app already runs, and says where it is. open lets
	// other computers connect to a server this call starts.
	Start(ctx context.Context, open bool) (LocalServerInfo, error)
	// CreateAccount creates an account on that server and returns its
	// sign-in name (name@domain).
	CreateAccount(ctx context.Context, name, password string) (signInName string, err error)
}

// LocalServerInfo says where the server on this computer is.
type LocalServerInfo struct {
	Address string   // host:port to put into the Server field, e.g. 127.0.0.1:4180
	Domain  string   // the IM domain of its accounts, e.g. localhost
	Network []string // when other computers may connect: the addresses they use
}

const hostExplanation = "Rendezvous Messenger will run a chat server on this computer. " +
	"You can try the messenger with two accounts, for example by starting a second copy " +
	"with --profile bob. The server runs while this copy of the messenger runs."

// offerLocalServer asks, then starts (or finds) the local server.
func (w *SignInWindow) offerLocalServer() {
	msg := widget.NewLabel(hostExplanation)
	msg.Wrapping = fyne.TextWrapWord
	open := widget.NewCheck("Let other computers on my network connect", nil)
	body := container.NewVBox(msg, open)
	d := dialog.NewCustomConfirm("Host a server on this computer", "Start Server", "Cancel", body, func(ok bool) {
		if ok {
			w.startLocalServer(open.Checked)
		}
	}, w.win)
	d.Resize(fyne.NewSize(360, 0))
	d.Show()
}

func (w *SignInWindow) startLocalServer(open bool) {
	if w.busy {
		return
	}
	w.setBusy(true, "Starting the server on this computer…")
	ok := w.queue.submit(func(ctx context.Context) func() {
		info, err := w.opts.LocalServer.Start(ctx, open)
		return func() { w.applyLocalServerStarted(info, err) }
	})
	if !ok {
		w.setBusy(false, "")
	}
}

func (w *SignInWindow) applyLocalServerStarted(info LocalServerInfo, err error) {
	w.setBusy(false, "")
	if err != nil {
		w.applyError(err)
		return
	}
	w.server.SetText(info.Address)
	w.showAccountForm(info)
}

// showAccountForm asks for the name and password of a new account.
func (w *SignInWindow) showAccountForm(info LocalServerInfo) {
	name := widget.NewEntry()
	name.SetPlaceHolder("alice")
	name.Validator = func(s string) error { return accountNameError(strings.TrimSpace(s)) }
	pw := widget.NewPasswordEntry()
	pw.Validator = func(s string) error {
		if s == "" {
			return errPlain("Choose a password.")
		}
		return nil
	}
	again := widget.NewPasswordEntry()
	again.Validator = func(s string) error {
		if s != pw.Text {
			return errPlain("The passwords are not the same.")
		}
		return nil
	}
	hint := "Your sign-in name will be name@" + info.Domain
	if len(info.Network) > 0 {
		hint += "; other computers use the server " + info.Network[0]
	}
	items := []*widget.FormItem{
		{Text: "Name", Widget: name, HintText: hint},
		{Text: "Password", Widget: pw},
		{Text: "Password again", Widget: again},
	}
	d := dialog.NewForm("Create an account on this computer", "Create Account", "Cancel", items, func(ok bool) {
		if ok {
			w.createAccount(strings.TrimSpace(name.Text), pw.Text)
		}
	}, w.win)
	enterMovesOn(d, w.win.Canvas(), name, pw, again)
	d.Resize(fyne.NewSize(380, 0))
	d.Show()
	w.win.Canvas().Focus(name)
}

// enterMovesOn makes Enter in a form dialog's entries move to the next
// entry and, in the last one, submit the form (when it validates).
func enterMovesOn(d *dialog.FormDialog, c fyne.Canvas, entries ...*widget.Entry) {
	for i, e := range entries {
		if i == len(entries)-1 {
			e.OnSubmitted = func(string) {
				// The form learns of an entry's new error only once the entry
				// loses the focus: check them all here.
				for _, x := range entries {
					if x.Validator != nil && x.Validator(x.Text) != nil {
						return
					}
				}
				d.Submit()
			}
			continue
		}
		next := entries[i+1]
		e.OnSubmitted = func(string) { c.Focus(next) }
	}
}

// accountNameError checks the local part of a new sign-in name.
func accountNameError(s string) error {
	if s == "" {
		return errPlain("Choose a name, for example alice.")
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("._-", r)
		if !ok {
			return errPlain("Use letters, digits, dots, dashes and underscores only.")
		}
	}
	return nil
}

func (w *SignInWindow) createAccount(name, password string) {
	w.setBusy(true, "Creating the account…")
	ok := w.queue.submit(func(ctx context.Context) func() {
		signInName, err := w.opts.LocalServer.CreateAccount(ctx, name, password)
		return func() { w.applyAccountCreated(signInName, password, err) }
	})
	if !ok {
		w.setBusy(false, "")
	}
}

func (w *SignInWindow) applyAccountCreated(signInName, password string, err error) {
	w.setBusy(false, "")
	if err != nil {
		w.applyError(err)
		return
	}
	w.name.SetText(signInName)
	w.password.SetText(password)
	w.SignInNow()
}

// errPlain is an error whose text is already a sentence for the user
// (form validation).
type errPlain string

func (e errPlain) Error() string { return string(e) }
