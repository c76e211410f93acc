package rvpclient

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

// defaultMaxResponse bounds an ordinary response body.
const defaultMaxResponse = 1 << 20

// transport sends RVP requests to one server: it builds path-only
// Request-URIs with a Host without :80, sets the RVP headers with their exact
// spelling, signs with Digest (reusing the nonce) and turns answers into
// typed errors. It is safe for concurrent use.
type transport struct {
	base    *url.URL       // scheme and host (default port stripped)
	from    string         // own principal URL, sent as RVP-From-Principal
	auth    *digest.Client // nil for servers we hold no credentials for
	hc      *http.Client
	ua      string
	timeout time.Duration // default per-request timeout
	log     *slog.Logger
}

// request is one RVP request. header values are set with rvpwire.SetHeader.
type request struct {
	method  string
	path    string // path of the node, e.g. /instmsg/aliases/bob
	header  http.Header
	body    []byte
	timeout time.Duration // 0: transport default; < 0: only ctx bounds it
	maxBody int64         // 0: defaultMaxResponse
}

// response is a successful (2xx) answer with its body read.
type response struct {
	code   int
	header http.Header
	body   []byte
}

func newRequest(method, path string) *request {
	return &request{method: method, path: path, header: http.Header{}}
}

// set sets a header with its exact spelling; it returns r for chaining.
func (r *request) set(name, value string) *request {
	rvpwire.SetHeader(r.header, name, value)
	return r
}

// xml sets an XML body.
func (r *request) xml(e *rvpwire.Element) *request {
	r.body = rvpwire.Marshal(e)
	return r.set("Content-Type", "text/xml")
}

// parseBase normalizes a server URL: http or https, host required, default
// port and path dropped.
func parseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("rvpclient: server URL %q: want http://host[:port] or https://host[:port]", raw)
	}
	host := strings.ToLower(u.Host)
	if u.Scheme == "http" {
		host = strings.TrimSuffix(host, ":80")
	} else {
		host = strings.TrimSuffix(host, ":443")
	}
	return &url.URL{Scheme: u.Scheme, Host: host}, nil
}

// do sends r, answering a Digest challenge once (twice when the nonce was
// stale), and returns the 2xx answer or an error: ErrAuth, a wrapped
// *rvpwire.StatusError, or a *NetworkError.
func (t *transport) do(ctx context.Context, r *request) (*response, error) {
	timeout := r.timeout
	if timeout == 0 {
		timeout = t.timeout
	}
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	challenges, redirected := 0, false
	for {
		resp, sent, err := t.roundTrip(ctx, r)
		if err != nil {
			return nil, err
		}
		if resp.code == http.StatusUnauthorized && t.auth != nil && challenges < 2 {
			challenges++ // the first challenge, then at most one stale nonce
			if err := t.challenge(r, resp, sent); err != nil {
				return nil, err
			}
			continue
		}
		if next := t.redirect(r, resp); next != nil && !redirected {
			// A router answered 302 with the physical URL (PROTOCOL.md
			// 2.2): send the same request there, once.
			t, r, redirected = next.tr, next.req, true
			continue
		}
		if resp.code/100 != 2 {
			return nil, t.statusError(r, resp)
		}
		return resp, nil
	}
}

func (t *transport) challenge(r *request, resp *response, sent bool) error {
	err := t.auth.Challenge(resp.header.Values("WWW-Authenticate"), sent)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, digest.ErrBadCredentials):
		return fmt.Errorf("%w: %s %s: %w", ErrAuth, r.method, t.url(r), err)
	default:
		return fmt.Errorf("rvpclient: %s %s: server offers no usable authentication: %w", r.method, t.url(r), err)
	}
}

func (t *transport) url(r *request) string { return t.base.String() + r.path }

// roundTrip sends one attempt; it reports whether credentials were sent.
func (t *transport) roundTrip(ctx context.Context, r *request) (*response, bool, error) {
	req, sent, err := t.httpRequest(ctx, r)
	if err != nil {
		return nil, false, err
	}
	start := time.Now()
	hr, err := t.hc.Do(req)
	if err != nil {
		t.log.Debug("rvp wire", "method", r.method, "url", t.url(r), "err", err)
		return nil, sent, &NetworkError{Op: r.method + " " + t.url(r), Err: unwrapURLError(err)}
	}
	defer hr.Body.Close()
	limit := r.maxBody
	if limit <= 0 {
		limit = defaultMaxResponse
	}
	body, err := io.ReadAll(io.LimitReader(hr.Body, limit+1))
	if err == nil && int64(len(body)) > limit {
		err = fmt.Errorf("answer body over %d bytes", limit)
	}
	if err != nil {
		return nil, sent, &NetworkError{Op: "read answer to " + r.method + " " + t.url(r), Err: err}
	}
	t.log.Debug("rvp wire", "method", r.method, "url", t.url(r), "header", r.header,
		"status", hr.StatusCode, "answer_header", hr.Header, "bytes", len(body), "rtt", time.Since(start))
	return &response{code: hr.StatusCode, header: hr.Header, body: body}, sent, nil
}

// unwrapURLError drops net/http's *url.Error layer, whose text repeats the
// method and URL we already name.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// statusError builds the *rvpwire.StatusError of a non-2xx answer; a short
// plain-text body becomes its Reason.
func (t *transport) statusError(r *request, resp *response) error {
	return &rvpwire.StatusError{Method: r.method, URL: t.url(r), Code: resp.code, Reason: reasonOf(resp)}
}

func reasonOf(resp *response) string {
	mt, _, _ := mime.ParseMediaType(resp.header.Get("Content-Type"))
	if mt != "text/plain" || len(resp.body) > 512 || !utf8.Valid(resp.body) {
		return ""
	}
	return strings.TrimSpace(string(resp.body))
}

func bytesReader(b []byte) *bytes.Reader { return bytes.NewReader(b) }

type redirected struct {
	tr  *transport
	req *request
}

// redirect returns where a 302/307 answer sends the request, or nil. The
// target gets the same method, headers and body; credentials are kept
// (the router and the home server share the realm).
func (t *transport) redirect(r *request, resp *response) *redirected {
	if resp.code != http.StatusFound && resp.code != http.StatusTemporaryRedirect {
		return nil
	}
	loc, err := url.Parse(resp.header.Get("Location"))
	if err != nil || loc.Host == "" {
		return nil
	}
	base, err := parseBase(loc.Scheme + "://" + loc.Host)
	if err != nil {
		return nil
	}
	nt := *t
	nt.base = base
	nr := *r
	nr.path = loc.RequestURI()
	return &redirected{tr: &nt, req: &nr}
}

// httpRequest builds the net/http request of one attempt, signed when a
// challenge is known; it reports whether credentials were added.
func (t *transport) httpRequest(ctx context.Context, r *request) (*http.Request, bool, error) {
	req, err := http.NewRequestWithContext(ctx, r.method, t.url(r), bytes.NewReader(r.body))
	if err != nil {
		return nil, false, fmt.Errorf("rvpclient: %s %s: %w", r.method, t.url(r), err)
	}
	req.ContentLength = int64(len(r.body))
	if len(r.body) == 0 {
		// Old servers read by Content-Length: make net/http send
		// "Content-Length: 0" for a bodiless extension method.
		req.Body = http.NoBody
		req.TransferEncoding = []string{"identity"}
	}
	for k, v := range r.header {
		req.Header[k] = v
	}
	rvpwire.SetHeader(req.Header, rvpwire.HeaderVersion, rvpwire.Version)
	rvpwire.SetHeader(req.Header, rvpwire.HeaderFromPrincipal, t.from)
	rvpwire.SetHeader(req.Header, "User-Agent", t.ua)
	if t.auth == nil {
		return req, false, nil
	}
	h, ok := t.auth.Authorize(r.method, req.URL.RequestURI())
	if ok {
		rvpwire.SetHeader(req.Header, "Authorization", h)
	}
	return req, ok, nil
}
