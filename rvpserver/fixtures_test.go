package rvpserver

import (
	"bytes"
	"context"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rendezvous/internal/rvpwire"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The conventions of PROTOCOL.md section 12: IM server im.example.com,
// users alice and bob.
const fixHost = "im.example.com"

func fixURL(alias string) string { return rvpwire.PrincipalURL(fixHost, alias) }

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// golden compares got with testdata/<name>.golden (rewritten with -update).
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from golden:\n got %s\nwant %s", name, got, want)
	}
}

// fixCall serves a path-only request for host im.example.com, as old
// clients send it.
func fixCall(s *Server, method, from, node string, hdr map[string]string, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, "/instmsg/aliases/"+node, strings.NewReader(body))
	req.Host = fixHost
	req.Header.Set(rvpwire.HeaderVersion, rvpwire.Version)
	req.Header.Set(rvpwire.HeaderFromPrincipal, fixURL(from))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if hget(w.Header(), rvpwire.HeaderVersion) != rvpwire.Version || w.Header().Get("Content-Length") == "" {
		panic("response without RVP-Notifications-Version or Content-Length")
	}
	return w
}

func TestProtocolSection12(t *testing.T) {
	fixed := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	s, err := New(&Options{Domains: []string{fixHost}, DisableAuth: true, FirstID: 1, Now: func() time.Time { return fixed }})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer s.Shutdown(context.Background())
	for _, u := range []string{"alice", "bob"} {
		if err := s.AddUser(context.Background(), u, "pw", strings.ToUpper(u[:1])+u[1:]+" Example"); err != nil {
			t.Fatal(err)
		}
	}
	la, lb := newListener(t), newListener(t)

	// 12.1 sign-in.
	w := fixCall(s, "SUBSCRIBE", "alice", "alice", map[string]string{rvpwire.HeaderNotificationType: "pragma/notify",
		rvpwire.HeaderCallBack: la.URL, rvpwire.HeaderLifetime: "14400", "User-Agent": "msmsgs/4.6.0.84"}, "")
	if w.Code != 200 || hget(w.Header(), rvpwire.HeaderLifetime) != "14400" || hget(w.Header(), rvpwire.HeaderSubscriptionID) == "" || w.Body.Len() != 0 {
		t.Fatalf("12.1: %d %v", w.Code, w.Header())
	}
	fixCall(s, "SUBSCRIBE", "bob", "bob", map[string]string{rvpwire.HeaderNotificationType: "pragma/notify",
		rvpwire.HeaderCallBack: lb.URL, rvpwire.HeaderLifetime: "14400"}, "")
	away := `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:r="http://schemas.microsoft.com/rvp/"><d:set><d:prop><r:state><r:leased-value><r:value><r:away/></r:value></r:leased-value></r:state><r:email>bob@example.com</r:email></d:prop></d:set></d:propertyupdate>`
	if w := fixCall(s, "PROPPATCH", "bob", "bob", nil, away); w.Code != 207 {
		t.Fatalf("bob away: %d", w.Code)
	}

	// 12.2 contact subscription: 207 with bob's properties.
	w = fixCall(s, "SUBSCRIBE", "alice", "bob", map[string]string{rvpwire.HeaderNotificationType: "update/propchange",
		rvpwire.HeaderCallBack: fixURL("alice"), rvpwire.HeaderLifetime: "14400"}, "")
	if w.Code != 207 || w.Header().Get("Content-Type") != "text/xml" {
		t.Fatalf("12.2: %d", w.Code)
	}
	golden(t, "12.2-subscribe-207", w.Body.Bytes())
	rs := multistatusOf(t, w.Body.Bytes())
	got := rvpwire.PropsFrom(rs[0].Propstats[0].Props)
	if rs[0].Href != fixURL("bob") || got.State != rvpwire.StateAway || *got.DisplayName != "Bob Example" ||
		*got.Email != "bob@example.com" || *got.MobileState != "0" || *got.MobileDescription != "" {
		t.Fatalf("12.2 props %+v", got)
	}
	watchID := hget(w.Header(), rvpwire.HeaderSubscriptionID)

	// 12.3 set own state, then refresh within the lease.
	w = fixCall(s, "PROPPATCH", "alice", "alice", map[string]string{"Content-Type": "text/xml"}, fixture(t, "12.3-proppatch.xml"))
	golden(t, "12.3-proppatch-207", w.Body.Bytes())
	echo := leasedEcho(t, w.Body.Bytes())
	if echo.Value != rvpwire.StateOnline || echo.Default != rvpwire.StateOffline || echo.Timeout != 1200 || echo.ViewID == "" {
		t.Fatalf("12.3 echo %+v", echo)
	}
	refresh := strings.Replace(fixture(t, "12.3-proppatch.xml"), "</r:leased-value>", "</r:leased-value><r:view-id>"+echo.ViewID+"</r:view-id>", 1)
	if again := leasedEcho(t, fixCall(s, "PROPPATCH", "alice", "alice", nil, refresh).Body.Bytes()); again.ViewID != echo.ViewID {
		t.Fatalf("refresh changed the view: %s -> %s", echo.ViewID, again.ViewID)
	}

	// 12.4 PROPFIND with an unknown property.
	w = fixCall(s, "PROPFIND", "alice", "bob", map[string]string{"Depth": "0"}, fixture(t, "12.4-propfind.xml"))
	golden(t, "12.4-propfind-207", w.Body.Bytes())
	rs = multistatusOf(t, w.Body.Bytes())
	if len(rs[0].Propstats) != 2 || rs[0].Propstats[0].Status != 200 || rs[0].Propstats[1].Status != 404 {
		t.Fatalf("12.4 %+v", rs)
	}

	// 12.5 and 12.6: forwarded byte for byte to bob's callback at "/".
	for _, name := range []string{"12.5-notify.xml", "12.6-typing.xml"} {
		body := fixture(t, name)
		w = fixCall(s, "NOTIFY", "alice", "bob", map[string]string{rvpwire.HeaderAckType: "DeepOr",
			rvpwire.HeaderHopCount: "1", "Content-Type": "text/xml"}, body)
		if w.Code != 200 || w.Body.Len() != 0 {
			t.Fatalf("%s: %d %s", name, w.Code, w.Body)
		}
		n := lb.next(t)
		if n.path != "/" || string(n.body) != body {
			t.Fatalf("%s forwarded to %q as %q", name, n.path, n.body)
		}
	}

	// 12.7 presence NOTIFY to alice's callback.
	busy := strings.Replace(fixture(t, "12.3-proppatch.xml"), "<r:online/>", "<r:busy/>", 1)
	fixCall(s, "PROPPATCH", "bob", "bob", nil, busy)
	n := la.next(t)
	golden(t, "12.7-presence-notify", n.body)
	if from, st := presenceOf(t, n); from != fixURL("bob") || st != rvpwire.StateBusy ||
		n.header.Get(rvpwire.HeaderFromPrincipal) != fixHost || n.header.Get(rvpwire.HeaderHopCount) != "2" {
		t.Fatalf("12.7: %s %s %v", from, st, n.header)
	}

	// 12.8 SUBSCRIPTIONS: alice watches bob.
	w = fixCall(s, "SUBSCRIPTIONS", "bob", "bob", map[string]string{rvpwire.HeaderNotificationType: "update/propchange"}, "")
	golden(t, "12.8-subscriptions", w.Body.Bytes())
	el, _ := rvpwire.Decode(w.Body)
	list, err := rvpwire.ParseSubscriptions(el)
	if err != nil || len(list) != 1 || list[0].Principal != fixURL("alice") || list[0].Timeout != 14400 {
		t.Fatalf("12.8 %+v %v", list, err)
	}

	// 12.9 UNSUBSCRIBE.
	if w := fixCall(s, "UNSUBSCRIBE", "alice", "bob", map[string]string{rvpwire.HeaderSubscriptionID: watchID}, ""); w.Code != 200 {
		t.Fatalf("12.9: %d", w.Code)
	}

	// 12.10 ACL get (the default) and set (a block, merged).
	w = fixCall(s, "ACL", "alice", "alice", nil, "")
	golden(t, "12.10-acl-get", w.Body.Bytes())
	fixCall(s, "ACL", "alice", "alice", nil, fixture(t, "12.10-acl-set.xml"))
	el, _ = rvpwire.Decode(fixCall(s, "ACL", "alice", "alice", nil, "").Body)
	acl, err := rvpwire.ParseACL(el)
	if err != nil || len(acl.ACEs) != 3 || acl.ACEs[2].Principal != fixURL("mallory") || len(acl.ACEs[2].Deny) != 2 {
		t.Fatalf("12.10 set: %+v %v", acl, err)
	}
	if w.Code != http.StatusOK {
		t.Fatalf("12.10 get: %d", w.Code)
	}
}

func multistatusOf(t *testing.T, b []byte) []rvpwire.Response {
	t.Helper()
	el, err := rvpwire.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rs, err := rvpwire.ParseMultistatus(el)
	if err != nil || len(rs) != 1 {
		t.Fatalf("multistatus %s: %v", b, err)
	}
	return rs
}

func leasedEcho(t *testing.T, b []byte) rvpwire.LeasedState {
	t.Helper()
	rs := multistatusOf(t, b)
	ls, err := rvpwire.ParseLeasedState(rs[0].Propstats[0].Props[0])
	if err != nil {
		t.Fatal(err)
	}
	return ls
}
