package rvpclient

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"rendezvous/internal/rvpwire"
)

// callbackListener is the HTTP server that receives NOTIFYs in Default and
// Fixed Port(s) mode. It answers only NOTIFY on its secret path, bounds body
// size and time, and hands each request to the shared NOTIFY decoder.
type callbackListener struct {
	ln   net.Listener
	srv  *http.Server
	path string // "/<32 hex>"
	done chan struct{}
}

// openDelivery opens what the session's mode needs: a callback listener
// (Default, Fixed) or nothing (Polling).
func (c *Client) openDelivery(ctx context.Context, s *session, base *url.URL) error {
	if s.mode == ModePolling {
		s.pollHold = c.opts.PollingPeriod
		return nil
	}
	if s.mode == ModeFixedPort && (c.opts.PortFrom < 1025 || c.opts.PortTo < c.opts.PortFrom || c.opts.PortTo > 65535) {
		msg := fmt.Sprintf("Ports setting %d-%d is outside 1025-65535; using Default mode (a random port)", c.opts.PortFrom, c.opts.PortTo)
		c.log.Warn("rvpclient: " + msg)
		c.emit(WarningEvent{Message: msg})
		s.mode = ModeDefault
	}
	ip, err := c.callbackIP(ctx, base)
	if err != nil {
		return err
	}
	ln, err := c.listen(s.mode, ip)
	if err != nil {
		return err
	}
	l := newCallbackListener(ln, c.serveNotify(s), slog.NewLogLogger(c.log.Handler(), slog.LevelDebug))
	s.listener = l
	port := ln.Addr().(*net.TCPAddr).Port
	s.callbackURL = "http://" + net.JoinHostPort(ip.String(), strconv.Itoa(port)) + l.path
	s.goFunc(func(context.Context) { l.serve() })
	return nil
}

func (c *Client) callbackIP(ctx context.Context, base *url.URL) (net.IP, error) {
	if c.opts.CallbackHost != "" {
		ip := net.ParseIP(c.opts.CallbackHost)
		if ip == nil {
			return nil, fmt.Errorf("rvpclient: CallbackHost %q is not an IP address", c.opts.CallbackHost)
		}
		return ip, nil
	}
	return localIP(ctx, base)
}

// listen binds the listener: a random port (Default) or the first free port
// of the range, tried in order (Fixed).
func (c *Client) listen(mode Mode, ip net.IP) (net.Listener, error) {
	if mode != ModeFixedPort {
		ln, err := c.opts.Listen("tcp", net.JoinHostPort(ip.String(), "0"))
		if err != nil {
			return nil, fmt.Errorf("rvpclient: open callback listener: %w", err)
		}
		return ln, nil
	}
	var last error
	for p := c.opts.PortFrom; p <= c.opts.PortTo; p++ {
		ln, err := c.opts.Listen("tcp", net.JoinHostPort(ip.String(), strconv.Itoa(p)))
		if err == nil {
			return ln, nil
		}
		last = err
	}
	return nil, &PortsBusyError{From: c.opts.PortFrom, To: c.opts.PortTo, Err: last}
}

func newCallbackListener(ln net.Listener, handle func(http.Header, []byte) error, errorLog *log.Logger) *callbackListener {
	l := &callbackListener{ln: ln, path: "/" + randomHex(16), done: make(chan struct{})}
	l.srv = &http.Server{
		Handler:           l.handler(handle),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          errorLog,
	}
	return l
}

func (l *callbackListener) serve() {
	defer close(l.done)
	_ = l.srv.Serve(l.ln) // returns http.ErrServerClosed on close
}

func (l *callbackListener) close() {
	_ = l.srv.Close()
	_ = l.ln.Close()
}

func (l *callbackListener) handler(handle func(http.Header, []byte) error) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rvpwire.SetHeader(w.Header(), rvpwire.HeaderVersion, rvpwire.Version)
		if r.URL.Path != l.path {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		if r.Method != rvpwire.MethodNotify {
			http.Error(w, "only NOTIFY", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxNotifyBody))
		if err != nil {
			code := http.StatusBadRequest
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				code = http.StatusRequestEntityTooLarge
			}
			http.Error(w, "bad body", code)
			return
		}
		if err := handle(r.Header, body); err != nil {
			http.Error(w, "bad notification", http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		_, _ = io.WriteString(w, "<HTML><BODY>NOTIFY succeeded</BODY></HTML>")
	})
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails (crypto/rand, Go 1.24+)
	return hex.EncodeToString(b)
}
