package rvpserver

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
)

func storeContract(t *testing.T, st Store) {
	t.Helper()
	ctx := context.Background()
	if _, err := st.Get(ctx, BucketAccounts, "alice"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get missing: err = %v, want ErrNotFound", err)
	}
	ops := []Op{
		Put(BucketAccounts, "alice", []byte("A")),
		Put(BucketPollItems, "0000000000000002/0000000000000001", []byte("x")),
		Put(BucketPollItems, "0000000000000001/0000000000000002", []byte("b")),
		Put(BucketPollItems, "0000000000000001/0000000000000001", []byte("a")),
		Put(BucketAccounts, "bob", []byte("B")),
		Del(BucketAccounts, "bob"),
		Del(BucketAccounts, "nobody"),
	}
	if err := st.Apply(ctx, ops); err != nil {
		t.Fatalf("Apply: %v", err)
	}
	if v, err := st.Get(ctx, BucketAccounts, "alice"); err != nil || string(v) != "A" {
		t.Fatalf("Get alice = %q, %v", v, err)
	}
	if _, err := st.Get(ctx, BucketAccounts, "bob"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("bob deleted later in the same Apply, Get err = %v", err)
	}
	var got []string
	err := st.Scan(ctx, BucketPollItems, "0000000000000001/", func(k string, v []byte) error {
		got = append(got, k+"="+string(v))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"0000000000000001/0000000000000001=a", "0000000000000001/0000000000000002=b"}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("Scan = %v, want %v", got, want)
	}
	if err := st.Apply(ctx, []Op{Put("nope", "k", []byte("v"))}); !errors.Is(err, ErrUnknownBucket) {
		t.Fatalf("unknown bucket: err = %v", err)
	}
	stop := errors.New("stop")
	if err := st.Scan(ctx, BucketPollItems, "", func(string, []byte) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("Scan error not propagated: %v", err)
	}
}

func TestMemoryStoreContract(t *testing.T) {
	st := NewMemoryStore()
	storeContract(t, st)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := st.Get(context.Background(), BucketAccounts, "alice"); !errors.Is(err, ErrStoreClosed) {
		t.Fatalf("Get after Close: %v", err)
	}
}

func TestBoltStoreContractAndReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rvpd.db")
	st, err := OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	storeContract(t, st)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	st, err = OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if v, err := st.Get(context.Background(), BucketAccounts, "alice"); err != nil || string(v) != "A" {
		t.Fatalf("after reopen Get alice = %q, %v", v, err)
	}
	n := 0
	_ = st.Scan(context.Background(), BucketPollItems, "", func(string, []byte) error { n++; return nil })
	if n != 3 {
		t.Fatalf("after reopen %d poll items, want 3", n)
	}
}

func TestBoltStoreLocked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rvpd.db")
	st, err := OpenBolt(path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// bbolt's flock is per open file description, so a second open in the
	// same process contends like another rvpd would.
	if _, err := OpenBolt(path); !errors.Is(err, ErrStoreLocked) {
		t.Fatalf("second open: err = %v, want ErrStoreLocked", err)
	}
}
