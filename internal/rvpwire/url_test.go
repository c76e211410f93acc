package rvpwire

import "testing"

func TestParseNodeURL(t *testing.T) {
	cases := []struct{ raw, host, domain, alias string }{
		{"/instmsg/aliases/Alice", "im.example.com", "im.example.com", "alice"},
		{"http://Example.com/instmsg/aliases/bob", "other", "example.com", "bob"},
		{"http://example.com:80/instmsg/aliases/bob", "", "example.com", "bob"},
		{"http://127.0.0.1:8080/instmsg/aliases/bob", "", "127.0.0.1:8080", "bob"},
		{"/instmsg/local/example.com/instmsg/aliases/kari", "router", "example.com", "kari"},
	}
	for _, c := range cases {
		n, err := ParseNodeURL(c.raw, c.host)
		if err != nil || n.Domain != c.domain || n.Alias != c.alias {
			t.Errorf("%q: %+v %v", c.raw, n, err)
		}
	}
	for _, bad := range []string{"/", "/instmsg/aliases/", "/instmsg/aliases/a/b", "/other/bob", "/instmsg/local/x"} {
		if _, err := ParseNodeURL(bad, "h"); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if u := PrincipalURL("Example.COM:80", "Bob"); u != "http://example.com/instmsg/aliases/bob" {
		t.Fatal(u)
	}
}

func TestParseSignInName(t *testing.T) {
	n, err := ParseSignInName(" Kari@Humongous.Example ")
	if err != nil || n.Alias != "kari" || n.Domain != "humongous.example" || n.SignInName() != "kari@humongous.example" {
		t.Fatalf("%+v %v", n, err)
	}
	for _, bad := range []string{"kari", "@x", "kari@", "a@b@c", "a b@c"} {
		if _, err := ParseSignInName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestHeaderValues(t *testing.T) {
	if d, err := ParseDepth("0"); err != nil || d != 0 {
		t.Fatal(d, err)
	}
	if d, _ := ParseDepth("Infinity"); d.String() != "infinity" {
		t.Fatal(d)
	}
	if _, err := ParseDepth("2"); err == nil {
		t.Fatal("depth 2 accepted")
	}
	if n, err := ParseSeconds(" 14400 ", 86400); err != nil || n != 14400 {
		t.Fatal(n, err)
	}
	for _, bad := range []string{"", "-1", "+5", "1e3", "99999999999999999999", "86401"} {
		if _, err := ParseSeconds(bad, 86400); err == nil {
			t.Errorf("seconds %q accepted", bad)
		}
	}
	if id, err := ParseSubscriptionID("4100"); err != nil || id != 4100 {
		t.Fatal(id, err)
	}
	for _, bad := range []string{"0", "9A504", "", "-3"} {
		if _, err := ParseSubscriptionID(bad); err == nil {
			t.Errorf("id %q accepted", bad)
		}
	}
	if a, _ := ParseAckType("deepor"); a != DeepOr {
		t.Fatal(a)
	}
	if nt, _ := ParseNotificationType("Update/PropChange"); nt != UpdatePropchange {
		t.Fatal(nt)
	}
	if _, err := ParseNotificationType("foo/bar"); err == nil {
		t.Fatal("unknown type accepted")
	}
	if se := (&StatusError{Method: "NOTIFY", URL: "/x", Code: 412}); !IsStatus(se, 412) || StatusCode(nil) != 0 {
		t.Fatal(se)
	}
}

func TestStateLabel(t *testing.T) {
	for s, want := range map[State]string{StateBackSoon: "Be Right Back", StateInvisible: "Appear Offline",
		"": "Offline", StateOffline: "Offline", "x-custom": "Online"} {
		if got := s.Label(); got != want {
			t.Errorf("%q.Label() = %q, want %q", s, got, want)
		}
	}
	if !State("x-custom").IsOnline() || State("").IsOnline() || StateInvisible.IsOnline() {
		t.Error("IsOnline: unknown tokens are online, none and invisible are not")
	}
}
