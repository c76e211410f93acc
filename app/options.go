package app

import (
	"context"
	"slices"

	"fyne.io/fyne/v2"

	"rendezvous/internal/rvpwire"
	"rendezvous/rvpclient"
	"rendezvous/settings"
	"rendezvous/ui/options"
)

// optionsKit is what package options adds to one signed-in session: the
// Tools > Options and Help > Connection diagnostics windows (through a
// Launcher), the connection status line and the firewall banner with its
// switch to Polling. Its methods run on the UI goroutine except the func
// close returns.
type optionsKit struct {
	status   *options.ConnectionStatus
	banner   *options.FirewallBanner
	switcher *options.PollingSwitcher
	launcher *options.Launcher
	ps       options.ProfileSettings
}

// newOptionsKit builds the widgets before the main window exists; attach
// finishes once it does.
func newOptionsKit(a fyne.App, s *session, policy func() settings.Policy) *optionsKit {
	k := &optionsKit{ps: options.ProfileSettings{Profile: s.profile, Policy: policy}}
	k.status = options.NewConnectionStatus(s.conn)
	inUse := s.conn
	k.status.SetInUse(&inUse)
	k.banner = options.NewFirewallBanner(func() { k.switcher.Switch() }, nil)
	k.banner.Hide()
	k.launcher = options.NewLauncher(a, func() options.Deps {
		return options.Deps{SignInName: s.signInName(), Connection: k.ps, Notifications: k.ps,
			Privacy: s, OnConnectionSaved: k.status.SetNext}
	}, s)
	return k
}

// extras are the widgets the main window shows under its contact list.
func (k *optionsKit) extras() []fyne.CanvasObject { return []fyne.CanvasObject{k.banner, k.status} }

// attach creates what needs the main window.
func (k *optionsKit) attach(main fyne.Window) {
	k.switcher = options.NewPollingSwitcher(main, k.ps, func(c options.Connection) {
		k.status.SetNext(c)
		k.banner.Hide()
	})
}

// showBanner shows the firewall banner (UI goroutine).
func (k *optionsKit) showBanner() { k.banner.Show() }

// close closes the windows; the returned func waits for their goroutines
// (off the UI goroutine).
func (k *optionsKit) close() (wait func()) {
	k.launcher.Close()
	k.switcher.Close()
	return func() {
		k.launcher.Wait()
		k.switcher.Wait()
	}
}

// connectionOf is the options view of an effective configuration.
func connectionOf(eff settings.EffectiveConnection) options.Connection {
	return options.Connection{Mode: eff.Mode, PeriodMinutes: eff.PeriodMinutes, Ports: eff.Ports}
}

// Diagnostics reports the engine's connection details
// (options.DiagnosticsSource). Safe for concurrent use.
func (s *session) Diagnostics(context.Context) (options.Diagnostics, error) {
	d := s.client.Diagnostics()
	out := options.Diagnostics{
		SignedIn: d.State != rvpclient.Disconnected, Mode: settings.PollingMode(d.Mode),
		CallbackAddr: d.CallbackURL, PollHold: d.PollHold, LastPoll: d.LastPoll,
		LastRoundTrip: d.LastPollRTT, Dropped: int(d.Dropped), Reconnects: int(d.Reconnects),
	}
	if d.LastError != nil {
		out.LastError = describeOr(d.LastError)
	}
	return out, nil
}

// Watchers lists who has added the user (options.PrivacySource).
func (s *session) Watchers(ctx context.Context) ([]options.Watcher, error) {
	ws, err := s.client.Watchers(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]options.Watcher, 0, len(ws))
	for _, w := range ws {
		if w.Name == "" || key(w.Name) == key(s.signInName()) {
			continue // a server, or the user's own logins
		}
		c, _ := s.book.lookup(w.Name)
		out = append(out, options.Watcher{SignInName: w.Name, DisplayName: c.DisplayName})
	}
	return out, nil
}

// ACL lists the people explicitly allowed or blocked (options.PrivacySource).
func (s *session) ACL(ctx context.Context) ([]options.ACLEntry, error) {
	acl, err := s.client.ACL(ctx)
	if err != nil {
		return nil, err
	}
	var out []options.ACLEntry
	for _, ace := range acl.ACEs {
		n, err := rvpwire.ParseNodeURL(ace.Principal, "")
		if ace.All || err != nil || key(n.SignInName()) == key(s.signInName()) {
			continue
		}
		out = append(out, options.ACLEntry{SignInName: n.SignInName(), Blocked: slices.Contains(ace.Deny, rvpwire.RightSendTo)})
	}
	return out, nil
}
