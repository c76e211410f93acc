package rvpwire

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Namespaces used by RVP.
const (
	NSDAV = "DAV:"
	NSRVP = "http://schemas.microsoft.com/rvp/"
	NSACL = "http://schemas.microsoft.com/rvp/acl/"
)

// fixedPrefixes maps the three RVP namespaces to the prefixes old clients
// look for literally. The order is the order of the declarations on the root.
var fixedPrefixes = []struct{ prefix, ns string }{
	{"d", NSDAV},
	{"r", NSRVP},
	{"a", NSACL},
}

// Limits applied by Decode. They bound the work a hostile document can cause.
const (
	MaxDepth    = 32
	MaxElements = 10000
)

// ErrMalformed is wrapped by every error that reports a document that is not
// well-formed XML or not the RVP document that was expected.
var ErrMalformed = errors.New("rvpwire: malformed document")

// Element is a node of an XML document. Name.Space holds the namespace URI
// (never a prefix). A leaf carries its character data in Text; CDATA marks
// text that is written as a CDATA section.
type Element struct {
	Name     xml.Name
	Children []*Element
	Text     string
	CDATA    bool
}

// E builds an element with children.
func E(space, local string, children ...*Element) *Element {
	return &Element{Name: xml.Name{Space: space, Local: local}, Children: children}
}

// T builds a leaf element holding text.
func T(space, local, text string) *Element {
	return &Element{Name: xml.Name{Space: space, Local: local}, Text: text}
}

// D, R and A build elements in the DAV:, RVP and ACL namespaces.
func D(local string, children ...*Element) *Element { return E(NSDAV, local, children...) }

// R builds an element in the RVP namespace.
func R(local string, children ...*Element) *Element { return E(NSRVP, local, children...) }

// A builds an element in the RVP ACL namespace.
func A(local string, children ...*Element) *Element { return E(NSACL, local, children...) }

// Is reports whether e has the given namespace and local name.
func (e *Element) Is(space, local string) bool {
	return e != nil && e.Name.Space == space && e.Name.Local == local
}

// Child returns the first child with the given name, or nil.
func (e *Element) Child(space, local string) *Element {
	if e == nil {
		return nil
	}
	for _, c := range e.Children {
		if c.Is(space, local) {
			return c
		}
	}
	return nil
}

// All returns every child with the given name.
func (e *Element) All(space, local string) []*Element {
	if e == nil {
		return nil
	}
	var out []*Element
	for _, c := range e.Children {
		if c.Is(space, local) {
			out = append(out, c)
		}
	}
	return out
}

// Path follows a chain of children, each named in the same namespace as
// given by pairs of (space, local); it returns nil when any step is missing.
func (e *Element) Path(steps ...xml.Name) *Element {
	cur := e
	for _, s := range steps {
		cur = cur.Child(s.Space, s.Local)
		if cur == nil {
			return nil
		}
	}
	return cur
}

// FirstChild returns the first child element or nil.
func (e *Element) FirstChild() *Element {
	if e == nil || len(e.Children) == 0 {
		return nil
	}
	return e.Children[0]
}

// TextOf returns the trimmed text of the first child with the given name, or
// "" when it is absent.
func (e *Element) TextOf(space, local string) string {
	return strings.TrimSpace(e.Child(space, local).text())
}

func (e *Element) text() string {
	if e == nil {
		return ""
	}
	return e.Text
}

// Decode reads one XML document namespace-aware: element names carry their
// namespace URI whatever prefix (or default namespace) the sender used.
// Whitespace-only text between elements is dropped from elements that have
// children; text of leaves is kept as it came. The reader should already be
// bounded by the caller (http.MaxBytesReader); Decode bounds depth and the
// number of elements.
func Decode(r io.Reader) (*Element, error) {
	dec := xml.NewDecoder(r)
	dec.Strict = true
	var stack []*Element
	var root *Element
	count := 0
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if root != nil && len(stack) == 0 {
				return nil, fmt.Errorf("%w: more than one root element", ErrMalformed)
			}
			count++
			if count > MaxElements || len(stack) >= MaxDepth {
				return nil, fmt.Errorf("%w: document too large or too deep", ErrMalformed)
			}
			el := &Element{Name: t.Name}
			if len(stack) > 0 {
				parent := stack[len(stack)-1]
				parent.Children = append(parent.Children, el)
			} else {
				root = el
			}
			stack = append(stack, el)
		case xml.EndElement:
			el := stack[len(stack)-1]
			if len(el.Children) > 0 && strings.TrimSpace(el.Text) == "" {
				el.Text = ""
			}
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, fmt.Errorf("%w: text outside the root element", ErrMalformed)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("%w: no root element", ErrMalformed)
	}
	if len(stack) != 0 {
		return nil, fmt.Errorf("%w: unclosed element", ErrMalformed)
	}
	return root, nil
}

// Marshal encodes e as a complete document: the XML prolog, then e with the
// fixed d:/r:/a: prefixes. Every namespace used anywhere in the tree is
// declared on the root element (the three fixed ones always, in that order,
// others as ns1, ns2, ... sorted by URI). No whitespace is written between
// elements.
func Marshal(e *Element) []byte {
	var b bytes.Buffer
	b.WriteString(`<?xml version="1.0"?>`)
	p := newPrefixer(e)
	e.write(&b, p, true)
	return b.Bytes()
}

type prefixer map[string]string

func newPrefixer(root *Element) prefixer {
	p := prefixer{}
	for _, f := range fixedPrefixes {
		p[f.ns] = f.prefix
	}
	var extra []string
	var walk func(*Element)
	walk = func(e *Element) {
		if _, ok := p[e.Name.Space]; !ok && e.Name.Space != "" {
			p[e.Name.Space] = ""
			extra = append(extra, e.Name.Space)
		}
		for _, c := range e.Children {
			walk(c)
		}
	}
	walk(root)
	sort.Strings(extra)
	for i, ns := range extra {
		p[ns] = fmt.Sprintf("ns%d", i+1)
	}
	return p
}

func (p prefixer) qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return p[n.Space] + ":" + n.Local
}

func (p prefixer) declarations(b *bytes.Buffer) {
	for _, f := range fixedPrefixes {
		fmt.Fprintf(b, " xmlns:%s='%s'", f.prefix, f.ns)
	}
	var extra []string
	for ns, pre := range p {
		if !isFixed(ns) {
			extra = append(extra, pre+"\x00"+ns)
		}
	}
	sort.Strings(extra)
	for _, x := range extra {
		pre, ns, _ := strings.Cut(x, "\x00")
		b.WriteString(" xmlns:" + pre + "='")
		xml.EscapeText(b, []byte(ns))
		b.WriteString("'")
	}
}

func isFixed(ns string) bool {
	for _, f := range fixedPrefixes {
		if f.ns == ns {
			return true
		}
	}
	return false
}

func (e *Element) write(b *bytes.Buffer, p prefixer, root bool) {
	name := p.qname(e.Name)
	b.WriteString("<" + name)
	if root {
		p.declarations(b)
	}
	if len(e.Children) == 0 && e.Text == "" {
		b.WriteString("/>")
		return
	}
	b.WriteString(">")
	if e.Text != "" {
		writeText(b, e.Text, e.CDATA)
	}
	for _, c := range e.Children {
		c.write(b, p, false)
	}
	b.WriteString("</" + name + ">")
}

// writeText writes character data, as a CDATA section when asked (splitting
// any "]]>" across two sections) and escaped otherwise.
func writeText(b *bytes.Buffer, s string, cdata bool) {
	if !cdata {
		xml.EscapeText(b, []byte(s))
		return
	}
	b.WriteString("<![CDATA[")
	b.WriteString(strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>"))
	b.WriteString("]]>")
}
