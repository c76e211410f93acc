package rvpserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Why bbolt is rvpd's default store: it is pure Go (no cgo, so rvpd stays a
// static binary), keeps everything in one file that an administrator can
// copy, gives ACID transactions with an fsync on every commit (what rvpd
// acknowledges survives kill -9 and power loss), and is small. Its single
// writer is no bottleneck: the server groups concurrent writes into one
// transaction itself (commit.go), so many enqueues share one fsync.

// lockTimeout bounds how long OpenBolt waits for the file lock.
const lockTimeout = time.Second

type boltStore struct {
	db   *bolt.DB
	once sync.Once
	err  error
}

// OpenBolt opens (creating if needed) the bbolt database at path. When
// another process (another rvpd) holds the file it fails after about one
// second with an error wrapping ErrStoreLocked.
func OpenBolt(path string) (Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: lockTimeout})
	if errors.Is(err, berrors.ErrTimeout) {
		return nil, fmt.Errorf("rvpserver: open store %s: %w", path, ErrStoreLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("rvpserver: open store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range AllBuckets {
			if _, err := tx.CreateBucketIfNotExists([]byte(b)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("rvpserver: open store %s: create buckets: %w", path, err)
	}
	return &boltStore{db: db}, nil
}

func mapBoltErr(err error) error {
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return ErrStoreClosed
	}
	return err
}

func (s *boltStore) Apply(ctx context.Context, ops []Op) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		for _, op := range ops {
			bk := tx.Bucket([]byte(op.Bucket))
			if bk == nil {
				return fmt.Errorf("%w %q", ErrUnknownBucket, op.Bucket)
			}
			var err error
			if op.Value == nil {
				err = bk.Delete([]byte(op.Key))
			} else {
				err = bk.Put([]byte(op.Key), op.Value)
			}
			if err != nil {
				return fmt.Errorf("rvpserver: store %s/%s: %w", op.Bucket, op.Key, err)
			}
		}
		return nil
	})
	return mapBoltErr(err)
}

func (s *boltStore) Get(ctx context.Context, b Bucket, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(b))
		if bk == nil {
			return fmt.Errorf("%w %q", ErrUnknownBucket, b)
		}
		v := bk.Get([]byte(key))
		if v == nil {
			return fmt.Errorf("%w: %s/%s", ErrNotFound, b, key)
		}
		out = append([]byte(nil), v...)
		return nil
	})
	return out, mapBoltErr(err)
}

func (s *boltStore) Scan(ctx context.Context, b Bucket, prefix string, fn func(string, []byte) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		bk := tx.Bucket([]byte(b))
		if bk == nil {
			return fmt.Errorf("%w %q", ErrUnknownBucket, b)
		}
		c := bk.Cursor()
		p := []byte(prefix)
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			if err := fn(string(k), v); err != nil {
				return err
			}
		}
		return nil
	})
	return mapBoltErr(err)
}

func (s *boltStore) Close() error {
	s.once.Do(func() { s.err = s.db.Close() })
	return s.err
}
