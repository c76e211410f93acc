package rvpserver

import (
	"bufio"
	"net"
	"net/http"
	"testing"
	"time"
)

// TestCallbackWithoutContentLength: a listener that answers 200 with no
// Content-Length and then neither sends a body nor closes. Delivery is
// judged by the status line alone; with an hour-long CallbackTimeout the
// NOTIFY would hang if the server waited for that body.
func TestCallbackWithoutContentLength(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan *http.Request, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
			req, err := http.ReadRequest(bufio.NewReader(c))
			if err != nil {
				return
			}
			got <- req
			_, _ = c.Write([]byte("HTTP/1.1 200 Message Received\r\nContent-Type: text/html\r\nRVP-Notifications-Version: 0.2\r\n\r\n<HTML>"))
		}
	}()
	e := newEnv(t, func(o *Options) { o.CallbackTimeout = time.Hour })
	alice, bob := e.user("alice"), e.user("bob")
	bob.login("http://" + ln.Addr().String())
	if r := alice.do("NOTIFY", "bob", imHeaders(), imBody("alice", "bob", "hi")); r.code != 200 {
		t.Fatalf("NOTIFY: %d", r.code)
	}
	if req := <-got; req.Method != "NOTIFY" || req.URL.Path != "/" || req.ContentLength <= 0 {
		t.Fatalf("callback got %s %s (Content-Length %d)", req.Method, req.URL, req.ContentLength)
	}
}
