// Package rvpload is a lean RVP load client for benchmarks: raw HTTP/1.1 on
// keep-alive connections, Digest authentication from internal/digest, and
// just the requests a benchmark needs (login subscription, POLL with ack,
// NOTIFY, PROPPATCH, propchange SUBSCRIBE). It exists because thousands of
// full rvpclient engines in one process would measure the load generator,
// not rvpd.
//
// A Conn carries one request at a time and is owned by one goroutine.
// Login values are owned by the goroutine that polls them.
package rvpload

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"rendezvous/rvpclient"
	"strconv"
	"time"

	"golang.org/x/sys/unix"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

// MaxBody bounds every response body the load client reads.
const MaxBody = 4 << 20

// ErrStatus is wrapped by errors for answers with an unexpected status.
var ErrStatus = errors.New("rvpload: unexpected status")

// Field is one request header, written with its spelling kept.
type Field struct{ Name, Value string }

// Request is one RVP request.
type Request struct {
	Method string
	Path   string // Request-URI, path form
	Header []Field
	Body   []byte
}

// Response is a fully read answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// Conn is one keep-alive connection to rvpd.
type Conn struct {
	c    net.Conn
	br   *bufio.Reader
	host string
	buf  []byte

	// Requests counts requests written, 401 retries included.
	Requests int
}

// KeepAlive is the TCP keep-alive of every connection the load client
// opens, the same as the client engine's (rvpclient): probes start only
// after the longest hold a POLL may ask for.
var KeepAlive = net.KeepAliveConfig{Enable: true, Idle: rvpclient.MaxPollingPeriod + time.Minute, Interval: time.Minute, Count: 5}

// Dial connects to addr from the local address local (nil: any) and sends
// Host: host on every request.
func Dial(ctx context.Context, addr string, local net.IP, host string) (*Conn, error) {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAliveConfig: KeepAlive}
	if local != nil {
		d.LocalAddr = &net.TCPAddr{IP: local}
	}
	c, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("rvpload: dial %s: %w", addr, err)
	}
	return &Conn{c: c, br: bufio.NewReaderSize(c, 4096), host: host}, nil
}

// Close closes the connection.
func (c *Conn) Close() error { return c.c.Close() }

// Do sends r, signed by auth when auth has a challenge, and answers a 401
// by absorbing the challenge and sending once more. timeout bounds the
// whole exchange.
func (c *Conn) Do(r *Request, auth *digest.Client, timeout time.Duration) (*Response, error) {
	c.c.SetDeadline(time.Now().Add(timeout))
	for try := 0; ; try++ {
		h, signed := "", false
		if auth != nil {
			h, signed = auth.Authorize(r.Method, r.Path)
		}
		resp, err := c.roundTrip(r, h)
		if err != nil {
			return nil, err
		}
		if resp.Status != http.StatusUnauthorized || auth == nil || try > 0 {
			return resp, nil
		}
		if err := auth.Challenge(resp.Header.Values("WWW-Authenticate"), signed); err != nil {
			return nil, fmt.Errorf("rvpload: %s %s: %w", r.Method, r.Path, err)
		}
	}
}

func (c *Conn) roundTrip(r *Request, authz string) (*Response, error) {
	b := c.buf[:0]
	b = append(b, r.Method...)
	b = append(b, ' ')
	b = append(b, r.Path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, c.host...)
	b = append(b, "\r\n"...)
	for _, f := range r.Header {
		b = append(append(append(append(b, f.Name...), ": "...), f.Value...), "\r\n"...)
	}
	if authz != "" {
		b = append(append(append(b, "Authorization: "...), authz...), "\r\n"...)
	}
	b = append(b, "Content-Length: "...)
	b = strconv.AppendInt(b, int64(len(r.Body)), 10)
	b = append(b, "\r\n\r\n"...)
	b = append(b, r.Body...)
	c.buf = b
	c.Requests++
	if _, err := c.c.Write(b); err != nil {
		return nil, fmt.Errorf("rvpload: %s %s: write: %w", r.Method, r.Path, err)
	}
	hr, err := http.ReadResponse(c.br, nil)
	if err != nil {
		return nil, fmt.Errorf("rvpload: %s %s: read: %w", r.Method, r.Path, err)
	}
	defer hr.Body.Close()
	body, err := io.ReadAll(io.LimitReader(hr.Body, MaxBody))
	if err != nil {
		return nil, fmt.Errorf("rvpload: %s %s: body: %w", r.Method, r.Path, err)
	}
	return &Response{Status: hr.StatusCode, Header: hr.Header, Body: body}, nil
}

// Wire is what the kernel counted on one TCP connection (TCP_INFO).
type Wire struct {
	BytesSent     uint64 // payload bytes sent (tcpi_bytes_sent)
	BytesReceived uint64 // payload bytes received (tcpi_bytes_received)
	SegsOut       uint32 // segments sent, pure ACKs and keep-alive probes included
	SegsIn        uint32 // segments received, likewise
	DataSegsOut   uint32 // segments sent that carried payload
	DataSegsIn    uint32 // segments received that carried payload
}

// Wire reads TCP_INFO of the connection.
func (c *Conn) Wire() (Wire, error) {
	tc, ok := c.c.(*net.TCPConn)
	if !ok {
		return Wire{}, fmt.Errorf("rvpload: not a TCP connection")
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		return Wire{}, fmt.Errorf("rvpload: tcp info: %w", err)
	}
	var info *unix.TCPInfo
	var gerr error
	if err := rc.Control(func(fd uintptr) {
		info, gerr = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
	}); err != nil {
		return Wire{}, fmt.Errorf("rvpload: tcp info: %w", err)
	}
	if gerr != nil {
		return Wire{}, fmt.Errorf("rvpload: tcp info: %w", gerr)
	}
	return Wire{BytesSent: info.Bytes_sent, BytesReceived: info.Bytes_received,
		SegsOut: info.Segs_out, SegsIn: info.Segs_in, DataSegsOut: info.Data_segs_out, DataSegsIn: info.Data_segs_in}, nil
}

// common returns the headers every client request carries.
func common(domain, alias string) []Field {
	return []Field{
		{rvpwire.HeaderVersion, rvpwire.Version},
		{rvpwire.HeaderFromPrincipal, rvpwire.PrincipalURL(domain, alias)},
	}
}

func statusErr(r *Request, resp *Response) error {
	return fmt.Errorf("%w: %s %s: %d", ErrStatus, r.Method, r.Path, resp.Status)
}
