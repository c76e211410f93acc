package options

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"rendezvous/settings"
)

const kari = "kari@humongous.example"

var clock0 = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

// realDialog opens the dialog on a real profile in a temporary directory,
// loading its state through ProfileSettings off the UI goroutine as the
// Options window does.
func realDialog(t *testing.T, base string, policy func() settings.Policy) (*ConnectionDialog, fyne.Canvas) {
	t.Helper()
	prof, err := settings.Open(base, kari, &settings.Options{Now: func() time.Time { return clock0 }})
	if err != nil {
		t.Fatal(err)
	}
	ps := ProfileSettings{Profile: prof, Policy: policy}
	state, err := ps.LoadConnection(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	test.NewTempApp(t)
	w := test.NewTempWindow(t, widget.NewLabel("main"))
	w.Resize(fyne.NewSize(800, 600))
	d := NewConnectionDialog(w, state, ps, nil)
	d.Show()
	return d, w.Canvas()
}

func reopen(t *testing.T, base string) *settings.Profile {
	t.Helper()
	prof, err := settings.Open(base, kari, nil)
	if err != nil {
		t.Fatal(err)
	}
	return prof
}

func TestConnectionDialogPersistsThroughSettings(t *testing.T) {
	base := t.TempDir()
	d, c := realDialog(t, base, nil)
	if d.choice.Selected() != settings.ModeDefault || d.period.Text != "10" {
		t.Fatalf("fresh profile shows %v / %q, want Default / 10", d.choice.Selected(), d.period.Text)
	}
	test.Tap(d.choice.rows[2])
	setText(d.from, "5000")
	setText(d.to, "5010")
	test.Tap(d.ok)
	d.Wait()
	if !containsText(overlayTexts(c), settings.ConnectionChangedNotice) {
		t.Fatal("notice not shown after saving through settings")
	}
	got := reopen(t, base).Connection()
	want := settings.Connection{Mode: settings.ModeFixedPorts, PeriodMinutes: 10,
		Ports: settings.Ports{From: 5000, To: 5010}, ConfirmedAt: clock0}
	if got != want {
		t.Fatalf("stored %+v\nwant   %+v", got, want)
	}
	// Reopening the dialog shows what was stored.
	d2, _ := realDialog(t, base, nil)
	if d2.choice.Selected() != settings.ModeFixedPorts || d2.from.Text != "5000" || d2.to.Text != "5010" {
		t.Errorf("reopened dialog shows %v %q-%q", d2.choice.Selected(), d2.from.Text, d2.to.Text)
	}
}

func TestConnectionDialogOKOverridesPolicyThroughSettings(t *testing.T) {
	base, sys := t.TempDir(), t.TempDir()
	path := filepath.Join(sys, filepath.FromSlash(settings.PolicyFile))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(`{"PollingFlag": 1, "PollingPeriod": 5}`), 0o644); err != nil {
		t.Fatal(err)
	}
	// The policy file is newer than the user's OK (even in the future):
	// only the user's OK in a dialog that showed it can override it.
	if err := os.Chtimes(path, clock0.Add(time.Hour), clock0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	policy := func() settings.Policy { return settings.LoadPolicy([]string{sys}, nil) }

	d, c := realDialog(t, base, policy)
	if !containsText(overlayTexts(c), PolicyNote) {
		t.Fatal("policy note missing although the policy decided")
	}
	if d.choice.Selected() != settings.ModePolling || d.period.Text != "5" {
		t.Fatalf("dialog shows %v / %q, want the policy's Polling / 5", d.choice.Selected(), d.period.Text)
	}
	test.Tap(d.choice.rows[0])
	test.Tap(d.ok)
	d.Wait()

	eff := reopen(t, base).EffectiveConnection(policy())
	if eff.FromPolicy || eff.Mode != settings.ModeDefault {
		t.Fatalf("after OK the effective connection is %+v, want the user's Default", eff)
	}
	d2, c2 := realDialog(t, base, policy)
	if containsText(overlayTexts(c2), PolicyNote) || d2.choice.Selected() != settings.ModeDefault {
		t.Error("the reopened dialog still presents the policy's choice")
	}
}
