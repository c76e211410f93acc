package rvpwire

import (
	"fmt"
	"strings"
)

// Right is an ACL right: the local name of an element in the a: namespace.
type Right string

// The rights of PROTOCOL.md 5.7.
const (
	RightRead            Right = "read"
	RightWrite           Right = "write"
	RightReadACL         Right = "readacl"
	RightWriteACL        Right = "writeacl"
	RightAll             Right = "all"
	RightList            Right = "list"
	RightSendTo          Right = "send-to"
	RightReceiveFrom     Right = "receive-from"
	RightPresence        Right = "presence"
	RightSubscriptions   Right = "subscriptions"
	RightSubscribeOthers Right = "subscribe-others"
)

// Credential is a kind of proof of identity an ACE accepts.
type Credential string

// The credentials of PROTOCOL.md 5.7.
const (
	CredAssertion Credential = "assertion"
	CredDigest    Credential = "digest"
	CredNTLM      Credential = "ntlm"
	CredInternal  Credential = "internal"
	CredAny       Credential = "any"
)

// ACE is one access-control entry. Principal is a principal URL or server
// name; All marks a:allprincipals (Principal is then empty).
type ACE struct {
	All         bool
	Principal   string
	Credentials []Credential
	Grant       []Right
	Deny        []Right
}

// ACL is the a:rvpacl document.
type ACL struct {
	Inheritance string // "none" when empty
	ACEs        []ACE
}

// Element builds <a:rvpacl><a:acl>...</a:acl></a:rvpacl>.
func (acl ACL) Element() *Element {
	inh := acl.Inheritance
	if inh == "" {
		inh = "none"
	}
	list := A("acl", T(NSACL, "inheritance", inh))
	for _, ace := range acl.ACEs {
		list.Children = append(list.Children, ace.element())
	}
	return A("rvpacl", list)
}

func (ace ACE) element() *Element {
	var who *Element
	if ace.All {
		who = A("allprincipals")
	} else {
		who = T(NSACL, "rvp-principal", ace.Principal)
	}
	creds := A("credentials")
	for _, c := range ace.Credentials {
		creds.Children = append(creds.Children, A(string(c)))
	}
	return A("ace", A("principal", who, creds), rights("grant", ace.Grant), rights("deny", ace.Deny))
}

func rights(local string, rs []Right) *Element {
	el := A(local)
	for _, r := range rs {
		el.Children = append(el.Children, A(string(r)))
	}
	return el
}

// ErrNoCredentials is wrapped when an ACE names no credentials; servers
// answer 400 ("credentials not specified").
var ErrNoCredentials = fmt.Errorf("%w: ACE without credentials", ErrMalformed)

// ParseACL reads an a:rvpacl document (a:acl directly under the root, or the
// root itself being a:acl, is accepted). An ACE without credentials yields
// an error wrapping ErrNoCredentials.
func ParseACL(root *Element) (ACL, error) {
	var acl ACL
	list := root
	if root.Is(NSACL, "rvpacl") {
		list = root.Child(NSACL, "acl")
	}
	if !list.Is(NSACL, "acl") {
		return acl, fmt.Errorf("%w: want a:rvpacl/a:acl", ErrMalformed)
	}
	acl.Inheritance = list.TextOf(NSACL, "inheritance")
	for _, el := range list.All(NSACL, "ace") {
		ace, err := parseACE(el)
		if err != nil {
			return acl, err
		}
		acl.ACEs = append(acl.ACEs, ace)
	}
	return acl, nil
}

func parseACE(el *Element) (ACE, error) {
	var ace ACE
	p := el.Child(NSACL, "principal")
	if p == nil {
		return ace, fmt.Errorf("%w: a:ace without a:principal", ErrMalformed)
	}
	switch {
	case p.Child(NSACL, "allprincipals") != nil:
		ace.All = true
	case p.Child(NSACL, "rvp-principal") != nil:
		ace.Principal = strings.TrimSpace(p.Child(NSACL, "rvp-principal").Text)
		if ace.Principal == "" {
			return ace, fmt.Errorf("%w: empty a:rvp-principal", ErrMalformed)
		}
	default:
		return ace, fmt.Errorf("%w: a:principal names nobody", ErrMalformed)
	}
	for _, c := range p.Child(NSACL, "credentials").childrenOrNil() {
		if c.Name.Space == NSACL {
			ace.Credentials = append(ace.Credentials, Credential(c.Name.Local))
		}
	}
	if len(ace.Credentials) == 0 {
		return ace, ErrNoCredentials
	}
	ace.Grant = parseRights(el.Child(NSACL, "grant"))
	ace.Deny = parseRights(el.Child(NSACL, "deny"))
	return ace, nil
}

func parseRights(el *Element) []Right {
	var out []Right
	for _, c := range el.childrenOrNil() {
		if c.Name.Space == NSACL {
			out = append(out, Right(c.Name.Local))
		}
	}
	return out
}
