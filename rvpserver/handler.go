package rvpserver

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"unicode"

	"rendezvous/internal/rvpwire"
)

// Body limits (DECISIONS.md, "Status codes").
const (
	MaxNotifyBody = 1 << 20
	MaxOtherBody  = 64 << 10
)

// request is one inbound RVP request after authentication.
type request struct {
	r       *http.Request
	node    rvpwire.Node // target node as addressed (alias lower-case)
	nodeURL string       // its logical URL as addressed
	who     requester
	body    []byte
	slot    *slot // released early by a POLL that starts holding
}

// slot is one of the MaxOutstanding places of the inbound work queue.
type slot struct {
	s    *Server
	once sync.Once
}

// acquire takes a slot, or returns nil when the work queue is full.
func (s *Server) acquire() *slot {
	select {
	case s.inflight <- struct{}{}:
		return &slot{s: s}
	default:
		return nil
	}
}

// release gives the slot back; idempotent.
func (sl *slot) release() { sl.once.Do(func() { <-sl.s.inflight }) }

// reply is what a handler answers with; body nil means none.
type reply struct {
	code        int
	header      http.Header
	contentType string
	body        []byte
}

type handlerFunc func(*Server, *request) (*reply, error)

var handlers = map[string]handlerFunc{
	rvpwire.MethodSubscribe:     (*Server).handleSubscribe,
	rvpwire.MethodUnsubscribe:   (*Server).handleUnsubscribe,
	rvpwire.MethodSubscriptions: (*Server).handleSubscriptions,
	rvpwire.MethodNotify:        (*Server).handleNotify,
	rvpwire.MethodPropfind:      (*Server).handlePropfind,
	rvpwire.MethodProppatch:     (*Server).handleProppatch,
	rvpwire.MethodACL:           (*Server).handleACL,
	rvpwire.MethodPoll:          (*Server).handlePoll,
}

// ServeHTTP serves one RVP request. Every response carries
// RVP-Notifications-Version: 0.2 and an explicit Content-Length.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if headerSection(r) > MaxHeaderSection {
		s.writeError(w, r, rvpwire.Status(http.StatusRequestHeaderFieldsTooLarge, "header section over 64 KiB"))
		return
	}
	h, ok := handlers[r.Method]
	if !ok {
		code := http.StatusNotImplemented
		if r.Method == "COPY" || r.Method == "MOVE" {
			code = http.StatusMethodNotAllowed
		}
		s.writeError(w, r, rvpwire.Status(code, "method "+r.Method+" is not supported"))
		return
	}
	slot := s.acquire()
	if slot == nil {
		s.met.overloaded.Add(1)
		w.Header().Set("Retry-After", "5")
		s.writeError(w, r, rvpwire.Status(http.StatusServiceUnavailable, "server busy"))
		return
	}
	defer slot.release()
	rq, err := s.prepare(w, r)
	var rep *reply
	if err == nil {
		rq.slot = slot
		rep, err = h(s, rq)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.write(w, rep)
}

// MaxHeaderSection is the largest request header section rvpd accepts
// (DECISIONS.md: 431 past 64 KiB). The handler enforces it itself, so that
// the 431 carries RVP-Notifications-Version and Content-Length like every
// other answer; the http.Server's MaxHeaderBytes must be larger (cmd/rvpd
// sets 1 MiB) and only stops abuse far beyond it.
const MaxHeaderSection = 64 << 10

// headerSection is the size of the request line and header lines as they
// came on the wire (net/http keeps names' and values' lengths; it drops
// only the optional blanks around values).
func headerSection(r *http.Request) int {
	n := len(r.Method) + 1 + len(r.RequestURI) + 1 + len(r.Proto) + 2
	n += len("Host: ") + len(r.Host) + 2
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + 2 + len(v) + 2
		}
	}
	return n + 2
}

// prepare authenticates, resolves the target node and reads the body.
// An oversized body makes net/http close the connection after the 413.
func (s *Server) prepare(w http.ResponseWriter, r *http.Request) (*request, error) {
	s.mu.Lock()
	running := s.runningLocked()
	s.mu.Unlock()
	if !running {
		return nil, rvpwire.Status(http.StatusServiceUnavailable, "server not running")
	}
	who, err := s.identify(r)
	if err != nil {
		return nil, err
	}
	node, _, err := s.target(r)
	if err != nil {
		return nil, err
	}
	limit := int64(MaxOtherBody)
	if r.Method == rvpwire.MethodNotify {
		limit = MaxNotifyBody
	}
	var body []byte
	if r.ContentLength != 0 { // a POLL has no body: no buffer for it
		if body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, limit)); err != nil {
			return nil, err
		}
	}
	return &request{r: r, node: node, nodeURL: s.nodeURLFor(node, who), who: who, body: body}, nil
}

// write sends a reply with Content-Length set before WriteHeader.
func (s *Server) write(w http.ResponseWriter, rep *reply) {
	h := w.Header()
	for k, vs := range rep.header {
		h[k] = vs
	}
	rvpwire.SetHeader(h, rvpwire.HeaderVersion, rvpwire.Version)
	if rep.body != nil && rep.contentType != "" {
		h.Set("Content-Type", rep.contentType)
	}
	h.Set("Content-Length", strconv.Itoa(len(rep.body)))
	w.WriteHeader(rep.code)
	if len(rep.body) > 0 {
		_, _ = w.Write(rep.body)
	}
}

// authChallenge is returned by identify when the answer must be 401.
type authChallenge struct {
	stale  bool
	reason string
}

func (e *authChallenge) Error() string { return "rvpserver: authentication required: " + e.reason }

// writeError maps a handler error to its status: the one place that does.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code, reason := statusOf(err)
	var ch *authChallenge
	if errors.As(err, &ch) {
		w.Header()["WWW-Authenticate"] = s.verifier.Challenge(ch.stale)
	}
	switch {
	case code >= 500 && code != http.StatusNotImplemented && code != http.StatusServiceUnavailable:
		s.log.Error("request failed", "method", r.Method, "uri", r.RequestURI, "status", code, "err", err)
	default:
		s.log.Debug("request refused", "method", r.Method, "uri", r.RequestURI, "status", code, "reason", reason)
	}
	s.met.countStatus(code)
	var body []byte
	if reason != "" {
		body = []byte(reason + "\r\n")
	}
	s.write(w, &reply{code: code, contentType: "text/plain; charset=utf-8", body: body})
}

// statusOf returns the status code and a short public text for err.
func statusOf(err error) (int, string) {
	var se *rvpwire.StatusError
	var mbe *http.MaxBytesError
	var ch *authChallenge
	switch {
	case errors.As(err, &ch):
		return http.StatusUnauthorized, "authentication required"
	case errors.As(err, &se):
		return se.Code, se.Reason
	case errors.As(err, &mbe):
		return http.StatusRequestEntityTooLarge, "body over " + strconv.FormatInt(mbe.Limit, 10) + " bytes"
	case errors.Is(err, rvpwire.ErrMalformed):
		return http.StatusBadRequest, "malformed request"
	}
	return http.StatusInternalServerError, "internal error"
}

// xmlReply builds a text/xml reply from a document.
func xmlReply(code int, doc *rvpwire.Element) *reply {
	return &reply{code: code, contentType: "text/xml", body: rvpwire.Marshal(doc)}
}

// okReply is an empty 200.
func okReply() *reply { return &reply{code: http.StatusOK} }

// badRequest is a 400 with a reason.
func badRequest(reason string) error { return rvpwire.Status(http.StatusBadRequest, reason) }

// validName reports whether local can be written back as an element name
// (an XML NCName). Names read from requests are echoed (state tokens,
// unknown properties), so they are checked first.
func validName(local string) bool {
	if local == "" {
		return false
	}
	for i, r := range local {
		letter := unicode.IsLetter(r) || r == '_'
		if i == 0 && !letter || !letter && !unicode.IsDigit(r) && r != '-' && r != '.' {
			return false
		}
	}
	return true
}
