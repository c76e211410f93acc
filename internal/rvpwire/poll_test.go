package rvpwire

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestPollAnswerRoundTrip(t *testing.T) {
	body := Marshal(Notification{From: Contact{Href: "http://example.com/instmsg/aliases/bob"},
		To: []Contact{{Href: "http://example.com/instmsg/aliases/kari"}}, Update: &PropertyUpdate{State: &LeasedState{Value: StateAway}}}.Element())
	h := http.Header{}
	SetHeader(h, HeaderVersion, Version)
	SetHeader(h, HeaderFromPrincipal, "example.com")
	SetHeader(h, HeaderHopCount, "2")
	req := FormatNotify("", "im.example.com", h, body)
	if !bytes.HasPrefix(req, []byte("NOTIFY / HTTP/1.1\r\nHost: im.example.com\r\n")) || !bytes.Contains(req, []byte("\r\nRVP-From-Principal: example.com\r\n")) {
		t.Fatalf("request:\n%s", req)
	}
	parts := []PollPart{{Seq: 7, Request: req}, {Seq: 8, Request: req}}
	ct, answer := WritePollAnswer(parts)
	got, err := ReadPollAnswer(ct, bytes.NewReader(answer), 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Seq != 7 || got[1].Seq != 8 || !bytes.Equal(got[1].Request, req) {
		t.Fatalf("parts = %+v", got)
	}
	r, b, err := ReadNotify(got[0].Request, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	if r.Method != "NOTIFY" || r.URL.Path != "/" || r.Header.Get(HeaderHopCount) != "2" || !bytes.Equal(b, body) {
		t.Fatalf("notify = %s %s %v", r.Method, r.URL, r.Header)
	}
	root, err := Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if n, err := ParseNotification(root); err != nil || n.Update.State.Value != StateAway {
		t.Fatalf("%v %+v", err, n)
	}
}

func TestReadPollAnswerRejects(t *testing.T) {
	ct, answer := WritePollAnswer([]PollPart{{Seq: 1, Request: []byte(strings.Repeat("x", 100))}})
	if _, err := ReadPollAnswer(ct, bytes.NewReader(answer), 10); !errors.Is(err, ErrMalformed) {
		t.Fatalf("oversized part: %v", err)
	}
	if _, err := ReadPollAnswer("text/xml", bytes.NewReader(answer), 1<<20); !errors.Is(err, ErrMalformed) {
		t.Fatalf("wrong type: %v", err)
	}
	bad := strings.Replace(string(answer), "Rvp-Poll-Seq: 1", "Rvp-Poll-Seq: x", 1)
	bad = strings.Replace(bad, "RVP-Poll-Seq: 1", "RVP-Poll-Seq: x", 1)
	if _, err := ReadPollAnswer(ct, strings.NewReader(bad), 1<<20); !errors.Is(err, ErrMalformed) {
		t.Fatalf("bad seq: %v", err)
	}
	if _, _, err := ReadNotify([]byte("garbage"), 10); !errors.Is(err, ErrMalformed) {
		t.Fatalf("garbage notify: %v", err)
	}
}

func TestSetHeaderKeepsSpelling(t *testing.T) {
	h := http.Header{}
	h.Set(HeaderVersion, "1.0")
	SetHeader(h, HeaderVersion, Version)
	if len(h) != 1 {
		t.Fatalf("header = %v", h)
	}
	for k, v := range h {
		if k != HeaderVersion || len(v) != 1 || v[0] != Version {
			t.Fatalf("header = %v", h)
		}
	}
}
