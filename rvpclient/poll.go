package rvpclient

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"rendezvous/internal/rvpwire"
)

// Poll loop limits.
const (
	maxPollAnswer = 2 << 20                // one POLL answer body
	maxPollPart   = MaxNotifyBody + 64<<10 // one message/http part
	minPollHold   = 10 * time.Second       // the shortest hold asked for after cuts
	heldThreshold = 5 * time.Second        // a POLL open this long was being held
	cutsToShorten = 2                      // consecutive cuts before asking for less
)

// pollState is the poll loop's own state (owned by its goroutine).
type pollState struct {
	ack     uint64        // highest sequence processed (RVP-Poll-Ack)
	hold    time.Duration // hold asked for
	granted time.Duration // hold the server last granted
	cuts    int           // consecutive POLLs cut before their hold
	bo      backoff
}

// pollLoop keeps one POLL open (POLLING.md section 5): it re-polls at once
// after every answer, acknowledging what it processed; treats a POLL with no
// answer after hold + 30 s as a dead connection; backs off with jitter after
// errors; asks for shorter holds when held polls keep being cut; ignores
// items it already processed; and hands every item to the same NOTIFY
// decoder the callback listener uses. A 404 means the server forgot the
// login: the client signs in again.
func (c *Client) pollLoop(ctx context.Context, s *session) {
	ps := &pollState{hold: s.pollHold}
	for ctx.Err() == nil {
		err := c.pollOnce(ctx, s, ps)
		if err == nil || ctx.Err() != nil {
			continue
		}
		if rvpwire.IsStatus(err, http.StatusNotFound) || errors.Is(err, ErrAuth) {
			if rvpwire.IsStatus(err, http.StatusNotFound) {
				err = fmt.Errorf("%w: %w", ErrServerForgot, err)
			}
			c.lost(s, err)
			return
		}
		c.noteError(err)
		if IsTimeout(err) {
			continue // dead connection: poll again at once on a new one
		}
		if !ps.bo.wait(ctx) {
			return
		}
	}
}

// pollOnce sends one POLL and processes its answer.
func (c *Client) pollOnce(ctx context.Context, s *session, ps *pollState) error {
	r, err := c.pollRequest(s, ps)
	if err != nil {
		return err
	}
	start := time.Now()
	resp, err := s.tr.do(ctx, r)
	elapsed := time.Since(start)
	if err != nil {
		if IsTimeout(err) && ctx.Err() == nil {
			s.tr.hc.CloseIdleConnections()
		} else if IsNetwork(err) {
			c.pollCut(ps, elapsed)
		}
		return fmt.Errorf("rvpclient: poll: %w", err)
	}
	ps.cuts = 0
	if v, err := rvpwire.ParseSeconds(resp.header.Get(rvpwire.HeaderPollLifetime), 1<<31); err == nil && v > 0 {
		ps.granted = time.Duration(v) * time.Second
	}
	c.notePoll(elapsed, resp)
	if resp.code != http.StatusOK {
		// 204: the hold elapsed with nothing queued. One that comes back at
		// once (superseded, or a server that does not hold) is backed off,
		// so a misbehaving server cannot make the loop spin.
		if elapsed < time.Second {
			return fmt.Errorf("rvpclient: poll: empty answer after %v (hold %v)", elapsed, ps.hold)
		}
		ps.bo.reset()
		return nil
	}
	ps.bo.reset()
	parts, err := rvpwire.ReadPollAnswer(resp.header.Get("Content-Type"), bytesReader(resp.body), maxPollPart)
	if err != nil {
		return fmt.Errorf("rvpclient: poll answer: %w", err)
	}
	c.processParts(s, ps, parts)
	return nil
}

// pollRequest builds the POLL: login subscription, hold asked for, and the
// acknowledgement of everything processed so far.
func (c *Client) pollRequest(s *session, ps *pollState) (*request, error) {
	c.mu.Lock()
	id, acct := s.loginID, c.acct
	c.mu.Unlock()
	if acct == nil {
		return nil, ErrNotSignedIn
	}
	r := newRequest(rvpwire.MethodPoll, acct.node.Path()).
		set(rvpwire.HeaderSubscriptionID, strconv.FormatUint(id, 10)).
		set(rvpwire.HeaderPollLifetime, seconds(ps.hold)).
		set(rvpwire.HeaderPollAck, strconv.FormatUint(ps.ack, 10))
	r.timeout = max(ps.hold, ps.granted) + deadPollSlack
	r.maxBody = maxPollAnswer
	return r, nil
}

// pollCut counts a POLL that broke while being held; after a few in a row
// it asks for a hold shorter than the time the connections survived.
func (c *Client) pollCut(ps *pollState, elapsed time.Duration) {
	if elapsed < heldThreshold || elapsed >= ps.hold {
		return
	}
	ps.cuts++
	c.mu.Lock()
	c.diag.pollsCut++
	c.mu.Unlock()
	if ps.cuts < cutsToShorten {
		return
	}
	ps.cuts = 0
	ps.hold = max((elapsed * 3 / 4).Truncate(time.Second), minPollHold)
	c.mu.Lock()
	c.diag.pollHold = ps.hold
	c.mu.Unlock()
	c.log.Info("rvpclient: polls are cut early, asking for shorter holds", "hold", ps.hold)
}

// notePoll records diagnostics of an answer, and items the server dropped.
func (c *Client) notePoll(rtt time.Duration, resp *response) {
	dropped, _ := rvpwire.ParseSeconds(resp.header.Get(rvpwire.HeaderPollDropped), 1<<40)
	c.mu.Lock()
	c.diag.lastPoll, c.diag.lastPollRTT = c.now(), rtt
	c.diag.dropped += dropped
	c.mu.Unlock()
	if dropped > 0 {
		c.emit(DroppedEvent{Count: dropped})
	}
}

// processParts hands each new item to the NOTIFY decoder, in order, and
// advances the acknowledgement. An item that cannot be decoded is still
// acknowledged (it would never decode) and reported as the last error.
func (c *Client) processParts(s *session, ps *pollState, parts []rvpwire.PollPart) {
	deliver := c.serveNotify(s)
	for _, p := range parts {
		if p.Seq <= ps.ack {
			c.mu.Lock()
			c.diag.duplicates++
			c.mu.Unlock()
			continue
		}
		req, body, err := rvpwire.ReadNotify(p.Request, MaxNotifyBody)
		if err == nil {
			err = deliver(req.Header, body)
		}
		if err != nil {
			c.noteError(fmt.Errorf("rvpclient: poll item %d: %w", p.Seq, err))
		}
		ps.ack = p.Seq
	}
}
