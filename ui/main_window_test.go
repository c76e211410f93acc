package ui

import (
	"net/url"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func TestGroupContacts(t *testing.T) {
	cs := []Contact{
		{SignInName: "zed@x", State: StateOffline},
		{SignInName: "b@x", DisplayName: "bob", State: StateAway},
		{SignInName: "a@x", DisplayName: "Anna", State: StateOnline},
		{SignInName: "c@x", DisplayName: "Carl", State: StateInvisible},
		{SignInName: "d@x", DisplayName: "dora", State: ""},
		{SignInName: "e@x", DisplayName: "Eve", State: "some-new-token"},
	}
	var got []string
	for _, r := range groupContacts(cs) {
		if r.header != "" {
			got = append(got, "["+r.header+"]")
		} else {
			got = append(got, r.contact.Name())
		}
	}
	want := []string{"[Online (3)]", "Anna", "bob", "Eve", "[Not Online (3)]", "Carl", "dora", "zed@x"}
	if !slices.Equal(got, want) {
		t.Fatalf("rows = %q\nwant   %q", got, want)
	}
}

type testMain struct {
	*MainWindow
	c      *inline
	svc    *fakeMain
	opened []Contact
	urls   []string
}

func (w *testMain) settle() { w.c.settle(w.queue) }

func newTestMain(t *testing.T) *testMain {
	t.Helper()
	a := test.NewTempApp(t)
	tm := &testMain{c: &inline{}, svc: &fakeMain{}}
	tm.MainWindow = NewMainWindow(a, MainOptions{
		Self: alice, Service: tm.svc, Describe: testDescribe, deliver: tm.c.deliver,
		OpenConversation: func(c Contact) { tm.opened = append(tm.opened, c) },
		OpenURL:          func(u *url.URL) error { tm.urls = append(tm.urls, u.String()); return nil },
		ShowOptions:      func(fyne.Window) {},
		ShowDiagnostics:  func(fyne.Window) {},
	})
	t.Cleanup(func() { tm.Close(); tm.Wait() })
	tm.Show()
	return tm
}

func TestMainWindowShowsGroupsAndOpensOnDoubleTap(t *testing.T) {
	w := newTestMain(t)
	if got := w.Window().Title(); got != "Rendezvous Messenger - alice@localhost" {
		t.Fatalf("title = %q", got)
	}
	if w.selfName.Text != "Alice" || w.status.Selected != "Online" {
		t.Fatalf("self shown as %q / %q", w.selfName.Text, w.status.Selected)
	}
	w.ContactsChanged([]Contact{carol, {SignInName: "dan@localhost", State: StateOffline}, bob})
	if w.list.Length() != 5 {
		t.Fatalf("list has %d rows", w.list.Length())
	}
	item := newContactItem(w.MainWindow)
	item.set(2, w.rows[2]) // Online: Bob, Carol
	if item.name.Text != "Carol" || item.detail.Text != "(Busy)" || !item.icon.Visible() {
		t.Fatalf("row 2 = %q %q", item.name.Text, item.detail.Text)
	}
	test.DoubleTap(item)
	if len(w.opened) != 1 || w.opened[0].SignInName != carol.SignInName {
		t.Fatalf("opened %+v", w.opened)
	}
	header := newContactItem(w.MainWindow)
	header.set(0, w.rows[0])
	test.DoubleTap(header)
	if len(w.opened) != 1 || header.icon.Visible() || header.name.Text != "Online (2)" {
		t.Fatal("a group header opened a conversation or shows an icon")
	}
}

func TestEnterOpensHighlightedContact(t *testing.T) {
	w := newTestMain(t)
	w.ContactsChanged([]Contact{bob, carol})
	w.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) // from the Online header to Bob
	w.list.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	if len(w.opened) != 1 || w.opened[0].SignInName != bob.SignInName {
		t.Fatalf("opened %+v", w.opened)
	}
}

func TestSelectionSurvivesUpdate(t *testing.T) {
	w := newTestMain(t)
	w.ContactsChanged([]Contact{bob, carol})
	w.list.Select(2) // Carol
	carolAway := carol
	carolAway.State = StateOffline
	w.ContactsChanged([]Contact{bob, carolAway})
	if c, ok := w.contactAt(w.selected); !ok || c.SignInName != carol.SignInName {
		t.Fatalf("selection lost: %+v", c)
	}
}

func TestStatusMenu(t *testing.T) {
	w := newTestMain(t)
	w.status.SetSelected("Be Right Back")
	w.settle()
	if !slices.Equal(w.svc.states, []State{StateBackSoon}) || w.self.State != StateBackSoon {
		t.Fatalf("states %v self %v", w.svc.states, w.self.State)
	}
	w.svc.stateErr = errOffline
	w.status.SetSelected("Appear Offline")
	w.settle()
	if w.self.State != StateBackSoon || w.status.Selected != "Be Right Back" {
		t.Fatalf("failed change not reverted: %v %q", w.self.State, w.status.Selected)
	}
	if w.Window().Canvas().Overlays().Top() == nil {
		t.Fatal("failure not shown")
	}
}

func TestContextMenu(t *testing.T) {
	w := newTestMain(t)
	blocked := bob
	blocked.Blocked = true
	m := w.contextMenu(blocked)
	var labels []string
	state := map[string]bool{}
	for _, it := range m.Items {
		if !it.IsSeparator {
			labels = append(labels, it.Label)
			state[it.Label] = it.Disabled
		}
	}
	want := []string{"Send Message", "Send E-mail", "Block", "Unblock", "Remove Contact…", "Properties"}
	if !slices.Equal(labels, want) {
		t.Fatalf("menu = %q", labels)
	}
	if !state["Block"] || state["Unblock"] {
		t.Fatal("Block/Unblock enabled wrongly for a blocked contact")
	}
	for _, it := range m.Items {
		if it.Label == "Unblock" || it.Label == "Send E-mail" || it.Label == "Send Message" {
			it.Action()
		}
	}
	w.settle()
	if b, ok := w.svc.blocked[bob.SignInName]; !ok || b {
		t.Fatalf("unblock not sent: %v", w.svc.blocked)
	}
	if !slices.Equal(w.urls, []string{"mailto:bob@localhost"}) || len(w.opened) != 1 {
		t.Fatalf("urls %q opened %v", w.urls, w.opened)
	}
}

func TestAddContactByKeyboard(t *testing.T) {
	w := newTestMain(t)
	w.promptAddContact()
	entry, ok := w.Window().Canvas().Focused().(*widget.Entry)
	if !ok {
		t.Fatal("the sign-in name field has no focus")
	}
	test.Type(entry, "bob@localhost")
	entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	w.settle()
	if !slices.Equal(w.svc.added, []string{"bob@localhost"}) {
		t.Fatalf("added %q", w.svc.added)
	}
}

func TestAddingYourselfIsRefused(t *testing.T) {
	w := newTestMain(t)
	w.promptAddContact()
	entry := w.Window().Canvas().Focused().(*widget.Entry)
	test.Type(entry, " ALICE@localhost")
	entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	w.settle()
	if len(w.svc.added) != 0 || entry.Validate() == nil {
		t.Fatalf("the user's own sign-in name was added: %q", w.svc.added)
	}
}

func TestChangeDisplayName(t *testing.T) {
	w := newTestMain(t)
	w.promptDisplayName()
	entry := w.Window().Canvas().Focused().(*widget.Entry)
	if entry.Text != "Alice" {
		t.Fatalf("the form starts with %q", entry.Text)
	}
	entry.SetText("Alice Liddell")
	entry.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	w.settle()
	if !slices.Equal(w.svc.names, []string{"Alice Liddell"}) || w.selfName.Text != "Alice Liddell" {
		t.Fatalf("sent %q, shown %q", w.svc.names, w.selfName.Text)
	}
}

func TestAddContactValidation(t *testing.T) {
	if signInNameError("bob") == nil || signInNameError("bob@localhost") != nil {
		t.Fatal("sign-in name check")
	}
	w := newTestMain(t)
	w.addContact("bob@localhost")
	w.settle()
	if !slices.Equal(w.svc.added, []string{"bob@localhost"}) {
		t.Fatalf("added %q", w.svc.added)
	}
}

func TestMenusHaveToolsAndHelpHooks(t *testing.T) {
	w := newTestMain(t)
	var labels []string
	for _, m := range w.Window().MainMenu().Items {
		labels = append(labels, m.Label)
	}
	if !slices.Equal(labels, []string{"File", "Contacts", "Tools", "Help"}) {
		t.Fatalf("menus = %q", labels)
	}
	if w.Window().MainMenu().Items[2].Items[0].Label != "Options…" ||
		w.Window().MainMenu().Items[3].Items[0].Label != "Connection Diagnostics…" {
		t.Fatal("Tools > Options… or Help > Connection Diagnostics… missing")
	}
}

// trayApp is a test app with a system tray.
type trayApp struct {
	fyne.App
	icon fyne.Resource
	menu *fyne.Menu
}

func (a *trayApp) SetSystemTrayMenu(m *fyne.Menu)    { a.menu = m }
func (a *trayApp) SetSystemTrayIcon(r fyne.Resource) { a.icon = r }
func (a *trayApp) SetSystemTrayWindow(fyne.Window)   {}

func TestTrayUnreadAndStatus(t *testing.T) {
	a := &trayApp{App: test.NewTempApp(t)}
	icons := Icons{Tray: dotGreen, TrayUnread: dotRed}
	w := NewMainWindow(a, MainOptions{Self: alice, Service: &fakeMain{}, Icons: icons})
	t.Cleanup(func() { w.Close(); w.Wait() })
	if a.icon != dotGreen || a.menu.Items[0].Label != "Open Rendezvous Messenger" {
		t.Fatal("tray not set up")
	}
	w.SetUnread(2)
	if a.icon != dotRed || a.menu.Items[1].Label != "2 unread messages" {
		t.Fatalf("unread not shown: %q", a.menu.Items[1].Label)
	}
	w.SetUnread(0)
	if a.icon != dotGreen {
		t.Fatal("unread icon kept")
	}
	for _, it := range a.menu.Items {
		if it.Label == "Online" && !it.Checked {
			t.Fatal("current status not checked in the tray")
		}
	}
}

// fileMenuLabels lists the File menu's item labels.
func fileMenuLabels(w *MainWindow) []string {
	var out []string
	for _, it := range w.Window().MainMenu().Items[0].Items {
		out = append(out, it.Label)
	}
	return out
}

func TestClosingHidesToTrayOnlyWithATrayHost(t *testing.T) {
	base := test.NewTempApp(t)
	host := true
	exits := 0
	w := NewMainWindow(base, MainOptions{Self: alice, Service: &fakeMain{},
		OnExit: func() { exits++ }, TrayHost: func() bool { return host }, trayApp: &trayApp{App: base}})
	t.Cleanup(func() { w.Close(); w.Wait() })
	w.Show()
	if !w.ClosesToTray() || !slices.Contains(fileMenuLabels(w), closeToTrayLabel) {
		t.Fatalf("with a tray host: closes to tray %v, File menu %q", w.ClosesToTray(), fileMenuLabels(w))
	}
	w.closeRequested()
	if exits != 0 {
		t.Fatal("closing the window exited although the tray shows the icon")
	}

	host = false // the panel with the tray went away
	w.TrayHostChanged()
	if w.ClosesToTray() || slices.Contains(fileMenuLabels(w), closeToTrayLabel) {
		t.Fatalf("without a tray host: closes to tray %v, File menu %q", w.ClosesToTray(), fileMenuLabels(w))
	}
	w.Show()
	w.closeRequested()
	if exits != 1 {
		t.Fatalf("closing the window without a tray host: %d exits, want 1 (it would vanish for good)", exits)
	}
}
