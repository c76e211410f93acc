package rvpserver

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"rendezvous/internal/rvpwire"
)

// Subscription lifetimes (DECISIONS.md, "Subscriptions").
const (
	DefaultSubLifetime = 14400 * time.Second
	MinSubLifetime     = 60 * time.Second
	MaxSubLifetime     = 86400 * time.Second
)

// grantLifetime reads Subscription-Lifetime ("" means the default) and
// clamps it.
func grantLifetime(h string) (time.Duration, error) {
	if strings.TrimSpace(h) == "" {
		return DefaultSubLifetime, nil
	}
	n, err := rvpwire.ParseSeconds(h, 1<<40)
	if err != nil {
		return 0, badRequest("bad Subscription-Lifetime")
	}
	d := time.Duration(min(n, int64(MaxSubLifetime/time.Second))) * time.Second
	return max(d, MinSubLifetime), nil
}

// handleSubscribe creates a login (pragma/notify) or property
// (update/propchange) subscription, or renews one named by Subscription-Id.
func (s *Server) handleSubscribe(rq *request) (*reply, error) {
	h := rq.r.Header
	life, err := grantLifetime(h.Get(rvpwire.HeaderLifetime))
	if err != nil {
		return nil, err
	}
	if h.Get(rvpwire.HeaderSubscriptionID) != "" {
		return s.renew(rq, life)
	}
	nt, cb := h.Get(rvpwire.HeaderNotificationType), strings.TrimSpace(h.Get(rvpwire.HeaderCallBack))
	if nt == "" || cb == "" {
		return nil, badRequest("SUBSCRIBE needs Notification-Type and Call-Back")
	}
	typ, err := rvpwire.ParseNotificationType(nt)
	if err != nil {
		return nil, badRequest("unknown Notification-Type")
	}
	sub := &subscription{subRecord: subRecord{Node: rq.node.Alias, NodeURL: rq.nodeURL, Type: typ,
		CallBack: cb, Principal: rq.who.principal, Owner: rq.who.alias}}
	if typ == rvpwire.PragmaNotify {
		return s.subscribeLogin(rq, sub, life)
	}
	return s.subscribeProps(rq, sub, life)
}

// subscribeLogin signs a client in: its own node, a callback URL or "poll".
func (s *Server) subscribeLogin(rq *request, sub *subscription, life time.Duration) (*reply, error) {
	poll := sub.CallBack == rvpwire.CallBackPoll
	if poll && !s.cfg.poll.Support {
		return nil, rvpwire.Status(http.StatusNotImplemented, "polling is not enabled on this server")
	}
	if !poll && !validCallback(sub.CallBack) {
		return nil, badRequest("Call-Back must be an http URL or poll")
	}
	if poll {
		req := time.Duration(-1)
		if v := rq.r.Header.Get(rvpwire.HeaderPollMsgLifetime); v != "" {
			n, err := rvpwire.ParseSeconds(v, 1<<40)
			if err != nil {
				return nil, badRequest("bad RVP-Poll-Msg-Lifetime")
			}
			req = time.Duration(n) * time.Second
		}
		sub.MsgLifeTime = s.cfg.poll.MsgLifeTime.Clamp(req)
		sub.queue = newPollQueue(nil, nil)
	}
	s.mu.Lock()
	if rq.who.alias != rq.node.Alias && !s.allowedLocked(rq.node.Alias, rq.who, rvpwire.RightSubscribeOthers) {
		s.mu.Unlock()
		return nil, rvpwire.Status(http.StatusForbidden, "login subscription to another principal's node")
	}
	w := s.createSubLocked(sub, life)
	s.mu.Unlock()
	if err := w.wait(rq.r.Context()); err != nil {
		return nil, err
	}
	s.log.Info("login", "principal", sub.Node, "subscription", sub.ID, "poll", poll)
	return &reply{code: http.StatusOK, header: s.subHeaders(sub, life)}, nil
}

// subscribeProps subscribes to a node's property changes; the 207 answer
// holds the current properties as the subscriber sees them.
func (s *Server) subscribeProps(rq *request, sub *subscription, life time.Duration) (*reply, error) {
	if !validCallback(sub.CallBack) {
		return nil, badRequest("Call-Back must be a principal URL")
	}
	s.mu.Lock()
	if !s.ownCallback(rq.who, sub.CallBack) && !s.allowedLocked(rq.node.Alias, rq.who, rvpwire.RightSubscribeOthers) {
		s.mu.Unlock()
		return nil, rvpwire.Status(http.StatusForbidden, "Call-Back is not the subscriber's principal")
	}
	w := s.createSubLocked(sub, life)
	found, _ := s.propElementsLocked(s.accounts[rq.node.Alias], rq.who, knownProps)
	s.mu.Unlock()
	if err := w.wait(rq.r.Context()); err != nil {
		return nil, err
	}
	rep := xmlReply(http.StatusMultiStatus, propsMultistatus(rq.nodeURL, found, nil))
	rep.header = s.subHeaders(sub, life)
	return rep, nil
}

// ownCallback reports whether cb names the requester's own principal.
func (s *Server) ownCallback(w requester, cb string) bool {
	if w.local() {
		return s.localNode(cb) == w.alias
	}
	return principalKey(cb) == principalKey(w.principal)
}

func validCallback(cb string) bool {
	u, err := url.Parse(cb)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}

// createSubLocked assigns an id, installs and persists sub; mu must be held.
func (s *Server) createSubLocked(sub *subscription, life time.Duration) *commitWait {
	sub.ID = s.cfg.nextID(&s.ctr.NextSub, func(id uint64) bool { return s.subs[id] != nil })
	sub.Expires = s.now().Add(life)
	s.addSubLocked(sub)
	ops := []Op{putRecord(BucketSubscriptions, idKey(sub.ID), &sub.subRecord), s.countersOpLocked()}
	if sub.queue != nil {
		ops = append(ops, putRecord(BucketPollState, idKey(sub.ID), &sub.queue.st))
	}
	s.met.subscribes.Add(1)
	return s.submitLocked(ops...)
}

// subHeaders are the headers of a SUBSCRIBE answer.
func (s *Server) subHeaders(sub *subscription, life time.Duration) http.Header {
	h := http.Header{}
	rvpwire.SetHeader(h, rvpwire.HeaderSubscriptionID, strconv.FormatUint(sub.ID, 10))
	rvpwire.SetHeader(h, rvpwire.HeaderLifetime, strconv.FormatInt(int64(life/time.Second), 10))
	if sub.isPoll() {
		rvpwire.SetHeader(h, rvpwire.HeaderPollLifetime, seconds(s.cfg.poll.LifeTime.Default))
		rvpwire.SetHeader(h, rvpwire.HeaderPollMsgLifetime, seconds(sub.MsgLifeTime))
	}
	return h
}

func seconds(d time.Duration) string { return strconv.FormatInt(int64(d/time.Second), 10) }

// findSubLocked resolves Subscription-Id on the request's node: 400 when absent
// or invalid, 404 when unknown, 403 when the requester is neither the
// subscriber nor the node's owner. mu must be held.
func (s *Server) findSubLocked(rq *request) (*subscription, error) {
	id, err := rvpwire.ParseSubscriptionID(rq.r.Header.Get(rvpwire.HeaderSubscriptionID))
	if err != nil {
		return nil, badRequest("Subscription-Id required")
	}
	sub := s.subs[id]
	if sub == nil || sub.Node != rq.node.Alias {
		return nil, rvpwire.Status(http.StatusNotFound, "unknown subscription")
	}
	if !s.subscriberOrOwner(sub, rq.who) {
		return nil, rvpwire.Status(http.StatusForbidden, "not your subscription")
	}
	return sub, nil
}

func (s *Server) subscriberOrOwner(sub *subscription, w requester) bool {
	if w.local() {
		return sub.Owner == w.alias || sub.Node == w.alias
	}
	return sub.Owner == "" && principalKey(sub.Principal) == principalKey(w.principal)
}

// renew extends a subscription: 200, headers only.
func (s *Server) renew(rq *request, life time.Duration) (*reply, error) {
	s.mu.Lock()
	sub, err := s.findSubLocked(rq)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	sub.Expires = s.now().Add(life)
	s.timers.set(timerKey{timerSub, sub.ID}, sub.Expires)
	w := s.submitLocked(putRecord(BucketSubscriptions, idKey(sub.ID), &sub.subRecord))
	h := s.subHeaders(sub, life)
	s.mu.Unlock()
	if err := w.wait(rq.r.Context()); err != nil {
		return nil, err
	}
	return &reply{code: http.StatusOK, header: h}, nil
}

// handleUnsubscribe cancels a subscription (login ones too: a POLL held on
// it is answered 404).
func (s *Server) handleUnsubscribe(rq *request) (*reply, error) {
	s.mu.Lock()
	sub, err := s.findSubLocked(rq)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	w := s.removeSubLocked(sub, http.StatusNotFound)
	s.mu.Unlock()
	if err := w.wait(rq.r.Context()); err != nil {
		return nil, err
	}
	return okReply(), nil
}

// handleSubscriptions lists the subscriptions held on a node (of the type
// asked for, or all); needs the subscriptions right.
func (s *Server) handleSubscriptions(rq *request) (*reply, error) {
	var typ rvpwire.NotificationType
	if v := rq.r.Header.Get(rvpwire.HeaderNotificationType); v != "" {
		t, err := rvpwire.ParseNotificationType(v)
		if err != nil {
			return nil, badRequest("unknown Notification-Type")
		}
		typ = t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.allowedLocked(rq.node.Alias, rq.who, rvpwire.RightSubscriptions) {
		return nil, rvpwire.Status(http.StatusForbidden, "subscriptions denied")
	}
	now := s.now()
	var list []rvpwire.SubscriptionInfo
	for _, sub := range s.sortedSubsLocked(rq.node.Alias) {
		if typ == "" || sub.Type == typ {
			list = append(list, rvpwire.SubscriptionInfo{ID: sub.ID, Href: sub.CallBack,
				Principal: sub.Principal, Timeout: int64(sub.Expires.Sub(now) / time.Second)})
		}
	}
	return xmlReply(http.StatusOK, rvpwire.Subscriptions(list)), nil
}

// addSubLocked installs sub and arms its expiry; mu must be held.
func (s *Server) addSubLocked(sub *subscription) {
	s.subs[sub.ID] = sub
	m := s.byNode[sub.Node]
	if m == nil {
		m = map[uint64]*subscription{}
		s.byNode[sub.Node] = m
	}
	m[sub.ID] = sub
	s.timers.set(timerKey{timerSub, sub.ID}, sub.Expires)
}

// removeSubLocked forgets sub with its poll queue (a held POLL is answered
// pollCode) and persists that; mu must be held.
func (s *Server) removeSubLocked(sub *subscription, pollCode int) *commitWait {
	delete(s.subs, sub.ID)
	delete(s.byNode[sub.Node], sub.ID)
	if len(s.byNode[sub.Node]) == 0 {
		delete(s.byNode, sub.Node)
	}
	s.timers.cancel(timerKey{timerSub, sub.ID})
	s.dropForwardLocked(sub.ID)
	ops := subDeleteOps(sub.ID)
	if q := sub.queue; q != nil {
		q.release(pollCode)
		for _, it := range q.items {
			ops = append(ops, Del(BucketPollItems, itemKey(sub.ID, it.Seq)))
		}
		q.items = nil
		s.timers.cancel(timerKey{timerPollItems, sub.ID})
		s.timers.cancel(timerKey{timerPollDrop, sub.ID})
	}
	return s.submitLocked(ops...)
}

// sortedSubsLocked returns the subscriptions on alias's node by id.
func (s *Server) sortedSubsLocked(alias string) []*subscription {
	var out []*subscription
	for _, sub := range s.byNode[alias] {
		out = append(out, sub)
	}
	slices.SortFunc(out, func(a, b *subscription) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
