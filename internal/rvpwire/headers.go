package rvpwire

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Version is the RVP-Notifications-Version every request and response carries.
const Version = "0.2"

// Header names, spelled as they appear on the wire. Reading with
// http.Header.Get works with any spelling; write them with SetHeader so the
// exact spelling old clients expect goes out.
const (
	HeaderVersion          = "RVP-Notifications-Version"
	HeaderFromPrincipal    = "RVP-From-Principal"
	HeaderNotificationType = "Notification-Type"
	HeaderCallBack         = "Call-Back"
	HeaderLifetime         = "Subscription-Lifetime"
	HeaderSubscriptionID   = "Subscription-Id"
	HeaderAckType          = "RVP-Ack-Type"
	HeaderHopCount         = "RVP-Hop-Count"
	HeaderDepth            = "Depth"

	// Polling (POLLING.md).
	HeaderPollLifetime    = "RVP-Poll-Lifetime"
	HeaderPollMsgLifetime = "RVP-Poll-Msg-Lifetime"
	HeaderPollAck         = "RVP-Poll-Ack"
	HeaderPollSeq         = "RVP-Poll-Seq"
	HeaderPollDropped     = "RVP-Poll-Dropped"
)

// SetHeader sets name to value in h with the exact spelling given (net/http
// writes map keys as stored), replacing any value under another spelling.
// Note that h.Get canonicalises its argument and so does not see a value set
// this way; headers parsed from the wire are canonical and Get works there.
func SetHeader(h http.Header, name, value string) {
	h.Del(name)
	for k := range h {
		if strings.EqualFold(k, name) {
			delete(h, k)
		}
	}
	h[name] = []string{value}
}

// Methods beyond plain HTTP.
const (
	MethodSubscribe     = "SUBSCRIBE"
	MethodUnsubscribe   = "UNSUBSCRIBE"
	MethodSubscriptions = "SUBSCRIPTIONS"
	MethodNotify        = "NOTIFY"
	MethodPropfind      = "PROPFIND"
	MethodProppatch     = "PROPPATCH"
	MethodACL           = "ACL"
	MethodPoll          = "POLL"
)

// CallBackPoll is the Call-Back value of a login subscription that polls.
const CallBackPoll = "poll"

// NotificationType is the value of the Notification-Type header.
type NotificationType string

// The notification types RVP defines.
const (
	PragmaNotify     NotificationType = "pragma/notify"
	UpdatePropchange NotificationType = "update/propchange"
)

// ParseNotificationType accepts the two known types, case-insensitively.
func ParseNotificationType(s string) (NotificationType, error) {
	switch t := NotificationType(strings.ToLower(strings.TrimSpace(s))); t {
	case PragmaNotify, UpdatePropchange:
		return t, nil
	}
	return "", fmt.Errorf("rvpwire: unknown Notification-Type %q", s)
}

// AckType is the value of RVP-Ack-Type.
type AckType string

// The acknowledgement types of NOTIFY.
const (
	SingleHop AckType = "SingleHop"
	DeepOr    AckType = "DeepOr"
	DeepAnd   AckType = "DeepAnd"
)

// ParseAckType reads RVP-Ack-Type case-insensitively; empty means DeepOr,
// which every client sends for instant messages.
func ParseAckType(s string) (AckType, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "deepor":
		return DeepOr, nil
	case "singlehop":
		return SingleHop, nil
	case "deepand":
		return DeepAnd, nil
	}
	return "", fmt.Errorf("rvpwire: unknown RVP-Ack-Type %q", s)
}

// Depth is the value of the Depth header. Only 0 is valid for RVP PROPFIND.
type Depth int

// ParseDepth reads a Depth header: "0", "1" or "infinity" (-1).
func ParseDepth(s string) (Depth, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "0":
		return 0, nil
	case "1":
		return 1, nil
	case "infinity":
		return -1, nil
	}
	return 0, fmt.Errorf("rvpwire: invalid Depth %q", s)
}

// String formats the depth as it goes on the wire.
func (d Depth) String() string {
	if d < 0 {
		return "infinity"
	}
	return strconv.Itoa(int(d))
}

// ParseSeconds reads a non-negative decimal number of seconds (Subscription-
// Lifetime, RVP-Poll-Lifetime, d:timeout ...). It refuses signs, spaces inside
// and values above max.
func ParseSeconds(s string, max int64) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return 0, fmt.Errorf("rvpwire: invalid number of seconds %q", s)
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > max {
		return 0, fmt.Errorf("rvpwire: number of seconds %q out of range", s)
	}
	return n, nil
}

// ParseSubscriptionID reads a Subscription-Id: a positive decimal integer.
func ParseSubscriptionID(s string) (uint64, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' }) >= 0 {
		return 0, fmt.Errorf("rvpwire: invalid Subscription-Id %q", s)
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil || n == 0 {
		return 0, fmt.Errorf("rvpwire: invalid Subscription-Id %q", s)
	}
	return n, nil
}

// ParseHopCount reads RVP-Hop-Count; absent means 0.
func ParseHopCount(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > 255 {
		return 0, fmt.Errorf("rvpwire: invalid RVP-Hop-Count %q", s)
	}
	return n, nil
}
