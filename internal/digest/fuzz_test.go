package digest

import (
	"reflect"
	"testing"
)

// Parsed values must format back to a header that parses to the same values.

func FuzzParseChallenge(f *testing.F) {
	for _, s := range []string{
		rfcChallenge,
		`NTLM, Digest qop="auth", realm="im.example.com", nonce="8f2c"`,
		`Negotiate YII+/abc==, Digest realm=r, nonce=n, stale=TRUE, algorithm="md5-SESS"`,
		`Digest realm="a\"b\\", nonce="", qop="auth,auth-int", userhash=true`,
		`Digest realm="CORP\x", nonce="n"`,
		`Digest`, `,,,`, `Digest realm="unterminated`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cs, err := ParseChallenges(s)
		if err != nil {
			return
		}
		for _, c := range cs {
			back, err := ParseChallenge(c.String())
			if err != nil {
				t.Fatalf("reparse of %q (%q): %v", c.String(), s, err)
			}
			if !reflect.DeepEqual(back, c) {
				t.Fatalf("round trip of %q:\n%+v\n%+v", s, c, back)
			}
		}
	})
}

func FuzzParseAuthorization(f *testing.F) {
	for _, s := range []string{
		rfcAuthMD5, rfcAuthSHA256,
		`Digest username="CORP\alice",realm="im.example.com",nonce="n",uri="/x",cnonce="c",nc=0000000A,algorithm="MD5",response="r",qop="auth"`,
		`digest USERNAME=alice REALM=r NONCE=n URI=/ RESPONSE=x`,
		`Digest username="a\\"", realm="r", nonce="n", uri="/", response="x", userhash=TRUE`,
		`Basic abc==`, `Digest username=`, ``,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAuthorization(s)
		if err != nil {
			return
		}
		back, err := ParseAuthorization(a.String())
		if err != nil {
			t.Fatalf("reparse of %q (%q): %v", a.String(), s, err)
		}
		if !reflect.DeepEqual(back, a) {
			t.Fatalf("round trip of %q:\n%+v\n%+v", s, a, back)
		}
	})
}
