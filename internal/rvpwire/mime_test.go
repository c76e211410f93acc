package rvpwire

import (
	"regexp"
	"testing"
)

func TestParseIMKinds(t *testing.T) {
	cases := []struct {
		raw  string
		kind IMKind
	}{
		{"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nSession-Id: {A}\r\n\r\nhi", IMText},
		{"Content-Type: text/x-msmsgscontrol\r\nTypingUser: alice@example.com\r\nSession-Id: {A}\r\n\r\n", IMTyping},
		{"Content-Type: text/x-msmsgscontrol; charset=UTF-8\nTypingUser: alice@example.com\n\n", IMTyping},
		{"Content-Type: text/x-msmsscontrol\r\nTypingUser: a@b\r\n\r\n", IMTyping},
		{"Content-Type: text/x-msmsgscontrol\r\nSession-Id: {A}\r\n\r\n", IMJoin},
		{"Content-Type: text/x-imleave\r\nSession-Id: {A}\r\n\r\n", IMLeave},
		{"Content-Type: text/x-msmsgsinvite; charset=UTF-8\r\n\r\nInvitation-Command: INVITE\r\n", IMInvite},
		{"Content-Type: application/x-unknown\r\n\r\n", IMOther},
	}
	for _, c := range cases {
		im, err := ParseIM(c.raw)
		if err != nil {
			t.Fatalf("%q: %v", c.raw, err)
		}
		if im.Kind() != c.kind {
			t.Errorf("%q: kind %d, want %d", c.raw, im.Kind(), c.kind)
		}
	}
}

func TestIMFoldedHeaderAndLF(t *testing.T) {
	im, err := ParseIM("Content-Type: text/plain;\n charset=UTF-8\nSession-Id: {B}\n\nline1\nline2")
	if err != nil {
		t.Fatal(err)
	}
	if im.SessionID() != "{B}" || im.Body != "line1\nline2" || im.Kind() != IMText {
		t.Fatalf("%+v", im)
	}
}

func TestIMRoundTrip(t *testing.T) {
	sid := NewSessionID()
	for _, m := range []IM{TextIM(sid, "", "héllo\r\nwörld ✓"), TypingIM(sid, "alice@example.com"), JoinIM(sid), LeaveIM(sid)} {
		back, err := ParseIM(m.String())
		if err != nil {
			t.Fatal(err)
		}
		if back.Kind() != m.Kind() || back.SessionID() != sid || back.Body != m.Body || back.TypingUser() != m.TypingUser() {
			t.Fatalf("round trip: %+v -> %+v", m, back)
		}
	}
	text := TextIM(sid, "", "x").String()
	want := "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nX-MMS-IM-Format: " + DefaultFormat + "\r\nSession-Id: " + sid + "\r\n\r\nx"
	if text != want {
		t.Fatalf("text IM:\n%q\nwant\n%q", text, want)
	}
}

func TestNewSessionID(t *testing.T) {
	re := regexp.MustCompile(`^\{[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}\}$`)
	a, b := NewSessionID(), NewSessionID()
	if !re.MatchString(a) || a == b {
		t.Fatalf("session ids %q %q", a, b)
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"FN=MS%20Shell%20Dlg; EF=; CO=0; CS=0; PF=0", "FN=MS%%20Shell%%20Dlg; EF=; CO=0; CS=0; PF=0"} {
		if f := ParseFormat(s); f.Font != "MS Shell Dlg" || f.Color != "0" || f.PitchFamily != "0" {
			t.Fatalf("%q -> %+v", s, f)
		}
	}
	f := ParseFormat("FN=Microsoft%20Sans%20Serif; EF=BI; CO=ff; CS=0; PF=22")
	if f.Effects != "BI" || f.Color != "ff" || f.PitchFamily != "22" {
		t.Fatalf("%+v", f)
	}
	if back := ParseFormat(f.String()); back != f {
		t.Fatalf("round trip %+v -> %+v", f, back)
	}
}
