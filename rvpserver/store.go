package rvpserver

import (
	"context"
	"errors"
)

// Bucket names a keyspace of a Store.
type Bucket string

// The buckets rvpd uses. Values are JSON records (records.go).
const (
	BucketAccounts      Bucket = "accounts"      // alias -> accountRecord
	BucketSubscriptions Bucket = "subscriptions" // id (16 hex digits) -> subRecord
	BucketViews         Bucket = "views"         // view-id (16 hex digits) -> viewRecord
	BucketPollState     Bucket = "pollstate"     // subscription id -> pollStateRecord
	BucketPollItems     Bucket = "pollitems"     // subscription id "/" seq -> pollItemRecord
	BucketMeta          Bucket = "meta"          // counters and other singletons
)

// AllBuckets lists every bucket a Store must provide.
var AllBuckets = []Bucket{BucketAccounts, BucketSubscriptions, BucketViews, BucketPollState, BucketPollItems, BucketMeta}

// Op is one write of an atomic Store.Apply: a put when Value is non-nil, a
// delete of Key when Value is nil.
type Op struct {
	Bucket Bucket
	Key    string
	Value  []byte
}

// Put builds a put operation.
func Put(b Bucket, key string, value []byte) Op { return Op{Bucket: b, Key: key, Value: value} }

// Del builds a delete operation.
func Del(b Bucket, key string) Op { return Op{Bucket: b, Key: key} }

// Store keeps rvpd's durable state as ordered key/value buckets. It is small
// on purpose so that a shared database can later back several rvpd nodes.
//
// Apply writes all ops atomically and returns only once they are durable
// (the server answers a client only after that). Ops are applied in order;
// deleting a missing key is not an error. Get returns ErrNotFound for a
// missing key. Scan visits the keys with the given prefix in ascending
// byte order; fn must not retain its arguments and must not call the Store.
//
// Implementations are safe for concurrent use. Close is idempotent; other
// methods fail with ErrStoreClosed afterwards.
type Store interface {
	Apply(ctx context.Context, ops []Op) error
	Get(ctx context.Context, b Bucket, key string) ([]byte, error)
	Scan(ctx context.Context, b Bucket, prefix string, fn func(key string, value []byte) error) error
	Close() error
}

// Store errors; test them with errors.Is.
var (
	ErrNotFound      = errors.New("rvpserver: not found")
	ErrStoreClosed   = errors.New("rvpserver: store closed")
	ErrStoreLocked   = errors.New("rvpserver: store file is locked by another process (is another rvpd running?)")
	ErrUnknownBucket = errors.New("rvpserver: unknown bucket")
)

func knownBucket(b Bucket) bool {
	for _, k := range AllBuckets {
		if k == b {
			return true
		}
	}
	return false
}
