package conformance

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"
)

const (
	nsD = "DAV:"
	nsR = "http://schemas.microsoft.com/rvp/"
	nsA = "http://schemas.microsoft.com/rvp/acl/"
)

// fixedPrefix is PROTOCOL.md section 4: the only prefixes, always bound to
// these namespaces.
var fixedPrefix = map[string]string{"d": nsD, "r": nsR, "a": nsA}

// elem is a namespace-aware element tree.
type elem struct {
	name xml.Name
	kids []*elem
	text string
}

// decode parses body namespace-aware.
func decode(t *testing.T, body []byte) *elem {
	t.Helper()
	e, err := decodeXML(body)
	if err != nil {
		t.Fatalf("decode XML: %v\n%s", err, clip(body))
	}
	return e
}

func decodeXML(body []byte) (*elem, error) {
	d := xml.NewDecoder(bytes.NewReader(body))
	var stack []*elem
	var root *elem
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			e := &elem{name: tok.Name}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.kids = append(p.kids, e)
			} else {
				root = e
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text += string(tok)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

func (e *elem) is(space, local string) bool {
	return e != nil && e.name.Space == space && e.name.Local == local
}

// child returns the first child named space:local, or nil.
func (e *elem) child(space, local string) *elem {
	if e == nil {
		return nil
	}
	for _, k := range e.kids {
		if k.is(space, local) {
			return k
		}
	}
	return nil
}

// path follows children named alternately by namespace and local name.
func (e *elem) path(steps ...string) *elem {
	for i := 0; i+1 < len(steps) && e != nil; i += 2 {
		e = e.child(steps[i], steps[i+1])
	}
	return e
}

// all returns every child named space:local.
func (e *elem) all(space, local string) []*elem {
	var out []*elem
	if e == nil {
		return nil
	}
	for _, k := range e.kids {
		if k.is(space, local) {
			out = append(out, k)
		}
	}
	return out
}

func (e *elem) trimmed() string {
	if e == nil {
		return ""
	}
	return strings.TrimSpace(e.text)
}

// stateToken is the first child of an r:state element as an old client
// reads it: the first child node must be an element in r:.
func stateToken(state *elem) string {
	if state == nil || len(state.kids) == 0 || state.kids[0].name.Space != nsR {
		return ""
	}
	return state.kids[0].name.Local
}

// wireProblems checks the literal form old clients depend on: an XML
// prolog, only the d:/r:/a: prefixes bound to their fixed namespaces, every
// prefix declared on the root element, no default namespace, no
// unprefixed element, and no whitespace text between elements.
func wireProblems(body []byte) []string {
	var probs []string
	if !bytes.HasPrefix(body, []byte("<?xml")) {
		probs = append(probs, "no <?xml ...?> prolog at the start of the body")
	}
	d := xml.NewDecoder(bytes.NewReader(body))
	declared := map[string]bool{}
	depth, kids := 0, []int{}
	var pendingWS []string
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return append(probs, "raw token: "+err.Error())
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			probs = append(probs, pendingWS...)
			pendingWS = nil
			if depth > 0 {
				kids[depth-1]++
			}
			probs = append(probs, checkDecls(tok, depth == 0, declared)...)
			p := tok.Name.Space
			switch {
			case p == "":
				probs = append(probs, fmt.Sprintf("element <%s> has no prefix", tok.Name.Local))
			case !declared[p]:
				probs = append(probs, fmt.Sprintf("prefix %q of <%s:%s> is not declared on the root element", p, p, tok.Name.Local))
			}
			if want, ok := expectedPrefix[tok.Name.Local]; ok && p != want {
				probs = append(probs, fmt.Sprintf("<%s:%s> should be <%s:%s>", p, tok.Name.Local, want, tok.Name.Local))
			}
			depth++
			kids = append(kids, 0)
		case xml.EndElement:
			if depth == 0 {
				return append(probs, fmt.Sprintf("unbalanced </%s:%s>", tok.Name.Space, tok.Name.Local))
			}
			if kids[depth-1] > 0 {
				probs = append(probs, pendingWS...)
			}
			pendingWS = nil
			depth--
			kids = kids[:depth]
		case xml.CharData:
			if depth > 0 && len(tok) > 0 && len(bytes.TrimSpace(tok)) == 0 {
				pendingWS = append(pendingWS, fmt.Sprintf("whitespace %q between elements", string(tok)))
			}
		}
	}
	return probs
}

// checkDecls records the root's prefix declarations and reports any
// declaration that is not the fixed one or not on the root.
func checkDecls(se xml.StartElement, root bool, declared map[string]bool) []string {
	var probs []string
	for _, a := range se.Attr {
		switch {
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			probs = append(probs, fmt.Sprintf("default namespace %q declared", a.Value))
		case a.Name.Space == "xmlns":
			if fixedPrefix[a.Name.Local] != a.Value {
				probs = append(probs, fmt.Sprintf("xmlns:%s=%q is not a fixed prefix binding", a.Name.Local, a.Value))
			}
			if !root {
				probs = append(probs, fmt.Sprintf("xmlns:%s declared below the root", a.Name.Local))
			} else {
				declared[a.Name.Local] = true
			}
		}
	}
	return probs
}

// expectedPrefix is the element table of PROTOCOL.md section 4 for the
// names that appear in one namespace only.
var expectedPrefix = func() map[string]string {
	m := map[string]string{}
	for _, n := range strings.Fields("propfind prop allprop propertyupdate set multistatus response href propstat status displayname timeout") {
		m[n] = "d"
	}
	for _, n := range strings.Fields("state leased-value value default-value view-id online offline away busy back-soon on-phone at-lunch idle invisible email mobile-state mobile-description notification propnotification message notification-from notification-to contact description msgbody mime-data subscription subscription-id") {
		m[n] = "r"
	}
	for _, n := range strings.Fields("rvpacl acl inheritance ace principal rvp-principal allprincipals credentials ntlm digest assertion internal any grant deny read write readacl writeacl all list send-to receive-from presence subscribe-others") {
		m[n] = "a"
	}
	return m
}()

// checkWire reports every literal-form problem of a server-built body.
func checkWire(t *testing.T, what string, body []byte) {
	t.Helper()
	for _, p := range wireProblems(body) {
		t.Errorf("%s: %s", what, p)
	}
}
