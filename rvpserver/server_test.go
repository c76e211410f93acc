package rvpserver

import (
	"net/http"
	"strings"
	"testing"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

func TestAuthChallengeAndFailures(t *testing.T) {
	e := newEnv(t, nil)
	req, _ := http.NewRequest("PROPFIND", e.hs.URL+"/instmsg/aliases/bob", nil)
	req.Host = testDomain
	req.Header.Set("Depth", "0")
	r := roundTrip(t, req)
	if r.code != http.StatusUnauthorized {
		t.Fatalf("no credentials: %d, want 401", r.code)
	}
	chs := r.header.Values("WWW-Authenticate")
	if len(chs) != 2 {
		t.Fatalf("challenges = %q", chs)
	}
	var algs []digest.Algorithm
	var nonces []string
	for _, h := range chs {
		c, err := digest.ParseChallenges(h)
		if err != nil || len(c) != 1 {
			t.Fatalf("challenge %q: %v", h, err)
		}
		algs, nonces = append(algs, c[0].Algorithm), append(nonces, c[0].Nonce)
		if c[0].Realm != testDomain {
			t.Errorf("realm %q", c[0].Realm)
		}
	}
	if algs[0] != digest.SHA256 || algs[1] != digest.MD5 || nonces[0] != nonces[1] {
		t.Fatalf("want SHA-256 then MD5 with one nonce, got %v %v", algs, nonces)
	}

	good := e.user("alice")
	if r := good.do("PROPFIND", "bob", map[string]string{"Depth": "0"}, ""); r.code != http.StatusMultiStatus {
		t.Fatalf("good password: %d %s", r.code, r.body)
	}
	bad := e.user("alice")
	bad.dc, _ = digest.NewClient("alice", "wrong")
	if r := bad.do("PROPFIND", "bob", map[string]string{"Depth": "0"}, ""); r.code != http.StatusUnauthorized {
		t.Fatalf("bad password: %d, want 401", r.code)
	}

	// A replayed Authorization (same nonce count) is refused.
	path := "/instmsg/aliases/bob"
	auth, ok := good.dc.Authorize("PROPFIND", path)
	if !ok {
		t.Fatal("no session")
	}
	for i, want := range []int{http.StatusMultiStatus, http.StatusUnauthorized} {
		req, _ := http.NewRequest("PROPFIND", e.hs.URL+path, nil)
		req.Host = testDomain
		req.Header.Set("Depth", "0")
		req.Header.Set("Authorization", auth)
		req.Header.Set(rvpwire.HeaderFromPrincipal, principal("alice"))
		if r := roundTrip(t, req); r.code != want {
			t.Fatalf("attempt %d: %d, want %d", i, r.code, want)
		}
	}

	// Authenticated as alice but claiming to be bob.
	r = good.do("PROPFIND", "bob", map[string]string{"Depth": "0", rvpwire.HeaderFromPrincipal: principal("bob")}, "")
	if r.code != http.StatusForbidden {
		t.Fatalf("principal mismatch: %d, want 403", r.code)
	}
}

func TestUnsupportedMethods(t *testing.T) {
	e := newEnv(t, nil)
	for m, want := range map[string]int{"GET": 501, "HEAD": 501, "POST": 501, "PUT": 501, "LOCK": 501,
		"UNLOCK": 501, "OPTIONS": 501, "COPY": 405, "MOVE": 405} {
		req, _ := http.NewRequest(m, e.hs.URL+"/instmsg/aliases/bob", nil)
		if r := roundTrip(t, req); r.code != want {
			t.Errorf("%s: %d, want %d", m, r.code, want)
		}
	}
}

func TestSubscribeLifecycle(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.user("alice")
	l := newListener(t)
	id := alice.login(l.URL)
	if id == "" {
		t.Fatal("no Subscription-Id")
	}
	// Renewal: 200, headers only, clamped lifetime.
	r := alice.do("SUBSCRIBE", "alice", map[string]string{rvpwire.HeaderSubscriptionID: id, rvpwire.HeaderLifetime: "999999"}, "")
	if r.code != 200 || r.header.Get(rvpwire.HeaderLifetime) != "86400" || len(r.body) != 0 {
		t.Fatalf("renew: %d lifetime %q body %q", r.code, r.header.Get(rvpwire.HeaderLifetime), r.body)
	}
	// No lifetime: the default is granted and said.
	r = alice.do("SUBSCRIBE", "bob", map[string]string{rvpwire.HeaderNotificationType: "update/propchange",
		rvpwire.HeaderCallBack: principal("alice")}, "")
	if r.code != http.StatusMultiStatus || r.header.Get(rvpwire.HeaderLifetime) != "14400" {
		t.Fatalf("propchange: %d lifetime %q", r.code, r.header.Get(rvpwire.HeaderLifetime))
	}
	rs, err := rvpwire.ParseMultistatus(r.doc(t))
	if err != nil || len(rs) != 1 || rs[0].Href != principal("bob") {
		t.Fatalf("207 body: %v %+v", err, rs)
	}
	p := rvpwire.PropsFrom(rs[0].Propstats[0].Props)
	if p.State != rvpwire.StateOffline || p.DisplayName == nil || *p.DisplayName != "Bob Example" || rs[0].Propstats[0].Status != 200 {
		t.Fatalf("props: %+v", p)
	}
	propID := r.header.Get(rvpwire.HeaderSubscriptionID)

	// bob sees alice watching him.
	bob := e.user("bob")
	r = bob.do("SUBSCRIPTIONS", "bob", map[string]string{rvpwire.HeaderNotificationType: "update/propchange"}, "")
	list, err := rvpwire.ParseSubscriptions(r.doc(t))
	if r.code != 200 || err != nil || len(list) != 1 || list[0].Principal != principal("alice") || list[0].Timeout <= 14000 {
		t.Fatalf("SUBSCRIPTIONS: %d %v %+v", r.code, err, list)
	}
	// alice may not list bob's watchers.
	if r := alice.do("SUBSCRIPTIONS", "bob", nil, ""); r.code != 403 {
		t.Fatalf("foreign SUBSCRIPTIONS: %d", r.code)
	}
	// Errors: missing headers 400, unknown id 404, others' subscription 403.
	if r := alice.do("SUBSCRIBE", "bob", map[string]string{rvpwire.HeaderNotificationType: "update/propchange"}, ""); r.code != 400 {
		t.Fatalf("no Call-Back: %d", r.code)
	}
	if r := alice.do("UNSUBSCRIBE", "bob", map[string]string{rvpwire.HeaderSubscriptionID: "987654"}, ""); r.code != 404 {
		t.Fatalf("unknown id: %d", r.code)
	}
	if r := alice.do("UNSUBSCRIBE", "bob", nil, ""); r.code != 400 {
		t.Fatalf("no id: %d", r.code)
	}
	carol := e.user("carol")
	if r := carol.do("UNSUBSCRIBE", "bob", map[string]string{rvpwire.HeaderSubscriptionID: propID}, ""); r.code != 403 {
		t.Fatalf("carol cancels alice's: %d", r.code)
	}
	if r := alice.do("UNSUBSCRIBE", "bob", map[string]string{rvpwire.HeaderSubscriptionID: propID}, ""); r.code != 200 {
		t.Fatalf("unsubscribe: %d", r.code)
	}
	if r := alice.do("SUBSCRIBE", "bob", map[string]string{rvpwire.HeaderSubscriptionID: propID}, ""); r.code != 404 {
		t.Fatalf("renew cancelled: %d", r.code)
	}
	if r := alice.do("SUBSCRIBE", "nobody", map[string]string{rvpwire.HeaderNotificationType: "update/propchange",
		rvpwire.HeaderCallBack: principal("alice")}, ""); r.code != 404 {
		t.Fatalf("unknown node: %d", r.code)
	}
	if r := alice.do("SUBSCRIBE", "bob", map[string]string{rvpwire.HeaderNotificationType: "pragma/notify",
		rvpwire.HeaderCallBack: l.URL}, ""); r.code != 403 {
		t.Fatalf("login on bob's node: %d", r.code)
	}
}

func TestPropfind(t *testing.T) {
	e := newEnv(t, nil)
	alice := e.user("alice")
	body := `<?xml version="1.0"?><D:propfind xmlns:D="DAV:" xmlns:Z="http://schemas.microsoft.com/rvp/"><D:prop><D:displayname/><Z:state/><Z:no-such-prop/></D:prop></D:propfind>`
	r := alice.do("PROPFIND", "bob", map[string]string{"Depth": "0", "Content-Type": "text/xml"}, body)
	if r.code != http.StatusMultiStatus {
		t.Fatalf("PROPFIND: %d %s", r.code, r.body)
	}
	if !strings.HasPrefix(string(r.body), `<?xml version="1.0"?><d:multistatus xmlns:d='DAV:' xmlns:r='http://schemas.microsoft.com/rvp/' xmlns:a='http://schemas.microsoft.com/rvp/acl/'>`) {
		t.Errorf("root element not in the fixed-prefix form: %.160s", r.body)
	}
	rs, err := rvpwire.ParseMultistatus(r.doc(t))
	if err != nil || len(rs) != 1 || len(rs[0].Propstats) != 2 {
		t.Fatalf("%v %+v", err, rs)
	}
	ok, missing := rs[0].Propstats[0], rs[0].Propstats[1]
	if ok.Status != 200 || len(ok.Props) != 2 || !rvpwire.PropDisplayName.Is(ok.Props[0]) || !rvpwire.PropState.Is(ok.Props[1]) {
		t.Fatalf("200 propstat: %+v", ok)
	}
	if missing.Status != 404 || len(missing.Props) != 1 || !missing.Props[0].Is(rvpwire.NSRVP, "no-such-prop") {
		t.Fatalf("404 propstat: %+v", missing)
	}
	for _, d := range []string{"", "1", "infinity"} {
		h := map[string]string{}
		if d != "" {
			h["Depth"] = d
		}
		if r := alice.do("PROPFIND", "bob", h, body); r.code != 412 {
			t.Errorf("Depth %q: %d, want 412", d, r.code)
		}
	}
	if r := alice.do("PROPFIND", "bob", map[string]string{"Depth": "0"}, "<d:propfind"); r.code != 400 {
		t.Errorf("malformed: %d", r.code)
	}
	if r := alice.do("PROPFIND", "bob", map[string]string{"Depth": "0"}, strings.Repeat(" ", MaxOtherBody+1)); r.code != 413 {
		t.Errorf("oversized: %d", r.code)
	}
}
