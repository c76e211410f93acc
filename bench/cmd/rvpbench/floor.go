package main

import (
	"context"
	"fmt"
	"time"

	"rendezvous/bench/internal/floor"
	"rendezvous/bench/internal/proc"
	"rendezvous/bench/internal/report"
	"rendezvous/bench/internal/rvpd"
	"rendezvous/bench/internal/stats"
)

// floors is the measured loopback floor, kept for the push ratios.
type floors struct{ tcp, http stats.Summary }

func measureFloor(ctx context.Context, e *env) (floors, error) {
	if e.floor != nil {
		return *e.floor, nil
	}
	p, f, err := proc.Start(ctx, 30*time.Second, e.logs, nil, e.self, "serve-floor")
	if err != nil {
		return floors{}, err
	}
	defer p.Stop(5 * time.Second)
	if len(f) != 2 {
		return floors{}, fmt.Errorf("serve-floor: bad readiness line %q", f)
	}
	warm, n := 2000, 20000
	if e.quick {
		warm, n = 200, 2000
	}
	var fl floors
	if fl.tcp, err = floor.TCP(ctx, f[0], warm, n); err != nil {
		return floors{}, err
	}
	if fl.http, err = floor.HTTP(ctx, f[1], warm, n); err != nil {
		return floors{}, err
	}
	e.floor = &fl
	return fl, nil
}

func runFloor(ctx context.Context, e *env) (report.Section, error) {
	fl, err := measureFloor(ctx, e)
	if err != nil {
		return report.Section{}, err
	}
	row := func(name string, s stats.Summary) []string {
		return []string{name, fmt.Sprint(s.N), stats.Ms(s.P50), stats.Ms(s.P99), stats.Ms(s.P999), stats.Ms(s.Max)}
	}
	return report.Section{
		Heading: "1. Floor: loopback round trips",
		Text: []string{
			"Two processes on loopback: the harness (client) and a child process (server). " +
				"TCP: one connection, a 64-byte ping echoed back. HTTP: one keep-alive connection, " +
				"`GET /ping` answered `200` with a 3-byte body by Go's net/http server. " +
				fmt.Sprintf("%d warm-up round trips are not counted.", map[bool]int{false: 2000, true: 200}[e.quick]),
		},
		Tables: []report.Table{{
			Cols: []string{"round trip", "samples", "p50", "p99", "p99.9", "max"},
			Rows: [][]string{row("TCP 64-byte ping-pong", fl.tcp), row("HTTP/1.1 keep-alive request", fl.http)},
		}},
	}, nil
}

func buildRvpd(ctx context.Context, root, dir string) (string, error) {
	return rvpd.Build(ctx, root, dir)
}
