package settings

import (
	"bytes"
	"testing"
)

func TestKnownKeysMatchTheDocument(t *testing.T) {
	want := []string{"Version", "SignInName", "Connection", "Server", "RememberPassword",
		"SignInAutomatically", "Notifications", "Windows", "Groups", "Contacts"}
	if len(knownKeys) != len(want) {
		t.Fatalf("knownKeys = %v", knownKeys)
	}
	for i := range want {
		if knownKeys[i] != want[i] {
			t.Fatalf("knownKeys = %v, want %v", knownKeys, want)
		}
	}
}

func FuzzDecodeFile(f *testing.F) {
	d := defaultFileData(kari)
	d.Contacts = []Contact{{SignInName: "a@x", Group: "G"}}
	d.Groups = []string{"G"}
	seed, _ := encodeFile(d)
	for _, s := range [][]byte{seed, []byte(`{}`), []byte(`{"X": 1}`), []byte(`null`), []byte(`{"Connection": {"Ports": "1-2"}}`)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := decodeFile(data, kari)
		if err != nil {
			return
		}
		once, err := encodeFile(d)
		if err != nil {
			t.Fatalf("encode after decode: %v", err)
		}
		d2, err := decodeFile(once, kari)
		if err != nil {
			t.Fatalf("re-decode of %s: %v", once, err)
		}
		twice, err := encodeFile(d2)
		if err != nil || !bytes.Equal(once, twice) {
			t.Fatalf("encoding not stable:\n%s\n%s", once, twice)
		}
	})
}
