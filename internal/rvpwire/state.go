package rvpwire

// State is a presence token: the local name of the empty element inside
// r:state (r:online, r:busy ...). Unknown tokens are kept and relayed.
type State string

// The presence tokens of PROTOCOL.md section 6.
const (
	StateOnline    State = "online"
	StateOffline   State = "offline"
	StateAway      State = "away"
	StateBusy      State = "busy"
	StateBackSoon  State = "back-soon"
	StateOnPhone   State = "on-phone"
	StateAtLunch   State = "at-lunch"
	StateIdle      State = "idle"
	StateInvisible State = "invisible"
)

// Label returns the name a user interface shows for the state. No state
// reads as Offline; a token this package does not know reads as Online
// (PROTOCOL.md section 6: other clients' extensions, as Miranda did).
func (s State) Label() string {
	switch s {
	case StateOnline:
		return "Online"
	case StateOffline, "":
		return "Offline"
	case StateAway:
		return "Away"
	case StateBusy:
		return "Busy"
	case StateBackSoon:
		return "Be Right Back"
	case StateOnPhone:
		return "On The Phone"
	case StateAtLunch:
		return "Out To Lunch"
	case StateIdle:
		return "Idle"
	case StateInvisible:
		return "Appear Offline"
	}
	return "Online"
}

// IsOnline reports whether watchers should list the principal as online
// (anything but offline and invisible).
func (s State) IsOnline() bool { return s != StateOffline && s != StateInvisible && s != "" }

// Element returns <r:state><r:TOKEN/></r:state>, the flattened form used in
// property notifications and multistatus answers.
func (s State) Element() *Element { return R("state", R(string(s))) }

// StateFrom reads the token from an r:state element: the first child, or the
// value inside r:leased-value/r:value. It returns "" when there is none.
func StateFrom(state *Element) State {
	if state == nil {
		return ""
	}
	if lv := state.Child(NSRVP, "leased-value"); lv != nil {
		if v := lv.Child(NSRVP, "value").FirstChild(); v != nil {
			return State(v.Name.Local)
		}
		return ""
	}
	for _, c := range state.Children {
		if !c.Is(NSRVP, "view-id") {
			return State(c.Name.Local)
		}
	}
	return ""
}
