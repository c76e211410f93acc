package options

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"
)

func privacyWindow(t *testing.T, src *fakePrivacy) *Window {
	t.Helper()
	w := newOptions(t, Deps{SignInName: kari, Privacy: src})
	w.Show()
	src.gate.pass() // ACL
	w.Wait()
	return w
}

func TestPrivacyShowsAllowAndBlockLists(t *testing.T) {
	src := &fakePrivacy{gate: newGate(), acl: []ACLEntry{
		{SignInName: "carol@x.example"}, {SignInName: "bob@x.example", Blocked: true}, {SignInName: "alice@x.example"},
	}}
	w := privacyWindow(t, src)
	p := w.privacy
	if want := []string{"alice@x.example", "carol@x.example"}; !slices.Equal(p.allowed, want) {
		t.Errorf("allow list %q, want %q", p.allowed, want)
	}
	if want := []string{"bob@x.example"}; !slices.Equal(p.blocked, want) {
		t.Errorf("block list %q, want %q", p.blocked, want)
	}
	if p.allowList.Length() != 2 || p.blockList.Length() != 1 {
		t.Errorf("list lengths %d / %d", p.allowList.Length(), p.blockList.Length())
	}
	if !p.blockBtn.Disabled() || !p.allowBtn.Disabled() {
		t.Error("move buttons enabled with nothing selected")
	}
}

func TestPrivacyBlockAndAllow(t *testing.T) {
	src := &fakePrivacy{gate: newGate(), acl: []ACLEntry{{SignInName: "alice@x.example"}, {SignInName: "bob@x.example", Blocked: true}}}
	w := privacyWindow(t, src)
	p := w.privacy

	p.allowList.Select(0)
	if p.blockBtn.Disabled() {
		t.Fatal("Block disabled with alice selected")
	}
	test.Tap(p.blockBtn)
	if !p.blockBtn.Disabled() {
		t.Error("Block stays enabled while the change runs")
	}
	src.gate.pass() // SetBlocked
	src.gate.pass() // ACL reload
	w.Wait()
	if len(src.moves) != 1 || src.moves[0] != (ACLEntry{SignInName: "alice@x.example", Blocked: true}) {
		t.Fatalf("moves %+v", src.moves)
	}
	if len(p.allowed) != 0 || !slices.Equal(p.blocked, []string{"alice@x.example", "bob@x.example"}) {
		t.Errorf("after Block: allow %q, block %q", p.allowed, p.blocked)
	}

	p.blockList.Select(1)
	test.Tap(p.allowBtn)
	src.gate.pass()
	src.gate.pass()
	w.Wait()
	if len(src.moves) != 2 || src.moves[1] != (ACLEntry{SignInName: "bob@x.example"}) {
		t.Fatalf("moves %+v", src.moves)
	}
	if !slices.Equal(p.allowed, []string{"bob@x.example"}) {
		t.Errorf("after Allow: allow %q", p.allowed)
	}
}

func TestPrivacyError(t *testing.T) {
	src := &fakePrivacy{gate: newGate(), err: errDisk}
	w := privacyWindow(t, src)
	want := "Your allow and block lists could not be read: disk full"
	if got := w.privacy.status.Text; got != want {
		t.Errorf("status %q, want %q", got, want)
	}
}

func TestPrivacyViewWatchers(t *testing.T) {
	src := &fakePrivacy{gate: newGate(), watchers: []Watcher{
		{SignInName: "zoe@x.example", DisplayName: "Zoe"}, {SignInName: "bob@x.example"},
	}}
	w := privacyWindow(t, src)
	test.Tap(w.privacy.viewBtn)
	src.gate.pass()
	w.Wait()
	texts := overlayTexts(w.win.Canvas())
	for _, want := range []string{WatchersTitle, "bob@x.example", "Zoe (zoe@x.example)"} {
		if !containsText(texts, want) {
			t.Errorf("watchers dialog lacks %q; texts %q", want, texts)
		}
	}
	test.Tap(overlayButton(t, w.win.Canvas(), "Close"))
	if w.win.Canvas().Overlays().Top() != nil {
		t.Error("Close did not close the watchers dialog")
	}
}

func TestPrivacyViewNobody(t *testing.T) {
	src := &fakePrivacy{gate: newGate()}
	w := privacyWindow(t, src)
	test.Tap(w.privacy.viewBtn)
	src.gate.pass()
	w.Wait()
	if texts := overlayTexts(w.win.Canvas()); !containsText(texts, NoWatchers) {
		t.Errorf("texts %q, want %q", texts, NoWatchers)
	}
}

func TestPrivacySignedOut(t *testing.T) {
	w := newOptions(t, Deps{SignInName: kari})
	w.Show()
	w.Wait()
	if w.privacy.status.Text != PrivacyNotReady || !w.privacy.viewBtn.Disabled() {
		t.Errorf("signed out: status %q, View disabled %v", w.privacy.status.Text, w.privacy.viewBtn.Disabled())
	}
}
