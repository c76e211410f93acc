package history

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)

func entry(i int) Entry {
	return Entry{From: "bob@x", FromName: "Bob", Text: fmt.Sprintf("message %d", i), Time: t0.Add(time.Duration(i) * time.Second)}
}

func TestAppendLoadRoundTrip(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "history")
	s := Open(dir, nil)
	if es, err := s.Load(context.Background(), "bob@x"); err != nil || len(es) != 0 {
		t.Fatalf("empty load = %v, %v", es, err)
	}
	want := []Entry{entry(1), {From: "alice@x", Text: "multi\nline <&> ]]>", Time: t0, Outgoing: true}}
	for _, e := range want {
		if err := s.Append("Bob@X", e); err != nil {
			t.Fatal(err)
		}
	}
	got, err := s.Load(context.Background(), "bob@x")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != want[0] || got[1].Text != want[1].Text || !got[1].Outgoing || !got[1].Time.Equal(t0) {
		t.Fatalf("got %+v", got)
	}
	st, err := os.Stat(filepath.Join(dir, "bob@x.jsonl"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v, %v", st, err)
	}
	if dst, _ := os.Stat(dir); dst.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v", dst.Mode())
	}
}

func TestFileNameIsSafe(t *testing.T) {
	cases := map[string]string{
		"bob@example.com": "bob@example.com.jsonl",
		"../etc/passwd":   "%2E.%2Fetc%2Fpasswd.jsonl",
		"a b/c":           "a%20b%2Fc.jsonl",
	}
	for in, want := range cases {
		if got, err := FileName(in); err != nil || got != want {
			t.Errorf("FileName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := FileName(" "); err == nil {
		t.Error("empty name accepted")
	}
}

func TestCorruptLinesAreSkipped(t *testing.T) {
	dir := t.TempDir()
	s := Open(dir, nil)
	if err := s.Append("bob@x", entry(1)); err != nil {
		t.Fatal(err)
	}
	f, _ := os.OpenFile(filepath.Join(dir, "bob@x.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"from":"bob@x","text":"half`) // a crash in the middle of a line
	f.Close()
	if err := s.Append("bob@x", entry(2)); err != nil {
		t.Fatal(err)
	}
	got, _ := s.Load(context.Background(), "bob@x")
	if len(got) != 2 || got[0] != entry(1) || got[1] != entry(2) {
		t.Fatalf("got %+v", got)
	}
}

func TestBoundedSize(t *testing.T) {
	dir := t.TempDir()
	s := Open(dir, &Options{MaxEntries: 10, MaxBytes: 2000})
	for i := range 200 {
		if err := s.Append("bob@x", entry(i)); err != nil {
			t.Fatal(err)
		}
	}
	st, _ := os.Stat(filepath.Join(dir, "bob@x.jsonl"))
	if st.Size() > 2000 {
		t.Fatalf("file is %d bytes", st.Size())
	}
	got, _ := s.Load(context.Background(), "bob@x")
	if len(got) != 10 || got[9] != entry(199) || got[0] != entry(190) {
		t.Fatalf("got %d entries, last %+v", len(got), got[len(got)-1])
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".compact-*"))
	if len(leftovers) != 0 {
		t.Fatalf("temporary files left: %v", leftovers)
	}
}

func TestLoadReadsOnlyTheTail(t *testing.T) {
	dir := t.TempDir()
	var buf bytes.Buffer
	for i := range 100 {
		fmt.Fprintf(&buf, `{"from":"bob@x","text":"m%d","time":"2026-11-21T10:00:00Z"}`+"\n", i)
	}
	os.WriteFile(filepath.Join(dir, "bob@x.jsonl"), buf.Bytes(), 0o600)
	s := Open(dir, &Options{MaxEntries: 1000, MaxBytes: 300})
	got, err := s.Load(context.Background(), "bob@x")
	if err != nil || len(got) == 0 || len(got) > 6 || got[len(got)-1].Text != "m99" {
		t.Fatalf("got %d entries, %v", len(got), err)
	}
}

func TestRecorderWritesBeforeClose(t *testing.T) {
	s := Open(t.TempDir(), nil)
	r := NewRecorder(s, nil)
	for i := range 20 {
		r.Record("bob@x", entry(i))
	}
	r.Close()
	r.Close()
	r.Record("bob@x", entry(99)) // after Close: ignored, no panic
	got, _ := s.Load(context.Background(), "bob@x")
	if len(got) != 20 || got[19] != entry(19) {
		t.Fatalf("got %d entries", len(got))
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"from":"bob@x","text":"hi","time":"2026-11-21T10:00:00Z"}` + "\n"))
	f.Add([]byte("{\"from\":\n\n{}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, e := range decode(data) {
			if e.From == "" {
				t.Fatal("entry without sender")
			}
		}
	})
}
