package settings

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestSaveFileModesAndNoLeftovers(t *testing.T) {
	base := t.TempDir()
	p := openProfile(t, base, nil)
	for range 3 {
		if err := p.Save(); err != nil {
			t.Fatal(err)
		}
	}
	st, err := os.Stat(p.Dir())
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode %v, %v", st.Mode(), err)
	}
	st, err = os.Stat(p.Path())
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("file mode %v, %v", st.Mode(), err)
	}
	entries, _ := os.ReadDir(p.Dir())
	if len(entries) != 1 || entries[0].Name() != settingsFile {
		t.Fatalf("profile dir holds %v", entries)
	}
}

func TestSaveFailureCleansUp(t *testing.T) {
	p := openProfile(t, t.TempDir(), nil)
	// A directory where the file belongs makes the rename fail.
	if err := os.MkdirAll(filepath.Join(p.Path(), "x"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := p.Save(); err == nil {
		t.Fatal("Save succeeded over a directory")
	}
	entries, _ := os.ReadDir(p.Dir())
	if len(entries) != 1 || entries[0].Name() != settingsFile || !entries[0].IsDir() {
		t.Fatalf("leftovers after a failed save: %v", entries)
	}
}

func TestCorruptFileMovedAside(t *testing.T) {
	for name, body := range map[string]string{
		"garbage": "\x00\x01garbage", "empty": "", "truncated": `{"Version": 1, "Connection": {"Pol`,
		"null": "null", "array": "[]", "wrong type": `{"RememberPassword": "yes"}`,
		"bad ports": `{"Connection": {"Ports": "5010-5000"}}`,
	} {
		t.Run(name, func(t *testing.T) {
			base := t.TempDir()
			clock := newFakeClock(t0)
			dir, _ := ProfileDir(base, kari)
			path := filepath.Join(dir, settingsFile)
			if err := os.MkdirAll(dir, 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			p, err := Open(base, kari, &Options{Now: clock.Now})
			ce, ok := IsCorrupt(err)
			if p != nil || !ok {
				t.Fatalf("Open = %v, %v; want *CorruptError", p, err)
			}
			wantMoved := path + ".corrupt-20261121T120000.000000000Z"
			if ce.Path != path || ce.MovedTo != wantMoved {
				t.Fatalf("CorruptError = %+v", ce)
			}
			if got, err := os.ReadFile(wantMoved); err != nil || string(got) != body {
				t.Fatalf("moved file holds %q, %v", got, err)
			}
			// Opening again starts from defaults; saving does not touch the copy.
			p = openProfile(t, base, nil)
			if err := p.Save(); err != nil {
				t.Fatal(err)
			}
			if got, _ := os.ReadFile(wantMoved); string(got) != body {
				t.Fatalf("corrupt copy changed")
			}
		})
	}
}

func TestMoveAsideNeverClobbers(t *testing.T) {
	base := t.TempDir()
	clock := newFakeClock(t0)
	dir, _ := ProfileDir(base, kari)
	path := filepath.Join(dir, settingsFile)
	_ = os.MkdirAll(dir, 0o700)
	for i, body := range []string{"first", "second"} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := Open(base, kari, &Options{Now: clock.Now})
		ce, ok := IsCorrupt(err)
		want := path + ".corrupt-20261121T120000.000000000Z"
		if i == 1 {
			want += "-1"
		}
		if !ok || ce.MovedTo != want {
			t.Fatalf("round %d: %v", i, err)
		}
		if got, _ := os.ReadFile(want); string(got) != body {
			t.Fatalf("round %d: %s holds %q", i, want, got)
		}
	}
}

func TestOpenUnreadableFile(t *testing.T) {
	base := t.TempDir()
	dir, _ := ProfileDir(base, kari)
	// settings.json as a directory: reading fails, and it is not "corrupt".
	if err := os.MkdirAll(filepath.Join(dir, settingsFile), 0o700); err != nil {
		t.Fatal(err)
	}
	_, err := Open(base, kari, nil)
	if _, corrupt := IsCorrupt(err); err == nil || corrupt {
		t.Fatalf("Open = %v", err)
	}
	if entries, _ := os.ReadDir(dir); !slices.ContainsFunc(entries, func(e os.DirEntry) bool { return e.Name() == settingsFile }) {
		t.Fatal("unreadable entry was moved")
	}
}

func TestOversizedFileIsCorrupt(t *testing.T) {
	base := t.TempDir()
	dir, _ := ProfileDir(base, kari)
	path := filepath.Join(dir, settingsFile)
	_ = os.MkdirAll(dir, 0o700)
	big := make([]byte, maxSettingsBytes+1)
	for i := range big {
		big[i] = ' '
	}
	copy(big, "{}")
	if err := os.WriteFile(path, big, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(base, kari, nil)
	ce, ok := IsCorrupt(err)
	if !ok || ce.MovedTo == "" || !errors.Is(err, errTooLarge) {
		t.Fatalf("Open = %v", err)
	}
	if st, err := os.Stat(ce.MovedTo); err != nil || st.Size() != int64(len(big)) {
		t.Fatalf("moved file: %v, %v", st, err)
	}
}
