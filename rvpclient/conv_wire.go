package rvpclient

import (
	"context"
	"fmt"
	"slices"

	"rendezvous/internal/rvpwire"
)

// broadcast NOTIFYs im to every participant. Sends are sequential; each
// failure is kept. People of the own domain get the body with principal
// URLs in the session's form, others in the logical form (see urlForm).
func (cv *Conversation) broadcast(ctx context.Context, im rvpwire.IM) error {
	c := cv.c
	s, err := c.live()
	if err != nil {
		return fmt.Errorf("rvpclient: send in %s: %w", cv.id, err)
	}
	c.mu.Lock()
	if c.acct == nil {
		c.mu.Unlock()
		return fmt.Errorf("rvpclient: send in %s: %w", cv.id, ErrNotSignedIn)
	}
	msg := outgoing{from: c.acct.node, mime: im.String(), members: slices.Clone(cv.members),
		desc: map[rvpwire.Node]string{c.acct.node: c.self.DisplayName}}
	for _, m := range msg.members {
		if ct := c.contacts[m.SignInName()]; ct != nil {
			msg.desc[m] = ct.info.DisplayName
		}
	}
	c.mu.Unlock()
	members := msg.members
	if len(members) == 0 {
		return fmt.Errorf("rvpclient: send in %s: %w", cv.id, ErrNotParticipant)
	}
	bodies := map[urlForm]*rvpwire.Element{}
	failed := map[string]error{}
	for _, m := range members {
		form := urlForm{}
		if m.Domain == msg.from.Domain {
			form = s.form
		}
		if bodies[form] == nil {
			bodies[form] = msg.element(form)
		}
		if err := cv.sendTo(ctx, s, m, bodies[form]); err != nil {
			failed[m.SignInName()] = err
		}
	}
	switch {
	case len(failed) == 0:
		return nil
	case len(members) == 1:
		return failed[members[0].SignInName()]
	}
	return &ConversationError{SessionID: cv.id, Failed: failed}
}

// outgoing is a message to the participants of a conversation.
type outgoing struct {
	from    rvpwire.Node
	members []rvpwire.Node // the other participants
	desc    map[rvpwire.Node]string
	mime    string
}

// element builds the r:notification with principal URLs in form f. With
// one other participant it has one r:notification-to naming them. With
// more (a chat) it has ONE r:notification-to holding an r:contact for every
// participant, the sender last: that is how librvp writes chats, and
// librvp reads only the first r:notification-to, so a message listing the
// participants in several of them opens a one-to-one conversation there
// instead of the chat (measured in internal/interop). Both forms are read
// by rvpwire.ParseNotification; PROTOCOL.md section 7 allows either.
func (m outgoing) element(f urlForm) *rvpwire.Element {
	contact := func(n rvpwire.Node) rvpwire.Contact {
		return rvpwire.Contact{Href: f.url(n), Description: m.desc[n]}
	}
	n := rvpwire.Notification{From: contact(m.from), MIME: &m.mime}
	for _, p := range m.members {
		n.To = append(n.To, contact(p))
	}
	if len(m.members) < 2 {
		return n.Element()
	}
	n.To = append(n.To, contact(m.from))
	return oneRecipientList(n.Element())
}

// oneRecipientList merges the r:notification-to elements of a message
// document into the first one.
func oneRecipientList(doc *rvpwire.Element) *rvpwire.Element {
	msg := doc.Child(rvpwire.NSRVP, "message")
	var first *rvpwire.Element
	kept := msg.Children[:0]
	for _, ch := range msg.Children {
		if ch.Is(rvpwire.NSRVP, "notification-to") {
			if first != nil {
				first.Children = append(first.Children, ch.Children...)
				continue
			}
			first = ch
		}
		kept = append(kept, ch)
	}
	msg.Children = kept
	return doc
}

// sendTo NOTIFYs one participant. A 500 from the recipient means it left
// the conversation: the participant is dropped and a LeftEvent raised.
func (cv *Conversation) sendTo(ctx context.Context, s *session, to rvpwire.Node, body *rvpwire.Element) error {
	c := cv.c
	tr, err := c.transportFor(ctx, s, to)
	if err != nil {
		return fmt.Errorf("rvpclient: send to %s: %w", to.SignInName(), err)
	}
	r := newRequest(rvpwire.MethodNotify, to.Path()).
		set(rvpwire.HeaderAckType, string(rvpwire.DeepOr)).
		set(rvpwire.HeaderHopCount, "1").
		xml(body)
	if _, err := tr.do(ctx, r); err != nil {
		if IsLeft(err) {
			c.participantLeft(cv.id, to.SignInName())
		}
		return fmt.Errorf("rvpclient: send to %s: %w", to.SignInName(), err)
	}
	return nil
}

// touchConversation records that sender (and the listed recipients) take
// part in conversation sid, creating it if new. Participants new to an
// existing conversation are announced with JoinedEvent.
func (c *Client) touchConversation(sid, sender string, to []rvpwire.Contact) {
	c.mu.Lock()
	if c.acct == nil {
		c.mu.Unlock()
		return
	}
	self := c.acct.node
	cv := c.convs[sid]
	isNew := cv == nil
	if isNew {
		cv = &Conversation{c: c, id: sid}
		c.convs[sid] = cv
	}
	cv.announced = true // the others know it: one of them wrote in it
	var joined []string
	add := func(n rvpwire.Node) {
		if n != self && !slices.Contains(cv.members, n) {
			cv.members = append(cv.members, n)
			joined = append(joined, n.SignInName())
		}
	}
	if n, err := rvpwire.ParseSignInName(sender); err == nil {
		add(n)
	}
	for _, t := range to {
		if n, err := c.nodeOfLocked(t.Href); err == nil {
			add(n)
		}
	}
	c.mu.Unlock()
	if isNew {
		return // the first event of the conversation opens it; no "joined" noise
	}
	for _, who := range joined {
		c.emit(JoinedEvent{SessionID: sid, Who: who})
	}
}

// participantLeft removes who from conversation sid and raises LeftEvent.
func (c *Client) participantLeft(sid, who string) {
	n, err := rvpwire.ParseSignInName(who)
	if err != nil {
		return
	}
	c.mu.Lock()
	cv := c.convs[sid]
	found := cv != nil && slices.Contains(cv.members, n)
	if found {
		cv.members = slices.DeleteFunc(cv.members, func(m rvpwire.Node) bool { return m == n })
	}
	c.mu.Unlock()
	if found {
		c.emit(LeftEvent{SessionID: sid, Who: who})
	}
}
