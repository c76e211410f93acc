package options

import (
	"context"
	"errors"
	"sync"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"rendezvous/settings"
)

// fakeConnection is a ConnectionSettings in memory.
type fakeConnection struct {
	mu      sync.Mutex
	state   ConnectionState
	saved   []Connection
	shown   []ConnectionState
	saveErr error
	loadErr error
	loads   int
	gate    gate
}

// gate holds a fake's calls until the test lets one through. Fyne's test
// driver runs fyne.Do inline on the calling goroutine, so a window's
// goroutine must not reach its fyne.Do while the test goroutine is still
// inside a widget callback: the test lets it through with pass, when it is
// no longer touching widgets, and then waits for the window's goroutines.
type gate struct{ ch chan struct{} }

func newGate() gate { return gate{ch: make(chan struct{})} }

// wait blocks the fake's call until pass (a nil gate never blocks).
func (g gate) wait(ctx context.Context) {
	if g.ch == nil {
		return
	}
	select {
	case <-g.ch:
	case <-ctx.Done():
	}
}

// pass lets one waiting call through.
func (g gate) pass() { g.ch <- struct{}{} }

// open lets every call through from now on.
func (g gate) open() { close(g.ch) }

func (f *fakeConnection) LoadConnection(ctx context.Context) (ConnectionState, error) {
	f.gate.wait(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.loads++
	return f.state, f.loadErr
}

func (f *fakeConnection) SaveConnection(ctx context.Context, c Connection, shown ConnectionState) error {
	f.gate.wait(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.saveErr != nil {
		return f.saveErr
	}
	f.saved = append(f.saved, c)
	f.shown = append(f.shown, shown)
	f.state = ConnectionState{Connection: c}
	return nil
}

func (f *fakeConnection) saves() []Connection {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Connection(nil), f.saved...)
}

var errDisk = errors.New("disk full")

// press delivers a key as the desktop driver does: Tab moves the focus;
// other keys go to the focused widget, or to the canvas when none is.
func press(c fyne.Canvas, key fyne.KeyName) {
	if key == fyne.KeyTab {
		c.FocusNext()
		return
	}
	ev := &fyne.KeyEvent{Name: key}
	if f := c.Focused(); f != nil {
		f.TypedKey(ev)
	} else if h := c.OnTypedKey(); h != nil {
		h(ev)
	}
}

// typeFocused types s into the focused widget, as the driver does.
func typeFocused(t *testing.T, c fyne.Canvas, s string) {
	t.Helper()
	f := c.Focused()
	if f == nil {
		t.Fatalf("typing %q with nothing focused", s)
	}
	for _, r := range s {
		f.TypedRune(r)
	}
}

// setText replaces an entry's text by typing, as a user would after
// selecting everything.
func setText(e *keyEntry, s string) {
	e.SetText("")
	test.Type(e, s)
}

// overlayTexts returns the texts of every label in the top overlay (a
// dialog), or nil when no overlay is shown.
func overlayTexts(c fyne.Canvas) []string {
	top := c.Overlays().Top()
	if top == nil {
		return nil
	}
	var texts []string
	for _, o := range test.LaidOutObjects(top) {
		if l, ok := o.(*widget.Label); ok {
			texts = append(texts, l.Text)
		}
	}
	return texts
}

func containsText(texts []string, want string) bool {
	for _, s := range texts {
		if s == want {
			return true
		}
	}
	return false
}

// button is a tappable, disableable button found in a dialog.
type button interface {
	fyne.Tappable
	fyne.Disableable
}

// overlayButton returns the button labelled text in the top overlay,
// failing the test when there is none.
func overlayButton(t *testing.T, c fyne.Canvas, text string) button {
	t.Helper()
	top := c.Overlays().Top()
	if top == nil {
		t.Fatalf("no dialog shown, looking for button %q", text)
	}
	for _, o := range test.LaidOutObjects(top) {
		switch b := o.(type) {
		case *widget.Button:
			if b.Text == text {
				return b
			}
		case *keyButton:
			if b.Text == text {
				return b
			}
		}
	}
	t.Fatalf("no button %q in the dialog", text)
	return nil
}

// fakePrivacy is a PrivacySource in memory.
type fakePrivacy struct {
	mu       sync.Mutex
	acl      []ACLEntry
	watchers []Watcher
	err      error
	moves    []ACLEntry
	gate     gate
}

func (f *fakePrivacy) Watchers(ctx context.Context) ([]Watcher, error) {
	f.gate.wait(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Watcher(nil), f.watchers...), f.err
}

func (f *fakePrivacy) ACL(ctx context.Context) ([]ACLEntry, error) {
	f.gate.wait(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]ACLEntry(nil), f.acl...), f.err
}

func (f *fakePrivacy) SetBlocked(ctx context.Context, name string, blocked bool) error {
	f.gate.wait(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	f.moves = append(f.moves, ACLEntry{SignInName: name, Blocked: blocked})
	for i := range f.acl {
		if f.acl[i].SignInName == name {
			f.acl[i].Blocked = blocked
		}
	}
	return nil
}

// fakeNotifications is a NotificationSettings in memory.
type fakeNotifications struct {
	mu      sync.Mutex
	prefs   settings.Notifications
	saved   []settings.Notifications
	loadErr error
	saveErr error
	gate    gate
}

func (f *fakeNotifications) LoadNotifications(ctx context.Context) (settings.Notifications, error) {
	f.gate.wait(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.prefs, f.loadErr
}

func (f *fakeNotifications) SaveNotifications(ctx context.Context, n settings.Notifications) error {
	f.gate.wait(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.saveErr != nil {
		return f.saveErr
	}
	f.saved = append(f.saved, n)
	f.prefs = n
	return nil
}

func (f *fakeNotifications) saves() []settings.Notifications {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]settings.Notifications(nil), f.saved...)
}

func (f *fakeConnection) loadsDone() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.loads
}
