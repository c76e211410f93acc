package main

import (
	"net"
	"syscall"
	"testing"
	"time"
)

// RVP connections probe for a dead peer only after the longest poll hold,
// not every 15 s (Go's default), which made idle polling clients cost
// several times their polls.
func TestRVPKeepAliveStartsAfterLongestHold(t *testing.T) {
	cfg := DefaultConfig(func(string) string { return "" })
	cfg.Poll.LifeTime.Maximum = 600 * time.Second
	ln, err := listenTCP("Listen", "127.0.0.1:0", rvpKeepAlive(cfg))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	sc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer sc.Close()
	raw, err := sc.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var on, idle, intvl, cnt int
	var serr error
	if err := raw.Control(func(fd uintptr) {
		get := func(level, opt int) int {
			v, err := syscall.GetsockoptInt(int(fd), level, opt)
			if err != nil {
				serr = err
			}
			return v
		}
		on = get(syscall.SOL_SOCKET, syscall.SO_KEEPALIVE)
		idle = get(syscall.IPPROTO_TCP, syscall.TCP_KEEPIDLE)
		intvl = get(syscall.IPPROTO_TCP, syscall.TCP_KEEPINTVL)
		cnt = get(syscall.IPPROTO_TCP, syscall.TCP_KEEPCNT)
	}); err != nil || serr != nil {
		t.Fatal(err, serr)
	}
	if on == 0 || idle != 660 || intvl != 60 || cnt != 5 {
		t.Fatalf("keep-alive on=%d idle=%ds interval=%ds count=%d, want on, 660 s, 60 s, 5", on, idle, intvl, cnt)
	}
}
