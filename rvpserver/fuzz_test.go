package rvpserver

import (
	"bytes"
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"rendezvous/internal/rvpwire"
)

var fuzzMethods = []string{"SUBSCRIBE", "UNSUBSCRIBE", "SUBSCRIPTIONS", "NOTIFY", "PROPFIND", "PROPPATCH", "ACL", "POLL"}

// FuzzServeHTTP feeds arbitrary bodies and header values to every method
// (as an authenticated owner and as a local watcher). Whatever comes in,
// the server must answer with a known status, RVP-Notifications-Version,
// Content-Length, and well-formed XML whenever it says text/xml.
func FuzzServeHTTP(f *testing.F) {
	for _, name := range []string{"12.3-proppatch.xml", "12.4-propfind.xml", "12.5-notify.xml", "12.10-acl-set.xml"} {
		b, err := readTestdata(name)
		if err != nil {
			f.Fatal(err)
		}
		for m := range fuzzMethods {
			f.Add(uint8(m), false, "0", "pragma/notify", "poll", "1", string(b))
		}
	}
	f.Add(uint8(0), true, "", "update/propchange", "http://example.com/instmsg/aliases/alice", "60", "")
	f.Add(uint8(7), false, "1", "", "", "x", "<")
	s, err := New(&Options{Domains: []string{testDomain}, DisableAuth: true, CallbackTimeout: 50 * time.Millisecond,
		Poll: &PollOptions{Support: true, LifeTime: Triple{Default: time.Millisecond, Minimum: 0, Maximum: time.Millisecond},
			MsgLifeTime: DefaultPollOptions().MsgLifeTime, MsgLimit: 4, MsgKByteLimit: 4, DropMsgLifeTime: time.Hour}})
	if err != nil {
		f.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		f.Fatal(err)
	}
	defer s.Shutdown(context.Background())
	for _, u := range []string{"alice", "bob"} {
		_ = s.AddUser(context.Background(), u, "pw", "")
	}
	f.Fuzz(func(t *testing.T, m uint8, asWatcher bool, depth, ntype, callback, n, body string) {
		method := fuzzMethods[int(m)%len(fuzzMethods)]
		from := "bob"
		if asWatcher {
			from = "alice"
		}
		callback = loopbackOnly(callback)
		hdr := map[string]string{"Depth": depth, rvpwire.HeaderNotificationType: ntype, rvpwire.HeaderCallBack: callback,
			rvpwire.HeaderLifetime: n, rvpwire.HeaderSubscriptionID: n, rvpwire.HeaderPollAck: n,
			rvpwire.HeaderHopCount: n, rvpwire.HeaderPollLifetime: "0"}
		for k, v := range hdr {
			if strings.ContainsAny(v, "\r\n\x00") {
				delete(hdr, k)
			}
		}
		w := call(s, method, from, "bob", hdr, body)
		switch w.Code {
		case 200, 204, 207, 400, 403, 404, 412, 413, 500, 501, 507:
		default:
			t.Fatalf("%s: unexpected status %d", method, w.Code)
		}
		if w.Code == 500 && method != "NOTIFY" {
			t.Fatalf("%s: 500 %s", method, w.Body)
		}
		if hget(w.Header(), rvpwire.HeaderVersion) != rvpwire.Version || w.Header().Get("Content-Length") != strconv.Itoa(w.Body.Len()) {
			t.Fatalf("%s: framing/version headers %v", method, w.Header())
		}
		if w.Header().Get("Content-Type") == "text/xml" {
			if _, err := rvpwire.Decode(bytes.NewReader(w.Body.Bytes())); err != nil {
				t.Fatalf("%s: answered malformed XML: %v", method, err)
			}
		}
	})
}

// FuzzGrantLifetime: any Subscription-Lifetime is refused or clamped into
// [60, 86400] s.
func FuzzGrantLifetime(f *testing.F) {
	for _, s := range []string{"", "14400", "0", "-1", "99999999999999999999", " 60 ", "1e3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, h string) {
		d, err := grantLifetime(h)
		if err == nil && (d < MinSubLifetime || d > MaxSubLifetime) {
			t.Fatalf("%q granted %v", h, d)
		}
	})
}

// FuzzClampLease: any d:timeout yields a lease within [30, 14400] s.
func FuzzClampLease(f *testing.F) {
	f.Add(int64(0))
	f.Add(int64(-5))
	f.Add(int64(1 << 62))
	f.Fuzz(func(t *testing.T, n int64) {
		if d := clampLease(n); d < MinLease || d > MaxLease {
			t.Fatalf("%d -> %v", n, d)
		}
	})
}

// loopbackOnly keeps fuzzed Call-Back values off the network: "poll" and
// nodes of the test domain stay, anything else points at a closed
// loopback port (tests talk to loopback only).
func loopbackOnly(cb string) string {
	if cb == "poll" {
		return cb
	}
	if n, err := rvpwire.ParseNodeURL(cb, ""); err == nil && n.Domain == testDomain {
		return cb
	}
	u, err := url.Parse(cb)
	if err != nil {
		return "http://127.0.0.1:1/"
	}
	u.Host = "127.0.0.1:1"
	return u.String()
}
