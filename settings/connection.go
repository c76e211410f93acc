package settings

import (
	"log/slog"
	"strconv"
	"time"
)

// PollingMode is the client's delivery mode, stored as PollingFlag
// (POLLING.md section 1).
type PollingMode int

// The three delivery modes.
const (
	ModeDefault    PollingMode = 0 // listen on a random port, server connects back
	ModePolling    PollingMode = 1 // never listen, hold a POLL open
	ModeFixedPorts PollingMode = 2 // listen on the first free port of Ports
)

// Valid reports whether m is one of the three modes.
func (m PollingMode) Valid() bool { return m >= ModeDefault && m <= ModeFixedPorts }

// String names the mode as the dialog does.
func (m PollingMode) String() string {
	switch m {
	case ModeDefault:
		return "Default"
	case ModePolling:
		return "Polling"
	case ModeFixedPorts:
		return "Fixed Port(s)"
	}
	return "PollingFlag(" + strconv.Itoa(int(m)) + ")"
}

// Connection is the user's connection configuration as saved by the
// Connection Configuration dialog. It is a plain value.
type Connection struct {
	Mode          PollingMode // PollingFlag
	PeriodMinutes int         // PollingPeriod, 1..15
	Ports         Ports       // Ports; zero when none configured

	// ConfirmedAt is when the user last pressed OK in the dialog (set by
	// Profile.SetConnection; zero if never). A policy file modified after it
	// overrides the user's choice.
	ConfirmedAt time.Time
	// OverriddenPolicy is the modification time of the policy file the
	// dialog showed when the user pressed OK (zero if none). That exact
	// policy never wins again, even when its modification time lies in the
	// future; a rewritten policy file (another time) does.
	OverriddenPolicy time.Time
}

// DefaultConnection is the configuration of a fresh profile.
func DefaultConnection() Connection {
	return Connection{Mode: ModeDefault, PeriodMinutes: DefaultPollingPeriod}
}

// EffectiveConnection is what the client uses at sign-in: the user's
// configuration, overridden by a newer administrator policy, normalized so
// that every field is usable (invalid values replaced by defaults with a
// logged warning).
type EffectiveConnection struct {
	Mode          PollingMode
	PeriodMinutes int
	Ports         Ports // meaningful when Mode is ModeFixedPorts
	// FromPolicy reports that the administrator policy decided at least one
	// key. The dialog then shows "set by your administrator"; pressing OK
	// makes the user's choice win again.
	FromPolicy bool
	// PolicyPath is the policy file that decided (empty unless FromPolicy).
	PolicyPath string
}

// PolicyWins reports whether pol overrides the user's configuration c:
// pol sets at least one valid key, its file was modified after the user's
// last OK, and it is not the very policy the user overrode with that OK.
// On equal times the user wins.
func PolicyWins(c Connection, pol Policy) bool {
	if pol.Empty() || !pol.ModTime.After(c.ConfirmedAt) {
		return false
	}
	return !pol.ModTime.Equal(c.OverriddenPolicy)
}

// ResolveConnection computes the effective configuration from the user's
// configuration c and the administrator policy pol (the zero Policy when
// there is none). It logs a warning on log (nil discards) for every value it
// has to replace: an invalid PollingFlag or PollingPeriod, and Fixed Port(s)
// without permissible ports, which falls back to Default (POLLING.md
// section 1). It is a pure function apart from logging.
func ResolveConnection(c Connection, pol Policy, log *slog.Logger) EffectiveConnection {
	log = orDiscard(log)
	eff := EffectiveConnection{Mode: c.Mode, PeriodMinutes: c.PeriodMinutes, Ports: c.Ports}
	if PolicyWins(c, pol) {
		eff.FromPolicy, eff.PolicyPath = true, pol.Path
		applyPolicy(&eff, pol)
	}
	normalize(&eff, log)
	return eff
}

func applyPolicy(eff *EffectiveConnection, pol Policy) {
	if pol.HasMode {
		eff.Mode = pol.Mode
	}
	if pol.HasPeriod {
		eff.PeriodMinutes = pol.PeriodMinutes
	}
	if pol.HasPorts {
		eff.Ports = pol.Ports
	}
}

func normalize(eff *EffectiveConnection, log *slog.Logger) {
	if !eff.Mode.Valid() {
		log.Warn("settings: invalid PollingFlag, using Default", "key", KeyPollingFlag, "value", int(eff.Mode))
		eff.Mode = ModeDefault
	}
	if eff.PeriodMinutes < MinPollingPeriod || eff.PeriodMinutes > MaxPollingPeriod {
		log.Warn("settings: invalid PollingPeriod, using the default",
			"key", KeyPollingPeriod, "value", eff.PeriodMinutes, "default", DefaultPollingPeriod)
		eff.PeriodMinutes = DefaultPollingPeriod
	}
	if eff.Mode == ModeFixedPorts && !eff.Ports.Valid() {
		log.Warn("settings: Fixed Port(s) without ports in 1025-65535, falling back to Default",
			"key", KeyPorts, "value", eff.Ports.String())
		eff.Mode = ModeDefault
	}
}

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}
