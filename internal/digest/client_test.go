package digest

import (
	"errors"
	"strings"
	"testing"
)

func TestNewClientRejects(t *testing.T) {
	for _, u := range []string{"", `CORP\`, "a\r\nX-Evil: 1", "a\x00"} {
		if _, err := NewClient(u, "pw"); err == nil {
			t.Errorf("NewClient(%q) succeeded", u)
		}
	}
}

func TestClientPicksSHA256(t *testing.T) {
	for _, tc := range []struct {
		name    string
		headers []string
		want    Algorithm
	}{
		{"sha first", []string{`Digest realm="r", qop="auth", algorithm=SHA-256, nonce="n"`, `Digest realm="r", qop="auth", algorithm=MD5, nonce="n"`}, SHA256},
		{"md5 first", []string{`NTLM`, `Digest realm="r", qop="auth", algorithm=MD5, nonce="n"`, `Digest realm="r", qop="auth", algorithm=sha-256, nonce="n"`}, SHA256},
		{"md5 implicit", []string{`Digest realm="r", qop="auth,auth-int", nonce="n"`}, MD5},
		{"sha without auth", []string{`Digest realm="r", qop="auth-int", algorithm=SHA-256, nonce="n"`, `Digest realm="r", qop="auth", nonce="n"`}, MD5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := NewClient("alice", "pw")
			if err := c.Challenge(tc.headers, false); err != nil {
				t.Fatal(err)
			}
			h, ok := c.Authorize("GET", "/x")
			if !ok {
				t.Fatal("no authorization after a challenge")
			}
			a, err := ParseAuthorization(h)
			if err != nil || a.Algorithm != tc.want {
				t.Fatalf("authorization %q: %+v, %v", h, a, err)
			}
		})
	}
}

func TestClientUnusableChallenges(t *testing.T) {
	c, _ := NewClient("alice", "pw")
	for _, hs := range [][]string{
		nil,
		{`Basic realm="r"`, `NTLM`},
		{`Digest realm="r", qop="auth-int", nonce="n"`},
		{`Digest realm="r", nonce="n"`}, // RFC 2069, no qop
		{`Digest realm="r", qop="auth", algorithm=SHA-512-256, nonce="n"`},
		{`Digest realm="r", qop="auth", nonce="n", userhash=true`},
		{`Digest realm="r, qop="auth", nonce="n"`},
	} {
		if err := c.Challenge(hs, false); !errors.Is(err, ErrUnsupported) {
			t.Errorf("Challenge(%q) = %v, want ErrUnsupported", hs, err)
		}
	}
	if _, ok := c.Authorize("GET", "/"); ok {
		t.Fatal("authorized without a usable challenge")
	}
}

func TestClientNonceCountAndCnonce(t *testing.T) {
	c, _ := NewClient(`CORP\alice`, "pw")
	if err := c.Challenge([]string{`Digest realm="r", qop="auth", nonce="n", opaque="o"`}, false); err != nil {
		t.Fatal(err)
	}
	cnonces := map[string]bool{}
	for i, want := range []string{"00000001", "00000002", "00000003", "00000004", "00000005",
		"00000006", "00000007", "00000008", "00000009", "0000000a"} {
		h, ok := c.Authorize("GET", "/x")
		a, err := ParseAuthorization(h)
		if !ok || err != nil {
			t.Fatalf("request %d: %q %v", i, h, err)
		}
		if a.NC != want || a.Username != `CORP\alice` || a.Opaque != "o" || a.Qop != "auth" || a.URI != "/x" {
			t.Fatalf("request %d: %+v", i, a)
		}
		if len(a.Cnonce) < 16 || cnonces[a.Cnonce] {
			t.Fatalf("cnonce %q weak or repeated", a.Cnonce)
		}
		cnonces[a.Cnonce] = true
		if !strings.Contains(h, `username="CORP\alice"`) {
			t.Fatalf("backslash not sent raw: %s", h) // exact wire form matters to old servers
		}
	}
}

func TestClientStaleVersusFailure(t *testing.T) {
	c, _ := NewClient("alice", "pw")
	fresh := []string{`Digest realm="r", qop="auth", nonce="n2"`}
	stale := []string{`Digest realm="r", qop="auth", nonce="n3", stale=true`}
	if err := c.Challenge(fresh, false); err != nil {
		t.Fatalf("first challenge: %v", err)
	}
	if err := c.Challenge(stale, true); err != nil {
		t.Fatalf("stale after credentials: %v", err)
	}
	h, _ := c.Authorize("GET", "/")
	if a, _ := ParseAuthorization(h); a.Nonce != "n3" || a.NC != "00000001" {
		t.Fatalf("after stale: %+v", a)
	}
	if err := c.Challenge(fresh, true); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("non-stale 401 after credentials: %v", err)
	}
}
