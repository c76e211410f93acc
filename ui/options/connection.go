package options

import (
	"context"
	"strconv"

	"rendezvous/settings"
)

// Connection is one delivery configuration (POLLING.md section 1): the mode
// and the values the dialog shows for Polling and Fixed Port(s). It is a
// plain value.
type Connection struct {
	Mode          settings.PollingMode // PollingFlag
	PeriodMinutes int                  // PollingPeriod, 1..15
	Ports         settings.Ports       // Ports; zero when none configured
}

// ConnectionState is what the Connection Configuration dialog opens with:
// the configuration the next sign-in will use and whether the
// administrator's policy decided it. It is a plain value.
type ConnectionState struct {
	Connection
	// SetByPolicy reports that the administrator's policy decided the
	// configuration; the dialog says so, and OK makes the user's choice win.
	SetByPolicy bool

	// policy is the policy shown, remembered by ProfileSettings so that
	// OK overrides exactly that policy (settings.Profile.SetConnection).
	policy settings.Policy
}

// ConnectionSettings is what the Connection Configuration dialog and the
// firewall banner's switch need from the settings. Both methods may do I/O
// and are called off the UI goroutine; implementations must be safe for
// concurrent use.
type ConnectionSettings interface {
	// LoadConnection returns the configuration the next sign-in will use.
	LoadConnection(ctx context.Context) (ConnectionState, error)
	// SaveConnection stores c as the user's choice and persists it; shown
	// is the state the dialog was opened with, so that the user's choice
	// overrides the policy that was displayed. An error that is (or wraps)
	// a *settings.ValidationError is shown to the user verbatim.
	SaveConnection(ctx context.Context, c Connection, shown ConnectionState) error
}

// Same reports whether c and other deliver notifications the same way: the same
// mode and, for Polling, the same period, for Fixed Port(s), the same ports.
func (c Connection) Same(other Connection) bool {
	if c.Mode != other.Mode {
		return false
	}
	switch c.Mode {
	case settings.ModePolling:
		return c.PeriodMinutes == other.PeriodMinutes
	case settings.ModeFixedPorts:
		return c.Ports == other.Ports
	}
	return true
}

// String describes c as the main window and the diagnostics show it:
// "Default", "Polling (every 10 minutes)", "Fixed Port(s) 5000-5010".
func (c Connection) String() string {
	switch c.Mode {
	case settings.ModePolling:
		if c.PeriodMinutes == 1 {
			return "Polling (every minute)"
		}
		return "Polling (every " + strconv.Itoa(c.PeriodMinutes) + " minutes)"
	case settings.ModeFixedPorts:
		return "Fixed Port(s) " + c.Ports.String()
	}
	return c.Mode.String()
}

// StatusText is the main window's connection line. inUse is the
// configuration of the running connection (nil when signed out); next is
// the one the next sign-in will use. The next one is named only when it
// differs, for example
//
//	Connected using Polling (every 10 minutes). Next sign-in: Fixed Port(s) 5000-5010
//	Connected using Default
//	Not signed in. Next sign-in: Polling (every 10 minutes)
func StatusText(inUse *Connection, next Connection) string {
	if inUse == nil {
		return "Not signed in. Next sign-in: " + next.String()
	}
	text := "Connected using " + inUse.String()
	if !inUse.Same(next) {
		text += ". Next sign-in: " + next.String()
	}
	return text
}
