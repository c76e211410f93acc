package settings

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestValidatePollingPeriod(t *testing.T) {
	good := map[string]int{"1": 1, "10": 10, "15": 15, " 7 ": 7, "05": 5}
	for in, want := range good {
		got, err := ValidatePollingPeriod(in)
		if err != nil || got != want {
			t.Errorf("ValidatePollingPeriod(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "  ", "abc", "ten", "0", "16", "-1", "+5", "1.5", "1e1", "99999999999", "5 min"} {
		_, err := ValidatePollingPeriod(in)
		ve, ok := errors.AsType[*ValidationError](err)
		if !ok {
			t.Errorf("ValidatePollingPeriod(%q) error = %v, want *ValidationError", in, err)
			continue
		}
		if ve.Key != KeyPollingPeriod || err.Error() != MsgPollingPeriod || !errors.Is(err, ErrInvalid) {
			t.Errorf("ValidatePollingPeriod(%q) = %#v", in, ve)
		}
	}
}

func TestMessagesNameTheLimits(t *testing.T) {
	// POLLING.md section 6: the period message asks for 1 to 15 minutes, the
	// port messages name the permissible range 1025 to 65535.
	if !strings.Contains(MsgPollingPeriod, "between 1 and 15 minutes") {
		t.Errorf("MsgPollingPeriod = %q", MsgPollingPeriod)
	}
	for _, m := range []string{MsgPortsRange, MsgPortsOrder, MsgPortsMissing} {
		if !strings.Contains(m, "1025 to 65535") {
			t.Errorf("port message %q does not name the range", m)
		}
	}
	const notice = "The changes you made to your connection configuration won't take effect until the next time you sign in"
	if ConnectionChangedNotice != notice {
		t.Errorf("ConnectionChangedNotice = %q", ConnectionChangedNotice)
	}
}

func TestValidatePorts(t *testing.T) {
	tests := []struct {
		from, to string
		want     Ports
		msg      string
	}{
		{"5000", "5010", Ports{5000, 5010}, ""},
		{"5000", "", Ports{5000, 5000}, ""},
		{"5000", "5000", Ports{5000, 5000}, ""},
		{"1025", "65535", Ports{1025, 65535}, ""},
		{" 6000 ", " 6001", Ports{6000, 6001}, ""},
		{"", "5000", Ports{}, MsgPortsMissing},
		{"1024", "5000", Ports{}, MsgPortsRange},
		{"5000", "65536", Ports{}, MsgPortsRange},
		{"80", "", Ports{}, MsgPortsRange},
		{"abc", "5000", Ports{}, MsgPortsRange},
		{"5000", "x", Ports{}, MsgPortsRange},
		{"-5000", "5000", Ports{}, MsgPortsRange},
		{"5010", "5000", Ports{}, MsgPortsOrder},
	}
	for _, tt := range tests {
		got, err := ValidatePorts(tt.from, tt.to)
		msg, _ := UserMessage(err)
		if got != tt.want || msg != tt.msg {
			t.Errorf("ValidatePorts(%q, %q) = %v, %q; want %v, %q", tt.from, tt.to, got, msg, tt.want, tt.msg)
		}
		if tt.msg != "" && !errors.Is(err, ErrInvalid) {
			t.Errorf("ValidatePorts(%q, %q) error %v does not match ErrInvalid", tt.from, tt.to, err)
		}
	}
}

func TestValidatePollingFlag(t *testing.T) {
	for flag, want := range map[int]PollingMode{0: ModeDefault, 1: ModePolling, 2: ModeFixedPorts} {
		if got, err := ValidatePollingFlag(flag); err != nil || got != want {
			t.Errorf("ValidatePollingFlag(%d) = %v, %v", flag, got, err)
		}
	}
	for _, flag := range []int{-1, 3, 100} {
		if _, err := ValidatePollingFlag(flag); err == nil || err.Error() != MsgPollingFlag {
			t.Errorf("ValidatePollingFlag(%d) error = %v", flag, err)
		}
	}
}

func TestValidateServer(t *testing.T) {
	good := map[string]string{
		"": "", "  ": "", "im.example.com": "im.example.com", " im.example.com:8080 ": "im.example.com:8080",
		"localhost": "localhost", "127.0.0.1:80": "127.0.0.1:80", "[::1]:5000": "[::1]:5000", "::1": "::1",
		"im.example.com.": "im.example.com.",
	}
	for in, want := range good {
		if got, err := ValidateServer(in); err != nil || got != want {
			t.Errorf("ValidateServer(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	bad := []string{"http://im.example.com", "im.example.com/path", "im..example.com", ".example.com",
		"im.example.com:0", "im.example.com:65536", "im.example.com:x", "-bad.example", "a b", "host:",
		strings.Repeat("a", 64) + ".com"}
	for _, in := range bad {
		if _, err := ValidateServer(in); err == nil || err.Error() != MsgServer {
			t.Errorf("ValidateServer(%q) error = %v, want %q", in, err, MsgServer)
		}
	}
}

func TestUserMessageThroughWrapping(t *testing.T) {
	_, err := ValidatePollingPeriod("0")
	wrapped := fmt.Errorf("ui: save connection: %w", err)
	if msg, ok := UserMessage(wrapped); !ok || msg != MsgPollingPeriod {
		t.Fatalf("UserMessage = %q, %v", msg, ok)
	}
	if _, ok := UserMessage(errors.New("other")); ok {
		t.Fatal("UserMessage accepted a plain error")
	}
}

func FuzzValidatePollingPeriod(f *testing.F) {
	for _, s := range []string{"", "1", "15", "16", "0", "abc", " 7 ", "-3", "1.5"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ValidatePollingPeriod(s)
		if err == nil && (n < 1 || n > 15) {
			t.Fatalf("accepted %q as %d", s, n)
		}
		if err != nil && err.Error() != MsgPollingPeriod {
			t.Fatalf("error text %q", err)
		}
	})
}

func FuzzValidatePorts(f *testing.F) {
	f.Add("5000", "5010")
	f.Add("1024", "")
	f.Add("x", "1")
	f.Fuzz(func(t *testing.T, from, to string) {
		p, err := ValidatePorts(from, to)
		if err == nil && !p.Valid() {
			t.Fatalf("accepted (%q, %q) as %v", from, to, p)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("error %v is not ErrInvalid", err)
		}
	})
}
