package options

import (
	"context"
	"fmt"

	"rendezvous/settings"
)

// ProfileSettings adapts a *settings.Profile and the administrator policy
// to ConnectionSettings and NotificationSettings. Saving writes the profile
// file (Profile.Save). It is safe for concurrent use because Profile is and
// Policy must be.
type ProfileSettings struct {
	Profile *settings.Profile
	// Policy returns the administrator policy, for example
	// func() settings.Policy { return settings.LoadPolicy(xdg.ConfigDirs, log) }.
	// It is called off the UI goroutine each time the dialog opens; nil
	// means no policy.
	Policy func() settings.Policy
}

var (
	_ ConnectionSettings   = ProfileSettings{}
	_ NotificationSettings = ProfileSettings{}
)

func (p ProfileSettings) policy() settings.Policy {
	if p.Policy == nil {
		return settings.Policy{}
	}
	return p.Policy()
}

// LoadConnection implements ConnectionSettings: the effective configuration
// (settings.Profile.EffectiveConnection) with the policy it was resolved
// against.
func (p ProfileSettings) LoadConnection(ctx context.Context) (ConnectionState, error) {
	if err := ctx.Err(); err != nil {
		return ConnectionState{}, fmt.Errorf("options: load connection: %w", err)
	}
	pol := p.policy()
	eff := p.Profile.EffectiveConnection(pol)
	return ConnectionState{
		Connection:  Connection{Mode: eff.Mode, PeriodMinutes: eff.PeriodMinutes, Ports: eff.Ports},
		SetByPolicy: eff.FromPolicy,
		policy:      pol,
	}, nil
}

// SaveConnection implements ConnectionSettings with
// settings.Profile.SetConnection, overriding the policy shown, then Save.
func (p ProfileSettings) SaveConnection(ctx context.Context, c Connection, shown ConnectionState) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("options: save connection: %w", err)
	}
	sc := settings.Connection{Mode: c.Mode, PeriodMinutes: c.PeriodMinutes, Ports: c.Ports}
	if err := p.Profile.SetConnection(sc, shown.policy); err != nil {
		return err
	}
	return p.Profile.Save()
}

// LoadNotifications implements NotificationSettings.
func (p ProfileSettings) LoadNotifications(ctx context.Context) (settings.Notifications, error) {
	if err := ctx.Err(); err != nil {
		return settings.Notifications{}, fmt.Errorf("options: load notifications: %w", err)
	}
	return p.Profile.Notifications(), nil
}

// SaveNotifications implements NotificationSettings.
func (p ProfileSettings) SaveNotifications(ctx context.Context, n settings.Notifications) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("options: save notifications: %w", err)
	}
	p.Profile.SetNotifications(n)
	return p.Profile.Save()
}
