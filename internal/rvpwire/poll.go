package rvpwire

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"sort"
	"strconv"
)

// PollPart is one queued notification in a POLL answer: its sequence number
// and the NOTIFY request exactly as a callback listener would receive it.
type PollPart struct {
	Seq     uint64
	Request []byte // "NOTIFY / HTTP/1.1\r\n" headers, blank line, body
}

// Limits of one POLL answer (DECISIONS.md, "Polling").
const (
	PollAnswerMaxItems = 64
	PollAnswerMaxBytes = 256 << 10
)

// FormatNotify renders a NOTIFY request for a callback or a poll queue:
// request line "NOTIFY <path> HTTP/1.1", Host, the given headers with their
// spelling kept (sorted by name for stable bytes), Content-Type text/xml,
// Content-Length, a blank line and the body. path "" means "/".
func FormatNotify(path, host string, header http.Header, body []byte) []byte {
	if path == "" {
		path = "/"
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "NOTIFY %s HTTP/1.1\r\nHost: %s\r\n", path, host)
	keys := make([]string, 0, len(header))
	for k := range header {
		switch textproto.CanonicalMIMEHeaderKey(k) {
		case "Host", "Content-Length", "Content-Type":
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range header[k] {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	fmt.Fprintf(&b, "Content-Type: text/xml\r\nContent-Length: %d\r\n\r\n", len(body))
	b.Write(body)
	return b.Bytes()
}

// ReadNotify parses a request rendered by FormatNotify (or any HTTP/1.1
// request); the body is limited to maxBody bytes.
func ReadNotify(raw []byte, maxBody int64) (*http.Request, []byte, error) {
	req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: poll item: %v", ErrMalformed, err)
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, maxBody+1))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: poll item body: %v", ErrMalformed, err)
	}
	if int64(len(body)) > maxBody {
		return nil, nil, fmt.Errorf("%w: poll item body over %d bytes", ErrMalformed, maxBody)
	}
	return req, body, nil
}

// WritePollAnswer renders a 200 POLL answer body: multipart/mixed with one
// message/http part per item, each carrying RVP-Poll-Seq. It returns the
// Content-Type header value (with the boundary) and the body.
func WritePollAnswer(parts []PollPart) (contentType string, body []byte) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		h["Content-Type"] = []string{"message/http"}
		h[HeaderPollSeq] = []string{strconv.FormatUint(p.Seq, 10)}
		w, _ := mw.CreatePart(h) // writes to a bytes.Buffer: cannot fail
		_, _ = w.Write(p.Request)
	}
	_ = mw.Close()
	return "multipart/mixed; boundary=" + mw.Boundary(), b.Bytes()
}

// ReadPollAnswer parses a 200 POLL answer. maxPart bounds each part's size.
// Parts without a valid RVP-Poll-Seq or not of type message/http are errors.
func ReadPollAnswer(contentType string, body io.Reader, maxPart int64) ([]PollPart, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || mt != "multipart/mixed" || params["boundary"] == "" {
		return nil, fmt.Errorf("%w: poll answer Content-Type %q", ErrMalformed, contentType)
	}
	mr := multipart.NewReader(body, params["boundary"])
	var out []PollPart
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: poll answer: %v", ErrMalformed, err)
		}
		part, err := readPollPart(p, maxPart)
		if err != nil {
			return nil, err
		}
		out = append(out, part)
	}
}

func readPollPart(p *multipart.Part, maxPart int64) (PollPart, error) {
	if ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct != "message/http" {
		return PollPart{}, fmt.Errorf("%w: poll part of type %q", ErrMalformed, ct)
	}
	seq, err := strconv.ParseUint(p.Header.Get(HeaderPollSeq), 10, 64)
	if err != nil || seq == 0 {
		return PollPart{}, fmt.Errorf("%w: poll part with RVP-Poll-Seq %q", ErrMalformed, p.Header.Get(HeaderPollSeq))
	}
	raw, err := io.ReadAll(io.LimitReader(p, maxPart+1))
	if err != nil {
		return PollPart{}, fmt.Errorf("%w: poll part: %v", ErrMalformed, err)
	}
	if int64(len(raw)) > maxPart {
		return PollPart{}, fmt.Errorf("%w: poll part over %d bytes", ErrMalformed, maxPart)
	}
	return PollPart{Seq: seq, Request: raw}, nil
}
