package digest

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

func TestAlias(t *testing.T) {
	for in, want := range map[string]string{
		"alice":                    "alice",
		"Alice@IM.example.com":     "alice",
		`CORP\alice`:               "alice",
		`ANY\Alice@im.example.com`: "alice",
		`a\b\alice`:                "alice",
		"":                         "",
	} {
		if got := Alias(in); got != want {
			t.Errorf("Alias(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCredentialsForms(t *testing.T) {
	const realm, pass = "im.example.com", "s3cret"
	c := NewCredentials("Alice", pass, realm, []string{"IM.example.com", "example.com"}, []string{"Corp"})
	for _, user := range []string{"alice", "alice@im.example.com", "alice@example.com", `Corp\alice`, `CORP\alice`, `corp\alice`} {
		for _, alg := range []Algorithm{MD5, SHA256, MD5Sess, SHA256Sess} {
			got, err := c.HA1(alg, user)
			if err != nil {
				t.Fatalf("HA1(%s, %q): %v", alg, user, err)
			}
			if want := HA1(alg.Base(), user, realm, pass); got != want {
				t.Fatalf("HA1(%s, %q) = %s, want %s", alg, user, got, want)
			}
		}
	}
	_, err := c.HA1(SHA256, `OTHER\alice`)
	if !errors.Is(err, ErrUnknownPrefix) || !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("unconfigured prefix: %v", err)
	}
	var de *Error
	if !errors.As(err, &de) || de.Username != `OTHER\alice` {
		t.Fatalf("error %#v does not carry the username", err)
	}
	for _, user := range []string{"bob", `CORP\bob`, "alice@other.org", "Alice"} {
		if _, err := c.HA1(MD5, user); !errors.Is(err, ErrUnknownUser) || errors.Is(err, ErrUnknownPrefix) {
			t.Fatalf("HA1(%q): %v, want ErrUnknownUser", user, err)
		}
	}
	if _, err := c.HA1("SHA-512-256", "alice"); !errors.Is(err, ErrUnsupported) {
		t.Fatalf("unknown algorithm: %v", err)
	}
}

func TestCredentialsJSON(t *testing.T) {
	c := NewCredentials("alice", "pw", "im.example.com", []string{"im.example.com"}, []string{"CORP"})
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Credentials
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, c) {
		t.Fatalf("JSON round trip: %+v != %+v", back, c)
	}
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	md5s, ok := raw["md5"].(map[string]any)
	if !ok || md5s[`CORP\alice`] != HA1(MD5, `CORP\alice`, "im.example.com", "pw") {
		t.Fatalf("md5 map in JSON: %v", raw["md5"])
	}
}
