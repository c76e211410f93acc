package rvpclient

import (
	"bytes"
	"fmt"
	"net/http"

	"rendezvous/internal/rvpwire"
)

// serveNotify returns the NOTIFY handler of a session's callback listener:
// any request on the secret path proves the callback reachable (self-test),
// then the shared decoder takes it.
func (c *Client) serveNotify(s *session) func(http.Header, []byte) error {
	return func(h http.Header, body []byte) error {
		if s.listener != nil && s.selfTest.saw() {
			c.setCallbackCheck(CallbackOK) // before the events, so handlers see it
		}
		return c.handleNotify(h, body)
	}
}

// handleNotify is the one NOTIFY decoder every delivery mode feeds: the
// callback listener hands it each request, the poll loop each message/http
// part (after rvpwire.ReadNotify). It turns the notification into events and
// updates the engine's state. An error means the notification was not
// understood (the listener answers 400).
func (c *Client) handleNotify(_ http.Header, body []byte) error {
	root, err := rvpwire.Decode(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("rvpclient: notify: %w", err)
	}
	n, err := rvpwire.ParseNotification(root)
	if err != nil {
		return fmt.Errorf("rvpclient: notify: %w", err)
	}
	from, err := c.nodeOf(n.From.Href)
	if err != nil {
		return fmt.Errorf("rvpclient: notify from %q: %w", n.From.Href, err)
	}
	if n.IsMessage() {
		return c.handleMessage(from, n)
	}
	c.handlePropChange(from, n.Update)
	return nil
}

// handleMessage turns an r:message into conversation events.
func (c *Client) handleMessage(from rvpwire.Node, n rvpwire.Notification) error {
	im, err := rvpwire.ParseIM(*n.MIME)
	if err != nil {
		return fmt.Errorf("rvpclient: notify from %s: %w", from.SignInName(), err)
	}
	sid := im.SessionID()
	kind := im.Kind()
	if sid == "" && kind != rvpwire.IMOther && kind != rvpwire.IMInvite {
		return fmt.Errorf("rvpclient: notify from %s: message without Session-Id", from.SignInName())
	}
	sender := from.SignInName()
	switch kind {
	case rvpwire.IMText:
		c.touchConversation(sid, sender, n.To)
		c.emit(MessageEvent{SessionID: sid, From: sender, FromName: n.From.Description, Text: im.Body,
			Format: rvpwire.ParseFormat(im.Header.Get("X-Mms-Im-Format")), Time: c.now()})
	case rvpwire.IMTyping:
		c.touchConversation(sid, sender, n.To)
		c.emit(TypingEvent{SessionID: sid, From: sender})
	case rvpwire.IMJoin:
		c.touchConversation(sid, sender, n.To)
	case rvpwire.IMLeave:
		c.participantLeft(sid, sender)
	default:
		c.log.Debug("rvpclient: ignoring message", "from", sender, "content_type", im.Header.Get("Content-Type"))
	}
	return nil
}

// handlePropChange applies a property notification of node from.
func (c *Client) handlePropChange(from rvpwire.Node, upd *rvpwire.PropertyUpdate) {
	c.mu.Lock()
	var info *Contact
	self := c.acct != nil && from == c.acct.node
	if self {
		info = &c.self
	} else if ct := c.contacts[from.SignInName()]; ct != nil {
		info = &ct.info
	} else {
		info = &Contact{Name: from.SignInName()}
	}
	applyProps(info, upd.Props)
	if upd.State != nil {
		info.State = upd.State.Value
	}
	ev := PresenceEvent{Contact: info.Name, State: info.State, DisplayName: info.DisplayName, Email: info.Email, Self: self}
	c.mu.Unlock()
	c.emit(ev)
}

// applyProps copies the properties that are present.
func applyProps(info *Contact, p rvpwire.Props) {
	if p.State != "" {
		info.State = p.State
	}
	if p.DisplayName != nil {
		info.DisplayName = *p.DisplayName
	}
	if p.Email != nil {
		info.Email = *p.Email
	}
}
