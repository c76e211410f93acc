package rvpserver

import (
	"bytes"
	"net/http"
	"strconv"

	"rendezvous/internal/rvpwire"
)

// MaxHopCount is the highest RVP-Hop-Count rvpd forwards with; a NOTIFY
// that would go past it is refused with 500 (PROTOCOL.md 10: loops).
const MaxHopCount = 5

// outMsg is a NOTIFY to forward: headers (without Host, Content-Type and
// Content-Length), the body byte for byte, and for presence the source
// node whose older notifications it supersedes in a poll queue.
type outMsg struct {
	header   http.Header
	body     []byte
	coalesce string
}

// serverHeader is the header of a server-originated NOTIFY.
func (s *Server) serverHeader(hop int) http.Header {
	h := http.Header{}
	rvpwire.SetHeader(h, rvpwire.HeaderVersion, rvpwire.Version)
	rvpwire.SetHeader(h, rvpwire.HeaderFromPrincipal, s.cfg.domains[0])
	rvpwire.SetHeader(h, rvpwire.HeaderHopCount, strconv.Itoa(hop))
	return h
}

// handleNotify routes a NOTIFY to every live login of the node; a login
// whose Call-Back names a node elsewhere gets it through that node's
// server (federation.go). A message needs send-to; a property
// notification does not (it comes only because the node's owner
// subscribed with its own URL as Call-Back, and carries no message: a
// user who shuts foreign principals out still sees the contacts it
// watches). The answer
// follows RVP-Ack-Type: DeepOr (the default) is 200 once at least one
// login accepted it, DeepAnd once all did, SingleHop once it is queued or
// handed to the delivery workers. Failures: 412 no live login or no login
// reachable; 500 when a recipient client answered 500 (it left the
// conversation); 507 when the only logins poll and their queues are full;
// 403 when the node's ACL denies send-to.
func (s *Server) handleNotify(rq *request) (*reply, error) {
	h := rq.r.Header
	hop, err := rvpwire.ParseHopCount(h.Get(rvpwire.HeaderHopCount))
	if err != nil {
		return nil, badRequest("bad RVP-Hop-Count")
	}
	next := max(hop, 1) + 1
	if next > MaxHopCount {
		s.met.hopLimit.Add(1)
		s.log.Info("NOTIFY refused: hop limit", "node", rq.node.Alias, "from", rq.who.principal, "hop", hop)
		return nil, rvpwire.Status(http.StatusInternalServerError, "RVP-Hop-Count limit reached")
	}
	ack, err := rvpwire.ParseAckType(h.Get(rvpwire.HeaderAckType))
	if err != nil {
		return nil, badRequest("bad RVP-Ack-Type")
	}
	root, err := rvpwire.Decode(bytes.NewReader(rq.body))
	if err != nil {
		return nil, err
	}
	n, err := rvpwire.ParseNotification(root)
	if err != nil {
		return nil, err
	}
	m := &outMsg{header: http.Header{}, body: rq.body}
	if !n.IsMessage() {
		m.coalesce = coalesceKey(n.From.Href, n.Update)
	}
	rvpwire.SetHeader(m.header, rvpwire.HeaderVersion, rvpwire.Version)
	rvpwire.SetHeader(m.header, rvpwire.HeaderFromPrincipal, rq.who.principal)
	rvpwire.SetHeader(m.header, rvpwire.HeaderHopCount, strconv.Itoa(next))
	rvpwire.SetHeader(m.header, rvpwire.HeaderAckType, string(ack))

	s.mu.Lock()
	if n.IsMessage() && !s.allowedLocked(rq.node.Alias, rq.who, rvpwire.RightSendTo) {
		s.mu.Unlock()
		return nil, rvpwire.Status(http.StatusForbidden, "send-to denied by ACL")
	}
	p := s.planLocked(rq.node.Alias, m)
	if ack == rvpwire.SingleHop {
		s.dispatchAsyncLocked(p, m)
	}
	s.mu.Unlock()
	s.met.notifies.Add(1)
	if ack == rvpwire.SingleHop {
		return s.singleHopResult(rq, p)
	}
	return s.deepResult(rq, p, s.deliverAll(rq.r.Context(), p.callbacks, m), ack)
}

// singleHopResult answers once queue writes are durable.
func (s *Server) singleHopResult(rq *request, p *plan) (*reply, error) {
	if err := p.waitQueued(rq.r.Context()); err != nil {
		return nil, err
	}
	if p.logins == 0 {
		return nil, rvpwire.Status(http.StatusPreconditionFailed, "recipient has no live login")
	}
	if p.queued == 0 && len(p.callbacks) == 0 {
		return nil, rvpwire.Status(http.StatusInsufficientStorage, "recipient's poll queue is full")
	}
	return okReply(), nil
}

// deepResult judges DeepOr / DeepAnd from the queue writes and callbacks.
func (s *Server) deepResult(rq *request, p *plan, results []int, ack rvpwire.AckType) (*reply, error) {
	if err := p.waitQueued(rq.r.Context()); err != nil {
		return nil, err
	}
	accepted, left := p.queued, false
	for i, code := range results {
		switch {
		case code >= 200 && code < 300:
			accepted++
		case code == http.StatusInternalServerError && !p.callbacks[i].server:
			left = true // a client's 500; another server's 500 is a failure
		}
	}
	total := p.queued + p.full + len(p.callbacks)
	switch {
	case p.logins == 0:
		return nil, rvpwire.Status(http.StatusPreconditionFailed, "recipient has no live login")
	case accepted > 0 && (ack != rvpwire.DeepAnd || accepted == total):
		return okReply(), nil
	case left:
		return nil, rvpwire.Status(http.StatusInternalServerError, "recipient left the conversation")
	case p.full > 0 && accepted == 0:
		return nil, rvpwire.Status(http.StatusInsufficientStorage, "recipient's poll queue is full")
	}
	return nil, rvpwire.Status(http.StatusPreconditionFailed, "recipient not reachable")
}
