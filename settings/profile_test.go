package settings

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

const kari = "kari@humongous.example"

func openProfile(t *testing.T, base string, opts *Options) *Profile {
	t.Helper()
	p, err := Open(base, kari, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return m
}

func TestOpenFreshProfile(t *testing.T) {
	base := t.TempDir()
	p := openProfile(t, base, nil)
	if _, err := os.Stat(filepath.Join(base, profilesDir)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Open created files: %v", err)
	}
	if got := p.Connection(); got != DefaultConnection() {
		t.Errorf("Connection = %+v", got)
	}
	if got := p.Notifications(); got != DefaultNotifications() || !got.NotifyOnMessage {
		t.Errorf("Notifications = %+v", got)
	}
	if p.RememberPassword() || p.SignInAutomatically() || p.Server() != "" {
		t.Errorf("unexpected defaults")
	}
	if cl := p.ContactList(); len(cl.Groups) != 0 || len(cl.Contacts) != 0 {
		t.Errorf("ContactList = %+v", cl)
	}
	if _, ok := p.WindowGeometry("main"); ok {
		t.Errorf("geometry present")
	}
	if p.SignInName() != kari || p.Path() != filepath.Join(base, "profiles", kari, "settings.json") {
		t.Errorf("name %q path %q", p.SignInName(), p.Path())
	}
}

func fillProfile(t *testing.T, p *Profile) {
	t.Helper()
	if err := p.SetConnection(Connection{Mode: ModeFixedPorts, PeriodMinutes: 7, Ports: Ports{5000, 5010}}, Policy{}); err != nil {
		t.Fatal(err)
	}
	if err := p.SetServer("im.humongous.example:8080"); err != nil {
		t.Fatal(err)
	}
	p.SetRememberPassword(true)
	p.SetSignInAutomatically(true)
	p.SetNotifications(Notifications{NotifyOnMessage: true, NotifyOnContactOnline: false, PlaySound: false})
	if err := p.SetWindowGeometry("main", Geometry{X: 10, Y: 20, Width: 300, Height: 600}); err != nil {
		t.Fatal(err)
	}
	if err := p.SetWindowGeometry("chat:bob@x.example", Geometry{X: -5, Y: 0, Width: 400, Height: 300}); err != nil {
		t.Fatal(err)
	}
	cl := ContactList{Groups: []string{"Work", "Friends"}, Contacts: []Contact{
		{SignInName: "zed@x.example", DisplayName: "Zed", Group: "Work"},
		{SignInName: "bob@x.example", DisplayName: "Bob", Group: "Friends"},
		{SignInName: "amy@x.example", DisplayName: "Amy"},
	}}
	if err := p.SetContactList(cl); err != nil {
		t.Fatal(err)
	}
}

func TestSaveAndReopen(t *testing.T) {
	base := t.TempDir()
	clock := newFakeClock(t0)
	p := openProfile(t, base, &Options{Now: clock.Now})
	fillProfile(t, p)
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	q := openProfile(t, base, nil)
	wantConn := Connection{Mode: ModeFixedPorts, PeriodMinutes: 7, Ports: Ports{5000, 5010}, ConfirmedAt: t0}
	if got := q.Connection(); !reflect.DeepEqual(got, wantConn) {
		t.Errorf("Connection = %+v, want %+v", got, wantConn)
	}
	if q.Server() != "im.humongous.example:8080" || !q.RememberPassword() || !q.SignInAutomatically() {
		t.Errorf("scalars not restored")
	}
	if got := q.Notifications(); got != (Notifications{NotifyOnMessage: true}) {
		t.Errorf("Notifications = %+v", got)
	}
	if g, ok := q.WindowGeometry("chat:bob@x.example"); !ok || g != (Geometry{X: -5, Width: 400, Height: 300}) {
		t.Errorf("geometry = %+v, %v", g, ok)
	}
	if got, want := q.ContactList(), p.ContactList(); !reflect.DeepEqual(got, want) {
		t.Errorf("ContactList = %+v, want %+v (order must be kept)", got, want)
	}
	// The document uses the client's key names.
	m := readJSON(t, p.Path())
	conn, _ := m["Connection"].(map[string]any)
	if conn["PollingFlag"] != 2.0 || conn["PollingPeriod"] != 7.0 || conn["Ports"] != "5000-5010" {
		t.Errorf("Connection on disk = %v", conn)
	}
	if m["Version"] != 1.0 || m["SignInName"] != kari {
		t.Errorf("document = %v", m)
	}
}

func TestUnknownKeysKept(t *testing.T) {
	base := t.TempDir()
	dir, _ := ProfileDir(base, kari)
	_ = os.MkdirAll(dir, 0o700)
	body := `{"Version": 2, "SignInName": "` + kari + `", "FutureFeature": {"a": [1, 2, 3]}, "RememberPassword": true}`
	if err := os.WriteFile(filepath.Join(dir, settingsFile), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	log, sink := newTestLogger()
	p := openProfile(t, base, &Options{Logger: log})
	if !p.RememberPassword() {
		t.Fatal("known key lost")
	}
	p.SetSignInAutomatically(true)
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	m := readJSON(t, p.Path())
	want := map[string]any{"a": []any{1.0, 2.0, 3.0}}
	if !reflect.DeepEqual(m["FutureFeature"], want) || m["SignInAutomatically"] != true || m["Version"] != 1.0 {
		t.Fatalf("document after save = %v", m)
	}
	if len(sink.records(t)) != 1 {
		t.Fatalf("want one warning about the newer version; log:\n%s", sink.bytes())
	}
}

func TestOpenRepairsHandEdits(t *testing.T) {
	base := t.TempDir()
	dir, _ := ProfileDir(base, kari)
	_ = os.MkdirAll(dir, 0o700)
	body := `{"SignInName": "someone@else", "Groups": ["A", "", "A"],
	  "Contacts": [{"SignInName": "x@y"}, {"SignInName": "X@y"}, {"SignInName": ""}, {"SignInName": "z@y", "Group": "B"}],
	  "Windows": {"main": {"Width": 0, "Height": 10}, "ok": {"Width": 1, "Height": 1}}}`
	if err := os.WriteFile(filepath.Join(dir, settingsFile), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	log, sink := newTestLogger()
	p := openProfile(t, base, &Options{Logger: log})
	want := ContactList{Groups: []string{"A", "B"}, Contacts: []Contact{{SignInName: "x@y"}, {SignInName: "z@y", Group: "B"}}}
	if got := p.ContactList(); !reflect.DeepEqual(got, want) {
		t.Errorf("ContactList = %+v, want %+v", got, want)
	}
	if _, ok := p.WindowGeometry("main"); ok {
		t.Errorf("invalid geometry kept")
	}
	if _, ok := p.WindowGeometry("ok"); !ok {
		t.Errorf("valid geometry dropped")
	}
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	if m := readJSON(t, p.Path()); m["SignInName"] != kari {
		t.Errorf("SignInName on disk = %v", m["SignInName"])
	}
	if n := len(sink.records(t)); n != 7 { // name, 2 groups, 2 contacts, 1 added group, 1 window
		t.Errorf("%d warnings, want 7; log:\n%s", n, sink.bytes())
	}
}

func TestSetConnectionValidates(t *testing.T) {
	p := openProfile(t, t.TempDir(), nil)
	tests := []struct {
		c   Connection
		msg string
	}{
		{Connection{Mode: 3, PeriodMinutes: 10}, MsgPollingFlag},
		{Connection{Mode: ModePolling, PeriodMinutes: 0}, MsgPollingPeriod},
		{Connection{Mode: ModePolling, PeriodMinutes: 16}, MsgPollingPeriod},
		{Connection{Mode: ModeFixedPorts, PeriodMinutes: 10}, MsgPortsMissing},
		{Connection{Mode: ModeFixedPorts, PeriodMinutes: 10, Ports: Ports{80, 90}}, MsgPortsRange},
		{Connection{Mode: ModeFixedPorts, PeriodMinutes: 10, Ports: Ports{6000, 5000}}, MsgPortsOrder},
		{Connection{Mode: ModePolling, PeriodMinutes: 10, Ports: Ports{80, 80}}, MsgPortsRange},
	}
	for _, tt := range tests {
		err := p.SetConnection(tt.c, Policy{})
		if msg, _ := UserMessage(err); msg != tt.msg {
			t.Errorf("SetConnection(%+v) = %v, want %q", tt.c, err, tt.msg)
		}
	}
	if got := p.Connection(); got != DefaultConnection() {
		t.Fatalf("refused values changed the profile: %+v", got)
	}
	if err := p.SetConnection(Connection{Mode: ModePolling, PeriodMinutes: 15}, Policy{}); err != nil {
		t.Fatalf("valid polling without ports refused: %v", err)
	}
}

func TestSetConnectionStampsTheOK(t *testing.T) {
	clock := newFakeClock(t0)
	p := openProfile(t, t.TempDir(), &Options{Now: clock.Now})
	clock.Set(t0.Add(time.Minute))
	c := Connection{Mode: ModePolling, PeriodMinutes: 5, ConfirmedAt: t0.Add(-time.Hour), OverriddenPolicy: t0}
	if err := p.SetConnection(c, Policy{}); err != nil {
		t.Fatal(err)
	}
	got := p.Connection()
	if !got.ConfirmedAt.Equal(t0.Add(time.Minute)) || !got.OverriddenPolicy.IsZero() {
		t.Fatalf("stamps = %v, %v", got.ConfirmedAt, got.OverriddenPolicy)
	}
}

func TestContactListValidation(t *testing.T) {
	p := openProfile(t, t.TempDir(), nil)
	tests := []struct {
		cl  ContactList
		msg string
	}{
		{ContactList{Groups: []string{""}}, MsgGroupName},
		{ContactList{Groups: []string{"A", "A"}}, MsgGroupDuplicate},
		{ContactList{Contacts: []Contact{{SignInName: " "}}}, MsgContactName},
		{ContactList{Contacts: []Contact{{SignInName: "a@x"}, {SignInName: "A@X"}}}, MsgContactDuplicate},
		{ContactList{Contacts: []Contact{{SignInName: "a@x", Group: "Nope"}}}, MsgContactGroup},
	}
	for _, tt := range tests {
		if msg, _ := UserMessage(p.SetContactList(tt.cl)); msg != tt.msg {
			t.Errorf("SetContactList(%+v): %q, want %q", tt.cl, msg, tt.msg)
		}
	}
}

func TestContactListIsCopied(t *testing.T) {
	p := openProfile(t, t.TempDir(), nil)
	cl := ContactList{Groups: []string{"G"}, Contacts: []Contact{{SignInName: "a@x", Group: "G"}}}
	if err := p.SetContactList(cl); err != nil {
		t.Fatal(err)
	}
	cl.Groups[0], cl.Contacts[0].DisplayName = "changed", "changed"
	got := p.ContactList()
	got.Contacts[0].SignInName = "changed too"
	again := p.ContactList()
	if again.Groups[0] != "G" || again.Contacts[0] != (Contact{SignInName: "a@x", Group: "G"}) {
		t.Fatalf("profile shares memory with callers: %+v", again)
	}
	if g := again.InGroup("G"); len(g) != 1 || len(again.InGroup("")) != 0 {
		t.Fatalf("InGroup = %v", g)
	}
}

func TestWindowGeometryLimits(t *testing.T) {
	p := openProfile(t, t.TempDir(), nil)
	for _, tc := range []struct {
		name string
		g    Geometry
	}{{"", Geometry{Width: 1, Height: 1}}, {"w", Geometry{Width: 0, Height: 1}}, {"w", Geometry{Width: 1, Height: -1}}} {
		if err := p.SetWindowGeometry(tc.name, tc.g); !errors.Is(err, ErrInvalid) {
			t.Errorf("SetWindowGeometry(%q, %+v) = %v", tc.name, tc.g, err)
		}
	}
	for i := range maxWindowCount {
		if err := p.SetWindowGeometry("w"+string(rune('A'+i)), Geometry{Width: 1, Height: 1}); err != nil {
			t.Fatal(err)
		}
	}
	if err := p.SetWindowGeometry("one more", Geometry{Width: 1, Height: 1}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("window %d accepted: %v", maxWindowCount+1, err)
	}
	if err := p.SetWindowGeometry("wA", Geometry{Width: 2, Height: 2}); err != nil {
		t.Fatalf("updating a known window refused: %v", err)
	}
}

func TestSetServer(t *testing.T) {
	p := openProfile(t, t.TempDir(), nil)
	if err := p.SetServer(" im.example.com "); err != nil || p.Server() != "im.example.com" {
		t.Fatalf("SetServer: %v, %q", err, p.Server())
	}
	if err := p.SetServer("http://x"); err == nil || p.Server() != "im.example.com" {
		t.Fatalf("invalid server accepted or changed state: %v, %q", err, p.Server())
	}
	if err := p.SetServer(""); err != nil || p.Server() != "" {
		t.Fatalf("clearing: %v", err)
	}
}

func TestOpenRefusesBadNames(t *testing.T) {
	for _, name := range []string{"", "   ", string(make([]byte, 300))} {
		if _, err := Open(t.TempDir(), name, nil); !errors.Is(err, ErrInvalid) {
			t.Errorf("Open(%q) = %v", name, err)
		}
	}
}
