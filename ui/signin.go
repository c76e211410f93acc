package ui

import (
	"context"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// SignInTitle is the title of the sign-in window.
const SignInTitle = "Rendezvous Messenger"

// SignInRequest is what the user typed into the sign-in window.
type SignInRequest struct {
	SignInName          string // alice@example.com
	Password            string
	Server              string // optional host:port or URL; empty means discovery
	RememberPassword    bool
	SignInAutomatically bool
}

// SignInService signs in. SignIn blocks until the user is signed in or it
// failed; it is called on a goroutine of the window, never on the UI
// goroutine, and must honour ctx.
type SignInService interface {
	SignIn(ctx context.Context, req SignInRequest) error
}

// SignInOptions configure a SignInWindow. Service is required.
type SignInOptions struct {
	Service  SignInService
	Describe Describer
	Initial  SignInRequest // prefilled fields
	// KnownNames are the sign-in names of existing profiles, offered in the
	// sign-in name field.
	KnownNames []string
	// Recall, when set, returns the remembered fields of a known sign-in
	// name (it may read the keyring). It runs on the window's goroutine.
	Recall func(ctx context.Context, signInName string) (SignInRequest, error)
	// AutoSignIn signs in at Show when Recall says the Initial sign-in name
	// signs in automatically and has a remembered password (app start).
	AutoSignIn bool
	// LocalServer, when set, lets the user host a server on this computer.
	LocalServer LocalServer
	// OnSignedIn runs on the UI goroutine after a successful sign-in.
	OnSignedIn func(req SignInRequest)
	Icons      Icons

	deliver func(func()) // tests: replaces fyne.Do for queue results
}

// SignInWindow is the window shown before signing in. Its methods run on
// the UI goroutine unless their comment says otherwise.
type SignInWindow struct {
	opts  SignInOptions
	win   fyne.Window
	queue *workQueue

	name     *widget.SelectEntry
	password *widget.Entry
	server   *widget.Entry
	remember *widget.Check
	auto     *widget.Check
	errText  *widget.Label
	progress *widget.ProgressBarInfinite
	status   *widget.Label
	submit   *widget.Button
	cancel   *widget.Button
	host     *widget.Button

	shown       bool
	busy        bool
	attempt     int                // counts sign-in attempts; stale results are dropped
	stopAttempt context.CancelFunc // cancels the running attempt
}

// NewSignInWindow builds the sign-in window; it does not show it.
func NewSignInWindow(a fyne.App, opts SignInOptions) *SignInWindow {
	opts.Icons = opts.Icons.withDefaults()
	w := &SignInWindow{opts: opts, win: a.NewWindow(SignInTitle), queue: newWorkQueue(opts.deliver)}
	w.win.SetIcon(opts.Icons.App)
	w.win.SetContent(w.build())
	w.win.Resize(fyne.NewSize(380, 460))
	w.fill(opts.Initial)
	return w
}

// Window returns the Fyne window.
func (w *SignInWindow) Window() fyne.Window { return w.win }

// Show shows the window and puts the cursor in the first empty field. The
// first Show recalls the Initial profile (and signs in when AutoSignIn).
func (w *SignInWindow) Show() {
	w.win.Show()
	if !w.shown {
		w.shown = true
		w.recall(strings.TrimSpace(w.name.Text), w.opts.AutoSignIn)
	}
	if w.name.Text == "" {
		w.win.Canvas().Focus(w.name)
	} else {
		w.win.Canvas().Focus(w.password)
	}
}

// Close closes the window and stops its goroutine.
func (w *SignInWindow) Close() {
	w.queue.stop()
	w.win.Close()
}

// Stop cancels the window's work and lets its goroutine end without
// touching a widget (app shutdown after the event loop ended). Any
// goroutine.
func (w *SignInWindow) Stop() { w.queue.stop() }

// Wait blocks until the window's goroutine has ended after Close or Stop. Never
// call it on the UI goroutine while a sign-in runs.
func (w *SignInWindow) Wait() { w.queue.wait() }

// ShowError shows err in plain words below the fields, e.g. when the app
// was signed out by the server. Any goroutine.
func (w *SignInWindow) ShowError(err error) {
	fyne.Do(func() { w.applyError(err) })
}

func (w *SignInWindow) build() fyne.CanvasObject {
	w.name = widget.NewSelectEntry(w.opts.KnownNames)
	w.name.SetPlaceHolder("alice@example.com")
	w.name.OnSubmitted = func(string) { w.win.Canvas().Focus(w.password) }
	w.name.OnChanged = w.nameChanged
	w.password = widget.NewPasswordEntry()
	w.password.OnSubmitted = func(string) { w.SignInNow() }
	w.server = widget.NewEntry()
	w.server.SetPlaceHolder("optional, e.g. im.example.com:8080")
	w.server.OnSubmitted = func(string) { w.SignInNow() }
	w.remember = widget.NewCheck("Remember my password", func(on bool) {
		if !on {
			w.auto.SetChecked(false)
		}
	})
	w.auto = widget.NewCheck("Sign me in automatically", func(on bool) {
		if on {
			w.remember.SetChecked(true)
		}
	})
	w.errText = widget.NewLabel("")
	w.errText.Importance = widget.DangerImportance
	w.errText.Wrapping = fyne.TextWrapWord
	w.errText.Hide()
	w.progress = widget.NewProgressBarInfinite()
	w.progress.Stop()
	w.progress.Hide()
	w.status = widget.NewLabel("")
	w.status.Alignment = fyne.TextAlignCenter
	w.status.Hide()
	w.submit = widget.NewButton("Sign In", w.SignInNow)
	w.submit.Importance = widget.HighImportance
	w.cancel = widget.NewButton("Cancel", w.cancelAttempt)
	w.cancel.Hide()

	title := widget.NewLabelWithStyle("Sign in to Rendezvous Messenger", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	fields := container.New(layout.NewFormLayout(),
		widget.NewLabel("Sign-in name"), w.name,
		widget.NewLabel("Password"), w.password,
		widget.NewLabel("Server"), w.server,
	)
	body := container.NewVBox(
		container.NewCenter(container.NewGridWrap(fyne.NewSize(64, 64), widget.NewIcon(w.opts.Icons.App))), title, fields,
		w.remember, w.auto, w.errText, w.progress, w.status,
		container.NewBorder(nil, nil, nil, w.cancel, w.submit),
	)
	if w.opts.LocalServer != nil {
		w.host = widget.NewButton("Host a server on this computer…", w.offerLocalServer)
		w.host.Importance = widget.LowImportance
		body.Add(widget.NewSeparator())
		body.Add(widget.NewLabelWithStyle("No server yet?", fyne.TextAlignCenter, fyne.TextStyle{Italic: true}))
		body.Add(w.host)
	}
	return container.NewPadded(container.NewVScroll(body))
}

func (w *SignInWindow) fill(r SignInRequest) {
	w.name.SetText(r.SignInName)
	w.password.SetText(r.Password)
	w.server.SetText(r.Server)
	w.remember.SetChecked(r.RememberPassword)
	w.auto.SetChecked(r.SignInAutomatically)
}

func (w *SignInWindow) request() SignInRequest {
	return SignInRequest{
		SignInName:          strings.TrimSpace(w.name.Text),
		Password:            w.password.Text,
		Server:              strings.TrimSpace(w.server.Text),
		RememberPassword:    w.remember.Checked,
		SignInAutomatically: w.auto.Checked,
	}
}

// nameChanged recalls a known profile's remembered fields.
func (w *SignInWindow) nameChanged(name string) { w.recall(name, false) }

// recall fills the fields remembered for a known sign-in name and, when
// auto is set and the profile asks for it, signs in.
func (w *SignInWindow) recall(name string, auto bool) {
	if w.opts.Recall == nil || w.busy || !slices.Contains(w.opts.KnownNames, name) {
		return
	}
	w.queue.submit(func(ctx context.Context) func() {
		r, err := w.opts.Recall(ctx, name)
		return func() { w.applyRecall(name, r, err, auto) }
	})
}

func (w *SignInWindow) applyRecall(name string, r SignInRequest, err error, auto bool) {
	if err != nil || w.busy || strings.TrimSpace(w.name.Text) != name {
		return // nothing remembered, or the user moved on
	}
	r.SignInName = name
	w.fill(r)
	if auto && r.SignInAutomatically && r.Password != "" {
		w.SignInNow()
	}
}

// validate returns the sentence for a request that cannot be sent, or "".
func validate(r SignInRequest) string {
	if msg := signInNameProblem(r.SignInName); msg != "" {
		return msg
	}
	if r.Password == "" {
		return "Type your password."
	}
	return ""
}

// signInNameProblem returns the sentence for a malformed sign-in name, or "".
func signInNameProblem(name string) string {
	switch at := strings.LastIndexByte(name, '@'); {
	case name == "":
		return "Type your sign-in name, for example alice@example.com."
	case at <= 0 || at == len(name)-1 || strings.ContainsAny(name, " \t/\\"):
		return "A sign-in name looks like alice@example.com."
	}
	return ""
}

// SignInWith fills the fields with req and signs in (test hooks).
func (w *SignInWindow) SignInWith(req SignInRequest) {
	if w.busy {
		return
	}
	w.fill(req)
	w.SignInNow()
}

// SignInNow signs in with the fields as they are (the Sign In button,
// Enter, and automatic sign-in).
func (w *SignInWindow) SignInNow() {
	if w.busy {
		return
	}
	req := w.request()
	if msg := validate(req); msg != "" {
		w.showMessage(msg)
		return
	}
	w.attempt++
	attempt := w.attempt
	ctx, cancel := context.WithCancel(context.Background())
	w.stopAttempt = cancel
	job := func(qctx context.Context) func() {
		defer cancel()
		stop := context.AfterFunc(qctx, cancel)
		defer stop()
		err := w.opts.Service.SignIn(ctx, req)
		return func() { w.applySignInResult(attempt, req, err) }
	}
	w.setBusy(true, "Signing in…")
	if !w.queue.submit(job) {
		cancel()
		w.setBusy(false, "")
	}
}

func (w *SignInWindow) cancelAttempt() {
	if w.stopAttempt != nil {
		w.stopAttempt()
	}
	w.attempt++ // drop the result of the cancelled attempt
	w.setBusy(false, "")
}

func (w *SignInWindow) applySignInResult(attempt int, req SignInRequest, err error) {
	if attempt != w.attempt {
		return
	}
	w.setBusy(false, "")
	if err != nil {
		w.applyError(err)
		return
	}
	w.showMessage("")
	if !req.RememberPassword {
		w.password.SetText("")
	}
	if w.opts.OnSignedIn != nil {
		w.opts.OnSignedIn(req)
	}
}

func (w *SignInWindow) applyError(err error) {
	w.showMessage(describe(w.opts.Describe, err))
}

func (w *SignInWindow) showMessage(msg string) {
	w.errText.SetText(msg)
	if msg == "" {
		w.errText.Hide()
	} else {
		w.errText.Show()
	}
}

// setBusy switches between the form and the progress display.
func (w *SignInWindow) setBusy(busy bool, what string) {
	w.busy = busy
	for _, d := range []fyne.Disableable{w.name, w.password, w.server, w.remember, w.auto, w.submit} {
		if busy {
			d.Disable()
		} else {
			d.Enable()
		}
	}
	if w.host != nil {
		if busy {
			w.host.Disable()
		} else {
			w.host.Enable()
		}
	}
	w.status.SetText(what)
	if busy {
		w.showMessage("")
		w.progress.Show()
		w.progress.Start()
		w.status.Show()
		w.cancel.Show()
		return
	}
	w.progress.Stop()
	w.progress.Hide()
	w.status.Hide()
	w.cancel.Hide()
}
