package rvpserver

import (
	"net/http"
	"strconv"
	"time"

	"rendezvous/internal/rvpwire"
)

// handlePoll serves POLL (POLLING.md 3): acknowledge, supersede a held
// POLL, answer at once when items are queued, otherwise hold until items
// arrive or the hold elapses (204). A held POLL gives back its inbound
// work-queue slot and costs only its goroutine, a channel and a timer.
func (s *Server) handlePoll(rq *request) (*reply, error) {
	if !s.cfg.poll.Support {
		return nil, rvpwire.Status(http.StatusNotImplemented, "polling is not enabled on this server")
	}
	h := rq.r.Header
	hold := time.Duration(-1)
	if v := h.Get(rvpwire.HeaderPollLifetime); v != "" {
		n, err := rvpwire.ParseSeconds(v, 1<<40)
		if err != nil {
			return nil, badRequest("bad RVP-Poll-Lifetime")
		}
		hold = time.Duration(n) * time.Second
	}
	hold = s.cfg.poll.LifeTime.Clamp(hold)
	var ack uint64
	if v := h.Get(rvpwire.HeaderPollAck); v != "" {
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return nil, badRequest("bad RVP-Poll-Ack")
		}
		ack = n
	}
	s.mu.Lock()
	sub, err := s.findSubLocked(rq)
	if err == nil && (!sub.isPoll() || sub.Owner != rq.who.alias) {
		err = rvpwire.Status(http.StatusNotFound, "not a polling login of this principal")
	}
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	ackWait := s.ackLocked(sub, ack)
	q := sub.queue
	q.release(http.StatusNoContent) // supersede
	if len(q.items) > 0 {
		rep, w := s.answerLocked(sub, hold)
		s.mu.Unlock()
		return rep, waitAll(rq, ackWait, w)
	}
	hp := &heldPoll{wake: make(chan int, 1)}
	q.held = hp
	s.mu.Unlock()
	if err := waitAll(rq, ackWait); err != nil {
		return nil, err
	}
	rq.slot.release()
	return s.hold(rq, sub, hp, hold)
}

// hold waits for the held POLL's outcome.
func (s *Server) hold(rq *request, sub *subscription, hp *heldPoll, hold time.Duration) (*reply, error) {
	t := time.NewTimer(hold)
	defer t.Stop()
	code := http.StatusNoContent
	select {
	case code = <-hp.wake:
	case <-t.C:
	case <-rq.r.Context().Done():
	case <-s.stop:
	}
	s.mu.Lock()
	if sub.queue.held == hp {
		sub.queue.held = nil
	}
	if code == http.StatusNotFound || s.subs[sub.ID] != sub {
		s.mu.Unlock()
		return nil, rvpwire.Status(http.StatusNotFound, "subscription gone")
	}
	if s.state != stateRunning { // shutting down: 204, the dropped count waits for the next answer
		s.mu.Unlock()
		h := http.Header{}
		rvpwire.SetHeader(h, rvpwire.HeaderPollLifetime, seconds(hold))
		return &reply{code: http.StatusNoContent, header: h}, nil
	}
	if code == 0 && len(sub.queue.items) > 0 {
		rep, w := s.answerLocked(sub, hold)
		s.mu.Unlock()
		return rep, waitAll(rq, w)
	}
	rep, w := s.emptyAnswerLocked(sub, hold)
	s.mu.Unlock()
	return rep, waitAll(rq, w)
}

// answerLocked builds a 200 with queued items: up to PollAnswerMaxItems or
// PollAnswerMaxBytes of parts (a larger single item travels alone).
func (s *Server) answerLocked(sub *subscription, hold time.Duration) (*reply, *commitWait) {
	var parts []rvpwire.PollPart
	size := 0
	for _, it := range sub.queue.items {
		if len(parts) == rvpwire.PollAnswerMaxItems || (len(parts) > 0 && size+len(it.Data) > rvpwire.PollAnswerMaxBytes) {
			break
		}
		parts = append(parts, rvpwire.PollPart{Seq: it.Seq, Request: it.Data})
		size += len(it.Data)
	}
	ct, body := rvpwire.WritePollAnswer(parts)
	h, w := s.pollHeadersLocked(sub, hold)
	s.met.pollAnswers.Add(1)
	return &reply{code: http.StatusOK, header: h, contentType: ct, body: body}, w
}

// emptyAnswerLocked builds a 204.
func (s *Server) emptyAnswerLocked(sub *subscription, hold time.Duration) (*reply, *commitWait) {
	h, w := s.pollHeadersLocked(sub, hold)
	return &reply{code: http.StatusNoContent, header: h}, w
}

// pollHeadersLocked sets RVP-Poll-Lifetime and, when items were lost since
// the last answer, RVP-Poll-Dropped (resetting the count).
func (s *Server) pollHeadersLocked(sub *subscription, hold time.Duration) (http.Header, *commitWait) {
	h := http.Header{}
	rvpwire.SetHeader(h, rvpwire.HeaderPollLifetime, seconds(hold))
	q := sub.queue
	if q.st.Dropped == 0 {
		return h, nil
	}
	rvpwire.SetHeader(h, rvpwire.HeaderPollDropped, strconv.FormatUint(q.st.Dropped, 10))
	q.st.Dropped = 0
	return h, s.persistQueueLocked(sub)
}

// waitAll waits for the given (possibly nil) commits.
func waitAll(rq *request, ws ...*commitWait) error {
	for _, w := range ws {
		if w != nil {
			if err := w.wait(rq.r.Context()); err != nil {
				return err
			}
		}
	}
	return nil
}
