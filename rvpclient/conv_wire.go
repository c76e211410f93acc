package rvpclient

import (
	"context"
	"fmt"
	"slices"

	"rendezvous/internal/rvpwire"
)

// broadcast NOTIFYs im to every participant, listing all of them as
// r:notification-to. Sends are sequential; each failure is kept.
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
	members := slices.Clone(cv.members)
	from := rvpwire.Contact{Href: c.acct.principal, Description: c.self.DisplayName}
	var to []rvpwire.Contact
	for _, m := range members {
		desc := ""
		if ct := c.contacts[m.SignInName()]; ct != nil {
			desc = ct.info.DisplayName
		}
		to = append(to, rvpwire.Contact{Href: m.String(), Description: desc})
	}
	c.mu.Unlock()
	if len(members) == 0 {
		return fmt.Errorf("rvpclient: send in %s: %w", cv.id, ErrNotParticipant)
	}
	mime := im.String()
	body := rvpwire.Notification{From: from, To: to, MIME: &mime}.Element()
	failed := map[string]error{}
	for _, m := range members {
		if err := cv.sendTo(ctx, s, m, body); err != nil {
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
		if n, err := rvpwire.ParseNodeURL(t.Href, ""); err == nil {
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
