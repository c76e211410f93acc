package rvpserver

import (
	"bytes"
	"net/http"
	"testing"

	"rendezvous/internal/rvpwire"
)

func TestPresenceViewsAndWatchers(t *testing.T) {
	e := newEnv(t, nil)
	alice, bob := e.user("alice"), e.user("bob")
	la := newListener(t)
	alice.login(la.URL + "/secret")
	r := alice.do("SUBSCRIBE", "bob", map[string]string{rvpwire.HeaderNotificationType: "update/propchange",
		rvpwire.HeaderCallBack: principal("alice"), rvpwire.HeaderLifetime: "14400"}, "")
	if r.code != http.StatusMultiStatus {
		t.Fatalf("subscribe: %d", r.code)
	}

	v1 := bob.setState(rvpwire.StateBusy, "")
	n := la.next(t)
	if n.path != "/secret" || n.header.Get(rvpwire.HeaderFromPrincipal) != testDomain {
		t.Fatalf("callback path %q from %q", n.path, n.header.Get(rvpwire.HeaderFromPrincipal))
	}
	if from, st := presenceOf(t, n); from != principal("bob") || st != rvpwire.StateBusy {
		t.Fatalf("got %s %s, want bob busy", from, st)
	}
	// A second view set later wins; idle never beats a non-idle view.
	v2 := bob.setState(rvpwire.StateIdle, "")
	if v2 == v1 || v1 == "" {
		t.Fatalf("view ids %q %q", v1, v2)
	}
	bob.setState(rvpwire.StateAway, v1)
	if _, st := presenceOf(t, la.next(t)); st != rvpwire.StateAway {
		t.Fatalf("got %s, want away", st)
	}
	// invisible is offline to alice, but bob's own PROPFIND shows it.
	bob.setState(rvpwire.StateInvisible, v1)
	if _, st := presenceOf(t, la.next(t)); st != rvpwire.StateOffline {
		t.Fatalf("invisible seen as %s", st)
	}
	if st := stateVia(t, bob, "bob"); st != rvpwire.StateInvisible {
		t.Fatalf("own view %s", st)
	}
	if st := stateVia(t, alice, "bob"); st != rvpwire.StateOffline {
		t.Fatalf("alice sees %s", st)
	}
	// Ending the invisible view leaves the idle one: alice sees idle.
	off := `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:r="http://schemas.microsoft.com/rvp/"><d:set><d:prop><r:state><r:offline/><r:view-id>` + v1 + `</r:view-id></r:state></d:prop></d:set></d:propertyupdate>`
	if r := bob.do("PROPPATCH", "bob", nil, off); r.code != http.StatusMultiStatus {
		t.Fatalf("flat offline: %d %s", r.code, r.body)
	}
	if _, st := presenceOf(t, la.next(t)); st != rvpwire.StateIdle {
		t.Fatalf("after ending view: %s", st)
	}
	// offline without view-id ends every view.
	bob.setState(rvpwire.StateOffline, "")
	if _, st := presenceOf(t, la.next(t)); st != rvpwire.StateOffline {
		t.Fatalf("after sign-out: %s", st)
	}
	if r := alice.do("PROPPATCH", "bob", nil, off); r.code != http.StatusForbidden {
		t.Fatalf("PROPPATCH of bob by alice: %d", r.code)
	}
}

func stateVia(t *testing.T, u *user, node string) rvpwire.State {
	t.Helper()
	r := u.do("PROPFIND", node, map[string]string{"Depth": "0"}, "")
	rs, err := rvpwire.ParseMultistatus(r.doc(t))
	if err != nil || len(rs) != 1 {
		t.Fatalf("%v %s", err, r.body)
	}
	return rvpwire.PropsFrom(rs[0].Propstats[0].Props).State
}

func TestProppatchEcho(t *testing.T) {
	e := newEnv(t, nil)
	bob := e.user("bob")
	body := `<?xml version="1.0"?><d:propertyupdate xmlns:d="DAV:" xmlns:r="http://schemas.microsoft.com/rvp/"><d:set><d:prop><r:state><r:leased-value><r:value><r:online/></r:value><r:default-value><r:offline/></r:default-value><r:timeout>99999</r:timeout></r:leased-value></r:state><d:displayname>Robert</d:displayname><r:unknown>x</r:unknown></d:prop></d:set></d:propertyupdate>`
	r := bob.do("PROPPATCH", "bob", map[string]string{"Content-Type": "text/xml"}, body)
	rs, err := rvpwire.ParseMultistatus(r.doc(t))
	if r.code != 207 || err != nil || len(rs[0].Propstats) != 2 {
		t.Fatalf("%d %v %s", r.code, err, r.body)
	}
	st, err := rvpwire.ParseLeasedState(rs[0].Propstats[0].Props[0])
	if err != nil || st.Value != rvpwire.StateOnline || st.Timeout != 14400 || st.ViewID == "" || st.Default != rvpwire.StateOffline {
		t.Fatalf("echo %+v %v", st, err)
	}
	if rs[0].Propstats[1].Status != 403 || !rs[0].Propstats[1].Props[0].Is(rvpwire.NSRVP, "unknown") {
		t.Fatalf("unknown prop propstat %+v", rs[0].Propstats[1])
	}
	if p := propsOf(t, bob, "bob"); p.DisplayName == nil || *p.DisplayName != "Robert" {
		t.Fatalf("displayname not stored: %+v", p)
	}
}

func propsOf(t *testing.T, u *user, node string) rvpwire.Props {
	t.Helper()
	r := u.do("PROPFIND", node, map[string]string{"Depth": "0"}, "")
	rs, err := rvpwire.ParseMultistatus(r.doc(t))
	if err != nil || len(rs) != 1 {
		t.Fatalf("%v %s", err, r.body)
	}
	return rvpwire.PropsFrom(rs[0].Propstats[0].Props)
}

func TestNotifyRouting(t *testing.T) {
	e := newEnv(t, nil)
	alice, bob := e.user("alice"), e.user("bob")
	body := imBody("alice", "bob", "lunch at noon?")
	if r := alice.do("NOTIFY", "bob", imHeaders(), body); r.code != http.StatusPreconditionFailed {
		t.Fatalf("no login: %d, want 412", r.code)
	}
	if r := alice.do("NOTIFY", "nobody", imHeaders(), body); r.code != http.StatusNotFound {
		t.Fatalf("unknown alias: %d, want 404", r.code)
	}
	l1, l2 := newListener(t), newListener(t)
	bob.login(l1.URL)
	bob.login(l2.URL + "/p2")
	if r := alice.do("NOTIFY", "bob", imHeaders(), body); r.code != 200 {
		t.Fatalf("NOTIFY: %d %s", r.code, r.body)
	}
	for _, l := range []*listener{l1, l2} {
		n := l.next(t)
		if !bytes.Equal(n.body, []byte(body)) {
			t.Fatalf("body not forwarded byte for byte:\n%s\n%s", n.body, body)
		}
		if n.header.Get(rvpwire.HeaderHopCount) != "2" || n.header.Get(rvpwire.HeaderFromPrincipal) != principal("alice") {
			t.Fatalf("headers %v", n.header)
		}
	}
	// DeepOr: one login answering 500 and one 200 is a success; both 500
	// tells the sender the recipient left.
	l1.setCode(500)
	if r := alice.do("NOTIFY", "bob", imHeaders(), body); r.code != 200 {
		t.Fatalf("DeepOr with one success: %d", r.code)
	}
	l2.setCode(500)
	if r := alice.do("NOTIFY", "bob", imHeaders(), body); r.code != 500 {
		t.Fatalf("all 500: %d", r.code)
	}
	if r := alice.do("NOTIFY", "bob", imHeaders(), "<r:notification"); r.code != 400 {
		t.Fatalf("malformed: %d", r.code)
	}
	big := make([]byte, MaxNotifyBody+1)
	if r := alice.do("NOTIFY", "bob", imHeaders(), string(big)); r.code != 413 {
		t.Fatalf("oversized: %d", r.code)
	}
	h := imHeaders()
	h[rvpwire.HeaderHopCount] = "9"
	if r := alice.do("NOTIFY", "bob", h, body); r.code != 500 {
		t.Fatalf("hop limit: %d", r.code)
	}
}

func TestDeadCallbackLogin(t *testing.T) {
	e := newEnv(t, func(o *Options) { o.DeadAfter = 2 })
	alice, bob := e.user("alice"), e.user("bob")
	dead := newListener(t)
	deadURL := dead.URL
	dead.Close() // nothing listens there any more
	bob.login(deadURL)
	la := newListener(t)
	alice.login(la.URL)
	alice.do("SUBSCRIBE", "bob", map[string]string{rvpwire.HeaderNotificationType: "update/propchange",
		rvpwire.HeaderCallBack: principal("alice")}, "")
	bob.setState(rvpwire.StateOnline, "")
	if _, st := presenceOf(t, la.next(t)); st != rvpwire.StateOnline {
		t.Fatalf("want online, got %s", st)
	}
	body := imBody("alice", "bob", "hi")
	for i := range 2 {
		if r := alice.do("NOTIFY", "bob", imHeaders(), body); r.code != http.StatusPreconditionFailed {
			t.Fatalf("attempt %d to a dead callback: %d, want 412", i, r.code)
		}
	}
	// Declared dead: watchers see bob offline, senders get 412 at once.
	if _, st := presenceOf(t, la.next(t)); st != rvpwire.StateOffline {
		t.Fatalf("after death: %s", st)
	}
	r := bob.do("SUBSCRIPTIONS", "bob", map[string]string{rvpwire.HeaderNotificationType: "pragma/notify"}, "")
	if list, err := rvpwire.ParseSubscriptions(r.doc(t)); err != nil || len(list) != 0 {
		t.Fatalf("dead login still listed: %+v %v", list, err)
	}
}
