package settings

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestParsePorts(t *testing.T) {
	tests := []struct {
		in   string
		want Ports
		ok   bool
	}{
		{"5000", Ports{5000, 5000}, true},
		{"5000-5010", Ports{5000, 5010}, true},
		{" 5000 - 5010 ", Ports{5000, 5010}, true},
		{"80", Ports{80, 80}, true}, // syntax only: permissibility is Valid's job
		{"1-65535", Ports{1, 65535}, true},
		{"05000", Ports{5000, 5000}, true},
		{"", Ports{}, false},
		{"0", Ports{}, false},
		{"65536", Ports{}, false},
		{"5010-5000", Ports{}, false},
		{"5000-", Ports{}, false},
		{"-5000", Ports{}, false},
		{"5000-5010-5020", Ports{}, false},
		{"+5000", Ports{}, false},
		{"50a0", Ports{}, false},
		{"5000,5001", Ports{}, false},
		{"999999", Ports{}, false},
	}
	for _, tt := range tests {
		got, err := ParsePorts(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParsePorts(%q) = %v, %v; want %v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestPortsStringAndValid(t *testing.T) {
	tests := []struct {
		p     Ports
		s     string
		valid bool
		n     int
	}{
		{Ports{}, "", false, 0},
		{Ports{5000, 5000}, "5000", true, 1},
		{Ports{5000, 5010}, "5000-5010", true, 11},
		{Ports{1024, 1030}, "1024-1030", false, 7},
		{Ports{1025, 65535}, "1025-65535", true, 64511},
		{Ports{6000, 5000}, "6000-5000", false, 0},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.s {
			t.Errorf("%#v.String() = %q, want %q", tt.p, got, tt.s)
		}
		if got := tt.p.Valid(); got != tt.valid {
			t.Errorf("%#v.Valid() = %v, want %v", tt.p, got, tt.valid)
		}
		if got := tt.p.Len(); got != tt.n {
			t.Errorf("%#v.Len() = %d, want %d", tt.p, got, tt.n)
		}
	}
}

func TestPortsAll(t *testing.T) {
	got := slices.Collect(Ports{5000, 5003}.All())
	if want := []int{5000, 5001, 5002, 5003}; !slices.Equal(got, want) {
		t.Fatalf("All = %v, want %v", got, want)
	}
	if got := slices.Collect(Ports{}.All()); len(got) != 0 {
		t.Fatalf("zero Ports yields %v", got)
	}
	var first []int
	for p := range (Ports{7000, 7999}).All() {
		first = append(first, p)
		if len(first) == 2 {
			break
		}
	}
	if want := []int{7000, 7001}; !slices.Equal(first, want) {
		t.Fatalf("early break: %v, want %v", first, want)
	}
}

func TestPortsJSON(t *testing.T) {
	type doc struct{ Ports Ports }
	for _, p := range []Ports{{}, {5000, 5000}, {5000, 5010}} {
		b, err := json.Marshal(doc{p})
		if err != nil {
			t.Fatal(err)
		}
		var back doc
		if err := json.Unmarshal(b, &back); err != nil || back.Ports != p {
			t.Errorf("round trip of %v via %s = %v, %v", p, b, back.Ports, err)
		}
	}
	var d doc
	if err := json.Unmarshal([]byte(`{"Ports":"5010-5000"}`), &d); err == nil {
		t.Errorf("reversed range decoded to %v", d.Ports)
	}
}

func FuzzParsePorts(f *testing.F) {
	for _, s := range []string{"5000", "5000-5010", " 1 - 2 ", "0", "65536", "5-", "-", "", "1-65535"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePorts(s)
		if err != nil {
			return
		}
		if p.From < 1 || p.To > MaxPort || p.From > p.To {
			t.Fatalf("ParsePorts(%q) = %v out of bounds", s, p)
		}
		back, err := ParsePorts(p.String())
		if err != nil || back != p {
			t.Fatalf("round trip %q -> %v -> %q -> %v, %v", s, p, p.String(), back, err)
		}
		if p.Len() != p.To-p.From+1 {
			t.Fatalf("Len %d for %v", p.Len(), p)
		}
	})
}
