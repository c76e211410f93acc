package digest

import (
	"container/heap"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"
)

// A nonce is base64url(issued[8] | random[8] | HMAC-SHA256(key, issued|random)[:16]),
// with issued in Unix nanoseconds of the verifier's clock.
const (
	nonceRaw = 8 + 8 + 16
	nonceLen = (nonceRaw*8 + 5) / 6 // unpadded base64
)

func mintNonce(key []byte, now time.Time) string {
	var raw [nonceRaw]byte
	binary.BigEndian.PutUint64(raw[:8], uint64(now.UnixNano()))
	rand.Read(raw[8:16]) // never fails (crypto/rand, Go 1.24+)
	copy(raw[16:], nonceMAC(key, raw[:16]))
	return base64.RawURLEncoding.EncodeToString(raw[:])
}

func nonceMAC(key, msg []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(msg)
	return m.Sum(nil)[:16]
}

// openNonce authenticates a nonce and returns its issue time in Unix nanoseconds.
func openNonce(key []byte, nonce string) (int64, bool) {
	if len(nonce) != nonceLen {
		return 0, false
	}
	raw, err := base64.RawURLEncoding.DecodeString(nonce)
	if err != nil || len(raw) != nonceRaw || !hmac.Equal(raw[16:], nonceMAC(key, raw[:16])) {
		return 0, false
	}
	return int64(binary.BigEndian.Uint64(raw[:8])), true
}

// ncWindow is the number of nonce counts below the highest one that are remembered.
const ncWindow = 64

// nonceState is the replay state of one nonce: the highest count seen and a bitmap of
// the counts max, max-1, ... max-63 (bit i set: max-i was used).
type nonceState struct {
	nonce  string
	issued int64
	max    uint64
	seen   uint64
}

// use records nc and reports whether it was fresh.
func (s *nonceState) use(nc uint64) bool {
	if nc > s.max {
		if shift := nc - s.max; shift >= ncWindow {
			s.seen = 0
		} else {
			s.seen <<= shift
		}
		s.seen |= 1
		s.max = nc
		return true
	}
	d := s.max - nc
	if d >= ncWindow || s.seen&(1<<d) != 0 {
		return false
	}
	s.seen |= 1 << d
	return true
}

// tracker holds replay state for at most max live nonces, dropping the oldest issued
// first, when they expire or to make room. A full tracker refuses, as stale, an
// untracked nonce issued no later than its oldest entry. That covers every nonce evicted
// to make room: all entries were issued after it, so none of them expires before it
// does, and the tracker stays full for its remaining life. Not safe for concurrent use;
// the Verifier locks it.
type tracker struct {
	max     int
	byNonce map[string]*nonceState
	byIssue issueHeap
}

func newTracker(max int) *tracker {
	return &tracker{max: max, byNonce: make(map[string]*nonceState)}
}

// use records count nc for an authenticated nonce issued at issued. It drops nonces
// issued before expiredBefore and returns ErrStale or ErrReplay (bare kinds) or nil.
func (t *tracker) use(nonce string, issued, expiredBefore int64, nc uint64) error {
	for len(t.byIssue) > 0 && t.byIssue[0].issued < expiredBefore {
		delete(t.byNonce, heap.Pop(&t.byIssue).(*nonceState).nonce)
	}
	s, ok := t.byNonce[nonce]
	if !ok {
		if len(t.byIssue) >= t.max {
			if issued <= t.byIssue[0].issued {
				return ErrStale // evicted before, or it would be the next to go
			}
			delete(t.byNonce, heap.Pop(&t.byIssue).(*nonceState).nonce)
		}
		s = &nonceState{nonce: nonce, issued: issued}
		heap.Push(&t.byIssue, s)
		t.byNonce[nonce] = s
	}
	if !s.use(nc) {
		return ErrReplay
	}
	return nil
}

func (t *tracker) len() int { return len(t.byNonce) }

// issueHeap is a min-heap of nonce states by issue time.
type issueHeap []*nonceState

func (h issueHeap) Len() int           { return len(h) }
func (h issueHeap) Less(i, j int) bool { return h[i].issued < h[j].issued }
func (h issueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *issueHeap) Push(x any)        { *h = append(*h, x.(*nonceState)) }
func (h *issueHeap) Pop() any {
	old := *h
	s := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return s
}
