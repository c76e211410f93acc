package rvpclient

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// memTransport serves requests in memory (no sockets), for synctest.
type memTransport struct{ h http.Handler }

func (m memTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	rec := httptest.NewRecorder()
	if r.Body == nil {
		r.Body = http.NoBody
	}
	// A real server sees canonical header keys.
	r = r.Clone(r.Context())
	r.RequestURI = r.URL.RequestURI() // as a server sees it on the request line
	r.Header = canonical(r.Header)
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.h.ServeHTTP(rec, r)
	}()
	select {
	case <-done:
	case <-r.Context().Done():
		<-done
		return nil, r.Context().Err()
	}
	if rec.Header().Get("X-Test-Cut") != "" {
		return nil, io.ErrUnexpectedEOF // the connection broke
	}
	resp := rec.Result()
	resp.Header = canonical(resp.Header) // as a client parses it off the wire
	return resp, nil
}

func (m memTransport) CloseIdleConnections() {}

// startFake serves f on a loopback httptest server.
func startFake(t testing.TB, f *fakeServer) string {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv.URL
}

// eventLog collects events; wait returns the first event matching pred.
type eventLog struct {
	mu  sync.Mutex
	all []Event
	sig chan struct{}
}

func newEventLog() *eventLog { return &eventLog{sig: make(chan struct{})} }

func (l *eventLog) HandleEvent(e Event) {
	l.mu.Lock()
	l.all = append(l.all, e)
	close(l.sig)
	l.sig = make(chan struct{})
	l.mu.Unlock()
}

// wait returns the first event (from the start) satisfying pred, or fails
// the test after a timeout of 10 s (a safety net, not a sleep).
func (l *eventLog) wait(t testing.TB, what string, pred func(Event) bool) Event {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		l.mu.Lock()
		for _, e := range l.all {
			if pred(e) {
				l.mu.Unlock()
				return e
			}
		}
		sig := l.sig
		l.mu.Unlock()
		select {
		case <-sig:
		case <-deadline.C:
			t.Fatalf("no %s event; got %s", what, l.String())
		}
	}
}

func (l *eventLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b strings.Builder
	for _, e := range l.all {
		fmt.Fprintf(&b, "\n  %T%+v", e, e)
	}
	return b.String()
}

func canonical(in http.Header) http.Header {
	h := http.Header{}
	for k, vs := range in {
		for _, v := range vs {
			h.Add(k, v)
		}
	}
	return h
}

// waitSeq waits for events matching preds in this order (each after the
// previous match) and returns the last one.
func (l *eventLog) waitSeq(t testing.TB, what string, preds ...func(Event) bool) Event {
	t.Helper()
	deadline := time.NewTimer(10 * time.Second)
	defer deadline.Stop()
	for {
		l.mu.Lock()
		i, k := 0, 0
		for ; i < len(l.all) && k < len(preds); i++ {
			if preds[k](l.all[i]) {
				k++
			}
		}
		if k == len(preds) {
			e := l.all[i-1]
			l.mu.Unlock()
			return e
		}
		sig := l.sig
		l.mu.Unlock()
		select {
		case <-sig:
		case <-deadline.C:
			t.Fatalf("no %s event sequence; got %s", what, l.String())
		}
	}
}
