package conformance

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/textproto"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// answer is how a callback listener answers a NOTIFY, as old clients did.
type answer int

const (
	// answerClose: "200" without Content-Length, then close.
	answerClose answer = iota
	// answerKeepAlive: "200 Successful" with an HTML body and
	// Content-Length; the connection stays open for the next NOTIFY.
	answerKeepAlive
	// answerNoLengthOpen: "200" without Content-Length and the
	// connection left open (the server must not wait for a body).
	answerNoLengthOpen
	// answer500: the recipient left the conversation.
	answer500
	// answerNever: read the request and never answer.
	answerNever
)

// notifyIn is one NOTIFY a callback listener received.
type notifyIn struct {
	requestLine string // as received, without CRLF
	method      string
	path        string
	header      http.Header
	body        []byte
	hasLength   bool
	chunked     bool
}

// callback is a client's NOTIFY listener on loopback. Its goroutines are
// stopped and waited for when the test ends.
type callback struct {
	ln   net.Listener
	url  string
	mode answer
	got  chan notifyIn

	mu    sync.Mutex
	conns map[net.Conn]bool
	wg    sync.WaitGroup
}

// newCallback listens on 127.0.0.1; path is appended to the Call-Back URL
// ("" registers a URL without a path).
func newCallback(t *testing.T, mode answer, path string) *callback {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cb := &callback{ln: ln, url: "http://" + ln.Addr().String() + path, mode: mode,
		got: make(chan notifyIn, 512), conns: map[net.Conn]bool{}}
	cb.wg.Go(cb.accept)
	t.Cleanup(cb.close)
	return cb
}

func (cb *callback) close() {
	cb.ln.Close()
	cb.mu.Lock()
	for c := range cb.conns {
		c.Close()
	}
	cb.mu.Unlock()
	cb.wg.Wait()
}

func (cb *callback) accept() {
	for {
		c, err := cb.ln.Accept()
		if err != nil {
			return
		}
		cb.mu.Lock()
		cb.conns[c] = true
		cb.mu.Unlock()
		cb.wg.Go(func() { cb.serve(c) })
	}
}

func (cb *callback) serve(c net.Conn) {
	defer func() {
		c.Close()
		cb.mu.Lock()
		delete(cb.conns, c)
		cb.mu.Unlock()
	}()
	br := bufio.NewReader(c)
	for {
		in, err := readNotify(br)
		if err != nil {
			return
		}
		select {
		case cb.got <- in:
		default: // a test that floods must drain; never block the server
		}
		if !cb.reply(c) {
			if cb.mode == answerNever || cb.mode == answerNoLengthOpen {
				io.Copy(io.Discard, br) // hold the connection until closed
			}
			return
		}
	}
}

// readNotify reads one request by hand, keeping the request line
// literally and reading exactly the framed body (the connection may stay
// open for the next request).
func readNotify(br *bufio.Reader) (notifyIn, error) {
	line, err := br.ReadString('\n')
	if err != nil {
		return notifyIn{}, err
	}
	line = strings.TrimRight(line, "\r\n")
	parts := strings.SplitN(line, " ", 3)
	if len(parts) != 3 {
		return notifyIn{}, fmt.Errorf("bad request line %q", line)
	}
	mh, err := textproto.NewReader(br).ReadMIMEHeader()
	if err != nil {
		return notifyIn{}, err
	}
	in := notifyIn{requestLine: line, method: parts[0], path: parts[1], header: http.Header(mh)}
	_, in.hasLength = mh["Content-Length"]
	in.chunked = strings.EqualFold(mh.Get("Transfer-Encoding"), "chunked")
	switch {
	case in.chunked:
		in.body, err = io.ReadAll(httputil.NewChunkedReader(br))
	case in.hasLength:
		n, perr := strconv.Atoi(mh.Get("Content-Length"))
		if perr != nil || n < 0 {
			return in, fmt.Errorf("bad Content-Length %q", mh.Get("Content-Length"))
		}
		in.body = make([]byte, n)
		_, err = io.ReadFull(br, in.body)
	}
	return in, err
}

// reply answers per mode; true means keep reading on this connection.
func (cb *callback) reply(c net.Conn) bool {
	switch cb.mode {
	case answerClose:
		io.WriteString(c, "HTTP/1.1 200 OK\r\nRVP-Notifications-Version: 0.2\r\n\r\n")
		return false
	case answerKeepAlive:
		const page = "<HTML><BODY>NOTIFY succeeded</BODY></HTML>"
		io.WriteString(c, "HTTP/1.1 200 Successful\r\nContent-Type: text/html\r\nRVP-Notifications-Version: 0.2\r\nContent-Length: "+
			strconv.Itoa(len(page))+"\r\n\r\n"+page)
		return true
	case answerNoLengthOpen:
		io.WriteString(c, "HTTP/1.1 200 OK\r\nRVP-Notifications-Version: 0.2\r\n\r\n")
		return false
	case answer500:
		io.WriteString(c, "HTTP/1.1 500 Internal Server Error\r\nRVP-Notifications-Version: 0.2\r\nContent-Length: 0\r\n\r\n")
		return true
	}
	return false
}

// next returns the next NOTIFY or fails after d.
func (cb *callback) next(t *testing.T, d time.Duration) notifyIn {
	t.Helper()
	select {
	case in := <-cb.got:
		return in
	case <-time.After(d):
		t.Fatalf("callback %s: no NOTIFY within %v", cb.url, d)
		return notifyIn{}
	}
}

// nextPresence returns the next propnotification from alias whose state
// token satisfies ok, skipping others, or fails after d.
func (cb *callback) nextPresence(t *testing.T, from string, ok func(string) bool, d time.Duration) (notifyIn, string) {
	t.Helper()
	return cb.nextPresenceHref(t, principal(from), ok, d)
}

// nextPresenceHref is nextPresence for a notification-from href given in
// full ("" matches any).
func (cb *callback) nextPresenceHref(t *testing.T, fromHref string, ok func(string) bool, d time.Duration) (notifyIn, string) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case in := <-cb.got:
			root, err := decodeXML(in.body)
			if err != nil {
				continue
			}
			pn := root.child(nsR, "propnotification")
			href := pn.path(nsR, "notification-from", nsR, "contact", nsD, "href").trimmed()
			st := stateToken(pn.path(nsD, "propertyupdate", nsD, "set", nsD, "prop", nsR, "state"))
			if pn != nil && (fromHref == "" || href == fromHref) && ok(st) {
				return in, st
			}
		case <-deadline:
			t.Fatalf("callback %s: no presence NOTIFY from %q within %v", cb.url, fromHref, d)
			return notifyIn{}, ""
		}
	}
}

// none fails when a NOTIFY arrives within d.
func (cb *callback) none(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case in := <-cb.got:
		t.Errorf("callback %s: unexpected NOTIFY %q\n%s", cb.url, in.requestLine, clip(in.body))
	case <-time.After(d):
	}
}
