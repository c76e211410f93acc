package rvpwire

import (
	"bytes"
	"encoding/xml"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func decodeFile(t *testing.T, name string) *Element {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	root, err := Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return root
}

// roundTrip encodes el and decodes it again, checking that the tree survives.
func roundTrip(t *testing.T, el *Element) *Element {
	t.Helper()
	out := Marshal(el)
	back, err := Decode(bytes.NewReader(out))
	if err != nil {
		t.Fatalf("decode of our own output failed: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(strip(el), strip(back)) {
		t.Fatalf("round trip changed the tree:\n%s", out)
	}
	return back
}

// strip clears the CDATA flag (not visible after decoding) and applies XML's
// end-of-line normalisation (CRLF becomes LF in character data).
func strip(e *Element) *Element {
	c := &Element{Name: e.Name, Text: strings.ReplaceAll(e.Text, "\r\n", "\n")}
	for _, ch := range e.Children {
		c.Children = append(c.Children, strip(ch))
	}
	return c
}

func TestFixtureSubscribe207(t *testing.T) {
	rs, err := ParseMultistatus(decodeFile(t, "subscribe-207.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 1 || rs[0].Href != "http://im.example.com/instmsg/aliases/bob" || len(rs[0].Propstats) != 1 {
		t.Fatalf("responses = %+v", rs)
	}
	ps := rs[0].Propstats[0]
	p := PropsFrom(ps.Props)
	if ps.Status != 200 || p.State != StateAway || *p.DisplayName != "Bob Example" || *p.Email != "bob@example.com" ||
		*p.MobileState != "0" || *p.MobileDescription != "" {
		t.Fatalf("props = %+v status %d", p, ps.Status)
	}
	back, err := ParseMultistatus(roundTrip(t, Multistatus(rs...)))
	if err != nil || !reflect.DeepEqual(PropsFrom(back[0].Propstats[0].Props), p) {
		t.Fatalf("round trip: %v %+v", err, back)
	}
}

func TestFixtureProppatch(t *testing.T) {
	pu, err := ParsePropertyUpdate(decodeFile(t, "proppatch.xml"))
	if err != nil {
		t.Fatal(err)
	}
	want := LeasedState{Value: StateOnline, Default: StateOffline, Timeout: 1200, Leased: true}
	if pu.State == nil || *pu.State != want {
		t.Fatalf("state = %+v, want %+v", pu.State, want)
	}
	back, err := ParsePropertyUpdate(roundTrip(t, pu.Element()))
	if err != nil || *back.State != want {
		t.Fatalf("round trip: %v %+v", err, back.State)
	}
}

func TestFixtureProppatch207(t *testing.T) {
	rs, err := ParseMultistatus(decodeFile(t, "proppatch-207.xml"))
	if err != nil {
		t.Fatal(err)
	}
	st := rs[0].Propstats[0].Props[0]
	l, err := ParseLeasedState(st)
	if err != nil {
		t.Fatal(err)
	}
	want := LeasedState{Value: StateOnline, Default: StateOffline, Timeout: 1200, ViewID: "17", Leased: true}
	if l != want {
		t.Fatalf("got %+v want %+v", l, want)
	}
	if got, _ := ParseLeasedState(roundTrip(t, l.Element())); got != want {
		t.Fatalf("round trip %+v", got)
	}
}

func TestDraftPrefixesAndRTimeout(t *testing.T) {
	pu, err := ParsePropertyUpdate(decodeFile(t, "draft-uppercase-prefixes.xml"))
	if err != nil {
		t.Fatal(err)
	}
	want := LeasedState{Value: StateBusy, Default: StateOffline, Timeout: 1800, ViewID: "3", Leased: true}
	if *pu.State != want {
		t.Fatalf("got %+v", *pu.State)
	}
}

func TestFlatOfflineWithViewID(t *testing.T) {
	doc := `<d:propertyupdate xmlns:d="DAV:" xmlns:r="http://schemas.microsoft.com/rvp/"><d:set><d:prop><r:state><r:offline/><r:view-id>9</r:view-id></r:state></d:prop></d:set></d:propertyupdate>`
	root, err := Decode(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	pu, err := ParsePropertyUpdate(root)
	if err != nil {
		t.Fatal(err)
	}
	if want := (LeasedState{Value: StateOffline, ViewID: "9"}); *pu.State != want {
		t.Fatalf("got %+v", *pu.State)
	}
}

func TestFixturePropfind(t *testing.T) {
	pf, err := ParsePropFind(decodeFile(t, "propfind.xml"))
	if err != nil {
		t.Fatal(err)
	}
	want := []Name{PropDisplayName, PropState, {NSRVP, "no-such-prop"}}
	if pf.AllProp || !reflect.DeepEqual(pf.Names, want) {
		t.Fatalf("got %+v", pf)
	}
	back, _ := ParsePropFind(roundTrip(t, pf.Element()))
	if !reflect.DeepEqual(back.Names, want) {
		t.Fatalf("round trip %+v", back)
	}
}

func TestFixtureNotifyIM(t *testing.T) {
	n, err := ParseNotification(decodeFile(t, "notify-im.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !n.IsMessage() || n.From.Href != "http://im.example.com/instmsg/aliases/alice" || n.From.Description != "Alice Example" ||
		len(n.To) != 1 || n.To[0].Href != "http://im.example.com/instmsg/aliases/bob" {
		t.Fatalf("notification = %+v", n)
	}
	im, err := ParseIM(*n.MIME)
	if err != nil {
		t.Fatal(err)
	}
	if im.Kind() != IMText || im.SessionID() != "{3F2A9C10-5B7E-4D21-9A0B-6C1D2E3F4A5B}" || im.Body != "lunch at noon?" ||
		ParseFormat(im.Header.Get("X-MMS-IM-Format")).Font != "MS Shell Dlg" {
		t.Fatalf("im = %+v", im)
	}
	back, err := ParseNotification(roundTrip(t, n.Element()))
	if err != nil || *back.MIME != *n.MIME {
		t.Fatalf("round trip: %v", err)
	}
}

func TestFixtureNotifyPresence(t *testing.T) {
	for _, f := range []string{"notify-presence.xml", "default-namespace-notify.xml"} {
		n, err := ParseNotification(decodeFile(t, f))
		if err != nil {
			t.Fatal(f, err)
		}
		if n.IsMessage() || n.Update == nil || n.Update.State == nil || !strings.HasSuffix(n.From.Href, "/bob") {
			t.Fatalf("%s: %+v", f, n)
		}
	}
	n, _ := ParseNotification(decodeFile(t, "notify-presence.xml"))
	if n.Update.State.Value != StateBusy {
		t.Fatalf("state %q", n.Update.State.Value)
	}
	// Our own output flattens r:state: its first child is the token.
	out := roundTrip(t, n.Element())
	st := out.Path(xmlName(NSRVP, "propnotification"), xmlName(NSDAV, "propertyupdate"), xmlName(NSDAV, "set"),
		xmlName(NSDAV, "prop"), xmlName(NSRVP, "state"))
	if st == nil || !st.FirstChild().Is(NSRVP, "busy") || len(st.Children) != 1 {
		t.Fatalf("state not flattened: %s", Marshal(n.Element()))
	}
}

func TestFixtureSubscriptions(t *testing.T) {
	list, err := ParseSubscriptions(decodeFile(t, "subscriptions.xml"))
	if err != nil {
		t.Fatal(err)
	}
	want := []SubscriptionInfo{{ID: 4107, Href: "http://im.example.com/instmsg/aliases/bob",
		Principal: "http://im.example.com/instmsg/aliases/bob", Timeout: 13950}}
	if !reflect.DeepEqual(list, want) {
		t.Fatalf("got %+v", list)
	}
	back, _ := ParseSubscriptions(roundTrip(t, Subscriptions(list)))
	if !reflect.DeepEqual(back, want) {
		t.Fatalf("round trip %+v", back)
	}
}

func TestFixtureACL(t *testing.T) {
	acl, err := ParseACL(decodeFile(t, "acl.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if acl.Inheritance != "none" || len(acl.ACEs) != 2 {
		t.Fatalf("acl = %+v", acl)
	}
	all := acl.ACEs[0]
	if !all.All || !reflect.DeepEqual(all.Credentials, []Credential{CredAssertion, CredDigest, CredNTLM}) ||
		!reflect.DeepEqual(all.Grant, []Right{RightList, RightRead, RightSendTo, RightPresence}) || len(all.Deny) != 0 {
		t.Fatalf("allprincipals ACE = %+v", all)
	}
	owner := acl.ACEs[1]
	if owner.All || owner.Principal != "http://im.example.com/instmsg/aliases/alice" || len(owner.Grant) != 10 {
		t.Fatalf("owner ACE = %+v", owner)
	}
	back, err := ParseACL(roundTrip(t, acl.Element()))
	if err != nil || !reflect.DeepEqual(back, acl) {
		t.Fatalf("round trip: %v %+v", err, back)
	}
}

func TestACLWithoutCredentials(t *testing.T) {
	doc := `<a:rvpacl xmlns:a="http://schemas.microsoft.com/rvp/acl/"><a:acl><a:ace><a:principal><a:allprincipals/></a:principal><a:grant><a:read/></a:grant></a:ace></a:acl></a:rvpacl>`
	root, err := Decode(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseACL(root); !errors.Is(err, ErrNoCredentials) || !errors.Is(err, ErrMalformed) {
		t.Fatalf("err = %v, want ErrNoCredentials", err)
	}
}

func xmlName(space, local string) xml.Name { return xml.Name{Space: space, Local: local} }

// librvp writes every participant of a chat as r:contact inside a single
// r:notification-to; each is a recipient.
func TestNotificationSeveralContactsInOneTo(t *testing.T) {
	doc := `<r:notification xmlns:d="DAV:" xmlns:r="http://schemas.microsoft.com/rvp/"><r:message>` +
		`<r:notification-from><r:contact><d:href>http://example.com/instmsg/aliases/bob</d:href></r:contact></r:notification-from>` +
		`<r:notification-to><r:contact><d:href>http://example.com/instmsg/aliases/alice</d:href></r:contact>` +
		`<r:contact><d:href>http://example.com/instmsg/aliases/carol</d:href><r:description>Carol</r:description></r:contact></r:notification-to>` +
		`<r:msgbody><r:mime-data>Content-Type: text/plain&#13;&#10;&#13;&#10;hi</r:mime-data></r:msgbody></r:message></r:notification>`
	root, err := Decode(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	n, err := ParseNotification(root)
	if err != nil {
		t.Fatal(err)
	}
	want := []Contact{{Href: "http://example.com/instmsg/aliases/alice"}, {Href: "http://example.com/instmsg/aliases/carol", Description: "Carol"}}
	if !reflect.DeepEqual(n.To, want) {
		t.Fatalf("recipients %+v, want %+v", n.To, want)
	}
}
