// Package floor measures the loopback floor that every other figure is
// compared with: a 64-byte TCP ping-pong and an HTTP/1.1 keep-alive request,
// each between two processes.
//
// Serve runs in the server child; TCP and HTTP run in the measuring process.
// Each function owns the goroutines it starts and stops them before it
// returns.
package floor

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"rendezvous/bench/internal/stats"
)

// PingSize is the size of one ping and one pong.
const PingSize = 64

// Serve listens on two loopback ports, an echo server for 64-byte pings and
// an HTTP server that answers every request 200 with a short body, prints
// "READY <tcp-addr> <http-addr>" to out and serves until ctx ends.
func Serve(ctx context.Context, out io.Writer) error {
	tl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fmt.Errorf("floor: listen: %w", err)
	}
	hl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tl.Close()
		return fmt.Errorf("floor: listen: %w", err)
	}
	hs := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, 1<<16))
			w.Header().Set("Content-Type", "text/plain")
			w.Write([]byte("ok\n"))
		}),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	done := make(chan struct{})
	go func() { defer close(done); echo(tl) }()
	go hs.Serve(hl)
	fmt.Fprintf(out, "READY %s %s\n", tl.Addr(), hl.Addr())
	<-ctx.Done()
	tl.Close()
	hs.Close()
	<-done
	return nil
}

func echo(l net.Listener) {
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			buf := make([]byte, PingSize)
			for {
				if _, err := io.ReadFull(c, buf); err != nil {
					return
				}
				if _, err := c.Write(buf); err != nil {
					return
				}
			}
		}()
	}
}

// TCP runs warm+n ping-pongs of 64 bytes over one connection and returns
// the round trips of the last n.
func TCP(ctx context.Context, addr string, warm, n int) (stats.Summary, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return stats.Summary{}, fmt.Errorf("floor: dial: %w", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Minute))
	s := stats.New(n)
	ping, pong := make([]byte, PingSize), make([]byte, PingSize)
	for i := range warm + n {
		t0 := time.Now()
		if _, err := c.Write(ping); err != nil {
			return stats.Summary{}, fmt.Errorf("floor: tcp write: %w", err)
		}
		if _, err := io.ReadFull(c, pong); err != nil {
			return stats.Summary{}, fmt.Errorf("floor: tcp read: %w", err)
		}
		if i >= warm {
			s.Add(time.Since(t0))
		}
	}
	return s.Summary(), nil
}

// HTTP runs warm+n GET requests over one keep-alive connection and returns
// the round trips of the last n.
func HTTP(ctx context.Context, addr string, warm, n int) (stats.Summary, error) {
	c, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
	if err != nil {
		return stats.Summary{}, fmt.Errorf("floor: dial: %w", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Minute))
	br := bufio.NewReader(c)
	req := []byte("GET /ping HTTP/1.1\r\nHost: " + addr + "\r\nUser-Agent: rvpbench\r\n\r\n")
	s := stats.New(n)
	for i := range warm + n {
		t0 := time.Now()
		if _, err := c.Write(req); err != nil {
			return stats.Summary{}, fmt.Errorf("floor: http write: %w", err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return stats.Summary{}, fmt.Errorf("floor: http read: %w", err)
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			return stats.Summary{}, errors.Join(fmt.Errorf("floor: http status %d", resp.StatusCode), err)
		}
		if i >= warm {
			s.Add(time.Since(t0))
		}
	}
	return s.Summary(), nil
}
