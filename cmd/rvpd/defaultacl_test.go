package main

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"rendezvous/internal/rvpwire"
	"rendezvous/rvpserver"
)

func TestDefaultACLConversion(t *testing.T) {
	tests := []struct {
		foreign, presence, sendTo bool
		want                      *rvpserver.DefaultACL
	}{
		{true, true, true, nil},
		{false, true, true, &rvpserver.DefaultACL{AllowPresence: true, AllowSendTo: true, LocalOnly: true}},
		{true, false, true, &rvpserver.DefaultACL{AllowSendTo: true}},
		{true, true, false, &rvpserver.DefaultACL{AllowPresence: true}},
		{false, false, false, &rvpserver.DefaultACL{LocalOnly: true}},
	}
	for _, tc := range tests {
		got := defaultACL(Config{DefaultForeign: tc.foreign, DefaultPresence: tc.presence, DefaultSendTo: tc.sendTo})
		if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
			t.Errorf("foreign %v, presence %v, send-to %v: %+v, want %+v", tc.foreign, tc.presence, tc.sendTo, got, tc.want)
		}
	}
	cfg, _, err := load(t, nil, base, "-default-foreign", "deny", "-default-presence", "no", "-default-send-to", "yes")
	if err != nil || cfg.DefaultForeign || cfg.DefaultPresence || !cfg.DefaultSendTo {
		t.Fatalf("flags: %v %+v", err, cfg)
	}
	if cfg, _, _ := load(t, nil, base); !cfg.DefaultForeign || !cfg.DefaultPresence || !cfg.DefaultSendTo {
		t.Fatalf("built-in: %v %v %v", cfg.DefaultForeign, cfg.DefaultPresence, cfg.DefaultSendTo)
	}
}

// TestDefaultACLKeys: accounts created by "rvpd user add" under
// DefaultForeign / DefaultPresence / DefaultSendTo get an ACL the running
// rvpd applies to local users (Digest) and to users of another domain
// (assertion).
func TestDefaultACLKeys(t *testing.T) {
	on, off := rvpwire.StateOnline, rvpwire.StateOffline
	tests := []struct {
		flags                  []string
		localSend, foreignSend int
		localSees, foreignSees rvpwire.State
	}{
		{nil, 200, 200, on, on},
		{[]string{"-default-foreign", "deny"}, 200, 403, on, off},
		{[]string{"-default-presence", "no"}, 200, 200, off, off},
		{[]string{"-default-send-to", "no"}, 403, 403, on, on},
		{[]string{"-default-foreign", "deny", "-default-send-to", "no"}, 403, 403, on, off},
	}
	for _, tc := range tests {
		t.Run(fmtFlags(tc.flags), func(t *testing.T) {
			dir := t.TempDir()
			for _, a := range []string{"alice", "bob"} {
				args := append([]string{"user", "add", a, "-data-dir", dir, "-domains", testDomain}, tc.flags...)
				if code, _, stderr := runCmd(t, a+"-pw\n", args...); code != exitOK {
					t.Fatalf("user add %s: %d %s", a, code, stderr)
				}
			}
			d := startDaemon(t, dir)
			alice := newRVPClient(t, d.url(), "alice", "alice-pw")
			alice.pollLogin(t)
			ls := rvpwire.LeasedState{Value: on, Default: off, Timeout: 1200, Leased: true}
			alice.mustDo(t, http.StatusMultiStatus, rvpwire.MethodProppatch, rvpwire.AliasesPath+"alice",
				http.Header{"Content-Type": {"text/xml"}}, rvpwire.Marshal(rvpwire.PropertyUpdate{State: &ls}.Element()))

			bob := newRVPClient(t, d.url(), "bob", "bob-pw")
			bob.sendIM(t, "alice", "{3F2A9C10-5B7E-4D21-9A0B-6C1D2E3F4A5B}", "local", tc.localSend)
			zed := rvpwire.PrincipalURL("other.test", "zed")
			n := rvpwire.Notification{From: rvpwire.Contact{Href: zed}, To: []rvpwire.Contact{{Href: alice.principal()}},
				MIME: new(rvpwire.TextIM("{3F2A9C10-5B7E-4D21-9A0B-6C1D2E3F4A5C}", rvpwire.DefaultFormat, "foreign").String())}
			h := http.Header{"Content-Type": {"text/xml"}, "Rvp-Ack-Type": {"DeepOr"}, "Rvp-Hop-Count": {"1"}}
			if code, _ := foreignDo(t, d, zed, rvpwire.MethodNotify, h, rvpwire.Marshal(n.Element())); code != tc.foreignSend {
				t.Errorf("foreign NOTIFY: %d, want %d", code, tc.foreignSend)
			}

			sub := http.Header{"Notification-Type": {string(rvpwire.UpdatePropchange)}, "Subscription-Lifetime": {"600"}}
			sub.Set("Call-Back", bob.principal())
			_, body := bob.mustDo(t, http.StatusMultiStatus, rvpwire.MethodSubscribe, rvpwire.AliasesPath+"alice", sub, nil)
			if st := stateIn(t, body); st != tc.localSees {
				t.Errorf("local watcher sees %q, want %q", st, tc.localSees)
			}
			sub.Set("Call-Back", zed)
			code, body := foreignDo(t, d, zed, rvpwire.MethodSubscribe, sub, nil)
			if code != http.StatusMultiStatus {
				t.Fatalf("foreign SUBSCRIBE: %d %s", code, body)
			}
			if st := stateIn(t, body); st != tc.foreignSees {
				t.Errorf("foreign watcher sees %q, want %q", st, tc.foreignSees)
			}
		})
	}
}

func fmtFlags(flags []string) string {
	if len(flags) == 0 {
		return "built-in"
	}
	return strings.Join(flags, " ")
}

// foreignDo sends a request as a principal of another domain: no
// credentials, judged by assertion.
func foreignDo(t *testing.T, d *daemon, from, method string, h http.Header, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, d.url()+rvpwire.AliasesPath+"alice", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Host = testDomain
	for k, v := range h {
		req.Header[k] = v
	}
	req.Header.Set(rvpwire.HeaderVersion, rvpwire.Version)
	req.Header.Set("RVP-From-Principal", from)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

// stateIn reads r:state from a 207 SUBSCRIBE answer.
func stateIn(t *testing.T, body []byte) rvpwire.State {
	t.Helper()
	root, err := rvpwire.Decode(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rvpwire.ParseMultistatus(root)
	if err != nil || len(rs) != 1 {
		t.Fatalf("multistatus %s: %v", body, err)
	}
	for _, ps := range rs[0].Propstats {
		for _, p := range ps.Props {
			if p.Is(rvpwire.NSRVP, "state") {
				return rvpwire.StateFrom(p)
			}
		}
	}
	t.Fatalf("no r:state in %s", body)
	return ""
}
