package rvpclient

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"rendezvous/internal/rvpwire"
)

// srvResolver answers _rvp._tcp.<domain> with the host and port of a test
// server, per domain; other names are not found.
type srvResolver map[string]string // domain -> host:port

func (r srvResolver) LookupSRV(_ context.Context, service, proto, name string) (string, []*net.SRV, error) {
	addr, ok := r[name]
	if service != "rvp" || proto != "tcp" || !ok {
		return "", nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return "", []*net.SRV{{Target: host + ".", Port: uint16(p)}}, nil
}

// srvFor returns a resolver whose SRV record for domain names serverURL.
func srvFor(t testing.TB, serverURL, domain string) srvResolver {
	t.Helper()
	return srvResolver{domain: strings.TrimPrefix(serverURL, "http://")}
}

// recorded is a request seen by a fake server, with its body.
type recorded struct {
	path   string
	header http.Header
	body   []byte
}

// bodyLog records the requests of one method a fake server gets, bodies
// included, and lets them through to the fake (hook).
type bodyLog struct {
	mu   sync.Mutex
	reqs []recorded
}

// recordBodies installs the recording hook on f; answer, if not nil, may
// answer a recorded request itself (true: answered).
func recordBodies(f *fakeServer, method string, answer func(http.ResponseWriter, *http.Request) bool) *bodyLog {
	l := &bodyLog{}
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != method {
			return false
		}
		b, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(b))
		l.mu.Lock()
		l.reqs = append(l.reqs, recorded{path: r.URL.Path, header: r.Header.Clone(), body: b})
		l.mu.Unlock()
		return answer != nil && answer(w, r)
	})
	return l
}

func (l *bodyLog) all() []recorded {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.reqs)
}

// notifyBody decodes the r:notification of a recorded NOTIFY.
func notifyBody(t *testing.T, r recorded) (rvpwire.Notification, *rvpwire.Element) {
	t.Helper()
	root, err := rvpwire.Decode(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	n, err := rvpwire.ParseNotification(root)
	if err != nil {
		t.Fatal(err)
	}
	return n, root
}

func hrefs(cs []rvpwire.Contact) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Href
	}
	return out
}

// TestSRVFormOnTheWire: a client that found its server through an SRV
// record names itself and the people of its domain with the SRV target
// (as librvp and Miranda do) in RVP-From-Principal, Call-Back, message
// hrefs and ACEs, and reads that form back as sign-in names of its domain.
func TestSRVFormOnTheWire(t *testing.T) {
	f := newFakeServer(t, "alice", "bob")
	srv := startFake(t, f)
	host := strings.TrimPrefix(srv, "http://")
	form := func(alias string) string { return "http://" + host + "/instmsg/aliases/" + alias }
	alice, aev := newTestClient(t, "", func(o *Options) { o.Resolver = srvFor(t, srv, "example.com") })
	bob, bev := newTestClient(t, srv, nil) // ServerURL: the logical form
	signIn(t, alice, "alice")
	signIn(t, bob, "bob")
	ctx := testCtx(t)
	if _, err := alice.AddContact(ctx, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	subs := f.requests(rvpwire.MethodSubscribe)
	if len(subs) != 5 { // alice: login, own node, bob; bob: login, own node
		t.Fatalf("%d SUBSCRIBEs, want 5", len(subs))
	}
	for _, r := range subs {
		from, cb := r.Header.Get(rvpwire.HeaderFromPrincipal), r.Header.Get(rvpwire.HeaderCallBack)
		if from == "http://example.com/instmsg/aliases/bob" { // bob (ServerURL): the logical form
			continue
		}
		if from != form("alice") {
			t.Errorf("alice's SUBSCRIBE %s: RVP-From-Principal %q, want %q", r.URL.Path, from, form("alice"))
		}
		if r.Header.Get(rvpwire.HeaderNotificationType) == string(rvpwire.UpdatePropchange) && cb != form("alice") {
			t.Errorf("alice's propchange SUBSCRIBE %s: Call-Back %q, want %q", r.URL.Path, cb, form("alice"))
		}
	}

	notifies := recordBodies(f, rvpwire.MethodNotify, nil)
	cv, _ := alice.StartConversation("bob@example.com")
	if err := cv.Send(ctx, "hello in the SRV form"); err != nil {
		t.Fatal(err)
	}
	bev.wait(t, "alice's message at bob", isMessage("alice@example.com", "hello in the SRV form"))
	sent := notifies.all()
	if len(sent) != 1 || sent[0].header.Get(rvpwire.HeaderFromPrincipal) != form("alice") {
		t.Fatalf("alice's NOTIFYs: %+v, want one from %q", sent, form("alice"))
	}
	n, _ := notifyBody(t, sent[0])
	if n.From.Href != form("alice") || !slices.Equal(hrefs(n.To), []string{form("bob")}) {
		t.Errorf("alice's NOTIFY: from %q to %q, want %q to [%q]", n.From.Href, hrefs(n.To), form("alice"), form("bob"))
	}

	// Bob answers in librvp's words: his URLs in alice's server form.
	bcv := bob.Conversation(cv.ID())
	if bcv == nil {
		t.Fatal("bob has no conversation")
	}
	im := rvpwire.TextIM(cv.ID(), "", "answer in the SRV form").String()
	doc := rvpwire.Notification{From: rvpwire.Contact{Href: form("bob"), Description: "Bob Builder"},
		To: []rvpwire.Contact{{Href: form("alice")}}, MIME: &im}.Element()
	if err := alice.handleNotify(nil, rvpwire.Marshal(doc)); err != nil {
		t.Fatal(err)
	}
	ev := aev.wait(t, "bob's answer at alice", isMessage("bob@example.com", "answer in the SRV form"))
	if m := ev.(MessageEvent); m.SessionID != cv.ID() {
		t.Errorf("bob's answer in %s, want alice's conversation %s", m.SessionID, cv.ID())
	}
	if got := cv.Participants(); !slices.Equal(got, []string{"bob@example.com"}) {
		t.Errorf("participants %q, want only bob@example.com", got)
	}
	upd := rvpwire.PropertyUpdate{State: &rvpwire.LeasedState{Value: rvpwire.StateAway}}
	doc = rvpwire.Notification{From: rvpwire.Contact{Href: form("bob")}, To: []rvpwire.Contact{{Href: form("alice")}}, Update: &upd}.Element()
	if err := alice.handleNotify(nil, rvpwire.Marshal(doc)); err != nil {
		t.Fatal(err)
	}
	aev.wait(t, "bob away at alice", isPresence("bob@example.com", StateAway))
	upd = rvpwire.PropertyUpdate{State: &rvpwire.LeasedState{Value: rvpwire.StateBusy}}
	doc = rvpwire.Notification{From: rvpwire.Contact{Href: form("alice")}, To: []rvpwire.Contact{{Href: form("alice")}}, Update: &upd}.Element()
	if err := alice.handleNotify(nil, rvpwire.Marshal(doc)); err != nil {
		t.Fatal(err)
	}
	aev.wait(t, "own presence in the SRV form", func(e Event) bool {
		p, ok := e.(PresenceEvent)
		return ok && p.Self && p.Contact == "alice@example.com" && p.State == StateBusy
	})
}

// TestSRVFormACL: Block writes the ACE in the session's form, and ACL
// reads any form back as the logical URL.
func TestSRVFormACL(t *testing.T) {
	f := newFakeServer(t, "alice")
	srv := startFake(t, f)
	host := strings.TrimPrefix(srv, "http://")
	acl := rvpwire.ACL{ACEs: []rvpwire.ACE{
		{Principal: "http://" + host + "/instmsg/aliases/bob", Deny: []rvpwire.Right{rvpwire.RightSendTo}, Credentials: []rvpwire.Credential{rvpwire.CredDigest}},
		{Principal: "http://other.test/instmsg/aliases/zed", Grant: []rvpwire.Right{rvpwire.RightSendTo}, Credentials: []rvpwire.Credential{rvpwire.CredDigest}},
		{All: true, Grant: []rvpwire.Right{rvpwire.RightSendTo}, Credentials: []rvpwire.Credential{rvpwire.CredDigest}},
	}}
	sets := recordBodies(f, rvpwire.MethodACL, func(w http.ResponseWriter, r *http.Request) bool {
		w.Header().Set("Content-Type", "text/xml")
		w.Write(rvpwire.Marshal(acl.Element()))
		return true
	})
	c, _ := newTestClient(t, "", func(o *Options) { o.Resolver = srvFor(t, srv, "example.com") })
	signIn(t, c, "alice")
	ctx := testCtx(t)
	if err := c.Block(ctx, "bob@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := c.Block(ctx, "zed@other.test"); err != nil {
		t.Fatal(err)
	}
	var principals []string
	for _, r := range sets.all() {
		root, err := rvpwire.Decode(bytes.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		got, err := rvpwire.ParseACL(root)
		if err != nil || len(got.ACEs) != 1 {
			t.Fatalf("ACL set body: %+v, %v", got, err)
		}
		principals = append(principals, got.ACEs[0].Principal)
	}
	want := []string{"http://" + host + "/instmsg/aliases/bob", "http://other.test/instmsg/aliases/zed"}
	if !slices.Equal(principals, want) {
		t.Errorf("ACE principals %q, want %q", principals, want)
	}
	got, err := c.ACL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.ACEs) != 3 || got.ACEs[0].Principal != "http://example.com/instmsg/aliases/bob" ||
		got.ACEs[1].Principal != "http://other.test/instmsg/aliases/zed" || !got.ACEs[2].All || got.ACEs[2].Principal != "" {
		t.Errorf("ACL() = %+v, want bob in the logical form, zed and allprincipals unchanged", got.ACEs)
	}
}

// TestServerURLFormIsLogical: with a ServerURL override the client names
// itself by its domain, and reads principal URLs naming the override's
// host as its domain's people.
func TestServerURLFormIsLogical(t *testing.T) {
	f := newFakeServer(t, "alice")
	srv := startFake(t, f)
	c, ev := newTestClient(t, srv, nil)
	signIn(t, c, "alice")
	for _, r := range f.requests(rvpwire.MethodSubscribe) {
		if got := r.Header.Get(rvpwire.HeaderFromPrincipal); got != "http://example.com/instmsg/aliases/alice" {
			t.Errorf("RVP-From-Principal %q with ServerURL, want the logical form", got)
		}
	}
	im := rvpwire.TextIM(rvpwire.NewSessionID(), "", "via the server's address").String()
	host := strings.TrimPrefix(srv, "http://")
	doc := rvpwire.Notification{From: rvpwire.Contact{Href: "http://" + host + "/instmsg/aliases/bob"},
		To: []rvpwire.Contact{{Href: "http://" + host + "/instmsg/aliases/alice"}}, MIME: &im}.Element()
	if err := c.handleNotify(nil, rvpwire.Marshal(doc)); err != nil {
		t.Fatal(err)
	}
	ev.wait(t, "message from bob@example.com", isMessage("bob@example.com", "via the server's address"))
}

// TestSRVFormRefused: a server that refuses the login in the SRV form
// (it does not know its SRV target as one of its names) gets the logical
// form, for the whole session.
func TestSRVFormRefused(t *testing.T) {
	f := newFakeServer(t, "alice")
	srv := startFake(t, f)
	logical := "http://example.com/instmsg/aliases/alice"
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get(rvpwire.HeaderFromPrincipal) != logical {
			w.WriteHeader(http.StatusForbidden)
			return true
		}
		return false
	})
	c, _ := newTestClient(t, "", func(o *Options) { o.Resolver = srvFor(t, srv, "example.com") })
	signIn(t, c, "alice")
	if err := c.SetStatus(testCtx(t), StateBusy); err != nil {
		t.Fatal(err)
	}
	var froms []string
	for _, r := range f.requests(rvpwire.MethodSubscribe) {
		froms = append(froms, r.Header.Get(rvpwire.HeaderFromPrincipal))
	}
	host := strings.TrimPrefix(srv, "http://")
	want := []string{"http://" + host + "/instmsg/aliases/alice", logical, logical} // refused login, login, own node
	if !slices.Equal(froms, want) {
		t.Errorf("SUBSCRIBEs from %q, want %q", froms, want)
	}
	if ps := f.requests(rvpwire.MethodProppatch); len(ps) != 2 || ps[1].Header.Get(rvpwire.HeaderFromPrincipal) != logical {
		t.Errorf("PROPPATCHes %d, want 2 in the logical form", len(ps))
	}
}
