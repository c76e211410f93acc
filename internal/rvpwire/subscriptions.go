package rvpwire

import (
	"fmt"
	"strconv"
)

// SubscriptionInfo is one r:subscription of a SUBSCRIPTIONS answer.
type SubscriptionInfo struct {
	ID        uint64
	Href      string // subscriber URL (the Call-Back, when known)
	Principal string // subscriber's principal URL
	Timeout   int64  // seconds remaining
}

// Subscriptions builds the r:subscriptions document.
func Subscriptions(list []SubscriptionInfo) *Element {
	root := R("subscriptions")
	for _, s := range list {
		root.Children = append(root.Children, R("subscription",
			T(NSRVP, "subscription-id", strconv.FormatUint(s.ID, 10)),
			T(NSDAV, "href", s.Href),
			A("principal", T(NSACL, "rvp-principal", s.Principal)),
			T(NSDAV, "timeout", strconv.FormatInt(s.Timeout, 10)),
		))
	}
	return root
}

// ParseSubscriptions reads an r:subscriptions document.
func ParseSubscriptions(root *Element) ([]SubscriptionInfo, error) {
	if !root.Is(NSRVP, "subscriptions") {
		return nil, fmt.Errorf("%w: root is %s, want r:subscriptions", ErrMalformed, root.Name.Local)
	}
	var out []SubscriptionInfo
	for _, el := range root.All(NSRVP, "subscription") {
		id, err := ParseSubscriptionID(el.TextOf(NSRVP, "subscription-id"))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		s := SubscriptionInfo{ID: id, Href: el.TextOf(NSDAV, "href"),
			Principal: el.Child(NSACL, "principal").TextOf(NSACL, "rvp-principal")}
		if t := el.TextOf(NSDAV, "timeout"); t != "" {
			if s.Timeout, err = ParseSeconds(t, 1<<40); err != nil {
				return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
			}
		}
		out = append(out, s)
	}
	return out, nil
}
