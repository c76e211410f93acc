package interop

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

// wireRelay is a transparent TCP relay that records every byte in both
// directions, one block per read, tagged with the connection number. It
// forwards half-closes, so the client sees exactly what rvpd sends.
//
// It also delays every block from rvpd by latency, like a real network does.
// librvp needs that: at sign-out it sends UNSUBSCRIBE and then spins its main
// loop until the request appears in its pending table, but checks the table
// only between bursts of main-loop events. On bare loopback the whole
// exchange (request, 401, request with Digest, 200, request freed) can finish
// within one burst; the request is never seen pending and librvp spins
// forever (finch hangs in rvp_close).
type wireRelay struct {
	ln       net.Listener
	upstream string
	latency  time.Duration
	mu       sync.Mutex // guards log writes and conns
	log      io.Writer
	conns    map[net.Conn]struct{}
	next     int
	wg       sync.WaitGroup
}

// startWireRelay listens on addr and relays to upstream, writing the trace
// to logPath. It is closed at cleanup.
func startWireRelay(t *testing.T, addr, upstream, logPath string, latency time.Duration) *wireRelay {
	t.Helper()
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("interop: relay listen %s: %v", addr, err)
	}
	r := &wireRelay{ln: ln, upstream: upstream, latency: latency, log: f, conns: map[net.Conn]struct{}{}}
	r.wg.Add(1)
	go r.accept()
	t.Cleanup(func() {
		r.close()
		f.Close()
	})
	return r
}

func (r *wireRelay) accept() {
	defer r.wg.Done()
	for {
		c, err := r.ln.Accept()
		if err != nil {
			return
		}
		r.mu.Lock()
		r.next++
		id := r.next
		r.conns[c] = struct{}{}
		r.mu.Unlock()
		r.wg.Add(1)
		go r.serve(id, c)
	}
}

func (r *wireRelay) serve(id int, c net.Conn) {
	defer r.wg.Done()
	defer r.forget(c)
	u, err := net.DialTimeout("tcp", r.upstream, 5*time.Second)
	if err != nil {
		r.record(id, "relay dial failed", []byte(err.Error()))
		return
	}
	r.mu.Lock()
	r.conns[u] = struct{}{}
	r.mu.Unlock()
	defer r.forget(u)
	var both sync.WaitGroup
	both.Add(2)
	go func() { defer both.Done(); r.pipe(id, "client -> rvpd", u, c, 0) }()
	go func() { defer both.Done(); r.pipe(id, "rvpd -> client", c, u, r.latency) }()
	both.Wait()
}

// pipe copies src to dst, recording each block and holding it for delay,
// then half-closes dst.
func (r *wireRelay) pipe(id int, dir string, dst, src net.Conn, delay time.Duration) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			r.record(id, dir, buf[:n])
			time.Sleep(delay) // simulated network latency, not a wait for state
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				r.record(id, dir+" EOF", nil)
			}
			if tc, ok := dst.(*net.TCPConn); ok {
				_ = tc.CloseWrite()
			}
			return
		}
	}
}

func (r *wireRelay) record(id int, dir string, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.log, "=== %s conn %d %s (%d bytes)\n%s\n", time.Now().Format("15:04:05.000"), id, dir, len(data), data)
}

func (r *wireRelay) forget(c net.Conn) {
	c.Close()
	r.mu.Lock()
	delete(r.conns, c)
	r.mu.Unlock()
}

// close stops accepting, cuts every relayed connection and waits.
func (r *wireRelay) close() {
	r.ln.Close()
	r.mu.Lock()
	for c := range r.conns {
		c.Close()
	}
	r.mu.Unlock()
	r.wg.Wait()
}
