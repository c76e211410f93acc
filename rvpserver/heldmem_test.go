package rvpserver

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"rendezvous/internal/rvpwire"
)

// TestHeldPollMemory measures what a held POLL costs the process over real
// loopback connections (the client side is bare sockets, no goroutines).
// Measured: about 22 KiB, of which net/http's per-connection buffers (4 KiB
// reader, 4 KiB writer, 2 KiB response buffer) and its two goroutines per
// connection are about 16 KiB and the client sockets about 1 KiB; the
// server's own part (request, held-POLL struct, timer) is about 1.5 KiB.
// The guard is 24 KiB.
func TestHeldPollMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 2000 connections")
	}
	const n = 2000
	s, err := New(&Options{Domains: []string{testDomain}, DisableAuth: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(s)
	defer hs.Close()
	defer s.Shutdown(context.Background())
	if err := s.AddUser(context.Background(), "bob", "pw", ""); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = pollLogin(t, s, "bob", nil)
	}
	before := memInUse()
	conns := make([]net.Conn, n)
	for i := range conns {
		c, err := net.Dial("tcp", hs.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POLL /instmsg/aliases/bob HTTP/1.1\r\nHost: %s\r\n%s: %s\r\n%s: %s\r\n%s: 600\r\nContent-Length: 0\r\n\r\n",
			testDomain, rvpwire.HeaderFromPrincipal, principal("bob"), rvpwire.HeaderSubscriptionID, ids[i], rvpwire.HeaderPollLifetime)
		conns[i] = c
	}
	waitHeld(t, s, n)
	per := (memInUse() - before) / n
	t.Logf("held POLLs: %d, server memory per held POLL: %.1f KiB", n, float64(per)/1024)
	if per > 24<<10 && !raceEnabled {
		t.Errorf("a held POLL costs %d bytes, want < 24 KiB", per)
	}
	if err := s.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, c := range conns[:10] {
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != http.StatusNoContent {
			t.Fatalf("held POLL at shutdown: %v %v", resp, err)
		}
	}
}

func memInUse() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapInuse + m.StackInuse)
}
