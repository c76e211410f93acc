package rvpwire

import (
	"fmt"
	"strconv"
	"strings"
)

// Names of the properties RVP defines on a principal's node.
var (
	PropDisplayName       = NewName(NSDAV, "displayname")
	PropState             = NewName(NSRVP, "state")
	PropEmail             = NewName(NSRVP, "email")
	PropMobileState       = NewName(NSRVP, "mobile-state")
	PropMobileDescription = NewName(NSRVP, "mobile-description")
)

// Response is one d:response of a d:multistatus: a node URL and its
// propstats.
type Response struct {
	Href      string
	Propstats []Propstat
}

// Propstat groups properties that share a status.
type Propstat struct {
	Props  []*Element // property elements (children of d:prop)
	Status int        // HTTP status code
}

// Multistatus builds <d:multistatus> holding the responses.
func Multistatus(responses ...Response) *Element {
	ms := D("multistatus")
	for _, r := range responses {
		resp := D("response", T(NSDAV, "href", r.Href))
		for _, ps := range r.Propstats {
			resp.Children = append(resp.Children,
				D("propstat", D("prop", ps.Props...), T(NSDAV, "status", StatusLine(ps.Status))))
		}
		ms.Children = append(ms.Children, resp)
	}
	return ms
}

// ParseMultistatus reads a d:multistatus document.
func ParseMultistatus(root *Element) ([]Response, error) {
	if !root.Is(NSDAV, "multistatus") {
		return nil, fmt.Errorf("%w: root is %s, want d:multistatus", ErrMalformed, root.Name.Local)
	}
	var out []Response
	for _, r := range root.All(NSDAV, "response") {
		resp := Response{Href: r.TextOf(NSDAV, "href")}
		for _, ps := range r.All(NSDAV, "propstat") {
			code, err := parseStatusLine(ps.TextOf(NSDAV, "status"))
			if err != nil {
				return nil, err
			}
			resp.Propstats = append(resp.Propstats, Propstat{Props: ps.Child(NSDAV, "prop").childrenOrNil(), Status: code})
		}
		out = append(out, resp)
	}
	return out, nil
}

func (e *Element) childrenOrNil() []*Element {
	if e == nil {
		return nil
	}
	return e.Children
}

// parseStatusLine reads "HTTP/1.1 200 Successful" into 200.
func parseStatusLine(s string) (int, error) {
	f := strings.Fields(s)
	if len(f) < 2 || !strings.HasPrefix(f[0], "HTTP/") {
		return 0, fmt.Errorf("%w: bad status line %q", ErrMalformed, s)
	}
	code, err := strconv.Atoi(f[1])
	if err != nil || code < 100 || code > 999 {
		return 0, fmt.Errorf("%w: bad status line %q", ErrMalformed, s)
	}
	return code, nil
}

// Props is the set of well-known properties of a principal's node, as
// carried in multistatus answers, PROPPATCH and property notifications.
// Zero values mean "not present".
type Props struct {
	State             State
	DisplayName       *string
	Email             *string
	MobileState       *string
	MobileDescription *string
}

// PropsFrom reads the known properties out of a list of property elements
// (the children of d:prop); unknown elements are ignored.
func PropsFrom(elems []*Element) Props {
	var p Props
	for _, e := range elems {
		switch {
		case e.Is(NSRVP, "state"):
			p.State = StateFrom(e)
		case e.Is(NSDAV, "displayname"):
			p.DisplayName = ptr(e.Text)
		case e.Is(NSRVP, "email"):
			p.Email = ptr(e.Text)
		case e.Is(NSRVP, "mobile-state"):
			p.MobileState = ptr(strings.TrimSpace(e.Text))
		case e.Is(NSRVP, "mobile-description"):
			p.MobileDescription = ptr(e.Text)
		}
	}
	return p
}

func ptr(s string) *string { return &s }

// Elements returns the property elements for the properties that are set,
// in the order of PROTOCOL.md 12.2, with the state flattened.
func (p Props) Elements() []*Element {
	var out []*Element
	if p.State != "" {
		out = append(out, p.State.Element())
	}
	add := func(n Name, v *string) {
		if v != nil {
			out = append(out, T(n.Space, n.Local, *v))
		}
	}
	add(PropDisplayName, p.DisplayName)
	add(PropEmail, p.Email)
	add(PropMobileState, p.MobileState)
	add(PropMobileDescription, p.MobileDescription)
	return out
}

// Name is an XML element name (namespace URI and local name).
type Name struct{ Space, Local string }

// NewName builds a Name.
func NewName(space, local string) Name { return Name{space, local} }

// Is reports whether e has this name.
func (n Name) Is(e *Element) bool { return e.Is(n.Space, n.Local) }

// Empty returns an empty element with this name (as in a d:propfind list or a
// 404 propstat).
func (n Name) Empty() *Element { return E(n.Space, n.Local) }
