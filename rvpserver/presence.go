package rvpserver

import (
	"cmp"
	"slices"

	"rendezvous/internal/rvpwire"
)

// Presence (DECISIONS.md, "Presence"): each PROPPATCH of r:state leases a
// view; the principal's state is offline with no live view, idle when every
// live view is idle, and otherwise the state of the live non-idle view set
// most recently. invisible is shown as offline to everyone but the
// principal's own logins, and so is everything to a watcher the ACL denies
// presence. A lease that runs out ends its view (the default value of an
// expired lease is always offline here).

// addViewLocked installs a view and arms its lease; mu must be held.
func (s *Server) addViewLocked(v *viewRecord) {
	s.views[v.ID] = v
	m := s.viewsOf[v.Alias]
	if m == nil {
		m = map[uint64]*viewRecord{}
		s.viewsOf[v.Alias] = m
	}
	m[v.ID] = v
	s.timers.set(timerKey{timerView, v.ID}, v.Expires)
}

// removeViewLocked forgets a view and returns the store op; mu must be held.
func (s *Server) removeViewLocked(v *viewRecord) Op {
	delete(s.views, v.ID)
	delete(s.viewsOf[v.Alias], v.ID)
	if len(s.viewsOf[v.Alias]) == 0 {
		delete(s.viewsOf, v.Alias)
	}
	s.timers.cancel(timerKey{timerView, v.ID})
	return Del(BucketViews, idKey(v.ID))
}

// endViewsLocked ends views of alias, persists that and notifies watchers
// of the resulting change; mu must be held.
func (s *Server) endViewsLocked(alias string, views []*viewRecord) *commitWait {
	before := s.aggregateLocked(alias)
	var ops []Op
	for _, v := range views {
		ops = append(ops, s.removeViewLocked(v))
	}
	w := s.submitLocked(ops...)
	s.presenceChangedLocked(alias, before)
	return w
}

// liveViewsLocked returns alias's views, most recently set first.
func (s *Server) liveViewsLocked(alias string) []*viewRecord {
	var out []*viewRecord
	for _, v := range s.viewsOf[alias] {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b *viewRecord) int { return -cmp.Compare(a.SetSeq, b.SetSeq) })
	return out
}

// aggregateLocked is the principal's state as its owner sees it.
func (s *Server) aggregateLocked(alias string) rvpwire.State {
	views := s.liveViewsLocked(alias)
	if len(views) == 0 {
		return rvpwire.StateOffline
	}
	for _, v := range views {
		if v.State != rvpwire.StateIdle {
			return v.State
		}
	}
	return rvpwire.StateIdle
}

// visibleLocked is what watcher w sees of alias when its aggregate is agg.
func (s *Server) visibleLocked(alias string, agg rvpwire.State, w requester) rvpwire.State {
	if w.alias == alias {
		return agg
	}
	if agg == rvpwire.StateInvisible || !s.allowedLocked(alias, w, rvpwire.RightPresence) {
		return rvpwire.StateOffline
	}
	return agg
}

// watcher is the identity behind a subscription.
func (sub *subscription) watcher() requester {
	if sub.Owner != "" {
		return requester{principal: sub.Principal, alias: sub.Owner, cred: rvpwire.CredDigest}
	}
	return requester{principal: sub.Principal, cred: rvpwire.CredAssertion}
}

// presenceChangedLocked notifies every propchange watcher of alias whose
// view of the state differs from before; mu must be held.
func (s *Server) presenceChangedLocked(alias string, before rvpwire.State) {
	after := s.aggregateLocked(alias)
	s.notifyWatchersLocked(alias, func(sub *subscription) (rvpwire.State, rvpwire.State) {
		w := sub.watcher()
		return s.visibleLocked(alias, before, w), s.visibleLocked(alias, after, w)
	})
}

// notifyWatchersLocked sends a presence NOTIFY to each propchange
// subscription of alias for which change reports a difference.
func (s *Server) notifyWatchersLocked(alias string, change func(*subscription) (before, after rvpwire.State)) {
	for _, sub := range s.sortedSubsLocked(alias) {
		if sub.Type != rvpwire.UpdatePropchange {
			continue
		}
		if b, a := change(sub); b != a {
			s.sendUpdateLocked(sub, rvpwire.PropertyUpdate{State: &rvpwire.LeasedState{Value: a}})
		}
	}
}
