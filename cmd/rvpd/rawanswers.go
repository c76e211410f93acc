package main

import (
	"bytes"
	"net"
	"strconv"

	"rendezvous/internal/rvpwire"
)

// net/http answers a few requests it cannot parse itself, before any
// handler runs: a malformed header line or a missing Host (400), an
// unknown Transfer-Encoding (501), a header section over MaxHeaderBytes
// (431). It writes such an answer in one Write straight to the
// connection, as "HTTP/1.1 <status>" + rawErrorHeaders + <body>, without
// RVP-Notifications-Version or Content-Length, and then closes the
// connection. Every RVP answer carries both (PROTOCOL.md 1, DECISIONS.md
// "XML"), so rvpConn recognises exactly that shape and writes it with
// them.
//
// The match is strict, so an answer a handler wrote is never touched: the
// whole Write must have that shape (net/http writes handler answers
// through a buffer, with a Date header right after these two lines and
// with rvpserver's own headers), the status and body are single lines,
// and the body is net/http's text for that status: the status itself
// ("400 Bad Request", "400 Bad Request: missing required Host header",
// "431 Request Header Fields Too Large") or, for 501, "Unsupported
// transfer encoding". A Go release that changes the shape leaves its
// answers as they are (the tests notice).
//
// TLS: net/http handshakes only on a *tls.Conn it sees itself, so the
// wrapper sits on the plain listener only; with TLS the HTTP layer's own
// answers stay bare (clients of the 2000s speak plain HTTP).
const rawErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

const rawStatusLine = "HTTP/1.1 "

// maxRawAnswer bounds what is examined; net/http's own answers are short.
const maxRawAnswer = 512

// rvpListener wraps each accepted connection in an rvpConn.
type rvpListener struct{ net.Listener }

func (l rvpListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &rvpConn{Conn: c}, nil
}

// rvpConn is a connection whose writes of net/http's own error answers get
// RVP-Notifications-Version and Content-Length. It keeps no state, so it is
// as safe for concurrent use as the connection it wraps.
type rvpConn struct{ net.Conn }

func (c *rvpConn) Write(p []byte) (int, error) {
	fixed, ok := completeRawAnswer(p)
	if !ok {
		return c.Conn.Write(p)
	}
	if _, err := c.Conn.Write(fixed); err != nil {
		return 0, err
	}
	return len(p), nil
}

// CloseWrite half-closes the connection when the wrapped one can (net/http
// uses it before closing after a 431).
func (c *rvpConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// completeRawAnswer returns p with RVP-Notifications-Version and
// Content-Length added when p is one of net/http's own error answers.
func completeRawAnswer(p []byte) ([]byte, bool) {
	if len(p) > maxRawAnswer || !bytes.HasPrefix(p, []byte(rawStatusLine)) {
		return nil, false
	}
	status, body, ok := bytes.Cut(p[len(rawStatusLine):], []byte(rawErrorHeaders))
	if !ok || !oneLine(status) || !oneLine(body) || !validStatus(status) {
		return nil, false
	}
	if !bytes.Equal(body, status) && !(bytes.HasPrefix(status, []byte("501 ")) && string(body) == "Unsupported transfer encoding") {
		return nil, false
	}
	var b bytes.Buffer
	b.WriteString(rawStatusLine)
	b.Write(status)
	b.WriteString("\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: ")
	b.WriteString(strconv.Itoa(len(body)))
	b.WriteString("\r\n" + rvpwire.HeaderVersion + ": " + rvpwire.Version + "\r\n\r\n")
	b.Write(body)
	return b.Bytes(), true
}

func oneLine(b []byte) bool { return len(b) > 0 && !bytes.ContainsAny(b, "\r\n") }

// validStatus reports whether s starts with a 4xx or 5xx code and a space.
func validStatus(s []byte) bool {
	return len(s) > 4 && (s[0] == '4' || s[0] == '5') && isDigit(s[1]) && isDigit(s[2]) && s[3] == ' '
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
