package rvpwire

import (
	"fmt"
	"strings"
)

// Contact is an r:contact: a principal URL and a description (display name).
type Contact struct {
	Href        string
	Description string
}

func (c Contact) element() *Element {
	return R("contact", T(NSDAV, "href", c.Href), T(NSRVP, "description", c.Description))
}

func parseContact(parent *Element) Contact {
	c := parent.Child(NSRVP, "contact")
	return Contact{Href: c.TextOf(NSDAV, "href"), Description: strings.TrimSpace(c.Child(NSRVP, "description").text())}
}

// Notification is the body of a NOTIFY: r:notification holding either an
// r:message (an instant message, typing, leave ...) or an r:propnotification
// (a property change of From).
type Notification struct {
	From Contact
	To   []Contact // one or more r:notification-to

	// Exactly one of the following is set.
	MIME   *string         // r:message: the r:mime-data text (see ParseIM)
	Update *PropertyUpdate // r:propnotification: the properties that changed
}

// IsMessage reports whether the notification is an r:message.
func (n Notification) IsMessage() bool { return n.MIME != nil }

// Element builds the r:notification document. In a property notification
// r:state is written flattened (<r:state><r:busy/></r:state>), as clients expect.
func (n Notification) Element() *Element {
	var body *Element
	if n.MIME != nil {
		body = R("message")
	} else {
		body = R("propnotification")
	}
	body.Children = append(body.Children, R("notification-from", n.From.element()))
	for _, to := range n.To {
		body.Children = append(body.Children, R("notification-to", to.element()))
	}
	if n.MIME != nil {
		mime := T(NSRVP, "mime-data", *n.MIME)
		mime.CDATA = true
		body.Children = append(body.Children, R("msgbody", mime))
	} else if n.Update != nil {
		body.Children = append(body.Children, n.Update.element(true))
	}
	return R("notification", body)
}

// ParseNotification reads an r:notification document.
func ParseNotification(root *Element) (Notification, error) {
	var n Notification
	if !root.Is(NSRVP, "notification") {
		return n, fmt.Errorf("%w: root is %s, want r:notification", ErrMalformed, root.Name.Local)
	}
	body := root.Child(NSRVP, "message")
	if body == nil {
		body = root.Child(NSRVP, "propnotification")
	}
	if body == nil {
		return n, fmt.Errorf("%w: r:notification holds neither r:message nor r:propnotification", ErrMalformed)
	}
	n.From = parseContact(body.Child(NSRVP, "notification-from"))
	// Recipients come as one r:notification-to per contact (our form) or
	// as several r:contact in one r:notification-to (librvp's chats).
	for _, to := range body.All(NSRVP, "notification-to") {
		for _, c := range to.All(NSRVP, "contact") {
			n.To = append(n.To, parseContact(&Element{Children: []*Element{c}}))
		}
	}
	if body.Is(NSRVP, "message") {
		md := body.Child(NSRVP, "msgbody").Child(NSRVP, "mime-data")
		if md == nil {
			return n, fmt.Errorf("%w: r:message without r:msgbody/r:mime-data", ErrMalformed)
		}
		n.MIME = ptr(md.Text)
		return n, nil
	}
	pu := body.Child(NSDAV, "propertyupdate")
	if pu == nil {
		return n, fmt.Errorf("%w: r:propnotification without d:propertyupdate", ErrMalformed)
	}
	upd, err := ParsePropertyUpdate(pu)
	if err != nil {
		return n, err
	}
	n.Update = &upd
	return n, nil
}
