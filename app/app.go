// Package app wires the desktop application together: settings -> secrets
// -> rvpclient -> ui. It owns the lifetimes of everything it creates and
// holds no protocol or widget logic of its own.
package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"rendezvous/assets"
)

// ID is the application ID (also in FyneApp.toml).
const ID = "net.rendezvous.messenger"

// Main runs the application with the command-line arguments (without the
// program name) and returns the process exit status.
func Main(args []string) int {
	fs := flag.NewFlagSet("rendezvous", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	profile := fs.String("profile", "", "use the settings profile `NAME` (run several instances side by side)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(os.Stdout)
			fmt.Fprintln(os.Stdout, "Usage: rendezvous [--profile NAME]")
			fs.PrintDefaults()
			return 0
		}
		fmt.Fprintln(os.Stderr, "rendezvous:", err)
		return 2
	}
	a := fyneapp.NewWithID(ID)
	a.SetIcon(assets.AppIcon)
	w := a.NewWindow("Rendezvous Messenger")
	title := "Rendezvous Messenger"
	if *profile != "" {
		title += " (" + *profile + ")"
	}
	w.SetContent(container.NewCenter(widget.NewLabel(title)))
	w.Resize(fyne.NewSize(360, 560))
	w.ShowAndRun()
	return 0
}
