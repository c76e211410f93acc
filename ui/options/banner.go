package options

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"rendezvous/settings"
)

// Texts of the unreachable-callback banner.
const (
	FirewallText = "Messages and status changes from your contacts cannot reach this computer, " +
		"probably because a firewall or router blocks the connections the server opens to it."
	SwitchToPollingButton = "Use Polling from the next sign-in"
	DismissButton         = "Dismiss"
)

// FirewallBanner is the non-modal banner the main window shows when the
// engine learns that notifications cannot reach this computer in Default
// or Fixed Port(s) mode. It explains the firewall in one sentence and offers
// to switch to Polling from the next sign-in. Dismiss hides the banner and
// calls onDismiss; the switch button calls onSwitch (typically
// PollingSwitcher.Switch, whose onSaved hides the banner).
//
// Its methods must be called on the UI goroutine.
type FirewallBanner struct {
	widget.BaseWidget
	Text    *widget.Label
	Switch  *widget.Button
	Dismiss *widget.Button
}

// NewFirewallBanner returns the banner; nil callbacks are allowed.
func NewFirewallBanner(onSwitch func(), onDismiss func()) *FirewallBanner {
	b := &FirewallBanner{Text: widget.NewLabel(FirewallText)}
	b.Text.Wrapping = fyne.TextWrapWord
	b.Switch = widget.NewButton(SwitchToPollingButton, func() {
		if onSwitch != nil {
			onSwitch()
		}
	})
	b.Switch.Importance = widget.HighImportance
	b.Dismiss = widget.NewButton(DismissButton, func() {
		b.Hide()
		if onDismiss != nil {
			onDismiss()
		}
	})
	b.ExtendBaseWidget(b)
	return b
}

// CreateRenderer implements fyne.Widget.
func (b *FirewallBanner) CreateRenderer() fyne.WidgetRenderer {
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	bg.CornerRadius = theme.InputRadiusSize()
	icon := widget.NewIcon(theme.WarningIcon())
	buttons := container.NewHBox(b.Switch, b.Dismiss)
	body := container.NewBorder(nil, nil, icon, nil, container.NewVBox(b.Text, buttons))
	return widget.NewSimpleRenderer(container.NewStack(bg, container.NewPadded(body)))
}

// PollingSwitcher makes Polling the user's choice from the next sign-in,
// as the firewall banner offers: it keeps the loaded polling period and
// ports, saves through the same ConnectionSettings as the dialog (so the
// choice also overrides the administrator's policy), then calls onSaved and
// shows the next-sign-in notice over parent. The running connection is not
// changed. Load and save run off the UI goroutine.
//
// Methods must be called on the UI goroutine, except Wait.
type PollingSwitcher struct {
	parent  fyne.Window
	cs      ConnectionSettings
	onSaved func(Connection)
	tasks   *tasks
	busy    bool
}

// NewPollingSwitcher returns a switcher; onSaved (may be nil) runs on the
// UI goroutine with the saved configuration.
func NewPollingSwitcher(parent fyne.Window, cs ConnectionSettings, onSaved func(Connection)) *PollingSwitcher {
	return &PollingSwitcher{parent: parent, cs: cs, onSaved: onSaved, tasks: newTasks()}
}

// Switch saves Polling; a second call while one runs is ignored.
func (s *PollingSwitcher) Switch() {
	if s.busy {
		return
	}
	s.busy = true
	s.tasks.do(func(ctx context.Context) func() {
		c, err := s.save(ctx)
		return func() { s.done(c, err) }
	})
}

func (s *PollingSwitcher) save(ctx context.Context) (Connection, error) {
	state, err := s.cs.LoadConnection(ctx)
	if err != nil {
		return Connection{}, err
	}
	c := state.Connection
	c.Mode = settings.ModePolling
	if c.PeriodMinutes < settings.MinPollingPeriod || c.PeriodMinutes > settings.MaxPollingPeriod {
		c.PeriodMinutes = settings.DefaultPollingPeriod
	}
	if !c.Ports.Valid() {
		c.Ports = settings.Ports{}
	}
	return c, s.cs.SaveConnection(ctx, c, state)
}

func (s *PollingSwitcher) done(c Connection, err error) {
	s.busy = false
	if err != nil {
		showMessage(s.parent, ConnectionDialogTitle, userMessage(err, "Polling could not be chosen"))
		return
	}
	if s.onSaved != nil {
		s.onSaved(c)
	}
	showMessage(s.parent, ConnectionDialogTitle, settings.ConnectionChangedNotice)
}

// Close cancels a switch still running; it is idempotent.
func (s *PollingSwitcher) Close() { s.tasks.stop() }

// Wait waits for a running switch; call it off the UI goroutine.
func (s *PollingSwitcher) Wait() { s.tasks.wait() }
