package main

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"rendezvous/internal/rvpwire"
)

// rawExchange writes raw on a new connection to addr and reads one answer.
func rawExchange(t *testing.T, addr, raw string) (*http.Response, []byte) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// serveWrapped serves h on a loopback rvpListener until the test ends.
func serveWrapped(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h, MaxHeaderBytes: 4 << 10, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = hs.Serve(rvpListener{ln})
	}()
	t.Cleanup(func() {
		_ = hs.Close()
		<-done
	})
	return ln.Addr().String()
}

// TestHTTPLayerAnswersGetRVPHeaders: the answers net/http writes itself
// carry RVP-Notifications-Version and Content-Length on rvpd's listener.
func TestHTTPLayerAnswersGetRVPHeaders(t *testing.T) {
	addr := serveWrapped(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("handler reached for %s", r.Method)
	}))
	huge := "X-Filler: " + strings.Repeat("a", 8<<10) + "\r\n"
	for _, tc := range []struct {
		name, raw string
		code      int
		body      string
	}{
		{"malformed header line", "PROPFIND /instmsg/aliases/alice HTTP/1.1\r\nHost: example.com\r\nThis is not a header\r\nContent-Length: 0\r\n\r\n", 400, "400 Bad Request"},
		{"no Host", "PROPFIND /instmsg/aliases/alice HTTP/1.1\r\nDepth: 0\r\nContent-Length: 0\r\n\r\n", 400, "400 Bad Request: missing required Host header"},
		{"unknown Transfer-Encoding", "NOTIFY /instmsg/aliases/alice HTTP/1.1\r\nHost: example.com\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "Unsupported transfer encoding"},
		{"header section too large", "PROPFIND /instmsg/aliases/alice HTTP/1.1\r\nHost: example.com\r\n" + huge + "\r\n", 431, "431 Request Header Fields Too Large"},
	} {
		resp, body := rawExchange(t, addr, tc.raw)
		if resp.StatusCode != tc.code || string(body) != tc.body {
			t.Errorf("%s: %d %q, want %d %q", tc.name, resp.StatusCode, body, tc.code, tc.body)
		}
		if v := resp.Header.Get(rvpwire.HeaderVersion); v != rvpwire.Version {
			t.Errorf("%s: RVP-Notifications-Version %q", tc.name, v)
		}
		if resp.ContentLength != int64(len(tc.body)) || len(resp.TransferEncoding) != 0 || !resp.Close {
			t.Errorf("%s: Content-Length %d, Transfer-Encoding %v, close %v", tc.name, resp.ContentLength, resp.TransferEncoding, resp.Close)
		}
	}
}

// TestHandlerAnswersPassThrough: an answer a handler writes is never
// rewritten, even one made to look like net/http's own.
func TestHandlerAnswersPassThrough(t *testing.T) {
	addr := serveWrapped(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, "400 Bad Request")
	}))
	resp, body := rawExchange(t, addr, "PROPFIND / HTTP/1.1\r\nHost: example.com\r\nContent-Length: 0\r\n\r\n")
	if resp.StatusCode != 400 || string(body) != "400 Bad Request" || resp.Header.Get(rvpwire.HeaderVersion) != "" {
		t.Fatalf("handler answer changed: %d %q %v", resp.StatusCode, body, resp.Header)
	}
}

func TestCompleteRawAnswer(t *testing.T) {
	canned := func(status, body string) string { return rawStatusLine + status + rawErrorHeaders + body }
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{canned("400 Bad Request", "400 Bad Request"), true},
		{canned("400 Bad Request: malformed Host header", "400 Bad Request: malformed Host header"), true},
		{canned("501 Not Implemented", "Unsupported transfer encoding"), true},
		{canned("431 Request Header Fields Too Large", "431 Request Header Fields Too Large"), true},
		// A buffer flush that happens to start like one: the rest differs.
		{canned("400 Bad Request", "400 Bad Request</r:msgbody>"), false},
		{canned("400 Bad Request", "400 Bad Request\r\n--boundary--\r\n"), false},
		{canned("400 Bad Request", "other text"), false},
		{canned("200 OK", "200 OK"), false},
		{canned("400 Bad Request", ""), false},
		{canned("40x Bad Request", "40x Bad Request"), false},
		{canned("400 Bad Request", "400 Bad Request") + strings.Repeat("x", maxRawAnswer), false},
		{"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\nDate: x\r\n\r\n400 Bad Request", false},
		{"HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n", false},
	} {
		out, ok := completeRawAnswer([]byte(tc.in))
		if ok != tc.want {
			t.Errorf("%q: matched %v, want %v", tc.in, ok, tc.want)
			continue
		}
		if ok {
			checkCompleted(t, []byte(tc.in), out)
		}
	}
}

// checkCompleted checks that out is in's answer, well framed, with the
// RVP header.
func checkCompleted(t *testing.T, in, out []byte) {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(out)), nil)
	if err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	_, wantBody, _ := bytes.Cut(in, []byte(rawErrorHeaders))
	if !bytes.Equal(body, wantBody) || resp.ContentLength != int64(len(body)) ||
		resp.Header.Get(rvpwire.HeaderVersion) != rvpwire.Version || !bytes.HasPrefix(out, in[:bytes.Index(in, []byte("\r\n"))+2]) {
		t.Fatalf("%q became %q", in, out)
	}
}

func FuzzCompleteRawAnswer(f *testing.F) {
	f.Add([]byte(rawStatusLine + "400 Bad Request" + rawErrorHeaders + "400 Bad Request"))
	f.Add([]byte(rawStatusLine + "501 Not Implemented" + rawErrorHeaders + "Unsupported transfer encoding"))
	f.Add([]byte("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		if out, ok := completeRawAnswer(in); ok {
			checkCompleted(t, in, out)
		}
	})
}

// TestDaemonHTTPLayerAnswers: rvpd serves its plain listener through
// rvpListener.
func TestDaemonHTTPLayerAnswers(t *testing.T) {
	dir := t.TempDir()
	addUsers(t, dir, "alice")
	d := startDaemon(t, dir)
	resp, body := rawExchange(t, strings.TrimPrefix(d.url(), "http://"), "PROPFIND /instmsg/aliases/alice HTTP/1.1\r\nDepth: 0\r\nContent-Length: 0\r\n\r\n")
	if resp.StatusCode != 400 || resp.Header.Get(rvpwire.HeaderVersion) != rvpwire.Version || resp.ContentLength != int64(len(body)) {
		t.Fatalf("no Host: %d %v %q", resp.StatusCode, resp.Header, body)
	}
}
