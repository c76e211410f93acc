package rvpserver

import (
	"context"
	"path/filepath"
	"testing"
)

// BenchmarkNotifyToPollQueueBolt: concurrent NOTIFYs queued durably for a
// polling login on a bbolt store (every 200 waits for its fsync; the
// committer groups them).
func BenchmarkNotifyToPollQueueBolt(b *testing.B) {
	st, err := OpenBolt(filepath.Join(b.TempDir(), "rvpd.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	p := DefaultPollOptions()
	p.MsgLimit, p.MsgKByteLimit = Unlimited, Unlimited
	s, err := New(&Options{Domains: []string{testDomain}, DisableAuth: true, Store: st, Poll: &p})
	if err != nil {
		b.Fatal(err)
	}
	if err := s.Start(context.Background()); err != nil {
		b.Fatal(err)
	}
	defer s.Shutdown(context.Background())
	for _, u := range []string{"alice", "bob"} {
		_ = s.AddUser(context.Background(), u, "pw", "")
	}
	w := call(s, "SUBSCRIBE", "bob", "bob", map[string]string{"Notification-Type": "pragma/notify", "Call-Back": "poll"}, "")
	if w.Code != 200 {
		b.Fatal(w.Code)
	}
	body := imBody("alice", "bob", "benchmark")
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if w := call(s, "NOTIFY", "alice", "bob", imHeaders(), body); w.Code != 200 {
				b.Errorf("NOTIFY: %d", w.Code)
			}
		}
	})
}
