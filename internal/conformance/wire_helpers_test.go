package conformance

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// request is one hand-written RVP request. Host defaults to the bare
// domain, RVP-Notifications-Version and RVP-From-Principal are added by
// the client, and Content-Length always follows (old clients send
// Content-Length: 0 on empty requests).
type request struct {
	method  string
	uri     string   // Request-URI exactly as sent
	host    string   // Host header; "" means the bare domain
	header  []string // further "Name: value" lines, in order
	body    []byte
	timeout time.Duration // read deadline; 0 means 10 s
}

// response is what came back, with the framing facts the contract cares
// about kept apart from net/http's interpretation.
type response struct {
	status    int
	header    http.Header
	body      []byte
	hasLength bool // a Content-Length header was present
	chunked   bool
	err       error // transport failure (for asynchronous requests)
}

// h returns a response header.
func (r *response) h(name string) string { return r.header.Get(name) }

// exchange opens a new TCP connection, writes raw, reads one response and
// closes the connection.
func exchange(addr, method string, raw []byte, timeout time.Duration) (*response, error) {
	if timeout == 0 {
		timeout = 10 * time.Second
	}
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(timeout))
	if _, err := conn.Write(raw); err != nil {
		// The server may answer (413, 431) and close before reading
		// everything; still try to read its answer.
		if resp, rerr := readResponse(conn, method); rerr == nil {
			return resp, nil
		}
		return nil, err
	}
	return readResponse(conn, method)
}

func readResponse(conn net.Conn, method string) (*response, error) {
	hr, err := http.ReadResponse(bufio.NewReader(conn), &http.Request{Method: method})
	if err != nil {
		return nil, err
	}
	defer hr.Body.Close()
	body, err := io.ReadAll(hr.Body)
	if err != nil {
		return nil, fmt.Errorf("read %d body: %w", hr.StatusCode, err)
	}
	_, hasLength := hr.Header["Content-Length"]
	return &response{status: hr.StatusCode, header: hr.Header, body: body, hasLength: hasLength,
		chunked: len(hr.TransferEncoding) > 0}, nil
}

// client is one user's old-style client: credentials only after a 401,
// a fresh connection per request.
type client struct {
	s        *server
	alias    string
	username string // Digest username as sent
	pass     string
	alg      string // algorithm answered: "MD5" (to the first challenge) or "SHA-256"
	from     string // RVP-From-Principal
	host     string // Host header
}

// client returns alias's client answering MD5 to the first challenge, as
// Windows Messenger does.
func (s *server) client(alias string) *client {
	return &client{s: s, alias: alias, username: alias, pass: password(alias), alg: "MD5",
		from: principal(alias), host: domain}
}

// raw renders r with auth (may be "") as the Authorization value.
func (c *client) raw(r request, auth string) []byte {
	var b bytes.Buffer
	host := r.host
	if host == "" {
		host = c.host
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nRVP-Notifications-Version: 0.2\r\n", r.method, r.uri, host)
	if c.from != "" {
		fmt.Fprintf(&b, "RVP-From-Principal: %s\r\n", c.from)
	}
	for _, h := range r.header {
		b.WriteString(h + "\r\n")
	}
	if auth != "" {
		b.WriteString("Authorization: " + auth + "\r\n")
	}
	fmt.Fprintf(&b, "Content-Length: %d\r\n\r\n", len(r.body))
	b.Write(r.body)
	return b.Bytes()
}

// exchange sends r the old way: without credentials, then, after a 401,
// again on a new connection with Digest computed from that challenge.
func (c *client) exchange(r request) (*response, error) {
	resp, err := exchange(c.s.addr, r.method, c.raw(r, ""), r.timeout)
	if err != nil || resp.status != http.StatusUnauthorized {
		return resp, err
	}
	ch, err := pickChallenge(resp.header.Values("WWW-Authenticate"), c.alg)
	if err != nil {
		return nil, err
	}
	auth := c.authorization(ch, r.method, r.uri, "00000001")
	return exchange(c.s.addr, r.method, c.raw(r, auth), r.timeout)
}

// do is exchange for the test goroutine.
func (c *client) do(t *testing.T, r request) *response {
	t.Helper()
	resp, err := c.exchange(r)
	if err != nil {
		t.Fatalf("%s %s as %s: %v", r.method, r.uri, c.alias, err)
	}
	return resp
}

// async runs exchange on its own goroutine; the test waits for it at
// cleanup at the latest.
func (c *client) async(t *testing.T, r request) <-chan *response {
	out := make(chan *response, 1)
	var wg sync.WaitGroup
	wg.Go(func() {
		resp, err := c.exchange(r)
		if err != nil {
			resp = &response{err: err}
		}
		out <- resp
	})
	t.Cleanup(wg.Wait)
	return out
}

// wait receives an asynchronous answer or fails after d.
func wait(t *testing.T, ch <-chan *response, d time.Duration) *response {
	t.Helper()
	select {
	case r := <-ch:
		if r.err != nil {
			t.Fatalf("asynchronous request: %v", r.err)
		}
		return r
	case <-time.After(d):
		t.Fatalf("no answer within %v", d)
		return nil
	}
}

// wantStatus fails the test when r does not carry want.
func wantStatus(t *testing.T, r *response, want int) {
	t.Helper()
	if r.status != want {
		t.Fatalf("status %d, want %d (body %q)", r.status, want, clip(r.body))
	}
}

func clip(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "..."
	}
	return string(b)
}

// Requests the suite sends often.

func login(c *client, callback string, lifetime string) request {
	h := []string{"Notification-Type: pragma/notify", "Call-Back: " + callback}
	if lifetime != "" {
		h = append(h, "Subscription-Lifetime: "+lifetime)
	}
	return request{method: "SUBSCRIBE", uri: nodePath(c.alias), header: h}
}

func propchange(c *client, target, lifetime string) request {
	h := []string{"Notification-Type: update/propchange", "Call-Back: " + principal(c.alias)}
	if lifetime != "" {
		h = append(h, "Subscription-Lifetime: "+lifetime)
	}
	return request{method: "SUBSCRIBE", uri: nodePath(target), header: h}
}

// signIn subscribes c's login to callback and returns the subscription id.
func (c *client) signIn(t *testing.T, callback string) string {
	t.Helper()
	r := c.do(t, login(c, callback, "14400"))
	wantStatus(t, r, http.StatusOK)
	return r.h("Subscription-Id")
}

// watch subscribes c to target's property changes; returns the 207.
func (c *client) watch(t *testing.T, target string) *response {
	t.Helper()
	r := c.do(t, propchange(c, target, "14400"))
	wantStatus(t, r, http.StatusMultiStatus)
	return r
}
