package rvpserver

import (
	"math"
	"math/rand/v2"
)

// Subscription ids and view ids are decimal integers that old clients read
// with %d into a 32-bit int (librvp), so they stay at or below maxID.
//
// A fresh store (no counters record) starts both counters at a random
// value in [minRandomID, maxRandomID), or at Options.FirstID, so that a
// client left over from before a wipe does not hold an id the new store
// hands to someone else. From a random start at least 2^30 ids are handed
// out before the counter passes maxID (about 20 years at 100 a minute);
// then it restarts at a new start, skipping ids still in use. A store
// that has its counters keeps them.
const (
	maxID       = math.MaxInt32
	minRandomID = 1 << 20
	maxRandomID = 1 << 30
)

// idStart is where a counter (re)starts: the first id handed out.
func (c *config) idStart() uint64 {
	if c.FirstID != 0 {
		return c.FirstID
	}
	return minRandomID + rand.Uint64N(maxRandomID-minRandomID)
}

// seedCounters starts the id counters of a fresh store.
func (c *config) seedCounters(ctr *counters) {
	ctr.NextSub = c.idStart() - 1
	ctr.NextView = c.idStart() - 1
}

// nextID advances *last and returns the new id: the next one not in use,
// wrapping past maxID to a new start. It terminates because a start
// leaves at least 2^30 candidates and fewer ids are ever in use.
func (c *config) nextID(last *uint64, inUse func(uint64) bool) uint64 {
	id := *last + 1
	for {
		if id > maxID {
			id = c.idStart()
		}
		if !inUse(id) {
			*last = id
			return id
		}
		id++
	}
}
