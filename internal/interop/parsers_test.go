package interop

import (
	"bufio"
	"encoding/binary"
	"os"
	"slices"
	"strings"
	"testing"
)

// These tests cover the harness's own parsers and run everywhere (no root,
// no third-party client).

func TestParseMonitor(t *testing.T) {
	out := `signal time=1.2 sender=org.freedesktop.DBus -> destination=:1.0 serial=2 path=/org/freedesktop/DBus; interface=org.freedesktop.DBus; member=NameAcquired
   string ":1.0"
signal time=1.3 sender=:1.1 -> destination=(null destination) serial=9 path=/im/pidgin/purple/PurpleObject; interface=im.pidgin.purple.PurpleInterface; member=ReceivedImMsg
   int32 77
   string "alice@example.com"
   string "<b>a "quoted" word</b>"
   int32 0
   uint32 2
method call time=1.4 sender=:1.2 -> destination=:1.1 serial=3 path=/x; interface=y; member=Z
   int32 5
signal time=1.5 sender=:1.1 -> destination=(null destination) serial=10 path=/im/pidgin/purple/PurpleObject; interface=im.pidgin.purple.PurpleInterface; member=BuddySignedOn
   int32 99
`
	var got []signal
	parseMonitor(bufio.NewScanner(strings.NewReader(out)), func(g signal) { got = append(got, g) })
	want := []signal{
		{Member: "NameAcquired", Args: []string{":1.0"}},
		{Member: "ReceivedImMsg", Args: []string{"77", "alice@example.com", `<b>a "quoted" word</b>`, "0", "2"}},
		{Member: "BuddySignedOn", Args: []string{"99"}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d signals %q, want %d", len(got), got, len(want))
	}
	for i := range want {
		if got[i].Member != want[i].Member || !slices.Equal(got[i].Args, want[i].Args) {
			t.Errorf("signal %d = %q, want %q", i, got[i], want[i])
		}
	}
}

// TestParseMonitorEmitsAtArity checks that a signal with a known argument
// count is delivered before the next message starts (dbus-monitor prints no
// terminator, and the test waits on such signals).
func TestParseMonitorEmitsAtArity(t *testing.T) {
	r, w := ioPipe(t)
	got := make(chan signal, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		parseMonitor(bufio.NewScanner(r), func(g signal) { got <- g })
	}()
	if _, err := w.Write([]byte("signal time=1 sender=:1.1 member=BuddySignedOn\n   int32 7\n")); err != nil {
		t.Fatal(err)
	}
	if g := <-got; g.Member != "BuddySignedOn" || !slices.Equal(g.Args, []string{"7"}) {
		t.Errorf("got %q", g)
	}
	w.Close()
	<-done
}

func TestDNSAnswerSRV(t *testing.T) {
	rec := srvRecord{name: "_rvp._tcp.example.com", target: "im.example.com", port: 8081}
	resp, err := dnsAnswer(dnsQuery(0x1234, rec.name, dnsTypeSRV), rec)
	if err != nil {
		t.Fatal(err)
	}
	if id := binary.BigEndian.Uint16(resp[0:2]); id != 0x1234 {
		t.Errorf("id %#x", id)
	}
	flags := binary.BigEndian.Uint16(resp[2:4])
	if flags&0x8000 == 0 || flags&0xf != 0 || flags&0x0100 == 0 {
		t.Errorf("flags %#x: want a response, NOERROR, RD copied", flags)
	}
	if an := binary.BigEndian.Uint16(resp[6:8]); an != 1 {
		t.Fatalf("%d answers", an)
	}
	_, off, err := dnsName(resp, 12)
	if err != nil {
		t.Fatal(err)
	}
	rr := resp[off+4:] // after QTYPE, QCLASS
	if rr[0] != 0xc0 || rr[1] != 12 || binary.BigEndian.Uint16(rr[2:4]) != dnsTypeSRV {
		t.Fatalf("answer header % x", rr[:12])
	}
	rdata := rr[12:]
	if port := binary.BigEndian.Uint16(rdata[4:6]); port != 8081 {
		t.Errorf("port %d", port)
	}
	if target, _, err := dnsName(rdata, 6); err != nil || target != "im.example.com" {
		t.Errorf("target %q, %v", target, err)
	}
}

func TestDNSAnswerOthers(t *testing.T) {
	rec := srvRecord{name: "_rvp._tcp.example.com", target: "im.example.com", port: 80}
	resp, err := dnsAnswer(dnsQuery(1, "im.example.com", dnsTypeA), rec)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(resp), "\x00\x04\x7f\x00\x00\x01") {
		t.Errorf("A answer % x does not end in 127.0.0.1", resp)
	}
	resp, err = dnsAnswer(dnsQuery(2, "elsewhere.example", dnsTypeA), rec)
	if err != nil {
		t.Fatal(err)
	}
	if rcode := binary.BigEndian.Uint16(resp[2:4]) & 0xf; rcode != dnsRcodeNX {
		t.Errorf("unknown name: rcode %d, want NXDOMAIN", rcode)
	}
	if _, err := dnsAnswer([]byte{1, 2, 3}, rec); err == nil {
		t.Error("a 3-byte packet was answered")
	}
}

func FuzzDNSAnswer(f *testing.F) {
	rec := srvRecord{name: "_rvp._tcp.example.com", target: "im.example.com", port: 80}
	f.Add(dnsQuery(1, rec.name, dnsTypeSRV))
	f.Add(dnsQuery(2, "im.example.com", dnsTypeA))
	f.Add([]byte{0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 63})
	f.Fuzz(func(t *testing.T, q []byte) {
		resp, err := dnsAnswer(q, rec)
		if err != nil {
			return
		}
		if len(resp) < 12 || resp[0] != q[0] || resp[1] != q[1] {
			t.Fatalf("response % x to query % x", resp, q)
		}
	})
}

// dnsQuery builds a one-question query with RD set.
func dnsQuery(id uint16, name string, typ uint16) []byte {
	q := binary.BigEndian.AppendUint16(nil, id)
	q = append(q, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0)
	q = appendDNSName(q, name)
	q = binary.BigEndian.AppendUint16(q, typ)
	return binary.BigEndian.AppendUint16(q, dnsClassIN)
}

func ioPipe(t *testing.T) (*os.File, *os.File) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, w
}
