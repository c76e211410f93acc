package app

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"rendezvous/rvpclient"
	"rendezvous/settings"
	"rendezvous/ui"
)

type nopMain struct{}

func (nopMain) SetState(context.Context, ui.State) error               { return nil }
func (nopMain) AddContact(context.Context, string) error               { return nil }
func (nopMain) RemoveContact(context.Context, string) error            { return nil }
func (nopMain) SetBlocked(context.Context, string, bool) error         { return nil }
func (nopMain) SetDisplayName(context.Context, string) error           { return nil }
func (nopMain) Properties(context.Context, string) (ui.Contact, error) { return ui.Contact{}, nil }
func (nopMain) join(string, ui.Contact) ui.ConversationService         { return failedConversation{nil} }
func (nopMain) start(ui.Contact) (string, ui.ConversationService) {
	return "x", failedConversation{nil}
}

// Events that arrive while the windows are being built are replayed in
// order once they exist.
func TestEarlyEventsAreReplayed(t *testing.T) {
	a := test.NewTempApp(t)
	p, err := settings.Open(t.TempDir(), "alice@localhost", nil)
	if err != nil {
		t.Fatal(err)
	}
	s := newSession(p, t.TempDir(), discard())
	defer s.rec.Close()
	s.book.add(rvpclient.Contact{Name: "bob@localhost", DisplayName: "Bob", State: rvpclient.StateOffline})

	s.HandleEvent(rvpclient.PresenceEvent{Contact: "bob@localhost", State: rvpclient.StateBusy})
	s.HandleEvent(rvpclient.MessageEvent{SessionID: "{S}", From: "bob@localhost", FromName: "Bob", Text: "early", Time: time.Now()})

	var n nopMain
	convs := ui.NewConversations(a, ui.ConversationsOptions{
		Self: ui.Contact{SignInName: "alice@localhost"}, Start: n.start, Join: n.join, Lookup: s.book.lookup,
	})
	main := ui.NewMainWindow(a, ui.MainOptions{Self: ui.Contact{SignInName: "alice@localhost"}, Service: n})
	defer main.Close()
	defer func() { convs.CloseAll()() }()
	s.attach(&sinks{main: main, convs: convs})

	w, ok := convs.Window("{S}")
	if !ok {
		t.Fatal("the early message opened no window")
	}
	if msgs := w.Messages(); len(msgs) != 1 || msgs[0].Text != "early" {
		t.Fatalf("transcript %+v", msgs)
	}
	if peers := w.Peers(); len(peers) != 1 || peers[0].State != ui.StateBusy || peers[0].Name() != "Bob" {
		t.Fatalf("presence not applied before the message: %+v", peers)
	}
	s.HandleEvent(rvpclient.TypingEvent{SessionID: "{S}", From: "bob@localhost"}) // after attach: straight through
	if c, _ := s.book.lookup("BOB@localhost"); c.State != ui.StateBusy {
		t.Fatalf("book has %+v", c)
	}
}
