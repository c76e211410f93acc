package conformance

import (
	"strings"
	"testing"
)

// TestHelperWireProblems: the literal XML checks catch each shape old
// clients break on, and pass the compact form PROTOCOL.md shows.
func TestHelperWireProblems(t *testing.T) {
	good := `<?xml version="1.0"?><d:multistatus ` + rootDecls + `><d:response><d:href>x</d:href>` +
		`<d:propstat><d:prop><r:state><r:online/></r:state><r:mobile-description> </r:mobile-description></d:prop>` +
		`<d:status>HTTP/1.1 200 Successful</d:status></d:propstat></d:response></d:multistatus>`
	if p := wireProblems([]byte(good)); len(p) != 0 {
		t.Errorf("compact document: %v", p)
	}
	bad := map[string]string{
		"indented":             strings.Replace(good, "<d:response>", "\n <d:response>", 1),
		"trailing whitespace":  strings.Replace(good, "</r:state>", "</r:state>\n", 1),
		"no prolog":            strings.TrimPrefix(good, `<?xml version="1.0"?>`),
		"declared below root":  `<?xml version="1.0"?><d:multistatus xmlns:d='DAV:'><r:state xmlns:r='http://schemas.microsoft.com/rvp/'/></d:multistatus>`,
		"other prefix":         `<?xml version="1.0"?><D:multistatus xmlns:D='DAV:'/>`,
		"default namespace":    `<?xml version="1.0"?><multistatus xmlns='DAV:'/>`,
		"wrong binding":        `<?xml version="1.0"?><d:multistatus xmlns:d='http://schemas.microsoft.com/rvp/'/>`,
		"timeout in r:":        `<?xml version="1.0"?><r:state ` + rootDecls + `><r:timeout>1</r:timeout></r:state>`,
		"undeclared prefix":    `<?xml version="1.0"?><d:multistatus xmlns:d='DAV:'><a:ace/></d:multistatus>`,
		"whitespace in prop":   strings.Replace(good, "<d:prop>", "<d:prop> ", 1),
		"whitespace after end": strings.Replace(good, "</d:status>", "</d:status>\t", 1),
	}
	for name, doc := range bad {
		if p := wireProblems([]byte(doc)); len(p) == 0 {
			t.Errorf("%s: no problem found in %s", name, doc)
		}
	}
}

// TestHelperDigestResponse: RFC 7616 section 3.9.1's example, both
// algorithms.
func TestHelperDigestResponse(t *testing.T) {
	const (
		nonce  = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v"
		cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ"
	)
	for alg, want := range map[string]string{
		"MD5":     "8ca523f5e9506fed4657c9700eebdbec",
		"SHA-256": "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
	} {
		got := digestResponse(alg, "Mufasa", "http-auth@example.org", "Circle of Life", "GET", "/dir/index.html", nonce, "00000001", cnonce)
		if got != want {
			t.Errorf("%s: %s, want %s", alg, got, want)
		}
	}
}

// TestHelperParseChallenge: quoted strings with escapes and commas, bare
// tokens, several parameters.
func TestHelperParseChallenge(t *testing.T) {
	ch, err := parseChallenge(`Digest realm="ex, \"q\"", qop="auth", nonce=abc, algorithm=SHA-256`)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"realm": `ex, "q"`, "qop": "auth", "nonce": "abc", "algorithm": "SHA-256"}
	for k, v := range want {
		if ch.params[k] != v {
			t.Errorf("%s = %q, want %q", k, ch.params[k], v)
		}
	}
	if ch.scheme != "Digest" || ch.algorithm() != "SHA-256" {
		t.Errorf("scheme %q algorithm %q", ch.scheme, ch.algorithm())
	}
	if _, err := parseChallenge(`Digest realm="open`); err == nil {
		t.Error("unterminated quoted string accepted")
	}
}

// FuzzParseChallenge: the challenge parser never panics and never loops.
func FuzzParseChallenge(f *testing.F) {
	for _, s := range []string{`Digest realm="example.com", qop="auth", nonce="n", algorithm=SHA-256`,
		`Digest realm="a\"b"`, `Basic`, `Digest x`, `Digest a="`, `Digest a=b,,,c=d`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ch, err := parseChallenge(s)
		if err == nil && ch.params == nil {
			t.Fatal("nil params without an error")
		}
	})
}

// FuzzWireProblems: the literal checker never panics on any input.
func FuzzWireProblems(f *testing.F) {
	f.Add([]byte(`<?xml version="1.0"?><d:multistatus ` + rootDecls + `><d:response/></d:multistatus>`))
	f.Add([]byte(`<a><b>`))
	f.Add([]byte(`</x>`))
	f.Fuzz(func(t *testing.T, b []byte) { wireProblems(b) })
}
