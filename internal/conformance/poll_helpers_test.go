package conformance

import (
	"bufio"
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strconv"
	"testing"
	"time"
)

// pollItem is one part of a POLL answer.
type pollItem struct {
	seq         int
	contentType string
	size        int // bytes of the part body (the message/http item)
	notify      notifyIn
}

func pollReq(alias, id, hold string, ack int) request {
	h := []string{"Subscription-Id: " + id, "RVP-Poll-Ack: " + strconv.Itoa(ack)}
	if hold != "" {
		h = append(h, "RVP-Poll-Lifetime: "+hold)
	}
	return request{method: "POLL", uri: nodePath(alias), header: h, timeout: 20 * time.Second}
}

// pollLogin signs c in for polling and returns the 200.
func (c *client) pollLogin(t *testing.T, msgLifetime string) *response {
	t.Helper()
	req := login(c, "poll", "14400")
	if msgLifetime != "" {
		req.header = append(req.header, "RVP-Poll-Msg-Lifetime: "+msgLifetime)
	}
	r := c.do(t, req)
	wantStatus(t, r, http.StatusOK)
	return r
}

// poll sends one POLL and parses its items (none for a 204).
func (c *client) poll(t *testing.T, id, hold string, ack int) (*response, []pollItem) {
	t.Helper()
	r := c.do(t, pollReq(c.alias, id, hold, ack))
	return r, parsePoll(t, r)
}

// parsePoll decodes a 200 multipart/mixed POLL answer.
func parsePoll(t *testing.T, r *response) []pollItem {
	t.Helper()
	if r.status != http.StatusOK {
		return nil
	}
	mt, params, err := mime.ParseMediaType(r.h("Content-Type"))
	if err != nil || mt != "multipart/mixed" || params["boundary"] == "" {
		t.Fatalf("POLL 200 Content-Type %q, want multipart/mixed with a boundary", r.h("Content-Type"))
	}
	mr := multipart.NewReader(bytes.NewReader(r.body), params["boundary"])
	var items []pollItem
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return items
		}
		if err != nil {
			t.Fatalf("multipart: %v", err)
		}
		raw, err := io.ReadAll(p)
		if err != nil {
			t.Fatalf("multipart part: %v", err)
		}
		seq, err := strconv.Atoi(p.Header.Get("RVP-Poll-Seq"))
		if err != nil {
			t.Errorf("part RVP-Poll-Seq %q is not a number", p.Header.Get("RVP-Poll-Seq"))
		}
		in, err := readNotify(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			t.Errorf("part %d is not an HTTP request: %v\n%s", seq, err, clip(raw))
		}
		items = append(items, pollItem{seq: seq, contentType: p.Header.Get("Content-Type"), size: len(raw), notify: in})
	}
}

func seqs(items []pollItem) []int {
	var out []int
	for _, it := range items {
		out = append(out, it.seq)
	}
	return out
}

// queueIMs sends n IMs from sender to alias and fails unless each is 200.
func queueIMs(t *testing.T, sender *client, to string, n int, text string) [][]byte {
	t.Helper()
	var bodies [][]byte
	for i := range n {
		b := imBody(sender.alias, to, text+" #"+strconv.Itoa(i))
		r := sender.do(t, sendIM(to, b))
		if r.status != http.StatusOK {
			t.Fatalf("IM %d to polling %s: status %d, want 200", i, to, r.status)
		}
		bodies = append(bodies, b)
	}
	return bodies
}
