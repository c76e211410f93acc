package interop

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rendezvous/rvpclient"
)

// The scenario's accounts. librvp signs in with Digest as AUTHDOMAIN\alias,
// so rvpd is told to store credentials for that prefix.
const (
	domain     = "example.com"
	authDomain = "EXAMPLE"
	alice      = "alice@" + domain
	bob        = "bob@" + domain
	password   = "pw-interop-1"
	prplRVP    = "prpl-rvp"
)

// step bounds each wait of the scenario.
const step = 20 * time.Second

// scenario holds one run: rvpd, alice on rvpclient, bob on librvp in a
// libpurple front end.
type scenario struct {
	t       *testing.T
	fe      frontend
	ui      frontendRun
	layout  netLayout
	ctx     context.Context
	dir     string
	alice   *rvpclient.Client
	events  *eventLog[rvpclient.Event] // alice's
	purple  purple
	signals *eventLog[signal] // bob's libpurple
	wire    *wireRelay        // every request to rvpd and its status
	server  *rvpdServer
	account int // bob's PurpleAccount id
}

// TestLibrvpFinch signs bob in with librvp 0.9.7 (in finch) and alice with
// rvpclient, both on rvpd, and checks presence both ways, typing, messages
// both ways, status changes both ways and sign-out.
func TestLibrvpFinch(t *testing.T) { runScenario(t, finchFrontend, plainDomain) }

// TestLibrvpPidgin is the same scenario with Pidgin (GTK) under Xvfb, and
// saves screenshots of its buddy list and conversation window.
func TestLibrvpPidgin(t *testing.T) { runScenario(t, pidginFrontend, plainDomain) }

// TestLibrvpFinchSRV publishes _rvp._tcp.example.com -> im.example.com:80,
// the Exchange deployment layout: both clients find rvpd through the SRV
// record and address it by a host name other than the IM domain. librvp
// names everybody http://im.example.com/instmsg/aliases/<alias>; rvpd
// answers each client in its own form, and rvpclient writes and reads that
// form too (rvpclient/names.go).
func TestLibrvpFinchSRV(t *testing.T) { runScenario(t, finchFrontend, srvDomain) }

// TestLibrvpFinchSRVPort publishes an SRV record with port 8081: librvp
// then writes the port into every principal URL it sends, and so does
// rvpclient.
func TestLibrvpFinchSRVPort(t *testing.T) { runScenario(t, finchFrontend, srvPortDomain) }

// netLayout is how the clients find rvpd.
type netLayout struct {
	relay string     // where the logging relay (in front of rvpd) listens
	srv   *srvRecord // published by a DNS server on 127.0.0.1:53, if set
}

var (
	// plainDomain: no SRV record; clients fall back on example.com:80.
	plainDomain = netLayout{relay: "127.0.0.1:80"}
	srvDomain   = netLayout{relay: "127.0.0.1:80",
		srv: &srvRecord{name: "_rvp._tcp." + domain, target: imHost, port: 80}}
	srvPortDomain = netLayout{relay: "127.0.0.1:8081",
		srv: &srvRecord{name: "_rvp._tcp." + domain, target: imHost, port: 8081}}
)

// imHost is the IM server's host name in the SRV layouts.
const imHost = "im." + domain

// bobURL is bob's principal URL as librvp builds it.
func (s *scenario) bobURL() string { return s.principalURL("bob") }

// principalURL is the principal URL of alias as both librvp and rvpclient
// build it: from the server they found (the SRV target, else the domain),
// with the port unless it is 80.
func (s *scenario) principalURL(alias string) string {
	host := domain
	if rec := s.layout.srv; rec != nil {
		host = rec.target
		if rec.port != 80 {
			host = fmt.Sprintf("%s:%d", host, rec.port)
		}
	}
	return "http://" + host + "/instmsg/aliases/" + alias
}

// wantAliceForm checks that every request rvpclient sent as alice named
// her in the layout's principal URL form (RVP-From-Principal), the form
// librvp recognises her by.
func (s *scenario) wantAliceForm() {
	items, _ := s.wire.exchanges.snapshot()
	n := 0
	for _, x := range items {
		if x.User != alice {
			continue
		}
		n++
		if x.From != s.principalURL("alice") {
			s.t.Errorf("rvpclient's %s %s as alice: RVP-From-Principal %q, want %q", x.Method, x.URI, x.From, s.principalURL("alice"))
			return
		}
	}
	if n == 0 {
		s.t.Errorf("no authenticated request of alice on the wire")
	}
}

func runScenario(t *testing.T, fe frontend, layout netLayout) {
	skipUnlessRunnable(t, fe.tools...)
	if !inNamespace() {
		runInNamespace(t, t.Name())
		return
	}
	s := newScenario(t, fe, layout)
	s.bobSignsIn()
	s.presenceSeenBothWays()
	// The chats come first: librvp 0.9.7 crashes when a buddy who already
	// sent it a one-to-one message later writes in a chat (any wire form).
	carolEvents := s.signInCarol()
	s.bobHostsChat(carolEvents)
	s.ui.screenshot(fe.name + "-chat")
	s.aliceStartsGroupChat(carolEvents)
	s.ui.screenshot(fe.name + "-alice-chat")
	cv := s.aliceTypesAndWrites()
	im := s.bobReplies(cv)
	s.wantAliceForm()
	s.serverRestarts(cv, im)
	s.bobTwice(cv)
	s.bobTypes(cv)
	s.ui.screenshot(fe.name + "-conversation")
	s.bobChangesStatus()
	s.aliceChangesStatus()
	s.bobBlocksAlice(cv)
	s.aliceBlocksBob(im)
	s.bobWritesToDave()
	s.bobSignsOut(cv)
}

// newScenario starts rvpd, signs alice in and starts the front end with
// bob's account (auto-login) on a private D-Bus.
func newScenario(t *testing.T, fe frontend, layout netLayout) *scenario {
	dir := artifactDir(t)
	isolateNetwork(t, t.TempDir())
	bin := os.Getenv(envRVPD)
	data := filepath.Join(t.TempDir(), "data")
	rvpdUser(t, bin, data, "alice", "Alice Example", password)
	rvpdUser(t, bin, data, "bob", "Bob Builder", password)
	rvpdUser(t, bin, data, "carol", "Carol Example", password)
	rvpdUser(t, bin, data, "dave", "Dave Never-Online", password)
	server := startRVPD(t, bin, data, "127.0.0.1:8080", filepath.Join(dir, "rvpd.log"))
	relay := startWireRelay(t, layout.relay, "127.0.0.1:8080", filepath.Join(dir, "wire.log"), 25*time.Millisecond)
	if layout.srv != nil {
		startDNS(t, *layout.srv)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("logs: %s/{wire.log,librvp-debug.log,rvpd.log}", dir)
			t.Logf("librvp trace (tail):\n%s", tail(filepath.Join(dir, "librvp-debug.log"), 80, isRVPLine))
		}
	})

	s := &scenario{t: t, fe: fe, layout: layout, ctx: t.Context(), dir: dir, events: newEventLog[rvpclient.Event](), wire: relay, server: server}
	s.alice = rvpclient.New(&rvpclient.Options{
		CallbackHost: "127.0.0.1",
		Handler:      rvpclient.HandlerFunc(s.events.add),
	})
	t.Cleanup(func() { _ = s.alice.Close() })
	if err := s.alice.SignIn(s.ctx, rvpclient.Account{SignInName: alice, Password: password}); err != nil {
		t.Fatalf("alice (rvpclient) sign-in: %v", err)
	}
	c, err := s.alice.AddContact(s.ctx, bob)
	if err != nil {
		t.Fatalf("alice adds bob: %v", err)
	}
	if c.State != rvpclient.StateOffline {
		t.Fatalf("bob before finch starts: state %q, want offline", c.State)
	}

	bus := startBus(t, t.TempDir())
	s.purple = purple{bus: bus}
	s.signals = monitorSignals(t, bus)
	s.ui = fe.start(t, frontendEnv{
		configDir: writePurpleConfig(t, fe.ui), home: t.TempDir(), bus: bus, dir: dir,
		logPath: filepath.Join(dir, "librvp-debug.log"),
		quit:    func(ctx context.Context) error { _, err := s.purple.call(ctx, "PurpleCoreQuit"); return err },
	})
	return s
}

// bobSignsIn waits for librvp's sign-in (login SUBSCRIBE with Digest
// EXAMPLE\bob, PROPPATCH online, ...) to complete.
func (s *scenario) bobSignsIn() {
	t := s.t
	sig, err := s.signals.waitFrom(s.ctx, 0, step, "AccountSignedOn from "+s.fe.name, func(g signal) bool {
		return g.Member == "AccountSignedOn" || g.Member == "AccountConnectionError"
	})
	if err != nil {
		t.Fatalf("bob (librvp in %s) sign-in: %v", s.fe, err)
	}
	if sig.Member != "AccountSignedOn" {
		t.Fatalf("bob (librvp) sign-in failed: %v", sig.Args)
	}
	s.account, err = s.purple.callInt(s.ctx, "PurpleAccountsFind", "string:"+bob, "string:"+prplRVP)
	if err != nil || s.account == 0 {
		t.Fatalf("bob's account in finch: %d, %v", s.account, err)
	}
	if sig.Args[0] != fmt.Sprint(s.account) {
		t.Fatalf("AccountSignedOn for account %s, want bob's %d", sig.Args[0], s.account)
	}
	t.Logf("bob signed in with librvp in %s (account %d)", s.fe, s.account)
	s.wantLoginSubscribe()
}

// wantLoginSubscribe checks librvp's login on the wire: its first SUBSCRIBE
// (no credentials) is challenged, the retry with Digest user EXAMPLE\bob is
// granted.
func (s *scenario) wantLoginSubscribe() {
	items, _ := s.wire.exchanges.snapshot()
	var got []string
	for _, x := range items {
		if x.Method == "SUBSCRIBE" && x.URI == "/instmsg/aliases/bob" && x.From == s.bobURL() {
			got = append(got, fmt.Sprintf("%s:%d", x.User, x.Status))
		}
	}
	want := []string{":401", authDomain + `\bob:200`}
	if len(got) < 2 || got[0] != want[0] || got[1] != want[1] {
		s.t.Fatalf("librvp's login SUBSCRIBEs (user:status) %q, want %q first", got, want)
	}
}

// presenceSeenBothWays: alice's watch on bob reports online; librvp shows
// alice (signed in before bob) as online from its SUBSCRIBE's 207 body.
func (s *scenario) presenceSeenBothWays() {
	t := s.t
	s.wantAliceSees(0, rvpclient.StateOnline)
	buddy, err := s.purple.callInt(s.ctx, "PurpleFindBuddy", i32(s.account), "string:"+alice)
	if err != nil || buddy == 0 {
		t.Fatalf("alice on bob's buddy list: %d, %v", buddy, err)
	}
	if _, err := s.signals.waitFrom(s.ctx, 0, step, "BuddySignedOn(alice)", func(g signal) bool {
		return g.Member == "BuddySignedOn" && g.Args[0] == fmt.Sprint(buddy)
	}); err != nil {
		t.Fatalf("librvp never showed alice online: %v", err)
	}
	s.wantBobSees(rvpclient.StateOnline)
}

// aliceTypesAndWrites: a typing notification and a message with non-ASCII
// text from rvpclient reach librvp.
func (s *scenario) aliceTypesAndWrites() *rvpclient.Conversation {
	t := s.t
	cv, err := s.alice.StartConversation(bob)
	if err != nil {
		t.Fatalf("alice starts a conversation: %v", err)
	}
	from := s.signals.mark()
	if err := cv.Typing(s.ctx); err != nil {
		t.Fatalf("alice typing notification: %v", err)
	}
	if _, err := s.signals.waitFrom(s.ctx, from, step, "BuddyTyping(alice)", func(g signal) bool {
		return g.Member == "BuddyTyping" && g.Args[1] == alice
	}); err != nil {
		t.Errorf("librvp did not show alice typing: %v", err)
	}
	const text = "Hello Bob, this is Alice on rvpclient. Lunch at noon?"
	from = s.signals.mark()
	if err := cv.Send(s.ctx, text); err != nil {
		t.Fatalf("alice sends to bob: %v", err)
	}
	got, err := s.signals.waitFrom(s.ctx, from, step, "ReceivedImMsg from alice", func(g signal) bool {
		return g.Member == "ReceivedImMsg"
	})
	if err != nil {
		t.Fatalf("librvp did not receive alice's message: %v", err)
	}
	if got.Args[1] != alice || plainText(got.Args[2]) != text {
		t.Fatalf("librvp received from %q text %q (raw %q), want from %q text %q",
			got.Args[1], plainText(got.Args[2]), got.Args[2], alice, text)
	}
	t.Logf("librvp received alice's message: %q", got.Args[2])
	return cv
}

// bobReplies sends from the front end over D-Bus; rvpclient must decode it
// as a message of the same conversation (librvp reuses the Session-Id). It
// returns libpurple's IM id.
func (s *scenario) bobReplies(cv *rvpclient.Conversation) int {
	t := s.t
	const text = "Hi Alice, Bob here on librvp. Noon is fine!"
	conv, err := s.purple.callInt(s.ctx, "PurpleConversationNew", i32(purpleConvIM), i32(s.account), "string:"+alice)
	if err != nil {
		t.Fatal(err)
	}
	im, err := s.purple.callInt(s.ctx, "PurpleConvIm", i32(conv))
	if err != nil {
		t.Fatal(err)
	}
	from := s.events.mark()
	if _, err := s.purple.call(s.ctx, "PurpleConvImSend", i32(im), "string:"+text); err != nil {
		t.Fatal(err)
	}
	ev, err := s.events.waitFrom(s.ctx, from, step, "MessageEvent from bob", func(e rvpclient.Event) bool {
		_, ok := e.(rvpclient.MessageEvent)
		return ok
	})
	if err != nil {
		t.Fatalf("alice did not receive bob's reply: %v", err)
	}
	m := ev.(rvpclient.MessageEvent)
	if m.From != bob || m.Text != text {
		t.Fatalf("alice received from %q text %q, want from %q text %q", m.From, m.Text, bob, text)
	}
	if m.SessionID != cv.ID() {
		t.Errorf("bob's reply has Session-Id %s, alice's conversation is %s", m.SessionID, cv.ID())
	}
	t.Logf("alice received bob's reply: %+v", m)
	return im
}

// bobChangesStatus walks librvp through its statuses; alice must see each
// wire token.
func (s *scenario) bobChangesStatus() {
	for _, st := range []rvpclient.State{"away", "busy", "back-soon", "on-phone", "at-lunch", "idle", "online"} {
		from := s.events.mark()
		if _, err := s.purple.call(s.ctx, "PurpleAccountSetStatusList", i32(s.account), "string:"+string(st), i32(1), i32(0)); err != nil {
			s.t.Fatal(err)
		}
		s.wantAliceSees(from, st)
	}
}

// aliceChangesStatus: rvpclient's status changes reach librvp's buddy list.
func (s *scenario) aliceChangesStatus() {
	for _, st := range []rvpclient.State{rvpclient.StateAway, rvpclient.StateBusy, rvpclient.StateOnline} {
		if err := s.alice.SetStatus(s.ctx, st); err != nil {
			s.t.Fatalf("alice sets %s: %v", st, err)
		}
		s.wantBobSees(st)
		if st == rvpclient.StateAway {
			s.ui.screenshot(s.fe.name + "-alice-away")
		}
	}
}

// bobSignsOut disables the account in the front end: librvp publishes offline;
// alice sees it and a message to bob is refused as offline.
func (s *scenario) bobSignsOut(cv *rvpclient.Conversation) {
	t := s.t
	from, from0 := s.events.mark(), s.wire.exchanges.mark()
	if _, err := s.purple.call(s.ctx, "PurpleAccountSetEnabled", i32(s.account), "string:"+s.fe.ui, i32(0)); err != nil {
		t.Fatal(err)
	}
	s.wantAliceSees(from, rvpclient.StateOffline)
	if _, err := s.wire.exchanges.waitFrom(s.ctx, from0, step, "librvp's sign-out PROPPATCH", func(x exchange) bool {
		return x.Method == "PROPPATCH" && x.From == s.bobURL() && x.User != "" && x.Status == http.StatusMultiStatus
	}); err != nil {
		t.Errorf("librvp's offline PROPPATCH: %v", err)
	}
	err := cv.Send(s.ctx, "are you there?")
	if !rvpclient.IsOffline(err) {
		t.Fatalf("alice sends to bob after his sign-out: %v, want an offline error", err)
	}
}

// wantAliceSees waits for a PresenceEvent of bob with state st at or after
// event index from.
func (s *scenario) wantAliceSees(from int, st rvpclient.State) {
	s.t.Helper()
	_, err := s.events.waitFrom(s.ctx, from, step, "alice sees bob "+string(st), func(e rvpclient.Event) bool {
		p, ok := e.(rvpclient.PresenceEvent)
		return ok && p.Contact == bob && p.State == st
	})
	if err != nil {
		s.t.Fatalf("%v; alice's events: %s", err, describeEvents(s.events, from))
	}
}

// wantBobSees waits until librvp's buddy list shows alice with status st.
// libpurple announces the change as BuddyStatusChanged (or BuddySignedOn);
// the status itself is then read over D-Bus.
func (s *scenario) wantBobSees(st rvpclient.State) {
	s.t.Helper()
	deadline := time.Now().Add(step)
	for {
		from := s.signals.mark()
		got, err := s.purple.buddyStatus(s.ctx, s.account, alice)
		if err != nil {
			s.t.Fatal(err)
		}
		if got == string(st) {
			return
		}
		left := time.Until(deadline)
		if left <= 0 {
			s.t.Fatalf("librvp shows alice as %q, want %q", got, st)
		}
		_, _ = s.signals.waitFrom(s.ctx, from, left, "a buddy status change", func(g signal) bool {
			return strings.HasPrefix(g.Member, "Buddy")
		})
	}
}
