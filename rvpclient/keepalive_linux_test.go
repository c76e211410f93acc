package rvpclient

import (
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"
)

// Connections to servers probe for a dead peer only after the longest hold
// a POLL may ask for: net/http's default (every 30 s) would cost an idle
// polling client several times what its polls cost. Proxies come from the
// environment.
func TestDefaultTransportKeepAlive(t *testing.T) {
	tr := defaultHTTPClient().Transport.(*http.Transport)
	if tr.Proxy == nil {
		t.Fatal("no proxy function: HTTP_PROXY would be ignored")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := tr.DialContext(t.Context(), "tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	raw, err := c.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var idle int
	var serr error
	if err := raw.Control(func(fd uintptr) {
		idle, serr = syscall.GetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE)
	}); err != nil || serr != nil {
		t.Fatal(err, serr)
	}
	if want := int((MaxPollingPeriod + time.Minute).Seconds()); idle != want {
		t.Fatalf("TCP_KEEPIDLE %d s, want %d s (after the longest hold)", idle, want)
	}
}
