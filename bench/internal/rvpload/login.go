package rvpload

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

// Login is one signed-in user: its connection, its Digest client and its
// login subscription.
type Login struct {
	Conn   *Conn
	Auth   *digest.Client
	Domain string
	Alias  string
	SubID  uint64
	ack    uint64
}

// NodePath is the Request-URI of alias's node.
func NodePath(alias string) string { return rvpwire.AliasesPath + alias }

// SignIn sends the login subscription (pragma/notify on the user's own node)
// with Call-Back callBack ("poll" for Polling mode) and returns the Login.
func SignIn(conn *Conn, auth *digest.Client, domain, alias, callBack string) (*Login, error) {
	r := &Request{Method: rvpwire.MethodSubscribe, Path: NodePath(alias), Header: append(common(domain, alias),
		Field{rvpwire.HeaderNotificationType, string(rvpwire.PragmaNotify)},
		Field{rvpwire.HeaderCallBack, callBack},
		Field{rvpwire.HeaderLifetime, "14400"})}
	resp, err := conn.Do(r, auth, 30*time.Second)
	if err != nil {
		return nil, err
	}
	if resp.Status != http.StatusOK {
		return nil, statusErr(r, resp)
	}
	id, err := rvpwire.ParseSubscriptionID(resp.Header.Get(rvpwire.HeaderSubscriptionID))
	if err != nil {
		return nil, fmt.Errorf("rvpload: sign in %s: %w", alias, err)
	}
	return &Login{Conn: conn, Auth: auth, Domain: domain, Alias: alias, SubID: id}, nil
}

// PollResult is one POLL answer.
type PollResult struct {
	Status int // 200 with parts, 204 when the hold elapsed
	Parts  []rvpwire.PollPart
	At     time.Time // when the whole answer had been read, before any parsing
}

// Poll sends one POLL asking for a hold of hold seconds (0: server default),
// acknowledging everything processed so far, and waits for the answer. The
// caller processes the parts; the next Poll acknowledges them.
func (l *Login) Poll(hold int) (PollResult, error) {
	h := append(common(l.Domain, l.Alias),
		Field{rvpwire.HeaderSubscriptionID, strconv.FormatUint(l.SubID, 10)},
		Field{rvpwire.HeaderPollAck, strconv.FormatUint(l.ack, 10)})
	if hold > 0 {
		h = append(h, Field{rvpwire.HeaderPollLifetime, strconv.Itoa(hold)})
	}
	r := &Request{Method: rvpwire.MethodPoll, Path: NodePath(l.Alias), Header: h}
	wait := time.Duration(max(hold, 600))*time.Second + 30*time.Second
	resp, err := l.Conn.Do(r, l.Auth, wait)
	if err != nil {
		return PollResult{}, err
	}
	at := time.Now()
	switch resp.Status {
	case http.StatusNoContent:
		return PollResult{Status: resp.Status, At: at}, nil
	case http.StatusOK:
	default:
		return PollResult{}, statusErr(r, resp)
	}
	parts, err := rvpwire.ReadPollAnswer(resp.Header.Get("Content-Type"), bytes.NewReader(resp.Body), MaxBody)
	if err != nil {
		return PollResult{}, fmt.Errorf("rvpload: poll %s: %w", l.Alias, err)
	}
	for _, p := range parts {
		l.ack = max(l.ack, p.Seq)
	}
	return PollResult{Status: resp.Status, Parts: parts, At: at}, nil
}

// Watch subscribes the login's user to target's property changes
// (update/propchange, Call-Back the user's logical URL).
func (l *Login) Watch(target string) error {
	r := &Request{Method: rvpwire.MethodSubscribe, Path: NodePath(target), Header: append(common(l.Domain, l.Alias),
		Field{rvpwire.HeaderNotificationType, string(rvpwire.UpdatePropchange)},
		Field{rvpwire.HeaderCallBack, rvpwire.PrincipalURL(l.Domain, l.Alias)},
		Field{rvpwire.HeaderLifetime, "14400"})}
	resp, err := l.Conn.Do(r, l.Auth, 30*time.Second)
	if err != nil {
		return err
	}
	if resp.Status != http.StatusMultiStatus && resp.Status != http.StatusOK {
		return statusErr(r, resp)
	}
	return nil
}

// SetState sets the user's presence with a PROPPATCH (lease 1200 s) in the
// given view ("" creates one) and returns the view id from the 207 answer.
func SetState(conn *Conn, auth *digest.Client, domain, alias string, st rvpwire.State, view string) (string, error) {
	pu := rvpwire.PropertyUpdate{State: &rvpwire.LeasedState{Value: st, Default: rvpwire.StateOffline,
		Timeout: 1200, ViewID: view, Leased: true}}
	r := &Request{Method: rvpwire.MethodProppatch, Path: NodePath(alias),
		Header: append(common(domain, alias), Field{"Content-Type", "text/xml"}),
		Body:   rvpwire.Marshal(pu.Element())}
	resp, err := conn.Do(r, auth, 30*time.Second)
	if err != nil {
		return "", err
	}
	if resp.Status != http.StatusMultiStatus {
		return "", statusErr(r, resp)
	}
	root, err := rvpwire.Decode(bytes.NewReader(resp.Body))
	if err != nil {
		return "", fmt.Errorf("rvpload: proppatch %s: %w", alias, err)
	}
	if v := find(root, rvpwire.NSRVP, "view-id"); v != nil {
		return v.Text, nil
	}
	return view, nil
}

// find returns the first element named space:local in document order.
func find(e *rvpwire.Element, space, local string) *rvpwire.Element {
	if e.Is(space, local) {
		return e
	}
	for _, c := range e.Children {
		if f := find(c, space, local); f != nil {
			return f
		}
	}
	return nil
}

// Notify sends an instant message whose text is text from alias to
// recipient and returns the status of the answer.
func Notify(conn *Conn, auth *digest.Client, domain, alias, recipient, text string) (int, error) {
	im := rvpwire.TextIM("{B0000000-0000-0000-0000-000000000001}", "", text).String()
	n := rvpwire.Notification{
		From: rvpwire.Contact{Href: rvpwire.PrincipalURL(domain, alias), Description: alias},
		To:   []rvpwire.Contact{{Href: rvpwire.PrincipalURL(domain, recipient), Description: recipient}},
		MIME: &im,
	}
	r := &Request{Method: rvpwire.MethodNotify, Path: NodePath(recipient),
		Header: append(common(domain, alias),
			Field{rvpwire.HeaderAckType, string(rvpwire.DeepOr)},
			Field{rvpwire.HeaderHopCount, "1"},
			Field{"Content-Type", "text/xml"}),
		Body: rvpwire.Marshal(n.Element())}
	resp, err := conn.Do(r, auth, 30*time.Second)
	if err != nil {
		return 0, err
	}
	return resp.Status, nil
}

// Decode reads a NOTIFY body (r:notification).
func Decode(body []byte) (rvpwire.Notification, error) {
	root, err := rvpwire.Decode(bytes.NewReader(body))
	if err != nil {
		return rvpwire.Notification{}, fmt.Errorf("rvpload: notify body: %w", err)
	}
	n, err := rvpwire.ParseNotification(root)
	if err != nil {
		return rvpwire.Notification{}, fmt.Errorf("rvpload: notify body: %w", err)
	}
	return n, nil
}

// DecodePart reads the NOTIFY carried by one poll part.
func DecodePart(p rvpwire.PollPart) (rvpwire.Notification, error) {
	_, body, err := rvpwire.ReadNotify(p.Request, MaxBody)
	if err != nil {
		return rvpwire.Notification{}, fmt.Errorf("rvpload: poll part %d: %w", p.Seq, err)
	}
	return Decode(body)
}
