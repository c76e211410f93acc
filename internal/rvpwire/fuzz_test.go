package rvpwire

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func seedFixtures(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.xml"))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzDecode checks that no document makes the parsers panic and that
// whatever decodes also survives our own encoder.
func FuzzDecode(f *testing.F) {
	seedFixtures(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		root, err := Decode(bytes.NewReader(b))
		if err != nil {
			return
		}
		_, _ = ParseMultistatus(root)
		_, _ = ParsePropertyUpdate(root)
		_, _ = ParseNotification(root)
		_, _ = ParsePropFind(root)
		_, _ = ParseACL(root)
		_, _ = ParseSubscriptions(root)
		if _, err := Decode(bytes.NewReader(Marshal(root))); err != nil {
			t.Fatalf("our own output does not decode: %v", err)
		}
	})
}

func FuzzParseIM(f *testing.F) {
	f.Add("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nSession-Id: {A}\r\n\r\nhi")
	f.Add("Content-Type: text/x-msmsgscontrol\nTypingUser: a@b\n\n")
	f.Fuzz(func(t *testing.T, s string) {
		im, err := ParseIM(s)
		if err != nil {
			return
		}
		_ = im.Kind()
		_ = ParseFormat(im.Header.Get("X-MMS-IM-Format"))
		_, _ = ParseIM(im.String())
	})
}

func FuzzReadPollAnswer(f *testing.F) {
	ct, body := WritePollAnswer([]PollPart{{Seq: 1, Request: FormatNotify("/", "h", nil, []byte("<a/>"))}})
	f.Add(ct, body)
	f.Fuzz(func(t *testing.T, ct string, body []byte) {
		parts, err := ReadPollAnswer(ct, bytes.NewReader(body), 1<<16)
		if err != nil {
			return
		}
		for _, p := range parts {
			_, _, _ = ReadNotify(p.Request, 1<<16)
		}
	})
}

func FuzzParseNodeURL(f *testing.F) {
	f.Add("/instmsg/aliases/bob", "example.com")
	f.Add("http://example.com/instmsg/local/x/instmsg/aliases/y", "")
	f.Fuzz(func(t *testing.T, raw, host string) {
		n, err := ParseNodeURL(raw, host)
		if err != nil {
			return
		}
		if n.Alias == "" || n.Domain == "" {
			t.Fatalf("accepted empty node %+v", n)
		}
	})
}
