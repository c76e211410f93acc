package rvpwire

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/golden")

// TestGolden pins the exact bytes we send: fixed prefixes, every namespace
// declared on the root, no whitespace between elements, CDATA for payloads.
func TestGolden(t *testing.T) {
	bob := "http://im.example.com/instmsg/aliases/bob"
	alice := "http://im.example.com/instmsg/aliases/alice"
	mime := "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\nsee ]]> here"
	cases := map[string]*Element{
		"multistatus.xml": Multistatus(Response{Href: bob, Propstats: []Propstat{
			{Props: Props{State: StateAway, DisplayName: ptr("Bob Example"), Email: ptr("bob@example.com"),
				MobileState: ptr("0"), MobileDescription: ptr("")}.Elements(), Status: 200},
			{Props: []*Element{R("no-such-prop")}, Status: 404},
		}}),
		"proppatch-echo.xml": Multistatus(Response{Href: alice, Propstats: []Propstat{{Props: []*Element{
			LeasedState{Value: StateOnline, Default: StateOffline, Timeout: 1200, ViewID: "17", Leased: true}.Element()}, Status: 200}}}),
		"notify-im.xml": Notification{From: Contact{alice, "Alice"}, To: []Contact{{bob, "Bob"}}, MIME: &mime}.Element(),
		"notify-presence.xml": Notification{From: Contact{bob, ""}, To: []Contact{{alice, ""}},
			Update: &PropertyUpdate{State: &LeasedState{Value: StateBusy}}}.Element(),
		"subscriptions.xml": Subscriptions([]SubscriptionInfo{{ID: 4107, Href: bob, Principal: bob, Timeout: 13950}}),
		"acl.xml": ACL{ACEs: []ACE{
			{All: true, Credentials: []Credential{CredAssertion, CredDigest, CredNTLM}, Grant: []Right{RightList, RightRead, RightSendTo, RightPresence}},
			{Principal: "http://im.example.com/instmsg/aliases/mallory", Credentials: []Credential{CredAssertion, CredDigest, CredNTLM}, Deny: []Right{RightSendTo, RightPresence}},
		}}.Element(),
		"unknown-namespace.xml": Multistatus(Response{Href: bob, Propstats: []Propstat{{Props: []*Element{E("urn:x-test", "color")}, Status: 404}}}),
	}
	for name, el := range cases {
		t.Run(name, func(t *testing.T) {
			got := Marshal(el)
			path := filepath.Join("testdata", "golden", name)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("output differs from %s:\n got: %s\nwant: %s", path, got, want)
			}
			if bytes.Contains(got, []byte(">\n")) || bytes.Contains(got, []byte("> <")) {
				t.Fatalf("whitespace between elements: %s", got)
			}
			roundTrip(t, el)
		})
	}
}
