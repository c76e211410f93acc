package main

import (
	"context"
	"fmt"
)

// Placeholders until rvpserver provides New/Start/Shutdown and the user
// functions; they fail loudly instead of pretending to work.

func serve(ctx context.Context, e *env) int {
	fmt.Fprintln(e.stderr, "rvpd: serve: not available in this build yet (waiting for rvpserver)")
	return exitFailure
}

func userCommand(args []string) (command, error) {
	return nil, usagef("user: not available in this build yet (waiting for rvpserver)")
}
