// Package natsbench is the comparison ceiling for push latency: the same
// publish/subscribe shape as the RVP push figure (N subscribers, one
// publisher sending to random recipients) over an embedded NATS core server,
// where every client keeps one full-duplex connection open.
//
// Serve runs in its own child process, so that the server and the clients
// do not share a file-descriptor limit and the shape matches rvpd (server
// and clients in different processes).
package natsbench

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"rendezvous/bench/internal/pace"
	"rendezvous/bench/internal/stats"
)

// ErrNotReady means the embedded server did not start in time.
var ErrNotReady = errors.New("natsbench: server not ready")

// Serve runs an embedded NATS core server on a random loopback port, prints
// "READY <host:port>" to out and serves until ctx ends.
func Serve(ctx context.Context, out io.Writer) error {
	ns, err := server.NewServer(&server.Options{
		Host:            "127.0.0.1",
		Port:            server.RANDOM_PORT,
		NoLog:           true,
		NoSigs:          true,
		MaxConn:         65536,
		MaxPayload:      1 << 20,
		MaxPending:      64 << 20,
		NoSystemAccount: true,
	})
	if err != nil {
		return fmt.Errorf("natsbench: server: %w", err)
	}
	go ns.Start()
	if !ns.ReadyForConnections(10 * time.Second) {
		ns.Shutdown()
		return ErrNotReady
	}
	fmt.Fprintf(out, "READY %s\n", ns.Addr())
	<-ctx.Done()
	ns.Shutdown()
	ns.WaitForShutdown()
	return nil
}

// Config is one push run.
type Config struct {
	Addr     string        // server host:port
	N        int           // subscribers, one connection each
	Rate     int           // messages per second from the publisher
	Duration time.Duration // how long the publisher sends
	Payload  int           // bytes per message (at least 8)
}

// Run connects N subscribers, each to its own subject, then publishes to
// random subscribers at Rate for Duration and returns the send-to-receive
// latencies. It closes every connection before it returns.
func Run(ctx context.Context, cfg Config) (stats.Summary, error) {
	base := time.Now()
	lat := stats.New(cfg.Rate*int(cfg.Duration/time.Second+1) + 1000)
	var wg sync.WaitGroup
	conns := make([]*nats.Conn, 0, cfg.N)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
		wg.Wait()
	}()
	for i := range cfg.N {
		c, err := nats.Connect("nats://"+cfg.Addr, nats.NoReconnect(), nats.Timeout(10*time.Second))
		if err != nil {
			return stats.Summary{}, fmt.Errorf("natsbench: subscriber %d: %w", i, err)
		}
		conns = append(conns, c)
		_, err = c.Subscribe("im."+strconv.Itoa(i), func(m *nats.Msg) {
			sent := time.Duration(binary.BigEndian.Uint64(m.Data))
			lat.Add(time.Since(base) - sent)
		})
		if err != nil {
			return stats.Summary{}, fmt.Errorf("natsbench: subscribe %d: %w", i, err)
		}
	}
	for _, c := range conns {
		if err := c.Flush(); err != nil {
			return stats.Summary{}, fmt.Errorf("natsbench: flush: %w", err)
		}
	}
	pub, err := nats.Connect("nats://"+cfg.Addr, nats.NoReconnect())
	if err != nil {
		return stats.Summary{}, fmt.Errorf("natsbench: publisher: %w", err)
	}
	defer pub.Close()
	if err := publish(ctx, pub, cfg, base); err != nil {
		return stats.Summary{}, err
	}
	// Give the last messages time to arrive (they take well under a second).
	time.Sleep(time.Second)
	return lat.Summary(), nil
}

// publish sends at a fixed rate; each message carries its send time.
func publish(ctx context.Context, pub *nats.Conn, cfg Config, base time.Time) error {
	payload := make([]byte, max(cfg.Payload, 8))
	var err error
	pace.Run(ctx, cfg.Rate, cfg.Duration, func(int) {
		if err != nil {
			return
		}
		to := rand.IntN(cfg.N)
		binary.BigEndian.PutUint64(payload, uint64(time.Since(base)))
		// The client's flusher goroutine writes the buffer at once.
		if perr := pub.Publish("im."+strconv.Itoa(to), payload); perr != nil {
			err = fmt.Errorf("natsbench: publish: %w", perr)
		}
	})
	if err != nil {
		return err
	}
	return pub.Flush()
}
