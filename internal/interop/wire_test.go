package interop

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
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

	exchanges *eventLog[exchange] // every request/response pair, decoded
}

// exchange is one HTTP request relayed to rvpd and the status it got.
type exchange struct {
	Conn        int
	Method, URI string
	From        string // RVP-From-Principal
	User        string // Digest user name, "" without Authorization
	Status      int    // 0 if no response was seen
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
	r := &wireRelay{ln: ln, upstream: upstream, latency: latency, log: f,
		conns: map[net.Conn]struct{}{}, exchanges: newEventLog[exchange]()}
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
	reqR, reqW := io.Pipe()
	respR, respW := io.Pipe()
	var all sync.WaitGroup
	all.Add(4)
	go func() { defer all.Done(); r.pipe(id, "client -> rvpd", u, c, 0, reqW) }()
	go func() { defer all.Done(); r.pipe(id, "rvpd -> client", c, u, r.latency, respW) }()
	pending := make(chan exchange, 64)
	go func() { defer all.Done(); r.decodeRequests(id, reqR, pending) }()
	go func() { defer all.Done(); r.decodeResponses(respR, pending) }()
	all.Wait()
}

var digestUser = regexp.MustCompile(`username="([^"]*)"`)

// decodeRequests parses the client's bytes as HTTP requests and queues an
// exchange per request for decodeResponses. Undecodable input is drained.
func (r *wireRelay) decodeRequests(id int, in *io.PipeReader, out chan<- exchange) {
	defer func() {
		close(out)
		_, _ = io.Copy(io.Discard, in) // drain so the relay never blocks
	}()
	br := bufio.NewReader(in)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, req.Body)
		x := exchange{Conn: id, Method: req.Method, URI: req.RequestURI, From: req.Header.Get("RVP-From-Principal")}
		if m := digestUser.FindStringSubmatch(req.Header.Get("Authorization")); m != nil {
			x.User = m[1]
		}
		select {
		case out <- x:
		default: // more than 64 unanswered requests: not HTTP/1.1 as we know it
			return
		}
	}
}

// decodeResponses parses rvpd's bytes as HTTP responses and records each
// with the request it answers.
func (r *wireRelay) decodeResponses(in *io.PipeReader, reqs <-chan exchange) {
	defer func() {
		_, _ = io.Copy(io.Discard, in)
		for x := range reqs { // requests that got no response
			r.exchanges.add(x)
		}
	}()
	br := bufio.NewReader(in)
	for {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		x, ok := <-reqs
		if !ok {
			return
		}
		x.Status = resp.StatusCode
		r.exchanges.add(x)
	}
}

// pipe copies src to dst, recording each block, passing it to tap and
// holding it for delay, then half-closes dst and closes tap.
func (r *wireRelay) pipe(id int, dir string, dst, src net.Conn, delay time.Duration, tap *io.PipeWriter) {
	defer tap.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		if n > 0 {
			r.record(id, dir, buf[:n])
			_, _ = tap.Write(buf[:n])
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
