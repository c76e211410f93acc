// Command rvpd is the Rendezvous RVP server daemon: it serves the RVP
// protocol (Exchange 2000 Instant Messaging) with polling support for the IM
// domains it is configured for, and administers its user accounts. Run
// "rvpd --help" for the command line, the configuration keys and the
// signals it handles.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
