package rvpwire

import (
	"fmt"
	"strconv"
	"strings"
)

// LeasedState is the r:state of a PROPPATCH or of its 207 echo.
type LeasedState struct {
	Value   State
	Default State  // r:default-value; "" when absent
	Timeout int64  // seconds from d:timeout or r:timeout; 0 when absent
	ViewID  string // r:view-id; "" when absent (a new view)
	Leased  bool   // false for the flat <r:state><r:offline/>...</r:state> form
}

// Element builds the leased r:state (PROTOCOL.md 12.3): value, default,
// d:timeout, then r:view-id when set.
func (l LeasedState) Element() *Element {
	lv := R("leased-value", R("value", R(string(l.Value))))
	if l.Default != "" {
		lv.Children = append(lv.Children, R("default-value", R(string(l.Default))))
	}
	if l.Timeout > 0 {
		lv.Children = append(lv.Children, T(NSDAV, "timeout", strconv.FormatInt(l.Timeout, 10)))
	}
	st := R("state", lv)
	if l.ViewID != "" {
		st.Children = append(st.Children, T(NSRVP, "view-id", l.ViewID))
	}
	return st
}

// ParseLeasedState reads an r:state element in leased or flat form.
func ParseLeasedState(st *Element) (LeasedState, error) {
	var l LeasedState
	l.ViewID = st.TextOf(NSRVP, "view-id")
	lv := st.Child(NSRVP, "leased-value")
	if lv == nil {
		l.Value = StateFrom(st)
		if l.Value == "" {
			return l, fmt.Errorf("%w: r:state without a value", ErrMalformed)
		}
		return l, nil
	}
	l.Leased = true
	l.Value = StateFrom(st)
	if l.Value == "" {
		return l, fmt.Errorf("%w: r:leased-value without r:value", ErrMalformed)
	}
	if dv := lv.Child(NSRVP, "default-value").FirstChild(); dv != nil {
		l.Default = State(dv.Name.Local)
	}
	to := lv.Child(NSDAV, "timeout")
	if to == nil {
		to = lv.Child(NSRVP, "timeout")
	}
	if to != nil {
		n, err := ParseSeconds(to.Text, 1<<31)
		if err != nil {
			return l, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		l.Timeout = n
	}
	return l, nil
}

// PropertyUpdate is a parsed d:propertyupdate (the PROPPATCH body, also found
// inside r:propnotification).
type PropertyUpdate struct {
	State *LeasedState // nil when the update does not touch r:state
	Props Props        // other well-known properties set (State left empty)
	Other []*Element   // property elements this package does not know
}

// ParsePropertyUpdate reads a d:propertyupdate element. Properties wrapped
// in r:leased-value/r:value (Net::RVP's generic setter) are unwrapped.
func ParsePropertyUpdate(root *Element) (PropertyUpdate, error) {
	var pu PropertyUpdate
	if !root.Is(NSDAV, "propertyupdate") {
		return pu, fmt.Errorf("%w: root is %s, want d:propertyupdate", ErrMalformed, root.Name.Local)
	}
	sets := root.All(NSDAV, "set")
	if len(sets) == 0 {
		return pu, fmt.Errorf("%w: d:propertyupdate without d:set", ErrMalformed)
	}
	for _, set := range sets {
		for _, p := range set.Child(NSDAV, "prop").childrenOrNil() {
			if err := pu.add(p); err != nil {
				return pu, err
			}
		}
	}
	return pu, nil
}

func (pu *PropertyUpdate) add(p *Element) error {
	if p.Is(NSRVP, "state") {
		l, err := ParseLeasedState(p)
		if err != nil {
			return err
		}
		pu.State = &l
		return nil
	}
	if lv := p.Child(NSRVP, "leased-value"); lv != nil {
		v := lv.Child(NSRVP, "value")
		p = &Element{Name: p.Name, Text: strings.TrimSpace(v.text())}
	}
	known := PropsFrom([]*Element{p})
	switch {
	case known.DisplayName != nil:
		pu.Props.DisplayName = known.DisplayName
	case known.Email != nil:
		pu.Props.Email = known.Email
	case known.MobileState != nil:
		pu.Props.MobileState = known.MobileState
	case known.MobileDescription != nil:
		pu.Props.MobileDescription = known.MobileDescription
	default:
		pu.Other = append(pu.Other, p)
	}
	return nil
}

// Element builds <d:propertyupdate><d:set><d:prop>...</d:prop></d:set></d:propertyupdate>
// as a PROPPATCH body: r:state in its leased form.
func (pu PropertyUpdate) Element() *Element { return pu.element(false) }

// element builds the document; flat writes r:state as <r:state><r:TOKEN/></r:state>,
// the form property notifications use (clients read the first child of r:state).
func (pu PropertyUpdate) element(flat bool) *Element {
	prop := D("prop")
	switch {
	case pu.State != nil && flat:
		prop.Children = append(prop.Children, pu.State.Value.Element())
	case pu.State != nil:
		prop.Children = append(prop.Children, pu.State.Element())
	}
	prop.Children = append(prop.Children, pu.Props.Elements()...)
	prop.Children = append(prop.Children, pu.Other...)
	return D("propertyupdate", D("set", prop))
}

// PropFind is a parsed d:propfind body.
type PropFind struct {
	AllProp bool
	Names   []Name // requested properties, in order, when !AllProp
}

// ParsePropFind reads a d:propfind element. An empty body is treated by the
// caller; here a propfind must hold d:allprop or a non-empty d:prop.
func ParsePropFind(root *Element) (PropFind, error) {
	var pf PropFind
	if !root.Is(NSDAV, "propfind") {
		return pf, fmt.Errorf("%w: root is %s, want d:propfind", ErrMalformed, root.Name.Local)
	}
	if root.Child(NSDAV, "allprop") != nil {
		pf.AllProp = true
		return pf, nil
	}
	for _, p := range root.Child(NSDAV, "prop").childrenOrNil() {
		pf.Names = append(pf.Names, Name{p.Name.Space, p.Name.Local})
	}
	if len(pf.Names) == 0 {
		return pf, fmt.Errorf("%w: d:propfind names no property", ErrMalformed)
	}
	return pf, nil
}

// Element builds the d:propfind document.
func (pf PropFind) Element() *Element {
	if pf.AllProp {
		return D("propfind", D("allprop"))
	}
	prop := D("prop")
	for _, n := range pf.Names {
		prop.Children = append(prop.Children, n.Empty())
	}
	return D("propfind", prop)
}
