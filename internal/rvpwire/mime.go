package rvpwire

import (
	"bufio"
	"crypto/rand"
	"fmt"
	"io"
	"mime"
	"net/textproto"
	"strings"
)

// Content types of instant-message payloads (PROTOCOL.md section 7).
const (
	TypeText    = "text/plain; charset=UTF-8"
	TypeControl = "text/x-msmsgscontrol"
	TypeLeave   = "text/x-imleave"
	TypeInvite  = "text/x-msmsgsinvite; charset=UTF-8"
)

// DefaultFormat is the X-MMS-IM-Format our client sends.
const DefaultFormat = "FN=MS%20Shell%20Dlg; EF=; CO=0; CS=0; PF=0"

// IMKind classifies an instant-message payload.
type IMKind int

// The kinds of payload.
const (
	IMOther  IMKind = iota // anything else (kept and relayed)
	IMText                 // text/plain: a message
	IMTyping               // text/x-msmsgscontrol with TypingUser
	IMJoin                 // text/x-msmsgscontrol without TypingUser: "I'm here"
	IMLeave                // text/x-imleave
	IMInvite               // text/x-msmsgsinvite
)

// IM is the MIME message carried in r:mime-data.
type IM struct {
	Header textproto.MIMEHeader // all headers, canonical keys
	Body   string
}

// Kind classifies the payload by its Content-Type (and TypingUser).
func (m IM) Kind() IMKind {
	mt, _, _ := mime.ParseMediaType(m.Header.Get("Content-Type"))
	switch mt {
	case "text/plain", "":
		return IMText
	case "text/x-msmsgscontrol", "text/x-msmsscontrol":
		if m.Header.Get("TypingUser") != "" {
			return IMTyping
		}
		return IMJoin
	case "text/x-imleave":
		return IMLeave
	case "text/x-msmsgsinvite":
		return IMInvite
	}
	return IMOther
}

// SessionID returns the Session-Id header (the conversation id).
func (m IM) SessionID() string { return m.Header.Get("Session-Id") }

// TypingUser returns the TypingUser header.
func (m IM) TypingUser() string { return m.Header.Get("Typinguser") }

// ParseIM reads a payload: headers (CRLF or LF, folded lines accepted), a
// blank line, then the body. A payload without a blank line is all headers.
func ParseIM(s string) (IM, error) {
	r := textproto.NewReader(bufio.NewReader(strings.NewReader(s)))
	h, err := r.ReadMIMEHeader()
	if err != nil && err != io.EOF {
		return IM{}, fmt.Errorf("%w: instant-message headers: %v", ErrMalformed, err)
	}
	body, _ := io.ReadAll(r.R)
	return IM{Header: h, Body: string(body)}, nil
}

// String formats the payload with CRLF line ends: MIME-Version,
// Content-Type and then the other headers in a stable order, a blank line,
// the body.
func (m IM) String() string {
	var b strings.Builder
	order := []string{"Mime-Version", "Content-Type", "X-Mms-Im-Format", "Typinguser", "Session-Id"}
	seen := map[string]bool{}
	write := func(k string) {
		for _, v := range m.Header[k] {
			b.WriteString(wireName(k) + ": " + v + "\r\n")
		}
		seen[k] = true
	}
	for _, k := range order {
		write(k)
	}
	for k := range m.Header {
		if !seen[k] {
			write(k)
		}
	}
	b.WriteString("\r\n")
	b.WriteString(m.Body)
	return b.String()
}

// wireName restores the spellings clients use for canonicalised keys.
func wireName(k string) string {
	switch k {
	case "Mime-Version":
		return "MIME-Version"
	case "X-Mms-Im-Format":
		return "X-MMS-IM-Format"
	case "Typinguser":
		return "TypingUser"
	}
	return k
}

func newIM(contentType, sessionID string) IM {
	h := textproto.MIMEHeader{}
	h.Set("MIME-Version", "1.0")
	h.Set("Content-Type", contentType)
	h.Set("Session-Id", sessionID)
	return IM{Header: h}
}

// TextIM builds a text message; format "" means DefaultFormat.
func TextIM(sessionID, format, text string) IM {
	m := newIM(TypeText, sessionID)
	if format == "" {
		format = DefaultFormat
	}
	m.Header.Set("X-MMS-IM-Format", format)
	m.Body = text
	return m
}

// TypingIM builds a typing notification from user (user@domain).
func TypingIM(sessionID, user string) IM {
	m := newIM(TypeControl, sessionID)
	m.Header.Set("TypingUser", user)
	return m
}

// JoinIM builds the control message that announces the sender in a session.
func JoinIM(sessionID string) IM { return newIM(TypeControl, sessionID) }

// LeaveIM builds the leave-conversation message.
func LeaveIM(sessionID string) IM { return newIM(TypeLeave, sessionID) }

// NewSessionID returns a new conversation id: an upper-case GUID in braces.
func NewSessionID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("{%X-%X-%X-%X-%X}", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// Format is a parsed X-MMS-IM-Format value.
type Format struct {
	Font        string // FN, URL-decoded
	Effects     string // EF: letters B, I, U, S
	Color       string // CO: hex, BGR order
	Charset     string // CS
	PitchFamily string // PF
}

// ParseFormat reads X-MMS-IM-Format leniently: unknown fields are ignored,
// doubled percent signs (FN=MS%%20Shell%%20Dlg) are accepted.
func ParseFormat(s string) Format {
	var f Format
	for _, field := range strings.Split(s, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(field), "=")
		switch strings.ToUpper(k) {
		case "FN":
			f.Font = decodeFont(v)
		case "EF":
			f.Effects = v
		case "CO":
			f.Color = v
		case "CS":
			f.Charset = v
		case "PF":
			f.PitchFamily = v
		}
	}
	return f
}

func decodeFont(v string) string {
	v = strings.ReplaceAll(v, "%%", "%")
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		if v[i] == '%' && i+2 < len(v) && isHex(v[i+1]) && isHex(v[i+2]) {
			b.WriteByte(unhex(v[i+1])<<4 | unhex(v[i+2]))
			i += 2
			continue
		}
		b.WriteByte(v[i])
	}
	return b.String()
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c >= 'a':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}

// String formats the value as clients send it.
func (f Format) String() string {
	font := strings.ReplaceAll(f.Font, "%", "%25")
	font = strings.ReplaceAll(font, " ", "%20")
	return fmt.Sprintf("FN=%s; EF=%s; CO=%s; CS=%s; PF=%s", font, f.Effects, orZero(f.Color), orZero(f.Charset), orZero(f.PitchFamily))
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}
