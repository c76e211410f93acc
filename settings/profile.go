package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Options configures Open. A nil *Options, and every zero field, means the
// default.
type Options struct {
	// Logger receives warnings about repaired or ignored values; nil
	// discards them. Nothing secret is ever logged.
	Logger *slog.Logger
	// Now is the clock used to stamp the user's OK (Connection.ConfirmedAt)
	// and to name moved-aside corrupt files; nil means time.Now.
	Now func() time.Time
}

// Profile holds the settings of one sign-in name, read from and saved to
// <baseDir>/profiles/<name>/settings.json. Getters return copies and setters
// change only memory until Save writes the whole document atomically.
//
// A Profile is safe for concurrent use by multiple goroutines: every method
// takes an internal mutex, and concurrent Saves are written in the order
// their snapshots were taken, so the file always ends with the newest state.
type Profile struct {
	signInName string
	dir        string
	log        *slog.Logger
	now        func() time.Time

	saveMu sync.Mutex // serializes Save; taken before mu
	mu     sync.Mutex // guards data
	data   fileData
}

// Open reads the profile of signInName under baseDir (the application's
// configuration directory, e.g. $XDG_CONFIG_HOME/rendezvous, resolved by the
// caller). A profile never saved yields defaults; nothing is created on disk
// until Save.
//
// A file that cannot be decoded is moved aside to
// settings.json.corrupt-<UTC timestamp> and Open returns a *CorruptError
// (see IsCorrupt) and no Profile; the caller tells the user and calls Open
// again, which then starts from defaults. The corrupt file is never
// overwritten.
func Open(baseDir, signInName string, opts *Options) (*Profile, error) {
	dir, err := ProfileDir(baseDir, signInName)
	if err != nil {
		return nil, err
	}
	p := &Profile{signInName: signInName, dir: dir, log: slog.New(slog.DiscardHandler), now: time.Now}
	if opts != nil && opts.Logger != nil {
		p.log = opts.Logger
	}
	if opts != nil && opts.Now != nil {
		p.now = opts.Now
	}
	if err := p.load(); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Profile) path() string { return filepath.Join(p.dir, settingsFile) }

func (p *Profile) load() error {
	data, err := readBounded(p.path(), maxSettingsBytes)
	if errors.Is(err, fs.ErrNotExist) {
		p.data = defaultFileData(p.signInName)
		return nil
	}
	var d fileData
	switch {
	case errors.Is(err, errTooLarge):
		return p.corrupt(err)
	case err != nil:
		return fmt.Errorf("settings: read profile %q: %w", p.signInName, err)
	}
	if d, err = decodeFile(data, p.signInName); err != nil {
		return p.corrupt(err)
	}
	p.repair(&d)
	p.data = d
	return nil
}

// corrupt moves the undecodable settings file aside and reports it.
func (p *Profile) corrupt(decErr error) error {
	ce := &CorruptError{Path: p.path(), Err: decErr}
	moved, err := moveAside(p.path(), p.now())
	ce.MovedTo = moved
	if err != nil {
		ce.Err = errors.Join(decErr, fmt.Errorf("move aside: %w", err))
	}
	p.log.Warn("settings: corrupt settings file", "path", ce.Path, "moved_to", moved, "err", ce.Err)
	return ce
}

// repair fixes what a hand-edited file may break and logs each fix.
func (p *Profile) repair(d *fileData) {
	if d.Version > fileVersion {
		p.log.Warn("settings: file written by a newer version; unknown top-level keys are kept",
			"path", p.path(), "version", d.Version)
	}
	d.Version = fileVersion // a Save writes what this build understands
	for _, key := range d.dropped {
		p.log.Warn("settings: unknown key that may hold a secret dropped", "path", p.path(), "key", key)
	}
	if d.SignInName != p.signInName {
		p.log.Warn("settings: file names another sign-in name, corrected",
			"path", p.path(), "key", KeySignInName)
		d.SignInName = p.signInName
	}
	cl, fixes := ContactList{Groups: d.Groups, Contacts: d.Contacts}.sanitize()
	for _, fix := range fixes {
		p.log.Warn("settings: contact list repaired: "+fix, "path", p.path())
	}
	d.Groups, d.Contacts = cl.Groups, cl.Contacts
	for name, g := range d.Windows {
		if validateGeometry(name, g) != nil {
			p.log.Warn("settings: invalid window geometry dropped", "path", p.path(), "window", name)
			delete(d.Windows, name)
		}
	}
}

// Save writes the profile atomically (temporary file, fsync, rename, fsync
// of the directory), creating the profile directory (0700) if needed. The
// file has mode 0600.
func (p *Profile) Save() error {
	p.saveMu.Lock()
	defer p.saveMu.Unlock()
	p.mu.Lock()
	snapshot := p.data.clone()
	p.mu.Unlock()
	data, err := encodeFile(snapshot)
	if err != nil {
		return fmt.Errorf("settings: save profile %q: %w", p.signInName, err)
	}
	if err := ensureDir(p.dir); err != nil {
		return fmt.Errorf("settings: save profile %q: %w", p.signInName, err)
	}
	if err := writeFileAtomic(p.dir, settingsFile, data); err != nil {
		return fmt.Errorf("settings: save profile %q: %w", p.signInName, err)
	}
	return nil
}

// SignInName returns the profile's sign-in name.
func (p *Profile) SignInName() string { return p.signInName }

// Dir returns the profile directory.
func (p *Profile) Dir() string { return p.dir }

// Path returns the settings file path.
func (p *Profile) Path() string { return p.path() }

func (p *Profile) locked(f func(d *fileData)) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f(&p.data)
}

// Connection returns the user's connection configuration as saved by the
// dialog (not the effective one; see EffectiveConnection).
func (p *Profile) Connection() (c Connection) {
	p.locked(func(d *fileData) { c = d.Connection.value() })
	return c
}

// SetConnection is what the Connection Configuration dialog's OK does: it
// validates c (mode, period 1..15, and for Fixed Port(s) ports in
// 1025..65535), stores it and stamps ConfirmedAt with the clock, so that this
// choice wins over any policy written before now. shown is the policy the
// dialog displayed (the zero Policy if none); it is remembered as overridden,
// so it does not win again even if its file time lies in the future. Call
// Save to persist. The dialog then shows ConnectionChangedNotice.
func (p *Profile) SetConnection(c Connection, shown Policy) error {
	if !c.Mode.Valid() {
		return invalid(KeyPollingFlag, MsgPollingFlag)
	}
	if c.PeriodMinutes < MinPollingPeriod || c.PeriodMinutes > MaxPollingPeriod {
		return invalid(KeyPollingPeriod, MsgPollingPeriod)
	}
	if err := validatePortsValue(c.Ports, c.Mode == ModeFixedPorts); err != nil {
		return err
	}
	c.ConfirmedAt = p.now()
	c.OverriddenPolicy = time.Time{}
	if !shown.Empty() {
		c.OverriddenPolicy = shown.ModTime
	}
	p.locked(func(d *fileData) { d.Connection = connectionToJSON(c) })
	return nil
}

// EffectiveConnection resolves the saved configuration against pol (see
// ResolveConnection), logging on the profile's logger.
func (p *Profile) EffectiveConnection(pol Policy) EffectiveConnection {
	return ResolveConnection(p.Connection(), pol, p.log)
}

// Server returns the server override ("" for none).
func (p *Profile) Server() (s string) {
	p.locked(func(d *fileData) { s = d.Server })
	return s
}

// SetServer validates (ValidateServer) and sets the server override.
func (p *Profile) SetServer(server string) error {
	s, err := ValidateServer(server)
	if err != nil {
		return err
	}
	p.locked(func(d *fileData) { d.Server = s })
	return nil
}

// RememberPassword reports whether the password is kept in the keyring.
func (p *Profile) RememberPassword() (b bool) {
	p.locked(func(d *fileData) { b = d.RememberPassword })
	return b
}

// SetRememberPassword sets whether the password is kept in the keyring. The
// password itself is never stored here; see Secrets.
func (p *Profile) SetRememberPassword(b bool) {
	p.locked(func(d *fileData) { d.RememberPassword = b })
}

// SignInAutomatically reports whether the app signs in at start.
func (p *Profile) SignInAutomatically() (b bool) {
	p.locked(func(d *fileData) { b = d.SignInAutomatically })
	return b
}

// SetSignInAutomatically sets whether the app signs in at start.
func (p *Profile) SetSignInAutomatically(b bool) {
	p.locked(func(d *fileData) { d.SignInAutomatically = b })
}

// Notifications returns the notification preferences.
func (p *Profile) Notifications() (n Notifications) {
	p.locked(func(d *fileData) { n = d.Notifications })
	return n
}

// SetNotifications sets the notification preferences.
func (p *Profile) SetNotifications(n Notifications) {
	p.locked(func(d *fileData) { d.Notifications = n })
}

// Messages of window geometry validation.
const (
	KeyWindows     = "Windows"
	MsgWindowName  = "A window needs a name."
	MsgWindowSize  = "A window needs a positive width and height."
	maxWindowName  = 64
	maxWindowCount = 64
)

func validateGeometry(name string, g Geometry) error {
	if strings.TrimSpace(name) == "" || len(name) > maxWindowName {
		return invalid(KeyWindows, MsgWindowName)
	}
	if g.Width <= 0 || g.Height <= 0 {
		return invalid(KeyWindows, MsgWindowSize)
	}
	return nil
}

// WindowGeometry returns the saved geometry of the named window.
func (p *Profile) WindowGeometry(name string) (g Geometry, ok bool) {
	p.locked(func(d *fileData) { g, ok = d.Windows[name] })
	return g, ok
}

// SetWindowGeometry saves the geometry of the named window ("main",
// "chat:bob@example.com", ...). Width and height must be positive. At most 64
// windows are remembered; beyond that a new name is refused.
func (p *Profile) SetWindowGeometry(name string, g Geometry) (err error) {
	if err := validateGeometry(name, g); err != nil {
		return err
	}
	p.locked(func(d *fileData) {
		if _, exists := d.Windows[name]; !exists && len(d.Windows) >= maxWindowCount {
			err = fmt.Errorf("settings: window %q: too many windows remembered: %w", name, ErrInvalid)
			return
		}
		d.Windows[name] = g
	})
	return err
}

// ContactList returns a copy of the contact list.
func (p *Profile) ContactList() (cl ContactList) {
	p.locked(func(d *fileData) { cl = ContactList{Groups: d.Groups, Contacts: d.Contacts}.Clone() })
	return cl
}

// SetContactList validates (ContactList.Validate) and replaces the contact
// list, keeping the given order. The profile keeps its own copy.
func (p *Profile) SetContactList(cl ContactList) error {
	if err := cl.Validate(); err != nil {
		return err
	}
	cl = cl.Clone()
	p.locked(func(d *fileData) { d.Groups, d.Contacts = cl.Groups, cl.Contacts })
	return nil
}
