package rvpclient

import (
	"errors"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"rendezvous/internal/rvpwire"
)

func polling(o *Options) { o.Mode = ModePolling }

// TestPollingDelivery: a polling client receives messages through POLL,
// acknowledging what it processed, and asks for the PollingPeriod hold.
func TestPollingDelivery(t *testing.T) {
	f := newFakeServer(t, "alice", "bob")
	srv := startFake(t, f)
	a, aev := newTestClient(t, srv, polling)
	b, _ := newTestClient(t, srv, nil)
	signIn(t, a, "alice")
	signIn(t, b, "bob")
	cv, _ := b.StartConversation("alice@example.com")
	ctx := testCtx(t)
	for _, text := range []string{"one", "two"} {
		if err := cv.Send(ctx, text); err != nil {
			t.Fatal(err)
		}
		aev.wait(t, text, isMessage("bob@example.com", text))
	}
	if d := a.Diagnostics(); d.Mode != ModePolling || d.PollHold != DefaultPollingPeriod || d.CallbackURL != "" || d.LastPoll.IsZero() {
		t.Errorf("diagnostics %+v", d)
	}
	login := f.requests("SUBSCRIBE")[0]
	if cb := login.Header.Get("Call-Back"); cb != "poll" {
		t.Errorf("login Call-Back %q", cb)
	}
	var acks []uint64
	for _, r := range f.requests("POLL") {
		if r.Header.Get(rvpwire.HeaderPollLifetime) != "600" || r.Header.Get(rvpwire.HeaderSubscriptionID) == "" {
			t.Errorf("POLL headers %v", r.Header)
		}
		n, _ := strconv.ParseUint(r.Header.Get(rvpwire.HeaderPollAck), 10, 64)
		acks = append(acks, n)
	}
	for i := 1; i < len(acks); i++ {
		if acks[i] < acks[i-1] {
			t.Errorf("acks went back: %v", acks)
		}
	}
	if len(acks) < 3 || acks[0] != 0 {
		t.Errorf("acks %v: want a first 0 and at least three POLLs", acks)
	}
}

// TestPollingUnsupported: a 501 at a polling sign-in is a typed error
// carrying the server's sentence; the client does not switch modes.
func TestPollingUnsupported(t *testing.T) {
	f := newFakeServer(t, "alice")
	f.noPoll = true
	a, _ := newTestClient(t, startFake(t, f), polling)
	err := a.SignIn(testCtx(t), Account{SignInName: "alice@example.com", Password: "pw-alice"})
	var pe *PollingUnsupportedError
	if !errors.Is(err, ErrPollingUnsupported) || !errors.As(err, &pe) || err.Error() != "Polling is not enabled on this server." {
		t.Fatalf("err = %v", err)
	}
	if a.State() != Disconnected || len(f.requests("PROPPATCH")) != 0 {
		t.Errorf("state %v, PROPPATCHes %d", a.State(), len(f.requests("PROPPATCH")))
	}
}

// TestPollDuplicatesAndDropped: items already processed are ignored, and
// RVP-Poll-Dropped is reported.
func TestPollDuplicatesAndDropped(t *testing.T) {
	f := newFakeServer(t, "alice")
	var n atomic.Int32
	answers := [][]uint64{{1, 2}, {2, 3}}
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != "POLL" {
			return false
		}
		i := int(n.Add(1)) - 1
		if i >= len(answers) {
			<-r.Context().Done()
			return true
		}
		var parts []rvpwire.PollPart
		for _, seq := range answers[i] {
			body := textNotify("http://example.com/instmsg/aliases/bob", "http://example.com/instmsg/aliases/alice", "{S}", "m"+strconv.FormatUint(seq, 10))
			parts = append(parts, rvpwire.PollPart{Seq: seq, Request: rvpwire.FormatNotify("/", "x", http.Header{}, body)})
		}
		ct, body := rvpwire.WritePollAnswer(parts)
		w.Header().Set("Content-Type", ct)
		if i == 1 {
			w.Header().Set(rvpwire.HeaderPollDropped, "3")
		}
		w.Write(body)
		return true
	})
	a, aev := newTestClient(t, startFake(t, f), polling)
	signIn(t, a, "alice")
	aev.wait(t, "dropped", func(e Event) bool { d, ok := e.(DroppedEvent); return ok && d.Count == 3 })
	aev.wait(t, "m3", isMessage("bob@example.com", "m3"))
	count := map[string]int{}
	aev.mu.Lock()
	for _, e := range aev.all {
		if m, ok := e.(MessageEvent); ok {
			count[m.Text]++
		}
	}
	aev.mu.Unlock()
	if count["m1"] != 1 || count["m2"] != 1 || count["m3"] != 1 {
		t.Errorf("messages %v, want each once", count)
	}
	if d := a.Diagnostics(); d.Duplicates != 1 || d.Dropped != 3 {
		t.Errorf("diagnostics %+v", d)
	}
}

// TestPollAnswerCut: a relay cuts the first POLL answer that carries items
// in the middle of its body; the client polls again with the old ack and
// the server sends the items again: nothing is lost, nothing doubled.
func TestPollAnswerCut(t *testing.T) {
	f := newFakeServer(t, "alice", "bob")
	srv := startFake(t, f)
	relay := newCutRelay(t, strings.TrimPrefix(srv, "http://"))
	a, aev := newTestClient(t, "http://"+relay, polling)
	b, _ := newTestClient(t, srv, nil)
	signIn(t, a, "alice")
	signIn(t, b, "bob")
	cv, _ := b.StartConversation("alice@example.com")
	if err := cv.Send(testCtx(t), "survives the cut"); err != nil {
		t.Fatal(err)
	}
	aev.wait(t, "message", isMessage("bob@example.com", "survives the cut"))
	if err := cv.Send(testCtx(t), "and the next"); err != nil {
		t.Fatal(err)
	}
	aev.wait(t, "second", isMessage("bob@example.com", "and the next"))
	aev.mu.Lock()
	n := 0
	for _, e := range aev.all {
		if isMessage("bob@example.com", "survives the cut")(e) {
			n++
		}
	}
	aev.mu.Unlock()
	if n != 1 || !relayCut.Load() {
		t.Errorf("delivered %d times, cut=%v", n, relayCut.Load())
	}
}

var relayCut atomic.Bool

// newCutRelay forwards TCP connections to target and cuts the first
// server-to-client stream that carries a multipart answer, halfway through.
func newCutRelay(t *testing.T, target string) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	relayCut.Store(false)
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			wg.Add(2)
			go func() { defer wg.Done(); io.Copy(out, in); out.Close() }()
			go func() {
				defer wg.Done()
				defer in.Close()
				buf := make([]byte, 64<<10)
				for {
					n, err := out.Read(buf)
					if n > 0 {
						chunk := buf[:n]
						cut := false
						if strings.Contains(string(chunk), "multipart/mixed") {
							once.Do(func() { cut = true })
						}
						if cut {
							in.Write(chunk[:n/2])
							relayCut.Store(true)
							out.Close()
							return
						}
						if _, err := in.Write(chunk); err != nil {
							return
						}
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	return ln.Addr().String()
}

// TestPollBadItem: an item that cannot be decoded is acknowledged and
// reported, and the items after it are delivered.
func TestPollBadItem(t *testing.T) {
	f := newFakeServer(t, "alice")
	var acks []string
	var mu sync.Mutex
	first := true
	second := make(chan struct{})
	f.setHook(func(w http.ResponseWriter, r *http.Request) bool {
		if r.Method != "POLL" {
			return false
		}
		mu.Lock()
		acks = append(acks, r.Header.Get(rvpwire.HeaderPollAck))
		isFirst := first
		if len(acks) == 2 {
			close(second)
		}
		first = false
		mu.Unlock()
		if !isFirst {
			<-r.Context().Done()
			return true
		}
		good := textNotify("http://example.com/instmsg/aliases/bob", "http://example.com/instmsg/aliases/alice", "{S}", "after garbage")
		ct, body := rvpwire.WritePollAnswer([]rvpwire.PollPart{
			{Seq: 1, Request: rvpwire.FormatNotify("/", "x", http.Header{}, []byte("<garbage"))},
			{Seq: 2, Request: rvpwire.FormatNotify("/", "x", http.Header{}, good)},
		})
		w.Header().Set("Content-Type", ct)
		w.Write(body)
		return true
	})
	a, aev := newTestClient(t, startFake(t, f), polling)
	signIn(t, a, "alice")
	aev.wait(t, "message", isMessage("bob@example.com", "after garbage"))
	if err := a.Diagnostics().LastError; !errors.Is(err, rvpwire.ErrMalformed) {
		t.Errorf("last error %v", err)
	}
	select {
	case <-second:
	case <-time.After(10 * time.Second):
		t.Fatal("no second POLL")
	}
	a.Close()
	mu.Lock()
	defer mu.Unlock()
	if len(acks) < 2 || acks[0] != "0" || acks[1] != "2" {
		t.Errorf("acks %v, want 0 then 2", acks)
	}
}
