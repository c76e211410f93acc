package app

import (
	"context"
	"log/slog"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"fyne.io/fyne/v2"

	"rendezvous/app/localserver"
	"rendezvous/settings"
	"rendezvous/ui"
)

// controller owns the app's lifetimes: the sign-in window, the signed-in
// session with its windows, the local server and the notifier. Its fields
// below "UI goroutine" are touched only there; background work (sign-out,
// smoke hooks) runs on goroutines counted in bg.
type controller struct {
	app        fyne.App
	cfg        config
	dirs       dirs
	log        *slog.Logger
	si         *signIn
	local      *localserver.Local
	notify     *notifier
	icons      ui.Icons
	trayHost   func() bool                     // whether a tray shows the icon; nil: the ui's default
	onQuit     func()                          // the event loop is about to be told to end (Main's loopGuard); any goroutine
	onSignedIn func(cur *signedIn)             // smoke hook and tests
	onRecord   func(peer string, m ui.Message) // tests: a message was kept

	bg   sync.WaitGroup
	live atomic.Pointer[session] // the signed-in session, for detachOnSignal

	// UI goroutine
	signInWin *ui.SignInWindow
	cur       *signedIn
	exiting   bool
}

// signedIn is the session and windows of the signed-in user.
type signedIn struct {
	s     *session
	main  *ui.MainWindow
	convs *ui.Conversations
	opts  *optionsKit
}

// start shows the sign-in window (UI goroutine, before or inside Run).
func (c *controller) start() {
	known, err := settings.ListProfiles(c.dirs.config)
	if err != nil {
		c.log.Warn("profiles not listed", "err", err)
	}
	c.signInWin = ui.NewSignInWindow(c.app, ui.SignInOptions{
		Service:     c.si,
		Describe:    describe,
		Initial:     ui.SignInRequest{SignInName: lastSignIn(c.dirs.config)},
		KnownNames:  known,
		Recall:      c.si.recall,
		AutoSignIn:  c.cfg.smokeIn == nil,
		LocalServer: localServer{c.local},
		OnSignedIn:  func(ui.SignInRequest) { c.signedIn() },
		Icons:       c.icons,
	})
	c.signInWin.Window().SetCloseIntercept(c.exit)
	// The app lost the keyboard: no conversation window has it (the
	// Lifecycle hook is the only window-focus news Fyne gives; ui/focus.go).
	c.app.Lifecycle().SetOnExitedForeground(func() {
		if c.cur != nil {
			c.cur.convs.AppDeactivated()
		}
	})
	c.signInWin.Show()
}

// trayHostChanged tells the main window that a tray host came or went (UI
// goroutine).
func (c *controller) trayHostChanged() {
	if c.cur != nil {
		c.cur.main.TrayHostChanged()
	}
}

// signedIn builds the main window for the session SignIn prepared.
func (c *controller) signedIn() {
	s := c.si.take()
	if s == nil {
		return
	}
	if c.exiting { // signed in while the app was exiting: sign out again
		c.bg.Add(1)
		go func() { defer c.bg.Done(); s.close() }()
		return
	}
	self := ui.Contact{SignInName: s.signInName(), DisplayName: s.client.Self().DisplayName, State: ui.State(s.client.Status())}
	if self.State == "" {
		self.State = ui.StateOnline
	}
	cur := &signedIn{s: s, opts: newOptionsKit(c.app, s, c.si.policy)}
	cur.convs = ui.NewConversations(c.app, ui.ConversationsOptions{
		Self: self, Describe: describe, Icons: c.icons,
		Start: s.start, Join: s.join, Lookup: s.book.lookup, Invitable: s.book.online,
		LoadHistory: s.loadHistory, Record: c.recorder(s), Notify: c.notifier(s),
		OnUnread: func(n int) { cur.main.SetUnread(n) },
	})
	opts := ui.MainOptions{
		Self: self, Service: s, Describe: describe, Icons: c.icons,
		OpenConversation: func(ct ui.Contact) { cur.convs.Open(ct) },
		OnSignOut:        c.signOut,
		OnExit:           c.exit,
		OnShowUnread:     cur.convs.ShowUnread,
		TrayHost:         c.trayHost,
		ShowOptions:      cur.opts.launcher.ShowOptions,
		ShowDiagnostics:  cur.opts.launcher.ShowDiagnostics,
		Extras:           cur.opts.extras(),
	}
	cur.main = ui.NewMainWindow(c.app, opts)
	cur.opts.attach(cur.main.Window())
	s.attach(&sinks{main: cur.main, convs: cur.convs, showBanner: cur.opts.showBanner})
	c.cur = cur
	c.live.Store(s)
	c.signInWin.Window().Hide()
	cur.main.Show()
	if s.warning != nil {
		cur.main.ShowError(s.warning)
	}
	if c.onSignedIn != nil {
		c.onSignedIn(cur)
	}
}

// notifier shows a desktop notification when the profile wants them.
func (c *controller) notifier(s *session) func(title, body string) {
	return func(title, body string) {
		if s.profile.Notifications().NotifyOnMessage {
			c.notify.notify(title, body)
		}
	}
}

func (c *controller) recorder(s *session) func(peer string, m ui.Message) {
	return func(peer string, m ui.Message) {
		s.record(peer, m)
		if c.onRecord != nil {
			c.onRecord(peer, m)
		}
	}
}

// endSession closes the signed-in user's windows and signs out in the
// background; then runs on the UI goroutine (may be nil).
func (c *controller) endSession(then func()) {
	cur := c.cur
	c.cur = nil
	c.live.Store(nil)
	var wait, waitOpts func()
	if cur != nil {
		wait = cur.convs.CloseAll()
		waitOpts = cur.opts.close()
		cur.main.Close()
		cur.s.detach()
	}
	c.bg.Add(1)
	go func() {
		defer c.bg.Done()
		if cur != nil {
			wait()
			waitOpts()
			cur.main.Wait()
			cur.s.close()
		}
		if then != nil {
			fyne.Do(then)
		}
	}()
}

// signOut returns to the sign-in window (File > Sign Out).
func (c *controller) signOut() {
	c.endSession(nil)
	c.signInWin.Show()
}

// exit signs out cleanly and quits (File > Exit, tray Exit, closing the
// sign-in window). Run may return before the sign-out finished; shutdown
// waits for it.
func (c *controller) exit() {
	if c.exiting {
		return
	}
	c.exiting = true
	c.endSession(func() {
		c.quitting()
		c.app.Quit()
	})
	c.signInWin.Close()
}

// quitting reports that the event loop is about to end. Any goroutine.
func (c *controller) quitting() {
	if c.onQuit != nil {
		c.onQuit()
	}
}

// shutdown releases everything after Run returned (main goroutine; it
// touches no widget).
func (c *controller) shutdown() {
	if c.signInWin != nil {
		c.signInWin.Stop()
		c.signInWin.Wait()
	}
	if cur := c.cur; cur != nil { // Run ended without Exit (a signal, the window manager)
		c.cur = nil
		cur.s.detach()
		cur.main.Stop()
		cur.main.Wait()
		cur.s.close()
	}
	c.bg.Wait()
	if s := c.si.take(); s != nil {
		s.close()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.local.Close(ctx); err != nil {
		c.log.Warn("local server stop", "err", err)
	}
	c.notify.close()
}

// detachOnSignal detaches the session's windows as soon as SIGINT or
// SIGTERM arrives. Fyne quits its event loop on those signals by itself;
// afterwards fyne.Do runs functions on the calling goroutine, so engine
// events must stop reaching widgets first. The returned func stops the
// watcher and waits for it.
func (c *controller) detachOnSignal() (stop func()) {
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		select {
		case <-sigs:
			c.quitting()
			if s := c.live.Load(); s != nil {
				s.detach()
			}
		case <-done:
		}
	}()
	return func() {
		signal.Stop(sigs)
		close(done)
		wg.Wait()
	}
}
