package interop

import (
	"encoding/binary"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
)

// srvRecord is the one SRV record the test's DNS server publishes.
type srvRecord struct {
	name   string // e.g. _rvp._tcp.example.com
	target string // e.g. im.example.com
	port   uint16
}

// DNS wire constants (RFC 1035, RFC 2782).
const (
	dnsTypeA    = 1
	dnsTypeSRV  = 33
	dnsClassIN  = 1
	dnsRcodeNX  = 3
	dnsFlagResp = 0x8000 | 0x0400 // QR, AA
)

// startDNS serves rec and A records (127.0.0.1) for its target on
// 127.0.0.1:53/udp, the resolver of the namespace; every other name gets
// NXDOMAIN. It stops at cleanup.
func startDNS(t *testing.T, rec srvRecord) {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:53")
	if err != nil {
		t.Fatalf("interop: dns listen: %v", err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 1500)
		for {
			n, addr, err := pc.ReadFrom(buf)
			if err != nil {
				return
			}
			if resp, err := dnsAnswer(buf[:n], rec); err == nil {
				_, _ = pc.WriteTo(resp, addr)
			}
		}
	}()
	t.Cleanup(func() {
		pc.Close()
		wg.Wait()
	})
}

var errDNSQuery = errors.New("interop: not a DNS query we answer")

// dnsAnswer builds the response to one query.
func dnsAnswer(q []byte, rec srvRecord) ([]byte, error) {
	if len(q) < 12 || binary.BigEndian.Uint16(q[4:6]) != 1 {
		return nil, errDNSQuery
	}
	name, end, err := dnsName(q, 12)
	if err != nil || end+4 > len(q) {
		return nil, errDNSQuery
	}
	qtype := binary.BigEndian.Uint16(q[end : end+2])
	question := q[12 : end+4]

	var answer []byte
	switch {
	case strings.EqualFold(name, rec.name) && qtype == dnsTypeSRV:
		var rdata []byte
		rdata = binary.BigEndian.AppendUint16(rdata, 0) // priority
		rdata = binary.BigEndian.AppendUint16(rdata, 0) // weight
		rdata = binary.BigEndian.AppendUint16(rdata, rec.port)
		rdata = appendDNSName(rdata, rec.target)
		answer = dnsRR(dnsTypeSRV, rdata)
	case strings.EqualFold(name, rec.target) && qtype == dnsTypeA:
		answer = dnsRR(dnsTypeA, []byte{127, 0, 0, 1})
	}
	resp := make([]byte, 12, 12+len(question)+len(answer))
	copy(resp[0:2], q[0:2])
	flags := uint16(dnsFlagResp) | binary.BigEndian.Uint16(q[2:4])&0x0100 // keep RD
	known := strings.EqualFold(name, rec.name) || strings.EqualFold(name, rec.target)
	if !known {
		flags |= dnsRcodeNX
	}
	binary.BigEndian.PutUint16(resp[2:4], flags)
	binary.BigEndian.PutUint16(resp[4:6], 1)
	if answer != nil {
		binary.BigEndian.PutUint16(resp[6:8], 1)
	}
	resp = append(resp, question...)
	return append(resp, answer...), nil
}

// dnsRR is a resource record for the question's name (compression pointer
// to offset 12), class IN, TTL 60.
func dnsRR(typ uint16, rdata []byte) []byte {
	rr := []byte{0xc0, 12}
	rr = binary.BigEndian.AppendUint16(rr, typ)
	rr = binary.BigEndian.AppendUint16(rr, dnsClassIN)
	rr = binary.BigEndian.AppendUint32(rr, 60)
	rr = binary.BigEndian.AppendUint16(rr, uint16(len(rdata)))
	return append(rr, rdata...)
}

// dnsName reads an uncompressed name at off and returns it and the offset
// after it.
func dnsName(b []byte, off int) (string, int, error) {
	var labels []string
	for off < len(b) {
		n := int(b[off])
		off++
		if n == 0 {
			return strings.Join(labels, "."), off, nil
		}
		if n > 63 || off+n > len(b) {
			return "", 0, errDNSQuery
		}
		labels = append(labels, string(b[off:off+n]))
		off += n
	}
	return "", 0, errDNSQuery
}

func appendDNSName(b []byte, name string) []byte {
	for _, l := range strings.Split(strings.TrimSuffix(name, "."), ".") {
		b = append(b, byte(len(l)))
		b = append(b, l...)
	}
	return append(b, 0)
}
