package rvpclient

import (
	"context"
	"os/exec"
	"strings"
	"testing"

	"rendezvous/internal/rvpwire"
)

// FuzzHandleNotify feeds arbitrary bodies to the shared NOTIFY decoder of a
// signed-in client: it must never panic, and what it accepts must be a
// well-formed r:notification.
func FuzzHandleNotify(f *testing.F) {
	from, to := "http://example.com/instmsg/aliases/bob", "http://example.com/instmsg/aliases/alice"
	f.Add(textNotify(from, to, "{S}", "hello"))
	typing := rvpwire.TypingIM("{S}", "bob@example.com").String()
	f.Add(rvpwire.Marshal(rvpwire.Notification{From: rvpwire.Contact{Href: from}, To: []rvpwire.Contact{{Href: to}}, MIME: &typing}.Element()))
	busy := rvpwire.LeasedState{Value: rvpwire.StateBusy}
	f.Add(rvpwire.Marshal(rvpwire.Notification{From: rvpwire.Contact{Href: from}, To: []rvpwire.Contact{{Href: to}},
		Update: &rvpwire.PropertyUpdate{State: &busy}}.Element()))
	f.Add([]byte("<r:notification xmlns:r='http://schemas.microsoft.com/rvp/'><r:message/></r:notification>"))
	f.Add([]byte("<garbage"))
	fs := newFakeServer(f, "alice")
	srv := startFake(f, fs)
	// librvp's chat form, URLs naming the server's host (read as example.com).
	host := "http://" + strings.TrimPrefix(srv, "http://") + "/instmsg/aliases/"
	chat := rvpwire.TextIM("{S}", "", "chat").String()
	f.Add(rvpwire.Marshal(oneRecipientList(rvpwire.Notification{From: rvpwire.Contact{Href: host + "bob"},
		To: []rvpwire.Contact{{Href: host + "carol"}, {Href: host + "alice"}, {Href: host + "bob"}}, MIME: &chat}.Element())))
	c, _ := newTestClient(f, srv, func(o *Options) { o.Mode = ModePolling })
	signIn(f, c, "alice")
	f.Fuzz(func(t *testing.T, body []byte) {
		if err := c.handleNotify(nil, body); err != nil {
			return
		}
		root, err := rvpwire.Decode(strings.NewReader(string(body)))
		if err != nil {
			t.Fatalf("accepted a body that does not decode: %v", err)
		}
		if _, err := rvpwire.ParseNotification(root); err != nil {
			t.Fatalf("accepted a body that is no notification: %v", err)
		}
	})
}

// TestNoFyne: the engine must not depend on the user interface toolkit.
func TestNoFyne(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "list", "-deps", ".").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	for _, dep := range strings.Fields(string(out)) {
		if strings.HasPrefix(dep, "fyne.io/") {
			t.Errorf("rvpclient depends on %s", dep)
		}
	}
}
