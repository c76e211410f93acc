package rvpserver

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

const testDomain = "example.com"

// env is a started server on a loopback httptest.Server with users alice,
// bob and carol (password "pw-"+alias).
type env struct {
	t   *testing.T
	srv *Server
	hs  *httptest.Server
}

func newEnv(t *testing.T, mod func(*Options)) *env {
	t.Helper()
	opts := &Options{Domains: []string{testDomain}, CallbackTimeout: 2 * time.Second}
	if mod != nil {
		mod(opts)
	}
	return startEnv(t, opts, true)
}

func startEnv(t *testing.T, opts *Options, addUsers bool) *env {
	t.Helper()
	s, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, srv: s, hs: httptest.NewServer(s)}
	t.Cleanup(func() {
		_ = s.Shutdown(context.Background())
		e.hs.Close()
	})
	if addUsers {
		for _, u := range []string{"alice", "bob", "carol"} {
			if err := s.AddUser(context.Background(), u, "pw-"+u, strings.ToUpper(u[:1])+u[1:]+" Example"); err != nil {
				t.Fatal(err)
			}
		}
	}
	return e
}

func principal(alias string) string { return rvpwire.PrincipalURL(testDomain, alias) }

// user is a Digest-authenticating RVP client for tests.
type user struct {
	e     *env
	alias string
	dc    *digest.Client
}

func (e *env) user(alias string) *user {
	dc, err := digest.NewClient(alias, "pw-"+alias)
	if err != nil {
		e.t.Fatal(err)
	}
	return &user{e: e, alias: alias, dc: dc}
}

// resp is a read response.
type resp struct {
	code   int
	header http.Header
	body   []byte
}

// doc decodes the body as XML.
func (r *resp) doc(t *testing.T) *rvpwire.Element {
	t.Helper()
	el, err := rvpwire.Decode(bytes.NewReader(r.body))
	if err != nil {
		t.Fatalf("decode %q: %v", r.body, err)
	}
	return el
}

// do sends method to the node of target with headers and body,
// authenticating with Digest (one retry after a 401).
func (u *user) do(method, target string, hdr map[string]string, body string) *resp {
	u.e.t.Helper()
	path := rvpwire.AliasesPath + target
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequest(method, u.e.hs.URL+path, strings.NewReader(body))
		if err != nil {
			u.e.t.Fatal(err)
		}
		req.Host = testDomain
		rvpwire.SetHeader(req.Header, rvpwire.HeaderVersion, rvpwire.Version)
		rvpwire.SetHeader(req.Header, rvpwire.HeaderFromPrincipal, principal(u.alias))
		for k, v := range hdr {
			rvpwire.SetHeader(req.Header, k, v)
		}
		auth, sent := u.dc.Authorize(method, path)
		if sent {
			req.Header.Set("Authorization", auth)
		}
		r := roundTrip(u.e.t, req)
		if r.code != http.StatusUnauthorized || attempt > 0 {
			return r
		}
		if err := u.dc.Challenge(r.header.Values("WWW-Authenticate"), sent); err != nil {
			return r
		}
	}
}

func roundTrip(t *testing.T, req *http.Request) *resp {
	t.Helper()
	hr, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer hr.Body.Close()
	b, err := io.ReadAll(hr.Body)
	if err != nil {
		t.Fatal(err)
	}
	if hr.Header.Get(rvpwire.HeaderVersion) != rvpwire.Version {
		t.Errorf("%s %s: RVP-Notifications-Version = %q", req.Method, req.URL, hr.Header.Get(rvpwire.HeaderVersion))
	}
	if len(hr.TransferEncoding) > 0 || hr.ContentLength < 0 {
		t.Errorf("%s %s: response not framed by Content-Length (TE %v)", req.Method, req.URL, hr.TransferEncoding)
	}
	return &resp{code: hr.StatusCode, header: hr.Header, body: b}
}

// login subscribes u's own node with a callback (or "poll") and returns
// the subscription id.
func (u *user) login(callback string) string {
	u.e.t.Helper()
	r := u.do("SUBSCRIBE", u.alias, map[string]string{
		rvpwire.HeaderNotificationType: "pragma/notify", rvpwire.HeaderCallBack: callback,
		rvpwire.HeaderLifetime: "14400"}, "")
	if r.code != http.StatusOK {
		u.e.t.Fatalf("login %s: %d %s", u.alias, r.code, r.body)
	}
	return r.header.Get(rvpwire.HeaderSubscriptionID)
}

// setState PROPPATCHes a new view with st and returns the view id.
func (u *user) setState(st rvpwire.State, viewID string) string {
	u.e.t.Helper()
	ls := rvpwire.LeasedState{Value: st, Default: rvpwire.StateOffline, Timeout: 1200, ViewID: viewID, Leased: true}
	body := rvpwire.Marshal(rvpwire.PropertyUpdate{State: &ls}.Element())
	r := u.do("PROPPATCH", u.alias, map[string]string{"Content-Type": "text/xml"}, string(body))
	if r.code != http.StatusMultiStatus {
		u.e.t.Fatalf("PROPPATCH %s: %d %s", u.alias, r.code, r.body)
	}
	rs, err := rvpwire.ParseMultistatus(r.doc(u.e.t))
	if err != nil || len(rs) != 1 || len(rs[0].Propstats) == 0 {
		u.e.t.Fatalf("PROPPATCH answer %s: %v", r.body, err)
	}
	for _, p := range rs[0].Propstats[0].Props {
		if p.Is(rvpwire.NSRVP, "state") {
			return p.TextOf(rvpwire.NSRVP, "view-id")
		}
	}
	return ""
}

// notification is one NOTIFY a callback listener received.
type notification struct {
	path   string
	header http.Header
	body   []byte
}

// listener is a loopback callback listener recording NOTIFYs.
type listener struct {
	*httptest.Server
	got  chan notification
	mu   sync.Mutex
	code int
}

func newListener(t *testing.T) *listener {
	l := &listener{got: make(chan notification, 64), code: http.StatusOK}
	l.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		l.got <- notification{path: r.URL.Path, header: r.Header, body: b}
		l.mu.Lock()
		code := l.code
		l.mu.Unlock()
		w.WriteHeader(code)
	}))
	t.Cleanup(l.Close)
	return l
}

func (l *listener) setCode(c int) {
	l.mu.Lock()
	l.code = c
	l.mu.Unlock()
}

// next returns the next notification or fails after a generous timeout.
func (l *listener) next(t *testing.T) notification {
	t.Helper()
	select {
	case n := <-l.got:
		return n
	case <-time.After(10 * time.Second):
		t.Fatal("no NOTIFY arrived")
		return notification{}
	}
}

// presenceOf decodes a presence NOTIFY and returns (from href, state).
func presenceOf(t *testing.T, n notification) (string, rvpwire.State) {
	t.Helper()
	el, err := rvpwire.Decode(bytes.NewReader(n.body))
	if err != nil {
		t.Fatal(err)
	}
	pn, err := rvpwire.ParseNotification(el)
	if err != nil || pn.Update == nil || pn.Update.State == nil {
		t.Fatalf("not a presence notification: %s (%v)", n.body, err)
	}
	return pn.From.Href, pn.Update.State.Value
}

// imBody builds an instant message from -> to.
func imBody(from, to, text string) string {
	mime := "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + text
	n := rvpwire.Notification{From: rvpwire.Contact{Href: principal(from)},
		To: []rvpwire.Contact{{Href: principal(to)}}, MIME: &mime}
	return string(rvpwire.Marshal(n.Element()))
}

func imHeaders() map[string]string {
	return map[string]string{rvpwire.HeaderAckType: "DeepOr", rvpwire.HeaderHopCount: "1", "Content-Type": "text/xml"}
}

func stringsReader(s string) io.Reader { return strings.NewReader(s) }

func newDigestClient(user, pw string) (*digest.Client, error) { return digest.NewClient(user, pw) }

func readTestdata(name string) ([]byte, error) { return os.ReadFile(filepath.Join("testdata", name)) }
