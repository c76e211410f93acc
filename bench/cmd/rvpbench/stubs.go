package main

import (
	"context"

	"rendezvous/bench/internal/report"
)

func runDesktop(ctx context.Context, e *env) (report.Section, error) {
	return report.Section{Heading: "6. Desktop client", Text: []string{"Not measured yet."}}, nil
}
