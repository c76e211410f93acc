package firewalltest

import (
	"flag"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// relayRole is a middlebox: a TCP relay that cuts every connection a fixed
// time after it was opened, whatever is in flight (as a proxy or a
// stateful firewall with a short timeout does to held polls).
func relayRole(args []string) int {
	fs := flag.NewFlagSet("relay", flag.ContinueOnError)
	listen := fs.String("listen", "", "address to listen on")
	target := fs.String("target", "", "address to relay to")
	cut := fs.Duration("cut", 60*time.Second, "cut each connection this long after it opened")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	fmt.Println("ready")
	for {
		c, err := ln.Accept()
		if err != nil {
			return 1
		}
		go relayConn(c, *target, *cut)
	}
}

func relayConn(c net.Conn, target string, cut time.Duration) {
	defer c.Close()
	up, err := net.DialTimeout("tcp", target, 5*time.Second)
	if err != nil {
		return
	}
	defer up.Close()
	timer := time.AfterFunc(cut, func() { c.Close(); up.Close() })
	defer timer.Stop()
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); _, _ = io.Copy(up, c); up.Close() }()
	go func() { defer wg.Done(); _, _ = io.Copy(c, up); c.Close() }()
	wg.Wait()
}
