package main

import (
	"context"
	"errors"

	"rendezvous/bench/internal/report"
)

func runDesktop(ctx context.Context, e *env) (report.Section, error) {
	return report.Section{}, errors.New("todo")
}
