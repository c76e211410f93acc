package rvpclient

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"rendezvous/internal/rvpwire"
)

// recipientLists returns the contacts of each r:notification-to of a
// message document, as hrefs.
func recipientLists(doc *rvpwire.Element) [][]string {
	var out [][]string
	for _, to := range doc.Child(rvpwire.NSRVP, "message").All(rvpwire.NSRVP, "notification-to") {
		var list []string
		for _, c := range to.All(rvpwire.NSRVP, "contact") {
			list = append(list, c.TextOf(rvpwire.NSDAV, "href"))
		}
		out = append(out, list)
	}
	return out
}

// TestGroupForm: a conversation with two others (a chat) is opened with the
// join control message and written as librvp writes chats: ONE
// r:notification-to holding every participant, the sender last, in the
// session's URL form; both rvpclient recipients read it as one
// conversation with everybody in it. Later messages need no new join; a
// two-party conversation keeps one recipient and no join.
func TestGroupForm(t *testing.T) {
	f := newFakeServer(t, "alice", "bob", "carol")
	srv := startFake(t, f)
	host := strings.TrimPrefix(srv, "http://")
	form := func(alias string) string { return "http://" + host + "/instmsg/aliases/" + alias }
	alice, _ := newTestClient(t, "", func(o *Options) { o.Resolver = srvFor(t, srv, "example.com") })
	bob, bev := newTestClient(t, srv, nil)
	carol, cev := newTestClient(t, srv, nil)
	signIn(t, alice, "alice")
	signIn(t, bob, "bob")
	signIn(t, carol, "carol")
	ctx := testCtx(t)
	notifies := recordBodies(f, rvpwire.MethodNotify, nil)

	cv, _ := alice.StartConversation("bob@example.com", "carol@example.com")
	if err := cv.Send(ctx, "team hello"); err != nil {
		t.Fatal(err)
	}
	if err := cv.Send(ctx, "second line"); err != nil {
		t.Fatal(err)
	}
	sent := notifies.all()
	wantKinds := []rvpwire.IMKind{rvpwire.IMJoin, rvpwire.IMJoin, rvpwire.IMText, rvpwire.IMText, rvpwire.IMText, rvpwire.IMText}
	if len(sent) != len(wantKinds) {
		t.Fatalf("%d NOTIFYs, want %d (join to each, then each text to each)", len(sent), len(wantKinds))
	}
	wantList := []string{form("bob"), form("carol"), form("alice")}
	for i, r := range sent {
		n, doc := notifyBody(t, r)
		im, err := rvpwire.ParseIM(*n.MIME)
		if err != nil {
			t.Fatal(err)
		}
		if im.Kind() != wantKinds[i] || im.SessionID() != cv.ID() {
			t.Errorf("NOTIFY %d: kind %v in %s, want %v in %s", i, im.Kind(), im.SessionID(), wantKinds[i], cv.ID())
		}
		if lists := recipientLists(doc); len(lists) != 1 || !slices.Equal(lists[0], wantList) {
			t.Errorf("NOTIFY %d to %s: recipient lists %q, want one list %q", i, r.path, lists, wantList)
		}
		if n.From.Href != form("alice") {
			t.Errorf("NOTIFY %d: from %q, want %q", i, n.From.Href, form("alice"))
		}
	}
	bev.wait(t, "team hello at bob", isMessage("alice@example.com", "team hello"))
	cev.wait(t, "team hello at carol", isMessage("alice@example.com", "team hello"))
	for who, c := range map[string]*Client{"bob": bob, "carol": carol} {
		got := c.Conversation(cv.ID())
		if got == nil {
			t.Fatalf("%s has no conversation %s", who, cv.ID())
		}
		ps := got.Participants()
		slices.Sort(ps)
		want := []string{"alice@example.com", "bob@example.com", "carol@example.com"}
		want = slices.DeleteFunc(want, func(s string) bool { return s == who+"@example.com" })
		if !slices.Equal(ps, want) {
			t.Errorf("%s's participants %q, want %q", who, ps, want)
		}
	}

	// Carol answers in the same form (rvpclient reads its own chats).
	before := len(notifies.all())
	if err := carol.Conversation(cv.ID()).Send(ctx, "carol here"); err != nil {
		t.Fatal(err)
	}
	bev.wait(t, "carol's answer at bob", isMessage("carol@example.com", "carol here"))
	if n := len(notifies.all()) - before; n != 2 {
		t.Errorf("carol's answer took %d NOTIFYs, want 2 (no join: the chat was open)", n)
	}

	two, _ := alice.StartConversation("bob@example.com")
	before = len(notifies.all())
	if err := two.Send(ctx, "just us"); err != nil {
		t.Fatal(err)
	}
	sent = notifies.all()[before:]
	if len(sent) != 1 {
		t.Fatalf("two-party message took %d NOTIFYs, want 1", len(sent))
	}
	if _, doc := notifyBody(t, sent[0]); len(recipientLists(doc)) != 1 || !slices.Equal(recipientLists(doc)[0], []string{form("bob")}) {
		t.Errorf("two-party recipient lists %q, want [[%q]]", recipientLists(doc), form("bob"))
	}
}

// TestGroupFormForeign: in a chat with someone of another domain, that
// domain's server gets every URL in the logical form, while the own
// domain's participant gets the session's SRV form.
func TestGroupFormForeign(t *testing.T) {
	home := newFakeServer(t, "alice", "bob")
	homeURL := startFake(t, home)
	foreign := newFakeServer(t, "zed")
	foreign.domain, foreign.assertion = "other.test", true
	foreignURL := startFake(t, foreign)
	host := strings.TrimPrefix(homeURL, "http://")
	res := srvResolver{"example.com": host, "other.test": strings.TrimPrefix(foreignURL, "http://")}
	alice, _ := newTestClient(t, "", func(o *Options) { o.Resolver = res })
	signIn(t, alice, "alice")
	atHome := recordBodies(home, rvpwire.MethodNotify, func(w http.ResponseWriter, _ *http.Request) bool { return true })
	abroad := recordBodies(foreign, rvpwire.MethodNotify, func(w http.ResponseWriter, _ *http.Request) bool { return true })

	cv, _ := alice.StartConversation("bob@example.com", "zed@other.test")
	if err := cv.Send(testCtx(t), "across domains"); err != nil {
		t.Fatal(err)
	}
	srvForm := func(alias string) string { return "http://" + host + "/instmsg/aliases/" + alias }
	for _, tc := range []struct {
		where    string
		log      *bodyLog
		from     string
		list     []string
		fromHead string
	}{
		{"home", atHome, srvForm("alice"), []string{srvForm("bob"), "http://other.test/instmsg/aliases/zed", srvForm("alice")}, srvForm("alice")},
		{"other.test", abroad, "http://example.com/instmsg/aliases/alice",
			[]string{"http://example.com/instmsg/aliases/bob", "http://other.test/instmsg/aliases/zed", "http://example.com/instmsg/aliases/alice"},
			"http://example.com/instmsg/aliases/alice"},
	} {
		sent := tc.log.all()
		if len(sent) != 2 { // join, text
			t.Fatalf("%s got %d NOTIFYs, want 2", tc.where, len(sent))
		}
		for _, r := range sent {
			n, doc := notifyBody(t, r)
			if n.From.Href != tc.from || r.header.Get(rvpwire.HeaderFromPrincipal) != tc.fromHead {
				t.Errorf("%s: from %q (header %q), want %q (%q)", tc.where, n.From.Href, r.header.Get(rvpwire.HeaderFromPrincipal), tc.from, tc.fromHead)
			}
			if lists := recipientLists(doc); len(lists) != 1 || !slices.Equal(lists[0], tc.list) {
				t.Errorf("%s: recipient lists %q, want one list %q", tc.where, lists, tc.list)
			}
		}
	}
}

// TestReadLibrvpChat: a chat message in librvp's form (one
// r:notification-to listing everybody, the sender included, URLs in the
// SRV form, empty descriptions) opens one conversation with everybody but
// the reader in it, and the message comes from the sender's sign-in name.
func TestReadLibrvpChat(t *testing.T) {
	f := newFakeServer(t, "alice")
	srv := startFake(t, f)
	host := strings.TrimPrefix(srv, "http://")
	c, ev := newTestClient(t, "", func(o *Options) { o.Resolver = srvFor(t, srv, "example.com") })
	signIn(t, c, "alice")
	u := func(alias string) string { return "http://" + host + "/instmsg/aliases/" + alias }
	sid := rvpwire.NewSessionID()
	im := rvpwire.TextIM(sid, "FN=MS%%20Shell%%20Dlg; EF=; CO=0; CS=0; PF=0", "Bob's chat").String()
	n := rvpwire.Notification{From: rvpwire.Contact{Href: u("bob"), Description: "Bob Builder"},
		To: []rvpwire.Contact{{Href: u("carol")}, {Href: u("alice")}, {Href: u("bob")}}, MIME: &im}
	doc := oneRecipientList(n.Element())
	if lists := recipientLists(doc); len(lists) != 1 || len(lists[0]) != 3 {
		t.Fatalf("test document recipient lists %q, want one list of three", lists)
	}
	if err := c.handleNotify(nil, rvpwire.Marshal(doc)); err != nil {
		t.Fatal(err)
	}
	ev.wait(t, "bob's chat message", isMessage("bob@example.com", "Bob's chat"))
	cv := c.Conversation(sid)
	if cv == nil {
		t.Fatal("no conversation")
	}
	ps := cv.Participants()
	slices.Sort(ps)
	if !slices.Equal(ps, []string{"bob@example.com", "carol@example.com"}) {
		t.Errorf("participants %q, want bob and carol", ps)
	}
}

// TestGroupJoinedByOthers: a chat that grew by someone else's invitation
// needs no join from the user before their next message.
func TestGroupJoinedByOthers(t *testing.T) {
	f := newFakeServer(t, "alice", "bob", "carol")
	srv := startFake(t, f)
	alice, aev := newTestClient(t, srv, nil)
	bob, bev := newTestClient(t, srv, nil)
	carol, cev := newTestClient(t, srv, nil)
	signIn(t, alice, "alice")
	signIn(t, bob, "bob")
	signIn(t, carol, "carol")
	ctx := testCtx(t)
	cv, _ := alice.StartConversation("bob@example.com")
	if err := cv.Send(ctx, "just us"); err != nil {
		t.Fatal(err)
	}
	bev.wait(t, "alice's message at bob", isMessage("alice@example.com", "just us"))
	bcv := bob.Conversation(cv.ID())
	if bcv == nil {
		t.Fatal("bob has no conversation")
	}
	if err := bcv.Invite(ctx, "carol@example.com"); err != nil {
		t.Fatal(err)
	}
	aev.wait(t, "carol joined at alice", func(e Event) bool {
		j, ok := e.(JoinedEvent)
		return ok && j.SessionID == cv.ID() && j.Who == "carol@example.com"
	})
	notifies := recordBodies(f, rvpwire.MethodNotify, nil)
	if err := cv.Send(ctx, "welcome carol"); err != nil {
		t.Fatal(err)
	}
	cev.wait(t, "alice's welcome at carol", isMessage("alice@example.com", "welcome carol"))
	sent := notifies.all()
	if len(sent) != 2 {
		t.Fatalf("%d NOTIFYs, want 2 (the text to bob and carol, no join)", len(sent))
	}
	for _, r := range sent {
		n, _ := notifyBody(t, r)
		if im, err := rvpwire.ParseIM(*n.MIME); err != nil || im.Kind() != rvpwire.IMText {
			t.Errorf("NOTIFY to %s: %v, %v; want the text", r.path, im.Kind(), err)
		}
	}
}
