package rvpserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// loaded is everything read from the Store at Start.
type loaded struct {
	accounts []*accountRecord
	subs     []*subRecord
	views    []*viewRecord
	polls    map[uint64]*pollStateRecord
	items    map[uint64][]*pollItemRecord
	ctr      counters
	fresh    bool // no counters record: a new (or wiped) store
}

func load(ctx context.Context, st Store) (*loaded, error) {
	ld := &loaded{polls: map[uint64]*pollStateRecord{}, items: map[uint64][]*pollItemRecord{}}
	if err := scanJSON(ctx, st, BucketAccounts, func(_ string, r *accountRecord) { ld.accounts = append(ld.accounts, r) }); err != nil {
		return nil, err
	}
	if err := scanJSON(ctx, st, BucketSubscriptions, func(_ string, r *subRecord) { ld.subs = append(ld.subs, r) }); err != nil {
		return nil, err
	}
	if err := scanJSON(ctx, st, BucketViews, func(_ string, r *viewRecord) { ld.views = append(ld.views, r) }); err != nil {
		return nil, err
	}
	err := scanJSON(ctx, st, BucketPollState, func(k string, r *pollStateRecord) {
		if id, err := strconv.ParseUint(k, 16, 64); err == nil {
			ld.polls[id] = r
		}
	})
	if err != nil {
		return nil, err
	}
	err = scanJSON(ctx, st, BucketPollItems, func(k string, r *pollItemRecord) {
		sub, _, _ := strings.Cut(k, "/")
		if id, err := strconv.ParseUint(sub, 16, 64); err == nil {
			ld.items[id] = append(ld.items[id], r)
		}
	})
	if err != nil {
		return nil, err
	}
	v, err := st.Get(ctx, BucketMeta, countersKey)
	switch {
	case errors.Is(err, ErrNotFound):
		ld.fresh = true
	case err != nil:
		return nil, err
	default:
		if err := json.Unmarshal(v, &ld.ctr); err != nil {
			return nil, fmt.Errorf("rvpserver: counters: %w", err)
		}
	}
	return ld, nil
}

func scanJSON[T any](ctx context.Context, st Store, b Bucket, fn func(key string, rec *T)) error {
	return st.Scan(ctx, b, "", func(k string, v []byte) error {
		rec := new(T)
		if err := json.Unmarshal(v, rec); err != nil {
			return fmt.Errorf("rvpserver: load %s/%s: %w", b, k, err)
		}
		fn(k, rec)
		return nil
	})
}

// install builds the in-memory model from ld and arms every timer; mu must
// be held. A fresh store's counters are seeded (ids.go); counters never go
// below an id in use.
func (s *Server) install(ld *loaded) {
	for _, a := range ld.accounts {
		s.accounts[a.Alias] = a
	}
	s.ctr = ld.ctr
	if ld.fresh {
		s.cfg.seedCounters(&s.ctr)
	}
	for _, r := range ld.subs {
		sub := &subscription{subRecord: *r}
		if r.isPoll() {
			sub.queue = newPollQueue(ld.polls[r.ID], ld.items[r.ID])
		}
		s.addSubLocked(sub)
		s.ctr.NextSub = max(s.ctr.NextSub, r.ID)
	}
	for _, v := range ld.views {
		s.addViewLocked(v)
		s.ctr.NextView = max(s.ctr.NextView, v.ID)
		s.ctr.NextSet = max(s.ctr.NextSet, v.SetSeq)
	}
	for _, sub := range s.subs {
		if q := sub.queue; q != nil {
			s.armQueueTimersLocked(sub)
		}
	}
}
