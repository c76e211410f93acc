package rvpserver

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"rendezvous/internal/rvpwire"
)

// Lease bounds of r:state (DECISIONS.md, "Presence").
const (
	DefaultLease = 1200 * time.Second
	MinLease     = 30 * time.Second
	MaxLease     = 14400 * time.Second
)

// handleProppatch sets properties of the requester's own node (else 403):
// the leased r:state (a view) and displayname, email, mobile-state,
// mobile-description. Other properties are answered with a 403 propstat.
// Watchers hear of a state they see change, and of a change to the other
// properties (propnotify.go).
func (s *Server) handleProppatch(rq *request) (*reply, error) {
	if rq.who.alias != rq.node.Alias {
		return nil, rvpwire.Status(http.StatusForbidden, "PROPPATCH of another principal's node")
	}
	root, err := rvpwire.Decode(bytes.NewReader(rq.body))
	if err != nil {
		return nil, err
	}
	pu, err := rvpwire.ParsePropertyUpdate(root)
	if err != nil {
		return nil, err
	}
	if err := checkUpdateNames(pu); err != nil {
		return nil, err
	}
	alias := rq.node.Alias
	var set []*rvpwire.Element
	s.mu.Lock()
	before := s.aggregateLocked(alias)
	var ops []Op
	if pu.State != nil {
		el, stOps := s.applyStateLocked(alias, pu.State)
		set, ops = append(set, el), append(ops, stOps...)
	}
	old := s.accounts[alias]
	if acct, els := updateProps(old, pu.Props); len(els) > 0 {
		s.accounts[alias] = acct
		set = append(set, els...)
		ops = append(ops, putRecord(BucketAccounts, alias, acct))
	}
	w := s.submitLocked(ops...)
	s.presenceChangedLocked(alias, before)
	if propsChanged(old, s.accounts[alias]) {
		s.propsChangedLocked(alias)
	}
	s.mu.Unlock()
	if err := w.wait(rq.r.Context()); err != nil {
		return nil, err
	}
	resp := rvpwire.Response{Href: rq.nodeURL}
	if len(set) > 0 {
		resp.Propstats = append(resp.Propstats, rvpwire.Propstat{Props: set, Status: http.StatusOK})
	}
	if len(pu.Other) > 0 {
		var names []*rvpwire.Element
		for _, o := range pu.Other {
			names = append(names, rvpwire.E(o.Name.Space, o.Name.Local))
		}
		resp.Propstats = append(resp.Propstats, rvpwire.Propstat{Props: names, Status: http.StatusForbidden})
	}
	return xmlReply(http.StatusMultiStatus, rvpwire.Multistatus(resp)), nil
}

// applyStateLocked applies one r:state update and returns its echo and the
// store ops. offline with a view-id ends that view, without one every view
// of the principal; any other value creates a view or refreshes the view
// named (an unknown or expired view-id gets a new view and id).
func (s *Server) applyStateLocked(alias string, ls *rvpwire.LeasedState) (*rvpwire.Element, []Op) {
	echo := rvpwire.LeasedState{Value: ls.Value, Default: defaultState(ls.Default)}
	v := s.ownViewLocked(alias, ls.ViewID)
	if ls.Value == rvpwire.StateOffline {
		var ops []Op
		for _, old := range s.liveViewsLocked(alias) {
			if ls.ViewID == "" || old == v {
				ops = append(ops, s.removeViewLocked(old))
			}
		}
		echo.ViewID = ls.ViewID
		return echo.Element(), ops
	}
	lease := clampLease(ls.Timeout)
	now := s.now()
	if v == nil {
		v = &viewRecord{ID: s.cfg.nextID(&s.ctr.NextView, func(id uint64) bool { return s.views[id] != nil }), Alias: alias}
	}
	s.ctr.NextSet++
	v.State, v.Default, v.Timeout = ls.Value, echo.Default, int64(lease/time.Second)
	v.Expires, v.SetAt, v.SetSeq = now.Add(lease), now, s.ctr.NextSet
	s.addViewLocked(v)
	echo.Timeout, echo.ViewID = v.Timeout, strconv.FormatUint(v.ID, 10)
	return echo.Element(), []Op{putRecord(BucketViews, idKey(v.ID), v), s.countersOpLocked()}
}

// ownViewLocked returns alias's live view named by id, or nil.
func (s *Server) ownViewLocked(alias, id string) *viewRecord {
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return nil
	}
	return s.viewsOf[alias][n]
}

func defaultState(st rvpwire.State) rvpwire.State {
	if st == "" {
		return rvpwire.StateOffline
	}
	return st
}

// clampLease grants a lease for a requested timeout in seconds (0 = absent).
func clampLease(seconds int64) time.Duration {
	if seconds <= 0 {
		return DefaultLease
	}
	d := time.Duration(min(seconds, int64(MaxLease/time.Second))) * time.Second
	return max(d, MinLease)
}

// updateProps returns a copy of acct with p applied, and the elements set.
func updateProps(acct *accountRecord, p rvpwire.Props) (*accountRecord, []*rvpwire.Element) {
	next := *acct
	els := p.Elements()
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&next.DisplayName, p.DisplayName)
	set(&next.Email, p.Email)
	set(&next.MobileState, p.MobileState)
	set(&next.MobileDescription, p.MobileDescription)
	return &next, els
}

// checkUpdateNames refuses state tokens and property names that could not
// be echoed as XML.
func checkUpdateNames(pu rvpwire.PropertyUpdate) error {
	if st := pu.State; st != nil && (!validName(string(st.Value)) || st.Default != "" && !validName(string(st.Default))) {
		return badRequest("bad state token")
	}
	for _, o := range pu.Other {
		if !validName(o.Name.Local) {
			return badRequest("bad property name")
		}
	}
	return nil
}
