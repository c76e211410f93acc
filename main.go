// Command rendezvous is the Rendezvous Messenger desktop application: an
// instant messenger that speaks RVP, the Exchange 2000 Instant Messaging
// protocol. Everything happens in package app; this file only hands it the
// command line and returns its exit status.
package main

import (
	"os"

	"rendezvous/app"
)

func main() {
	os.Exit(app.Main(os.Args[1:]))
}
