package rvpclient

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

// fakeServer is a small RVP server for unit tests: Digest auth with the real
// verifier, login and propchange subscriptions, renewals, PROPPATCH with
// view-ids, NOTIFY routing to callbacks or poll queues, POLL with acks. The
// integration tests use the real rvpserver; this fake lets unit tests
// script failures (hooks) and run in memory under testing/synctest.
type fakeServer struct {
	t      testing.TB
	domain string
	v      *digest.Verifier
	creds  map[string]digest.Credentials

	mu        sync.Mutex
	reqs      []*http.Request // clones of authenticated requests, for assertions
	refused   int             // requests answered 401
	nextID    uint64
	subs      map[uint64]*fakeSub
	states    map[string]rvpwire.State
	names     map[string]string
	grant     int64 // Subscription-Lifetime granted; default 14400
	lease     int64 // status lease granted; default: as asked
	views     int
	noPoll    bool
	md5Only   bool                                              // offer only the MD5 challenge
	assertion bool                                              // no Digest: trust RVP-From-Principal (a foreign server)
	hook      func(w http.ResponseWriter, r *http.Request) bool // true: handled
	queueSig  chan struct{}
	cbClient  *http.Client
}

type fakeSub struct {
	id        uint64
	node      string // alias the subscription is on
	owner     string // subscriber alias
	typ       rvpwire.NotificationType
	callback  string
	queue     []rvpwire.PollPart
	seq       uint64
	pollCount int
}

func newFakeServer(t testing.TB, users ...string) *fakeServer {
	t.Helper()
	v, err := digest.NewVerifier(&digest.VerifierOptions{Realm: "example.com"})
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeServer{t: t, domain: "example.com", v: v, creds: map[string]digest.Credentials{},
		subs: map[uint64]*fakeSub{}, states: map[string]rvpwire.State{}, names: map[string]string{},
		grant: 14400, nextID: 100, queueSig: make(chan struct{}), cbClient: &http.Client{Timeout: 5 * time.Second}}
	for _, u := range users {
		f.creds[u] = digest.NewCredentials(u, "pw-"+u, "example.com", []string{"example.com"}, nil)
		f.names[u] = strings.ToUpper(u[:1]) + u[1:] + " Example"
	}
	return f
}

// requests returns the authenticated requests with the given method.
func (f *fakeServer) requests(method string) []*http.Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*http.Request
	for _, r := range f.reqs {
		if r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeServer) setHook(h func(w http.ResponseWriter, r *http.Request) bool) {
	f.mu.Lock()
	f.hook = h
	f.mu.Unlock()
}

// forget drops every subscription, as a restart with a fresh store would.
func (f *fakeServer) forget() {
	f.mu.Lock()
	f.subs = map[uint64]*fakeSub{}
	close(f.queueSig)
	f.queueSig = make(chan struct{})
	f.mu.Unlock()
}

func (f *fakeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	uri := r.RequestURI
	if uri == "" {
		uri = r.URL.RequestURI()
	}
	f.mu.Lock()
	v := f.v
	f.mu.Unlock()
	user, err := v.Verify(r.Method, uri, r.Header.Get("Authorization"), f.lookup)
	if f.assertion { // federation: identity from RVP-From-Principal
		n, perr := rvpwire.ParseNodeURL(r.Header.Get(rvpwire.HeaderFromPrincipal), "")
		user, err = n.Alias, perr
	}
	if err != nil {
		f.mu.Lock()
		f.refused++
		f.mu.Unlock()
		for _, c := range v.Challenge(digest.ChallengeStale(err)) {
			if !f.md5Only || strings.Contains(c, "MD5") {
				w.Header().Add("WWW-Authenticate", c)
			}
		}
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, r.Clone(context.Background()))
	hook := f.hook
	f.mu.Unlock()
	if hook != nil && hook(w, r) {
		return
	}
	node, err := rvpwire.ParseNodeURL(r.URL.Path, f.domain)
	if err != nil {
		http.Error(w, err.Error(), http.StatusNotFound)
		return
	}
	body, _ := io.ReadAll(r.Body)
	w.Header().Set(rvpwire.HeaderVersion, rvpwire.Version)
	f.dispatch(w, r, digest.Alias(user), node.Alias, body)
}

func (f *fakeServer) lookup(username string, alg digest.Algorithm) (string, error) {
	f.mu.Lock()
	c, ok := f.creds[digest.Alias(username)]
	f.mu.Unlock()
	if !ok {
		return "", &digest.Error{Kind: digest.ErrUnknownUser}
	}
	return c.HA1(alg, username)
}

func (f *fakeServer) dispatch(w http.ResponseWriter, r *http.Request, user, node string, body []byte) {
	switch r.Method {
	case rvpwire.MethodSubscribe:
		f.subscribe(w, r, user, node)
	case rvpwire.MethodUnsubscribe:
		f.unsubscribe(w, r)
	case rvpwire.MethodProppatch:
		f.proppatch(w, user, body)
	case rvpwire.MethodNotify:
		f.notify(w, r, node, body)
	case rvpwire.MethodPoll:
		f.poll(w, r)
	default:
		w.WriteHeader(http.StatusNotImplemented)
	}
}

func (f *fakeServer) subscribe(w http.ResponseWriter, r *http.Request, user, node string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if idText := r.Header.Get(rvpwire.HeaderSubscriptionID); idText != "" {
		id, _ := strconv.ParseUint(idText, 10, 64)
		if f.subs[id] == nil {
			w.WriteHeader(http.StatusNotFound)
			return
		}
		w.Header().Set(rvpwire.HeaderSubscriptionID, idText)
		w.Header().Set(rvpwire.HeaderLifetime, strconv.FormatInt(f.grant, 10))
		return
	}
	typ, _ := rvpwire.ParseNotificationType(r.Header.Get(rvpwire.HeaderNotificationType))
	cb := r.Header.Get(rvpwire.HeaderCallBack)
	if typ == rvpwire.PragmaNotify && cb == rvpwire.CallBackPoll && f.noPoll {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusNotImplemented)
		io.WriteString(w, "Polling is not enabled on this server.")
		return
	}
	f.nextID++
	f.subs[f.nextID] = &fakeSub{id: f.nextID, node: node, owner: user, typ: typ, callback: cb}
	w.Header().Set(rvpwire.HeaderSubscriptionID, strconv.FormatUint(f.nextID, 10))
	w.Header().Set(rvpwire.HeaderLifetime, strconv.FormatInt(f.grant, 10))
	if typ == rvpwire.PragmaNotify {
		if cb == rvpwire.CallBackPoll {
			w.Header().Set(rvpwire.HeaderPollLifetime, "300")
		}
		return
	}
	st := f.states[node]
	if st == "" {
		st = rvpwire.StateOffline
	}
	name := f.names[node]
	props := rvpwire.Props{State: st, DisplayName: &name}
	doc := rvpwire.Multistatus(rvpwire.Response{Href: rvpwire.PrincipalURL(f.domain, node),
		Propstats: []rvpwire.Propstat{{Props: props.Elements(), Status: 200}}})
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusMultiStatus)
	w.Write(rvpwire.Marshal(doc))
}

func (f *fakeServer) unsubscribe(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseUint(r.Header.Get(rvpwire.HeaderSubscriptionID), 10, 64)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.subs[id] == nil {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	delete(f.subs, id)
}

func (f *fakeServer) proppatch(w http.ResponseWriter, user string, body []byte) {
	root, err := rvpwire.Decode(bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	pu, err := rvpwire.ParsePropertyUpdate(root)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	var echo []*rvpwire.Element
	changed := false
	if pu.State != nil {
		ls := *pu.State
		if ls.ViewID == "" {
			f.views++
			ls.ViewID = strconv.Itoa(f.views)
		}
		if f.lease > 0 {
			ls.Timeout = f.lease
		}
		changed = f.states[user] != ls.Value
		f.states[user] = ls.Value
		echo = append(echo, ls.Element())
	}
	if pu.Props.DisplayName != nil {
		f.names[user] = *pu.Props.DisplayName
		changed = true
	}
	echo = append(echo, pu.Props.Elements()...)
	f.mu.Unlock()
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(http.StatusMultiStatus)
	w.Write(rvpwire.Marshal(rvpwire.Multistatus(rvpwire.Response{Href: rvpwire.PrincipalURL(f.domain, user),
		Propstats: []rvpwire.Propstat{{Props: echo, Status: 200}}})))
	if changed {
		f.propchange(user, pu)
	}
}

// propchange notifies the watchers of node (through their logins).
func (f *fakeServer) propchange(node string, pu rvpwire.PropertyUpdate) {
	f.mu.Lock()
	var watchers []string
	for _, s := range f.subs {
		if s.node == node && s.typ == rvpwire.UpdatePropchange {
			watchers = append(watchers, s.owner)
		}
	}
	f.mu.Unlock()
	for _, w := range watchers {
		n := rvpwire.Notification{From: rvpwire.Contact{Href: rvpwire.PrincipalURL(f.domain, node)},
			To: []rvpwire.Contact{{Href: rvpwire.PrincipalURL(f.domain, w)}}, Update: &pu}
		f.deliver(w, rvpwire.Marshal(n.Element()))
	}
}

func (f *fakeServer) notify(w http.ResponseWriter, _ *http.Request, node string, body []byte) {
	if f.deliver(node, body) == 0 {
		w.WriteHeader(http.StatusPreconditionFailed)
	}
}

// deliver sends body to every login of alias (callback or poll queue) and
// returns how many took it.
func (f *fakeServer) deliver(alias string, body []byte) int {
	f.mu.Lock()
	var cbs []string
	n := 0
	for _, s := range f.subs {
		if s.node != alias || s.typ != rvpwire.PragmaNotify {
			continue
		}
		if s.callback == rvpwire.CallBackPoll {
			s.seq++
			h := http.Header{}
			rvpwire.SetHeader(h, rvpwire.HeaderFromPrincipal, f.domain)
			s.queue = append(s.queue, rvpwire.PollPart{Seq: s.seq, Request: rvpwire.FormatNotify("/", "client", h, body)})
			n++
		} else {
			cbs = append(cbs, s.callback)
		}
	}
	close(f.queueSig)
	f.queueSig = make(chan struct{})
	f.mu.Unlock()
	for _, cb := range cbs {
		req, _ := http.NewRequest(rvpwire.MethodNotify, cb, bytes.NewReader(body))
		req.Header.Set("Content-Type", "text/xml")
		if resp, err := f.cbClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				n++
			}
		}
	}
	return n
}

func (f *fakeServer) poll(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseUint(r.Header.Get(rvpwire.HeaderSubscriptionID), 10, 64)
	ack, _ := strconv.ParseUint(r.Header.Get(rvpwire.HeaderPollAck), 10, 64)
	hold, _ := strconv.Atoi(r.Header.Get(rvpwire.HeaderPollLifetime))
	timer := time.NewTimer(time.Duration(hold) * time.Second)
	defer timer.Stop()
	for {
		f.mu.Lock()
		s := f.subs[id]
		if s == nil {
			f.mu.Unlock()
			w.WriteHeader(http.StatusNotFound)
			return
		}
		s.pollCount++
		for len(s.queue) > 0 && s.queue[0].Seq <= ack {
			s.queue = s.queue[1:]
		}
		parts, sig := append([]rvpwire.PollPart(nil), s.queue...), f.queueSig
		f.mu.Unlock()
		w.Header().Set(rvpwire.HeaderPollLifetime, strconv.Itoa(hold))
		if len(parts) > 0 {
			ct, body := rvpwire.WritePollAnswer(parts)
			w.Header().Set("Content-Type", ct)
			w.Write(body)
			return
		}
		select {
		case <-sig:
		case <-timer.C:
			w.WriteHeader(http.StatusNoContent)
			return
		case <-r.Context().Done():
			return
		}
	}
}

// setPassword changes a user's password.
func (f *fakeServer) setPassword(alias, pw string) {
	f.mu.Lock()
	f.creds[alias] = digest.NewCredentials(alias, pw, "example.com", []string{"example.com"}, nil)
	f.mu.Unlock()
}
