package rvpserver

import (
	"cmp"
	"slices"
	"time"

	"rendezvous/internal/rvpwire"
)

// pollQueue is the queue of one polling login (POLLING.md 4); guarded by
// Server.mu. Items stay until a POLL acknowledges them, expire after the
// login's PollMsgLifeTime, and the whole queue is dropped when it has not
// been drained PollDropMsgLifeTime after an item entered it empty.
type pollQueue struct {
	st    pollStateRecord
	items []*pollItemRecord // ascending Seq
	bytes int
	held  *heldPoll // the POLL waiting on this queue, if any
}

// heldPoll is a waiting POLL. wake carries what to answer: 0 means items
// arrived, otherwise a status code (204 superseded or shutdown, 404 gone).
type heldPoll struct {
	wake chan int
}

func newPollQueue(st *pollStateRecord, items []*pollItemRecord) *pollQueue {
	q := &pollQueue{items: items}
	if st != nil {
		q.st = *st
	}
	slices.SortFunc(q.items, func(a, b *pollItemRecord) int { return cmp.Compare(a.Seq, b.Seq) })
	for _, it := range q.items {
		q.bytes += len(it.Data)
		q.st.LastSeq = max(q.st.LastSeq, it.Seq)
	}
	return q
}

// release answers the held POLL, if any, with code.
func (q *pollQueue) release(code int) {
	if q.held == nil {
		return
	}
	select {
	case q.held.wake <- code:
	default:
	}
	q.held = nil
}

// fits reports whether one more item of size bytes is within the limits,
// after removing drop items.
func (s *Server) fits(q *pollQueue, size, dropN, dropBytes int) bool {
	lim := s.cfg.poll
	if lim.MsgLimit == 0 || lim.MsgKByteLimit == 0 {
		return false
	}
	n, b := len(q.items)-dropN+1, q.bytes-dropBytes+size
	return (lim.MsgLimit == Unlimited || uint64(n) <= uint64(lim.MsgLimit)) &&
		(lim.MsgKByteLimit == Unlimited || uint64(b) <= uint64(lim.MsgKByteLimit)*1024)
}

// enqueueLocked queues m for a polling login and wakes its POLL; it returns
// nil when the queue refuses it (507). A newer presence notification
// replaces an older one from the same node. With buffering disabled or the
// queue full, an item is still taken when a POLL is held on an empty queue
// (it is handed straight to that POLL).
func (s *Server) enqueueLocked(sub *subscription, m *outMsg) *commitWait {
	q := sub.queue
	data := rvpwire.FormatNotify("/", s.cfg.domains[0], m.header, m.body)
	var stale []*pollItemRecord
	staleBytes := 0
	if m.coalesce != "" {
		for _, it := range q.items {
			if it.Coalesce == m.coalesce {
				stale = append(stale, it)
				staleBytes += len(it.Data)
			}
		}
	}
	handOver := q.held != nil && len(q.items) == len(stale)
	if !s.fits(q, len(data), len(stale), staleBytes) && !handOver {
		s.met.pollRefused.Add(1)
		return nil
	}
	var ops []Op
	for _, it := range stale {
		ops = append(ops, s.removeItemLocked(sub, it))
	}
	now := s.now()
	if len(q.items) == 0 {
		q.st.Since = now
		s.timers.set(timerKey{timerPollDrop, sub.ID}, now.Add(s.cfg.poll.DropMsgLifeTime))
	}
	q.st.LastSeq++
	it := &pollItemRecord{Seq: q.st.LastSeq, Expires: now.Add(sub.MsgLifeTime), Coalesce: m.coalesce, Data: data}
	q.items = append(q.items, it)
	q.bytes += len(data)
	s.armItemTimerLocked(sub)
	q.release(0)
	s.met.pollEnqueued.Add(1)
	ops = append(ops, putRecord(BucketPollItems, itemKey(sub.ID, it.Seq), it), putRecord(BucketPollState, idKey(sub.ID), &q.st))
	return s.submitLocked(ops...)
}

// removeItemLocked drops one item from memory and returns the store op.
func (s *Server) removeItemLocked(sub *subscription, it *pollItemRecord) Op {
	q := sub.queue
	if i := slices.Index(q.items, it); i >= 0 {
		q.items = slices.Delete(q.items, i, i+1)
		q.bytes -= len(it.Data)
	}
	return Del(BucketPollItems, itemKey(sub.ID, it.Seq))
}

// persistQueueLocked writes the queue state along with ops.
func (s *Server) persistQueueLocked(sub *subscription, ops ...Op) *commitWait {
	return s.submitLocked(append(ops, putRecord(BucketPollState, idKey(sub.ID), &sub.queue.st))...)
}

// armItemTimerLocked arms the expiry of the oldest item, or disarms. Items
// of one login share its PollMsgLifeTime, so expiries follow sequence order.
func (s *Server) armItemTimerLocked(sub *subscription) {
	key := timerKey{timerPollItems, sub.ID}
	if len(sub.queue.items) == 0 {
		s.timers.cancel(key)
		return
	}
	s.timers.set(key, sub.queue.items[0].Expires)
}

// armQueueTimersLocked re-arms a loaded queue's timers.
func (s *Server) armQueueTimersLocked(sub *subscription) {
	s.armItemTimerLocked(sub)
	if q := sub.queue; len(q.items) > 0 && !q.st.Since.IsZero() {
		s.timers.set(timerKey{timerPollDrop, sub.ID}, q.st.Since.Add(s.cfg.poll.DropMsgLifeTime))
	}
}

// expireItemsLocked drops items past their PollMsgLifeTime.
func (s *Server) expireItemsLocked(sub *subscription, now time.Time) {
	s.dropLocked(sub, func(it *pollItemRecord) bool { return !now.Before(it.Expires) })
}

// dropQueueIfStaleLocked drops the whole queue when it has not been drained
// within PollDropMsgLifeTime.
func (s *Server) dropQueueIfStaleLocked(sub *subscription, now time.Time) {
	q := sub.queue
	if q.st.Since.IsZero() || now.Before(q.st.Since.Add(s.cfg.poll.DropMsgLifeTime)) {
		return
	}
	s.dropLocked(sub, func(*pollItemRecord) bool { return true })
}

// dropLocked removes items as lost: they count in RVP-Poll-Dropped.
func (s *Server) dropLocked(sub *subscription, drop func(*pollItemRecord) bool) {
	ops := s.removeMatchingLocked(sub, drop)
	if len(ops) == 0 {
		return
	}
	sub.queue.st.Dropped += uint64(len(ops))
	s.met.pollDropped.Add(int64(len(ops)))
	s.persistQueueLocked(sub, ops...)
}

// ackLocked removes the items a POLL acknowledged (seq <= n).
func (s *Server) ackLocked(sub *subscription, n uint64) *commitWait {
	ops := s.removeMatchingLocked(sub, func(it *pollItemRecord) bool { return it.Seq <= n })
	if len(ops) == 0 {
		return nil
	}
	return s.persistQueueLocked(sub, ops...)
}

// removeMatchingLocked removes the items for which match holds, resets
// the drop clock of an emptied queue, re-arms the item timer and returns
// the store ops.
func (s *Server) removeMatchingLocked(sub *subscription, match func(*pollItemRecord) bool) []Op {
	var ops []Op
	for _, it := range slices.Clone(sub.queue.items) {
		if match(it) {
			ops = append(ops, s.removeItemLocked(sub, it))
		}
	}
	if len(sub.queue.items) == 0 {
		sub.queue.st.Since = time.Time{}
		s.timers.cancel(timerKey{timerPollDrop, sub.ID})
	}
	s.armItemTimerLocked(sub)
	return ops
}
