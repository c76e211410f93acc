package settings

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestProfileDirEscaping(t *testing.T) {
	base := "/base"
	tests := map[string]string{
		"kari@humongous.example": "kari@humongous.example",
		"Kari.O+x_y-z@h.example": "Kari.O+x_y-z@h.example",
		"..":                     "%2E.",
		".hidden":                "%2Ehidden",
		"a/b":                    "a%2Fb",
		"../../etc":              "%2E.%2F..%2Fetc",
		"a b%c":                  "a%20b%25c",
		"kåri@x":                 "k%C3%A5ri@x",
		`back\slash`:             "back%5Cslash",
	}
	for name, want := range tests {
		got, err := ProfileDir(base, name)
		if err != nil || got != filepath.Join(base, "profiles", want) {
			t.Errorf("ProfileDir(%q) = %q, %v; want .../%s", name, got, err, want)
		}
		if back, ok := unescapeProfileName(want); !ok || back != name {
			t.Errorf("unescape(%q) = %q, %v", want, back, ok)
		}
	}
	for _, bad := range []string{"%2e.", "%2", "%zz", "a b", "%41", ".x", "a%2fb"} {
		if name, ok := unescapeProfileName(bad); ok {
			t.Errorf("unescape(%q) accepted as %q", bad, name)
		}
	}
}

func TestListProfiles(t *testing.T) {
	base := t.TempDir()
	if names, err := ListProfiles(base); err != nil || names != nil {
		t.Fatalf("empty base: %v, %v", names, err)
	}
	want := []string{"../evil", ".hidden", "bob@x.example", "kari@humongous.example", "kåri@x"}
	for _, name := range want {
		p, err := Open(base, name, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Save(); err != nil {
			t.Fatal(err)
		}
	}
	// Not profiles: a foreign directory, a directory without settings.json,
	// a stray file, an opened but never saved profile.
	root := filepath.Join(base, profilesDir)
	_ = os.MkdirAll(filepath.Join(root, "junk%zz"), 0o700)
	_ = os.WriteFile(filepath.Join(root, "junk%zz", settingsFile), []byte("{}"), 0o600)
	_ = os.MkdirAll(filepath.Join(root, "empty@x"), 0o700)
	_ = os.WriteFile(filepath.Join(root, "file@x"), nil, 0o600)
	if _, err := Open(base, "unsaved@x", nil); err != nil {
		t.Fatal(err)
	}
	got, err := ListProfiles(base)
	slices.Sort(want)
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("ListProfiles = %q, %v; want %q", got, err, want)
	}
	// Nothing escaped the profiles directory.
	if entries, _ := os.ReadDir(base); len(entries) != 1 || entries[0].Name() != profilesDir {
		t.Fatalf("base holds %v", entries)
	}
}

func FuzzProfileName(f *testing.F) {
	for _, s := range []string{"kari@humongous.example", "..", ".", "a/b", "%", "kåri", "\x00", " x "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		dir, err := escapeProfileName(name)
		if err != nil {
			return
		}
		if dir == "." || dir == ".." || strings.HasPrefix(dir, ".") || strings.ContainsAny(dir, "/\\\x00") || len(dir) > maxDirName {
			t.Fatalf("escape(%q) = %q is unsafe", name, dir)
		}
		if back, ok := unescapeProfileName(dir); !ok || back != name {
			t.Fatalf("round trip %q -> %q -> %q, %v", name, dir, back, ok)
		}
	})
}
