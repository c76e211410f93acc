package rvpserver

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// memStore is the in-memory Store: for tests and the desktop app's
// throwaway server. Nothing survives the process.
type memStore struct {
	mu     sync.RWMutex
	data   map[Bucket]map[string][]byte // guarded by mu; nil after Close
	closed bool
}

// NewMemoryStore returns an empty in-memory Store. It is safe for concurrent
// use.
func NewMemoryStore() Store {
	m := &memStore{data: map[Bucket]map[string][]byte{}}
	for _, b := range AllBuckets {
		m.data[b] = map[string][]byte{}
	}
	return m
}

func (m *memStore) Apply(ctx context.Context, ops []Op) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed {
		return ErrStoreClosed
	}
	for _, op := range ops {
		if !knownBucket(op.Bucket) {
			return fmt.Errorf("%w %q", ErrUnknownBucket, op.Bucket)
		}
	}
	for _, op := range ops {
		if op.Value == nil {
			delete(m.data[op.Bucket], op.Key)
			continue
		}
		m.data[op.Bucket][op.Key] = append([]byte(nil), op.Value...)
	}
	return nil
}

func (m *memStore) Get(ctx context.Context, b Bucket, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, ErrStoreClosed
	}
	bk, ok := m.data[b]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownBucket, b)
	}
	v, ok := bk[key]
	if !ok {
		return nil, fmt.Errorf("%w: %s/%s", ErrNotFound, b, key)
	}
	return append([]byte(nil), v...), nil
}

func (m *memStore) Scan(ctx context.Context, b Bucket, prefix string, fn func(string, []byte) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	m.mu.RLock()
	if m.closed {
		m.mu.RUnlock()
		return ErrStoreClosed
	}
	bk, ok := m.data[b]
	if !ok {
		m.mu.RUnlock()
		return fmt.Errorf("%w %q", ErrUnknownBucket, b)
	}
	type kv struct {
		k string
		v []byte
	}
	var rows []kv
	for k, v := range bk {
		if strings.HasPrefix(k, prefix) {
			rows = append(rows, kv{k, append([]byte(nil), v...)})
		}
	}
	m.mu.RUnlock()
	sort.Slice(rows, func(i, j int) bool { return rows[i].k < rows[j].k })
	for _, r := range rows {
		if err := fn(r.k, r.v); err != nil {
			return err
		}
	}
	return nil
}

func (m *memStore) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	m.data = nil
	return nil
}
