package digest

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// RFC 7616 section 3.9.1, with the header folding replaced by spaces.
const (
	rfcChallenge = `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ` +
		`nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`
	rfcAuthMD5 = `Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", ` +
		`algorithm=MD5, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, ` +
		`cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, ` +
		`response="8ca523f5e9506fed4657c9700eebdbec", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`
	rfcAuthSHA256 = `Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", ` +
		`algorithm=SHA-256, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, ` +
		`cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", qop=auth, ` +
		`response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", ` +
		`opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`
	rfcPassword = "Circle of Life"
)

func TestRFC7616Example(t *testing.T) {
	for _, tc := range []struct {
		header string
		alg    Algorithm
		want   string // the RFC's published response
		hash   func(string) string
	}{
		{rfcAuthMD5, MD5, "8ca523f5e9506fed4657c9700eebdbec", func(s string) string {
			sum := md5.Sum([]byte(s))
			return hex.EncodeToString(sum[:])
		}},
		{rfcAuthSHA256, SHA256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", func(s string) string {
			sum := sha256.Sum256([]byte(s))
			return hex.EncodeToString(sum[:])
		}},
	} {
		t.Run(string(tc.alg), func(t *testing.T) {
			a, err := ParseAuthorization(tc.header)
			if err != nil {
				t.Fatal(err)
			}
			if a.Algorithm != tc.alg || a.Response != tc.want || a.Username != "Mufasa" {
				t.Fatalf("parsed %+v", a)
			}
			// Independent computation straight from RFC 7616 section 3.4.1.
			ha1 := tc.hash("Mufasa:http-auth@example.org:" + rfcPassword)
			ha2 := tc.hash("GET:/dir/index.html")
			indep := tc.hash(ha1 + ":" + a.Nonce + ":00000001:" + a.Cnonce + ":auth:" + ha2)
			if indep != tc.want {
				t.Fatalf("independent computation %s, RFC says %s", indep, tc.want)
			}
			if got := HA1(tc.alg, "Mufasa", "http-auth@example.org", rfcPassword); got != ha1 {
				t.Fatalf("HA1 = %s, want %s", got, ha1)
			}
			got, err := ComputeResponse(ha1, "GET", a)
			if err != nil || got != tc.want {
				t.Fatalf("ComputeResponse = %q, %v; want %s", got, err, tc.want)
			}
		})
	}
}

func TestSessVariants(t *testing.T) {
	a, err := ParseAuthorization(rfcAuthSHA256)
	if err != nil {
		t.Fatal(err)
	}
	hexOf := func(sum []byte) string { return hex.EncodeToString(sum) }
	hashes := map[Algorithm]func(string) string{
		MD5Sess:    func(s string) string { sum := md5.Sum([]byte(s)); return hexOf(sum[:]) },
		SHA256Sess: func(s string) string { sum := sha256.Sum256([]byte(s)); return hexOf(sum[:]) },
	}
	for alg, h := range hashes {
		a.Algorithm = alg
		// RFC 7616 section 3.4.2: HA1 = H(H(user:realm:pass):nonce:cnonce).
		sess := h(h("Mufasa:http-auth@example.org:"+rfcPassword) + ":" + a.Nonce + ":" + a.Cnonce)
		want := h(sess + ":" + a.Nonce + ":00000001:" + a.Cnonce + ":auth:" + h("GET:/dir/index.html"))
		got, err := ComputeResponse(HA1(alg, "Mufasa", "http-auth@example.org", rfcPassword), "GET", a)
		if err != nil || got != want {
			t.Fatalf("%s: %q, %v; want %s", alg, got, err, want)
		}
	}
}

func TestParseChallengeRFC(t *testing.T) {
	c, err := ParseChallenge(rfcChallenge)
	if err != nil {
		t.Fatal(err)
	}
	want := Challenge{
		Realm: "http-auth@example.org", Qop: []string{"auth", "auth-int"}, Algorithm: SHA256,
		Nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", Opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
	}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("got %+v\nwant %+v", c, want)
	}
}

func TestParseChallengesLenient(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     []Challenge
	}{
		{"exchange list", `NTLM, Digest qop="auth", realm="im.example.com", nonce="8f2c"`,
			[]Challenge{{Realm: "im.example.com", Nonce: "8f2c", Qop: []string{"auth"}}}},
		{"token68 before", `Negotiate YII+/abc==, DIGEST REALM=im.example.com,NONCE=n1 ,QOP=AUTH, Algorithm=sha-256, STALE="TRUE"`,
			[]Challenge{{Realm: "im.example.com", Nonce: "n1", Qop: []string{"auth"}, Algorithm: SHA256, Stale: true}}},
		{"two digests, spaces", ` Digest realm = "r" , nonce="a",algorithm=SHA-256 ,, Digest realm="r", nonce="a", algorithm="md5"`,
			[]Challenge{{Realm: "r", Nonce: "a", Algorithm: SHA256}, {Realm: "r", Nonce: "a", Algorithm: MD5}}},
		{"no digest", `Basic realm="x"`, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseChallenges(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestParseAuthorizationOldClient(t *testing.T) {
	// As an old RVP client sends it: raw backslash, quoted algorithm, uppercase nc.
	in := `Digest username="CORP\alice",realm="im.example.com",nonce="n",uri="/instmsg/aliases/alice",` +
		`cnonce="c",nc=0000000A,algorithm="MD5",response="ABCDEF",qop="auth"`
	a, err := ParseAuthorization(in)
	if err != nil {
		t.Fatal(err)
	}
	want := &Authorization{Username: `CORP\alice`, Realm: "im.example.com", Nonce: "n", URI: "/instmsg/aliases/alice",
		Cnonce: "c", NC: "0000000A", Algorithm: MD5, Response: "ABCDEF", Qop: "auth"}
	if !reflect.DeepEqual(a, want) {
		t.Fatalf("got %+v\nwant %+v", a, want)
	}
	back, err := ParseAuthorization(a.String())
	if err != nil || !reflect.DeepEqual(back, want) {
		t.Fatalf("round trip of %s: %+v, %v", a.String(), back, err)
	}
}

func TestQuotedStrings(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`"CORP\alice"`, `CORP\alice`},
		{`"a\"b"`, `a"b`},
		{`"a\\b"`, `a\\b`},    // backslash pair is literal
		{`"a\\""`, `a\"`},     // literal backslash, then escaped quote
		{`"x\y\"z"`, `x\y"z`}, // mixed
		{`""`, ``},
	} {
		a, err := ParseAuthorization(`Digest username=` + tc.in + `, realm="r", nonce="n", uri="/", response="x"`)
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if a.Username != tc.want {
			t.Errorf("%s: username %q, want %q", tc.in, a.Username, tc.want)
		}
		if back, err := ParseAuthorization(a.String()); err != nil || back.Username != tc.want {
			t.Errorf("%s: reparse %v, %v", tc.in, back, err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		kind     error
	}{
		{"empty", ``, ErrMalformed},
		{"basic", `Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==`, ErrNoCredentials},
		{"unterminated", `Digest username="alice, realm="r"`, ErrMalformed},
		{"duplicate", `Digest username="a", USERNAME="b", realm="r", nonce="n", uri="/", response="x"`, ErrMalformed},
		{"missing uri", `Digest username="a", realm="r", nonce="n", response="x"`, ErrMalformed},
		{"control char", "Digest username=\"a\x01\", realm=\"r\", nonce=\"n\", uri=\"/\", response=\"x\"", ErrMalformed},
		{"param first", `realm="r"`, ErrMalformed},
		{"trailing backslash", `Digest username=a\, realm="r", nonce="n", uri="/", response="x"`, ErrMalformed},
		{"two schemes", `Digest username="a", realm="r", nonce="n", uri="/", response="x", Basic abc`, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseAuthorization(tc.in)
			if !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want kind %v", err, tc.kind)
			}
			var de *Error
			if !errors.As(err, &de) || !strings.HasPrefix(err.Error(), "digest: ") {
				t.Fatalf("err %v is not a *digest.Error with prefix", err)
			}
		})
	}
}

func TestChallengeStringRoundTrip(t *testing.T) {
	c := Challenge{Realm: `im."example"`, Nonce: "n", Opaque: "o", Domain: "/", Algorithm: SHA256Sess,
		Qop: []string{"auth", "auth-int"}, Stale: true, Charset: "UTF-8", Userhash: true}
	got, err := ParseChallenge(c.String())
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Fatalf("round trip of %s: %+v, %v", c.String(), got, err)
	}
}
