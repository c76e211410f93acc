package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"rendezvous/app/localserver"
	"rendezvous/rvpclient"
	"rendezvous/settings"
	"rendezvous/ui"
)

// lastSignInFile names the sign-in name used last, in the config dir.
const lastSignInFile = "last-sign-in"

// signIn implements ui.SignInService (and the window's Recall): it opens
// the profile, starts or finds the local server when the domain is
// localhost, signs the engine in and restores the contacts. The signed-in
// session waits in ready until the controller takes it on the UI goroutine.
// Safe for concurrent use.
type signIn struct {
	dirs    dirs
	secrets settings.Secrets
	policy  func() settings.Policy // the administrator policy, read at each sign-in; nil means none
	local   *localserver.Local
	log     *slog.Logger
	engine  func(o *rvpclient.Options) // test hook: adjusts engine options

	mu    sync.Mutex
	ready *session
}

// SignIn signs in; on success the session is ready for take.
func (si *signIn) SignIn(ctx context.Context, req ui.SignInRequest) error {
	profile, err := si.openProfile(req.SignInName)
	if err != nil {
		return err
	}
	serverURL, err := si.serverURL(ctx, req)
	if err != nil {
		return err
	}
	histDir, err := settings.ProfileDir(si.dirs.data, req.SignInName)
	if err != nil {
		return err
	}
	s := newSession(profile, filepath.Join(histDir, "history"), si.log)
	eff := profile.EffectiveConnection(si.loadPolicy())
	s.conn = connectionOf(eff)
	s.client = rvpclient.New(si.clientOptions(eff, serverURL, s))
	if err := s.client.SignIn(ctx, rvpclient.Account{SignInName: req.SignInName, Password: req.Password}); err != nil {
		s.client.Close()
		s.rec.Close()
		return err
	}
	s.restore(ctx)
	s.warning = si.remember(ctx, profile, req)
	if err := ctx.Err(); err != nil { // cancelled at the last moment
		go s.close()
		return err
	}
	si.mu.Lock()
	old := si.ready
	si.ready = s
	si.mu.Unlock()
	if old != nil {
		old.close()
	}
	return nil
}

// take returns the session of the last successful SignIn (UI goroutine,
// OnSignedIn).
func (si *signIn) take() *session {
	si.mu.Lock()
	defer si.mu.Unlock()
	s := si.ready
	si.ready = nil
	return s
}

func (si *signIn) openProfile(name string) (*settings.Profile, error) {
	opts := &settings.Options{Logger: si.log}
	p, err := settings.Open(si.dirs.config, name, opts)
	if _, corrupt := settings.IsCorrupt(err); corrupt {
		si.log.Warn("settings were unreadable and were moved aside", "err", err)
		p, err = settings.Open(si.dirs.config, name, opts)
	}
	return p, err
}

// serverURL is the engine's ServerURL: this computer's server for the
// localhost domain, the typed server otherwise ("" means discovery).
func (si *signIn) serverURL(ctx context.Context, req ui.SignInRequest) (string, error) {
	_, domain, _ := strings.Cut(req.SignInName, "@")
	if strings.EqualFold(domain, localserver.Domain) && si.local != nil {
		info, err := si.local.Start(ctx)
		if err != nil {
			return "", err
		}
		return info.URL(), nil
	}
	if req.Server == "" || strings.Contains(req.Server, "://") {
		return req.Server, nil
	}
	return "http://" + req.Server, nil
}

func (si *signIn) loadPolicy() settings.Policy {
	if si.policy == nil {
		return settings.Policy{}
	}
	return si.policy()
}

func (si *signIn) clientOptions(eff settings.EffectiveConnection, serverURL string, h rvpclient.Handler) *rvpclient.Options {
	o := &rvpclient.Options{
		ServerURL:     serverURL,
		Mode:          rvpclient.Mode(eff.Mode),
		PollingPeriod: time.Duration(eff.PeriodMinutes) * time.Minute,
		Handler:       h,
		Logger:        si.log,
		UserAgent:     "RendezvousMessenger/1.0",
	}
	if eff.Mode == settings.ModeFixedPorts {
		o.PortFrom, o.PortTo = eff.Ports.From, eff.Ports.To
	}
	if si.engine != nil {
		si.engine(o)
	}
	return o
}

// remember saves the sign-in choices and the password (when asked) after a
// successful sign-in. Failures are logged: signing in worked. A password
// that could not be stored comes back as a notice for the user.
func (si *signIn) remember(ctx context.Context, p *settings.Profile, req ui.SignInRequest) error {
	if err := p.SetServer(req.Server); err != nil {
		si.log.Warn("server not saved", "err", err)
	}
	p.SetRememberPassword(req.RememberPassword)
	p.SetSignInAutomatically(req.SignInAutomatically)
	if err := p.Save(); err != nil {
		si.log.Warn("settings not saved", "err", err)
	}
	si.saveLast(req.SignInName)
	if !req.RememberPassword {
		if err := si.secrets.Delete(ctx, req.SignInName); err != nil {
			si.log.Debug("keyring delete", "err", err)
		}
		return nil
	}
	if err := si.secrets.Set(ctx, req.SignInName, req.Password); err != nil {
		si.log.Warn("keyring", "err", err)
		return notice("Your password could not be saved in the desktop keyring, so you will be asked for it next time.")
	}
	return nil
}

func (si *signIn) saveLast(name string) {
	err := os.MkdirAll(si.dirs.config, 0o700)
	if err == nil {
		err = os.WriteFile(filepath.Join(si.dirs.config, lastSignInFile), []byte(name+"\n"), 0o600)
	}
	if err != nil {
		si.log.Warn("last sign-in name not saved", "err", err)
	}
}

// recall returns what a known profile remembers (ui.SignInOptions.Recall).
func (si *signIn) recall(ctx context.Context, name string) (ui.SignInRequest, error) {
	p, err := si.openProfile(name)
	if err != nil {
		return ui.SignInRequest{}, err
	}
	r := ui.SignInRequest{SignInName: name, Server: p.Server(), RememberPassword: p.RememberPassword(),
		SignInAutomatically: p.SignInAutomatically()}
	if r.RememberPassword {
		pw, err := si.secrets.Get(ctx, name)
		if err != nil && !errors.Is(err, settings.ErrNoSecret) {
			si.log.Warn("keyring", "err", err)
		}
		r.Password = pw
	}
	return r, nil
}

// lastSignIn reads the sign-in name used last ("" when none).
func lastSignIn(configDir string) string {
	data, err := os.ReadFile(filepath.Join(configDir, lastSignInFile))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(data))
}

// localServer adapts localserver.Local to ui.LocalServer.
type localServer struct{ l *localserver.Local }

func (ls localServer) Start(ctx context.Context, open bool) (ui.LocalServerInfo, error) {
	info, err := ls.l.Host(ctx, open)
	if err != nil {
		return ui.LocalServerInfo{}, err
	}
	return ui.LocalServerInfo{Address: info.Address, Domain: localserver.Domain, Network: info.Network}, nil
}

func (ls localServer) CreateAccount(ctx context.Context, name, password string) (string, error) {
	n, err := ls.l.CreateAccount(ctx, name, password)
	if err != nil {
		return "", fmt.Errorf("app: create account %s: %w", name, err)
	}
	return n, nil
}
