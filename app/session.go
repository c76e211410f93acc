package app

import (
	"context"

	"fyne.io/fyne/v2"

	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"rendezvous/app/history"
	"rendezvous/internal/rvpwire"
	"rendezvous/rvpclient"
	"rendezvous/settings"
	"rendezvous/ui"
	"rendezvous/ui/options"
)

// notice is an error whose text is already a sentence for the user (engine
// warnings the main window shows).
type notice string

func (n notice) Error() string { return string(n) }

// sinks are the windows engine events go to; set once the main window
// exists.
type sinks struct {
	main       *ui.MainWindow
	convs      *ui.Conversations
	showBanner func() // the firewall banner (UI goroutine); nil shows a dialog
}

// earlyLimit bounds the events kept while the windows are being built.
const earlyLimit = 256

// session is one signed-in user: the engine client, the profile, the
// contact book and the transcripts. It implements rvpclient.Handler and
// ui.MainService. Safe for concurrent use.
type session struct {
	client  *rvpclient.Client
	profile *settings.Profile
	book    *contactBook
	store   *history.Store
	rec     *history.Recorder
	log     *slog.Logger

	mu       sync.Mutex // serializes event dispatch and sink changes
	sinks    *sinks
	early    []rvpclient.Event
	detached bool // the windows are gone: events are dropped

	warning error              // shown once the main window exists (e.g. the keyring failed)
	conn    options.Connection // the delivery configuration of this sign-in
}

func newSession(profile *settings.Profile, historyDir string, log *slog.Logger) *session {
	store := history.Open(historyDir, nil)
	return &session{profile: profile, book: newContactBook(), store: store,
		rec: history.NewRecorder(store, log), log: log}
}

func (s *session) signInName() string { return s.profile.SignInName() }

// HandleEvent routes an engine event to the windows (rvpclient.Handler). It
// never blocks: the windows' adapters hand everything to fyne.Do.
func (s *session) HandleEvent(e rvpclient.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.detached {
		return
	}
	if s.sinks == nil {
		if len(s.early) < earlyLimit {
			s.early = append(s.early, e)
		}
		return
	}
	s.dispatch(e)
}

// attach connects the windows and replays what arrived before them.
func (s *session) attach(k *sinks) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sinks = k
	k.main.ContactsChanged(s.book.list())
	for _, e := range s.early {
		s.dispatch(e)
	}
	s.early = nil
}

// detach drops the windows: events from now on (the sign-out's own
// presence changes, for one) go nowhere. Any goroutine.
func (s *session) detach() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.detached = true
	s.sinks = nil
	s.early = nil
}

func (s *session) dispatch(e rvpclient.Event) {
	k := s.sinks
	switch e := e.(type) {
	case rvpclient.MessageEvent:
		k.convs.MessageReceived(e.SessionID, ui.Message{From: e.From, FromName: e.FromName, Text: e.Text, Time: e.Time})
	case rvpclient.TypingEvent:
		k.convs.TypingReceived(e.SessionID, e.From)
	case rvpclient.JoinedEvent:
		k.convs.ParticipantJoined(e.SessionID, e.Who)
	case rvpclient.LeftEvent:
		k.convs.ParticipantLeft(e.SessionID, e.Who)
	case rvpclient.PresenceEvent:
		s.presence(e)
	case rvpclient.ConnectionEvent:
		s.log.Info("connection", "state", e.State, "reason", e.Reason)
		if e.State == rvpclient.Disconnected && e.Reason != nil {
			k.main.ShowError(notice("You were signed out. " + describeOr(e.Reason)))
		}
	case rvpclient.CallbackUnreachableEvent:
		if k.showBanner != nil {
			fyne.Do(k.showBanner)
			break
		}
		k.main.ShowError(notice("Messages cannot reach this computer (a firewall may block them). " +
			"Choose Polling in Connection Configuration (Tools > Options > Accounts > Advanced...) and sign in again."))
	case rvpclient.DroppedEvent:
		k.main.ShowError(notice(fmt.Sprintf("The server dropped %d notifications while they waited for you; some messages may be lost.", e.Count)))
	case rvpclient.WarningEvent:
		k.main.ShowError(notice(e.Message))
	}
}

func (s *session) presence(e rvpclient.PresenceEvent) {
	k := s.sinks
	if e.Self {
		st := e.State
		if st == "" {
			st = s.client.Status()
		}
		k.main.SelfChanged(ui.Contact{SignInName: s.signInName(), DisplayName: e.DisplayName, State: ui.State(st)})
		return
	}
	if c, ok := s.book.presence(e); ok {
		k.main.ContactsChanged(s.book.list())
		k.convs.ContactChanged(c)
	}
}

// contactsChanged tells the main window (when there is one) about the book.
func (s *session) contactsChanged() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sinks != nil && !s.detached {
		s.sinks.main.ContactsChanged(s.book.list())
	}
}

// restore watches the profile's contacts and reads who is blocked. Errors
// are logged: a contact that cannot be watched stays listed as offline.
func (s *session) restore(ctx context.Context) {
	for _, c := range s.profile.ContactList().Contacts {
		got, err := s.client.AddContact(ctx, c.SignInName)
		if err != nil {
			s.log.Warn("contact not watched", "contact", c.SignInName, "err", err)
			got = rvpclient.Contact{Name: c.SignInName, DisplayName: c.DisplayName, State: rvpclient.StateOffline}
		}
		if got.DisplayName == "" {
			got.DisplayName = c.DisplayName
		}
		s.book.add(got)
	}
	acl, err := s.client.ACL(ctx)
	if err != nil {
		s.log.Warn("ACL not read", "err", err)
		return
	}
	for _, ace := range acl.ACEs {
		if n, err := rvpwire.ParseNodeURL(ace.Principal, ""); err == nil && slices.Contains(ace.Deny, rvpwire.RightSendTo) {
			s.book.setBlocked(n.SignInName(), true)
		}
	}
}

// SetState publishes the user's status (ui.MainService).
func (s *session) SetState(ctx context.Context, st ui.State) error {
	return s.client.SetStatus(ctx, rvpclient.State(st))
}

// AddContact watches a contact and keeps it in the profile.
func (s *session) AddContact(ctx context.Context, name string) error {
	if _, ok := s.book.lookup(name); ok {
		return notice("That contact is already in your contact list.")
	}
	c, err := s.client.AddContact(ctx, name)
	if err != nil {
		return err
	}
	s.book.add(c)
	s.contactsChanged()
	return s.saveContacts(func(cl *settings.ContactList) {
		cl.Contacts = append(cl.Contacts, settings.Contact{SignInName: c.Name, DisplayName: c.DisplayName})
	})
}

// RemoveContact stops watching a contact and drops it from the profile.
func (s *session) RemoveContact(ctx context.Context, name string) error {
	if err := s.client.RemoveContact(ctx, name); err != nil {
		return err
	}
	s.book.remove(name)
	s.contactsChanged()
	return s.saveContacts(func(cl *settings.ContactList) {
		cl.Contacts = slices.DeleteFunc(cl.Contacts, func(c settings.Contact) bool { return key(c.SignInName) == key(name) })
	})
}

// SetDisplayName changes the name the user's contacts see.
func (s *session) SetDisplayName(ctx context.Context, name string) error {
	return s.client.SetDisplayName(ctx, name)
}

// Properties asks the server for a contact's display name, e-mail address
// and state (Contacts > Properties); a listed contact is updated in the
// list too.
func (s *session) Properties(ctx context.Context, name string) (ui.Contact, error) {
	c, err := s.client.Properties(ctx, name)
	if err != nil {
		return ui.Contact{}, err
	}
	if listed, ok := s.book.refresh(c); ok {
		s.contactsChanged()
		return listed, nil
	}
	return ui.Contact{SignInName: c.Name, DisplayName: c.DisplayName, State: ui.State(c.State), Email: c.Email}, nil
}

// SetBlocked blocks or unblocks a contact through the ACL.
func (s *session) SetBlocked(ctx context.Context, name string, blocked bool) error {
	var err error
	if blocked {
		err = s.client.Block(ctx, name)
	} else {
		err = s.client.Unblock(ctx, name)
	}
	if err != nil {
		return err
	}
	s.book.setBlocked(name, blocked)
	s.contactsChanged()
	return nil
}

func (s *session) saveContacts(edit func(*settings.ContactList)) error {
	cl := s.profile.ContactList()
	edit(&cl)
	if err := s.profile.SetContactList(cl); err != nil {
		return err
	}
	return s.profile.Save()
}

// start begins a conversation (ui.ConversationsOptions.Start).
func (s *session) start(peer ui.Contact) (string, ui.ConversationService) {
	cv, err := s.client.StartConversation(peer.SignInName)
	if err != nil {
		return "failed:" + peer.SignInName, failedConversation{err}
	}
	return cv.ID(), conversation{cv}
}

// join returns the conversation someone else started.
func (s *session) join(id string, _ ui.Contact) ui.ConversationService {
	if cv := s.client.Conversation(id); cv != nil {
		return conversation{cv}
	}
	return failedConversation{rvpclient.ErrNotParticipant}
}

func (s *session) loadHistory(ctx context.Context, peer string) ([]ui.Message, error) {
	es, err := s.store.Load(ctx, peer)
	out := make([]ui.Message, len(es))
	for i, e := range es {
		out[i] = ui.Message{From: e.From, FromName: e.FromName, Text: e.Text, Time: e.Time, Outgoing: e.Outgoing}
	}
	return out, err
}

func (s *session) record(peer string, m ui.Message) {
	s.rec.Record(peer, history.Entry{From: m.From, FromName: m.FromName, Text: m.Text, Time: m.Time, Outgoing: m.Outgoing})
}

// close signs out (bounded), stops the engine and flushes the history.
// Never on the UI goroutine.
func (s *session) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.client.SignOut(ctx); err != nil && !errors.Is(err, rvpclient.ErrNotSignedIn) {
		s.log.Warn("sign-out", "err", err)
	}
	s.client.Close()
	s.rec.Close()
}

// conversation adapts an engine conversation to ui.ConversationService.
type conversation struct{ cv *rvpclient.Conversation }

func (c conversation) Send(ctx context.Context, text string) error { return c.cv.Send(ctx, text) }
func (c conversation) Typing(ctx context.Context)                  { _ = c.cv.Typing(ctx) }
func (c conversation) Leave(ctx context.Context)                   { _ = c.cv.Leave(ctx) }
func (c conversation) Invite(ctx context.Context, who string) error {
	return c.cv.Invite(ctx, who)
}

// Participants lets a window list everyone of a group someone else started.
func (c conversation) Participants() []string { return c.cv.Participants() }

// failedConversation answers every call with the error that kept the
// conversation from starting.
type failedConversation struct{ err error }

func (f failedConversation) Send(context.Context, string) error   { return f.err }
func (f failedConversation) Typing(context.Context)               {}
func (f failedConversation) Leave(context.Context)                {}
func (f failedConversation) Invite(context.Context, string) error { return f.err }
