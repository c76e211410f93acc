package options

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"rendezvous/settings"
)

func TestFirewallBannerButtons(t *testing.T) {
	test.NewTempApp(t)
	var switched, dismissed int
	b := NewFirewallBanner(func() { switched++ }, func() { dismissed++ })
	w := test.NewTempWindow(t, container.NewVBox(b))
	_ = w
	if b.Text.Text != FirewallText || b.Switch.Text != SwitchToPollingButton {
		t.Errorf("banner says %q / %q", b.Text.Text, b.Switch.Text)
	}
	test.Tap(b.Switch)
	if switched != 1 || !b.Visible() {
		t.Errorf("switch: %d calls, visible %v", switched, b.Visible())
	}
	test.Tap(b.Dismiss)
	if dismissed != 1 || b.Visible() {
		t.Errorf("dismiss: %d calls, visible %v", dismissed, b.Visible())
	}
}

// bannerFixture wires the banner as the main window does.
type bannerFixture struct {
	win    fyne.Window
	fake   *fakeConnection
	sw     *PollingSwitcher
	banner *FirewallBanner
	status *ConnectionStatus
}

func newBannerFixture(t *testing.T, cs ConnectionSettings, fake *fakeConnection) *bannerFixture {
	t.Helper()
	test.NewTempApp(t)
	f := &bannerFixture{fake: fake}
	inUse := Connection{Mode: settings.ModeDefault, PeriodMinutes: 10}
	f.status = NewConnectionStatus(inUse)
	f.status.SetInUse(&inUse)
	f.win = test.NewTempWindow(t, nil)
	f.win.Resize(fyne.NewSize(800, 600))
	f.sw = NewPollingSwitcher(f.win, cs, func(c Connection) {
		f.status.SetNext(c)
		f.banner.Hide()
	})
	t.Cleanup(func() { f.sw.Close(); f.sw.Wait() })
	f.banner = NewFirewallBanner(f.sw.Switch, nil)
	f.win.SetContent(container.NewVBox(f.banner, f.status))
	return f
}

func TestFirewallBannerSwitchesToPollingFromNextSignIn(t *testing.T) {
	fake := &fakeConnection{gate: newGate(), state: ConnectionState{SetByPolicy: true, Connection: Connection{
		Mode: settings.ModeFixedPorts, PeriodMinutes: 7, Ports: settings.Ports{From: 5000, To: 5010},
	}}}
	f := newBannerFixture(t, fake, fake)
	test.Tap(f.banner.Switch)
	test.Tap(f.banner.Switch) // a second tap while the first runs does nothing
	fake.gate.pass()          // load
	fake.gate.pass()          // save
	f.sw.Wait()
	want := Connection{Mode: settings.ModePolling, PeriodMinutes: 7, Ports: settings.Ports{From: 5000, To: 5010}}
	if got := fake.saves(); len(got) != 1 || got[0] != want {
		t.Fatalf("saved %+v, want [%+v]", got, want)
	}
	if !fake.shown[0].SetByPolicy {
		t.Error("the switch did not pass the policy state it overrides")
	}
	if texts := overlayTexts(f.win.Canvas()); !containsText(texts, settings.ConnectionChangedNotice) {
		t.Errorf("notice not shown; texts %q", texts)
	}
	if f.banner.Visible() {
		t.Error("banner still shown after the switch")
	}
	wantStatus := "Connected using Default. Next sign-in: Polling (every 7 minutes)"
	if got := f.status.Text(); got != wantStatus {
		t.Errorf("status %q, want %q", got, wantStatus)
	}
}

func TestFirewallBannerSwitchError(t *testing.T) {
	fake := &fakeConnection{saveErr: errDisk}
	f := newBannerFixture(t, fake, fake)
	test.Tap(f.banner.Switch)
	f.sw.Wait()
	want := "Polling could not be chosen: disk full"
	if texts := overlayTexts(f.win.Canvas()); !containsText(texts, want) {
		t.Errorf("texts %q, want %q", texts, want)
	}
	if !f.banner.Visible() {
		t.Error("banner hidden although the switch failed")
	}
}

func TestFirewallBannerSwitchThroughSettings(t *testing.T) {
	base := t.TempDir()
	prof, err := settings.Open(base, kari, nil)
	if err != nil {
		t.Fatal(err)
	}
	f := newBannerFixture(t, ProfileSettings{Profile: prof}, nil)
	test.Tap(f.banner.Switch)
	f.sw.Wait()
	got := reopen(t, base).Connection()
	if got.Mode != settings.ModePolling || got.PeriodMinutes != settings.DefaultPollingPeriod {
		t.Errorf("stored %+v, want Polling every 10 minutes", got)
	}
}
