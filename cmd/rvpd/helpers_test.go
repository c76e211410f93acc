package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"rendezvous/internal/digest"
	"rendezvous/internal/rvpwire"
)

// testDomain is the IM domain every test server serves.
const testDomain = "example.test"

// runCmd runs rvpd's run in process and returns its exit status, stdout and
// stderr.
func runCmd(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(t.Context(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// rvpClient sends RVP requests as one principal with Digest credentials,
// like an old client: path-only Request-URI, Host without a port.
type rvpClient struct {
	base  string // "http://127.0.0.1:port"
	alias string
	dc    *digest.Client
	hc    *http.Client
}

func newRVPClient(t *testing.T, base, alias, password string) *rvpClient {
	t.Helper()
	dc, err := digest.NewClient(alias, password)
	if err != nil {
		t.Fatal(err)
	}
	return &rvpClient{base: base, alias: alias, dc: dc, hc: &http.Client{Timeout: 60 * time.Second}}
}

func (c *rvpClient) principal() string { return rvpwire.PrincipalURL(testDomain, c.alias) }

// do sends one request, answering one Digest challenge. The caller closes
// the body.
func (c *rvpClient) do(ctx context.Context, method, path string, header http.Header, body []byte) (*http.Response, error) {
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Host = testDomain
		for k, v := range header {
			req.Header[k] = v
		}
		req.Header.Set(rvpwire.HeaderVersion, rvpwire.Version)
		req.Header.Set("RVP-From-Principal", c.principal())
		auth, sent := c.dc.Authorize(method, path)
		if sent {
			req.Header.Set("Authorization", auth)
		}
		resp, err := c.hc.Do(req)
		if err != nil || resp.StatusCode != http.StatusUnauthorized || attempt > 0 {
			return resp, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if err := c.dc.Challenge(resp.Header.Values("WWW-Authenticate"), sent); err != nil {
			return resp, err
		}
	}
}

// mustDo is do that fails the test on a transport error or an unexpected
// status, and returns the body.
func (c *rvpClient) mustDo(t *testing.T, want int, method, path string, header http.Header, body []byte) (*http.Response, []byte) {
	t.Helper()
	resp, err := c.do(t.Context(), method, path, header, body)
	if err != nil {
		t.Fatalf("%s %s as %s: %v", method, path, c.alias, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s as %s: status %d, want %d; body %q", method, path, c.alias, resp.StatusCode, want, data)
	}
	return resp, data
}

// pollLogin signs in for polling and returns the Subscription-Id.
func (c *rvpClient) pollLogin(t *testing.T) string {
	t.Helper()
	h := http.Header{}
	h.Set("Notification-Type", string(rvpwire.PragmaNotify))
	h.Set("Call-Back", rvpwire.CallBackPoll)
	h.Set("Subscription-Lifetime", "14400")
	resp, _ := c.mustDo(t, http.StatusOK, rvpwire.MethodSubscribe, rvpwire.AliasesPath+c.alias, h, nil)
	id := resp.Header.Get("Subscription-Id")
	if _, err := rvpwire.ParseSubscriptionID(id); err != nil {
		t.Fatalf("login: Subscription-Id %q: %v", id, err)
	}
	return id
}

// sendIM sends a text message to alias and expects status want.
func (c *rvpClient) sendIM(t *testing.T, to, session, text string, want int) {
	t.Helper()
	mime := rvpwire.TextIM(session, rvpwire.DefaultFormat, text).String()
	n := rvpwire.Notification{
		From: rvpwire.Contact{Href: c.principal(), Description: c.alias},
		To:   []rvpwire.Contact{{Href: rvpwire.PrincipalURL(testDomain, to), Description: to}},
		MIME: &mime,
	}
	h := http.Header{}
	h.Set("Content-Type", "text/xml")
	h.Set("RVP-Ack-Type", "DeepOr")
	h.Set("RVP-Hop-Count", "1")
	c.mustDo(t, want, rvpwire.MethodNotify, rvpwire.AliasesPath+to, h, rvpwire.Marshal(n.Element()))
}

// pollHeader builds the headers of a POLL.
func pollHeader(subID string, ack uint64, hold int) http.Header {
	h := http.Header{}
	h.Set("Subscription-Id", subID)
	h.Set("RVP-Poll-Ack", strconv.FormatUint(ack, 10))
	h.Set("RVP-Poll-Lifetime", strconv.Itoa(hold))
	return h
}

// receivedIM is one message taken out of a POLL answer.
type receivedIM struct {
	seq  uint64
	from string
	text string
}

// decodePollAnswer reads a 200 POLL answer: every part is a NOTIFY whose
// XML body is decoded and whose IM text is taken out.
func decodePollAnswer(t *testing.T, resp *http.Response, body []byte) []receivedIM {
	t.Helper()
	parts, err := rvpwire.ReadPollAnswer(resp.Header.Get("Content-Type"), bytes.NewReader(body), 1<<20)
	if err != nil {
		t.Fatalf("ReadPollAnswer: %v", err)
	}
	var out []receivedIM
	for _, p := range parts {
		req, xmlBody, err := rvpwire.ReadNotify(p.Request, 1<<20)
		if err != nil {
			t.Fatalf("part %d: ReadNotify: %v", p.Seq, err)
		}
		if req.Method != rvpwire.MethodNotify {
			t.Fatalf("part %d: method %q", p.Seq, req.Method)
		}
		root, err := rvpwire.Decode(bytes.NewReader(xmlBody))
		if err != nil {
			t.Fatalf("part %d: Decode: %v", p.Seq, err)
		}
		n, err := rvpwire.ParseNotification(root)
		if err != nil {
			t.Fatalf("part %d: ParseNotification: %v", p.Seq, err)
		}
		if !n.IsMessage() || n.MIME == nil {
			t.Fatalf("part %d: not an instant message: %+v", p.Seq, n)
		}
		im, err := rvpwire.ParseIM(*n.MIME)
		if err != nil {
			t.Fatalf("part %d: ParseIM: %v", p.Seq, err)
		}
		out = append(out, receivedIM{seq: p.Seq, from: n.From.Href, text: im.Body})
	}
	return out
}

// lockedBuffer collects a child's stderr for failure messages.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// jsonUnmarshalLine decodes text that must be exactly one JSON log line.
func jsonUnmarshalLine(text string, v any) error {
	line, rest, _ := strings.Cut(text, "\n")
	if rest != "" {
		return fmt.Errorf("more than one log line: %q", text)
	}
	return json.Unmarshal([]byte(line), v)
}

// lastLine is the last line of text, with its newline.
func lastLine(text string) string {
	trimmed := strings.TrimSuffix(text, "\n")
	return trimmed[strings.LastIndex(trimmed, "\n")+1:] + "\n"
}
