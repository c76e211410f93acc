package rvpclient

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"time"

	"rendezvous/internal/rvpwire"
)

// Conversation is one conversation, identified by its Session-Id. Create one
// with StartConversation; conversations started by others appear in
// Conversation(id) when their first message arrives. Methods are safe for
// concurrent use. Conversations live in the engine until Leave or SignOut;
// they survive reconnects (the Session-Id is all the server side needs).
type Conversation struct {
	c  *Client
	id string

	// guarded by c.mu
	members    []rvpwire.Node // other participants, in order of arrival
	lastTyping time.Time      // last typing notification sent
	announced  bool           // the others know the conversation (see announce)
}

// StartConversation creates a conversation with the given contacts (sign-in
// names) and a new Session-Id. It does no I/O: the first Send opens it on
// the other side.
func (c *Client) StartConversation(with ...string) (*Conversation, error) {
	cv := &Conversation{c: c, id: rvpwire.NewSessionID()}
	for _, name := range with {
		n, err := rvpwire.ParseSignInName(name)
		if err != nil {
			return nil, fmt.Errorf("rvpclient: start conversation: %w", err)
		}
		if !slices.Contains(cv.members, n) {
			cv.members = append(cv.members, n)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.acct == nil {
		return nil, fmt.Errorf("rvpclient: start conversation: %w", ErrNotSignedIn)
	}
	cv.members = slices.DeleteFunc(cv.members, func(n rvpwire.Node) bool { return n == c.acct.node })
	c.convs[cv.id] = cv
	return cv, nil
}

// Conversation returns the conversation with Session-Id id, or nil.
func (c *Client) Conversation(id string) *Conversation {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.convs[id]
}

// Conversations returns the open conversations, sorted by id.
func (c *Client) Conversations() []*Conversation {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]*Conversation, 0, len(c.convs))
	for _, cv := range c.convs {
		out = append(out, cv)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// ID returns the Session-Id.
func (cv *Conversation) ID() string { return cv.id }

// Participants returns the other participants' sign-in names.
func (cv *Conversation) Participants() []string {
	cv.c.mu.Lock()
	defer cv.c.mu.Unlock()
	out := make([]string, len(cv.members))
	for i, n := range cv.members {
		out[i] = n.SignInName()
	}
	return out
}

// Send sends a text message (UTF-8, the default X-MMS-IM-Format) to every
// participant. It returns nil only when every participant's server accepted
// it; otherwise a wrapped *rvpwire.StatusError (see IsOffline, IsBlocked,
// IsQueueFull), a *NetworkError, or a *ConversationError when there are
// several participants.
func (cv *Conversation) Send(ctx context.Context, text string) error {
	return cv.SendFormatted(ctx, text, Format{})
}

// SendFormatted is Send with an explicit X-MMS-IM-Format; a zero Format
// means the default.
func (cv *Conversation) SendFormatted(ctx context.Context, text string, f Format) error {
	format := ""
	if f != (Format{}) {
		format = f.String()
	}
	cv.c.mu.Lock()
	cv.lastTyping = time.Time{} // the next keystroke announces typing at once
	cv.c.mu.Unlock()
	cv.announce(ctx)
	return cv.broadcast(ctx, rvpwire.TextIM(cv.id, format, text))
}

// Typing tells the participants that the user is typing. Call it on every
// keystroke: it sends at most one notification per TypingInterval (4 s), so
// while the user keeps typing the notification repeats every 4 s, and it
// returns nil without I/O when it is not yet time.
func (cv *Conversation) Typing(ctx context.Context) error {
	now := time.Now()
	cv.c.mu.Lock()
	if !cv.lastTyping.IsZero() && now.Sub(cv.lastTyping) < TypingInterval {
		cv.c.mu.Unlock()
		return nil
	}
	cv.lastTyping = now
	self := cv.c.acct
	cv.c.mu.Unlock()
	if self == nil {
		return fmt.Errorf("rvpclient: typing: %w", ErrNotSignedIn)
	}
	cv.announce(ctx)
	return cv.broadcast(ctx, rvpwire.TypingIM(cv.id, self.node.SignInName()))
}

// Invite adds a participant: everybody, the newcomer included, gets the
// join control message listing all participants, so the others see a
// JoinedEvent and the newcomer learns the conversation.
func (cv *Conversation) Invite(ctx context.Context, name string) error {
	n, err := rvpwire.ParseSignInName(name)
	if err != nil {
		return fmt.Errorf("rvpclient: invite: %w", err)
	}
	cv.c.mu.Lock()
	if !slices.Contains(cv.members, n) {
		cv.members = append(cv.members, n)
	}
	cv.announced = true
	cv.c.mu.Unlock()
	return cv.broadcast(ctx, rvpwire.JoinIM(cv.id))
}

// announce opens a conversation with more than one other participant
// (a chat) that this user started: before its first text or typing
// notification every participant gets the join control message listing
// them all, as librvp invites to its chats. librvp opens the chat on a
// message from a new Session-Id but drops that message's text (measured in
// internal/interop), so the text must not be the first message. Failures
// are left to the message that follows, which reports them.
func (cv *Conversation) announce(ctx context.Context) {
	cv.c.mu.Lock()
	need := !cv.announced && len(cv.members) > 1
	cv.announced = cv.announced || need
	cv.c.mu.Unlock()
	if need {
		_ = cv.broadcast(ctx, rvpwire.JoinIM(cv.id))
	}
}

// Leave tells the participants that the user left and forgets the
// conversation, whether or not the notifications got through.
func (cv *Conversation) Leave(ctx context.Context) error {
	err := cv.broadcast(ctx, rvpwire.LeaveIM(cv.id))
	cv.c.mu.Lock()
	delete(cv.c.convs, cv.id)
	cv.c.mu.Unlock()
	return err
}
