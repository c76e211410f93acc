//go:build smoke

// Command smoke opens the Connection Configuration dialog in a real Fyne
// window (argument "dialog") or a window with an Options button, for the
// real-driver keyboard check in smoke.sh (Xvfb + xdotool). Built only with
// -tags smoke; it prints each save and the resulting status line.
package main

import (
	"context"
	"fmt"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"rendezvous/settings"
	"rendezvous/ui/options"
)

type fake struct{}

func (fake) LoadConnection(ctx context.Context) (options.ConnectionState, error) {
	return options.ConnectionState{SetByPolicy: true, Connection: options.Connection{Mode: settings.ModeDefault, PeriodMinutes: 10}}, nil
}

func (fake) SaveConnection(ctx context.Context, c options.Connection, _ options.ConnectionState) error {
	fmt.Printf("SAVED mode=%d period=%d ports=%s\n", c.Mode, c.PeriodMinutes, c.Ports)
	return nil
}

func main() {
	a := app.NewWithID("example.rendezvous.smoke")
	w := a.NewWindow("smoke")
	status := options.NewConnectionStatus(options.Connection{Mode: settings.ModeDefault})
	inUse := options.Connection{Mode: settings.ModeDefault}
	status.SetInUse(&inUse)
	l := options.NewLauncher(a, func() options.Deps {
		return options.Deps{SignInName: "kari@x.example", Connection: fake{}, OnConnectionSaved: func(c options.Connection) {
			status.SetNext(c)
			fmt.Println("STATUS", status.Text())
		}}
	}, nil)
	w.SetContent(container.NewVBox(widget.NewButton("Options", func() { l.ShowOptions(w) }), status))
	w.Resize(fyne.NewSize(300, 200))
	if len(os.Args) > 1 {
		st, _ := fake{}.LoadConnection(context.Background())
		w.Show()
		d := options.NewConnectionDialog(w, st, fake{}, func(c options.Connection) {
			status.SetNext(c)
			fmt.Println("STATUS", status.Text())
		})
		w.Resize(fyne.NewSize(640, 560))
		d.Show()
		a.Run()
		return
	}
	w.ShowAndRun()
}
