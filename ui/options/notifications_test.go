package options

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"rendezvous/settings"
)

func notificationsWindow(t *testing.T, ns NotificationSettings, g gate) *Window {
	t.Helper()
	w := newOptions(t, Deps{SignInName: kari, Notifications: ns})
	w.Show()
	if g.ch != nil {
		g.pass()
	}
	w.Wait()
	return w
}

func TestNotificationsShowAndSave(t *testing.T) {
	ns := &fakeNotifications{gate: newGate(), prefs: settings.Notifications{NotifyOnMessage: true, PlaySound: true}}
	w := notificationsWindow(t, ns, ns.gate)
	n := w.notif
	if !n.onMsg.Checked || n.onLine.Checked || !n.sound.Checked {
		t.Fatalf("checks %v %v %v, want the loaded true false true", n.onMsg.Checked, n.onLine.Checked, n.sound.Checked)
	}
	if n.onMsg.Disabled() {
		t.Error("checks disabled after loading")
	}
	if got := ns.saves(); len(got) != 0 {
		t.Errorf("loading saved %+v", got)
	}
	test.Tap(n.onLine)
	test.Tap(n.sound) // a second change while the first save may still run
	ns.gate.open()    // one or two saves, depending on timing
	w.Wait()
	want := settings.Notifications{NotifyOnMessage: true, NotifyOnContactOnline: true, PlaySound: false}
	got := ns.saves()
	if len(got) == 0 || got[len(got)-1] != want {
		t.Errorf("saves %+v, want the last to be %+v", got, want)
	}
}

func TestNotificationsChecksDisabledUntilLoaded(t *testing.T) {
	ns := &fakeNotifications{gate: newGate()}
	w := newOptions(t, Deps{SignInName: kari, Notifications: ns})
	w.Show()
	if !w.notif.onMsg.Disabled() {
		t.Error("checks enabled before the preferences were read")
	}
	ns.gate.pass()
	w.Wait()
}

func TestNotificationsErrors(t *testing.T) {
	ns := &fakeNotifications{loadErr: errDisk}
	w := notificationsWindow(t, ns, gate{})
	if want := "Your notification settings could not be read: disk full"; w.notif.status.Text != want {
		t.Errorf("status %q, want %q", w.notif.status.Text, want)
	}

	ns = &fakeNotifications{saveErr: errDisk, gate: newGate()}
	w = notificationsWindow(t, ns, ns.gate)
	test.Tap(w.notif.onMsg)
	ns.gate.pass()
	w.Wait()
	if want := "Your notification settings could not be saved: disk full"; w.notif.status.Text != want || w.notif.status.Hidden {
		t.Errorf("status %q (hidden %v), want %q", w.notif.status.Text, w.notif.status.Hidden, want)
	}
}

func TestNotificationsPersistThroughSettings(t *testing.T) {
	base := t.TempDir()
	prof, err := settings.Open(base, kari, &settings.Options{Now: func() time.Time { return clock0 }})
	if err != nil {
		t.Fatal(err)
	}
	ns := gatedNotifications{NotificationSettings: ProfileSettings{Profile: prof}, gate: newGate()}
	w := notificationsWindow(t, ns, ns.gate)
	if !w.notif.onMsg.Checked || !w.notif.sound.Checked {
		t.Fatal("defaults not shown")
	}
	test.Tap(w.notif.sound)
	ns.gate.pass()
	w.Wait()
	got := reopen(t, base).Notifications()
	want := settings.Notifications{NotifyOnMessage: true, NotifyOnContactOnline: true, PlaySound: false}
	if got != want {
		t.Errorf("stored %+v, want %+v", got, want)
	}
}

// gatedNotifications holds a real NotificationSettings' saves at a gate.
type gatedNotifications struct {
	NotificationSettings
	gate gate
}

func (g gatedNotifications) LoadNotifications(ctx context.Context) (settings.Notifications, error) {
	g.gate.wait(ctx)
	return g.NotificationSettings.LoadNotifications(ctx)
}

func (g gatedNotifications) SaveNotifications(ctx context.Context, n settings.Notifications) error {
	g.gate.wait(ctx)
	return g.NotificationSettings.SaveNotifications(ctx, n)
}
