package options

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"rendezvous/settings"
)

func TestStatusText(t *testing.T) {
	polling10 := Connection{Mode: settings.ModePolling, PeriodMinutes: 10, Ports: settings.Ports{From: 6000, To: 6000}}
	fixed := Connection{Mode: settings.ModeFixedPorts, PeriodMinutes: 10, Ports: settings.Ports{From: 5000, To: 5010}}
	def := Connection{Mode: settings.ModeDefault, PeriodMinutes: 3}
	tests := []struct {
		name  string
		inUse *Connection
		next  Connection
		want  string
	}{
		{"different", &polling10, fixed, "Connected using Polling (every 10 minutes). Next sign-in: Fixed Port(s) 5000-5010"},
		{"same", &polling10, polling10, "Connected using Polling (every 10 minutes)"},
		{"same mode, other period", &polling10, Connection{Mode: settings.ModePolling, PeriodMinutes: 1},
			"Connected using Polling (every 10 minutes). Next sign-in: Polling (every minute)"},
		{"default ignores unused values", &def, Connection{Mode: settings.ModeDefault, PeriodMinutes: 9}, "Connected using Default"},
		{"single fixed port", &def, Connection{Mode: settings.ModeFixedPorts, Ports: settings.Ports{From: 5000, To: 5000}},
			"Connected using Default. Next sign-in: Fixed Port(s) 5000"},
		{"signed out", nil, fixed, "Not signed in. Next sign-in: Fixed Port(s) 5000-5010"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StatusText(tt.inUse, tt.next); got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestConnectionStatusWidget(t *testing.T) {
	test.NewTempApp(t)
	polling := Connection{Mode: settings.ModePolling, PeriodMinutes: 10}
	s := NewConnectionStatus(polling)
	test.NewTempWindow(t, s)
	if got := s.Text(); got != "Not signed in. Next sign-in: Polling (every 10 minutes)" {
		t.Errorf("signed out: %q", got)
	}
	inUse := polling
	s.SetInUse(&inUse)
	inUse.PeriodMinutes = 2 // the widget keeps its own copy
	if got := s.Text(); got != "Connected using Polling (every 10 minutes)" {
		t.Errorf("signed in: %q", got)
	}
	s.SetNext(Connection{Mode: settings.ModeFixedPorts, Ports: settings.Ports{From: 5000, To: 5010}})
	if got := s.Text(); got != "Connected using Polling (every 10 minutes). Next sign-in: Fixed Port(s) 5000-5010" {
		t.Errorf("after a save: %q", got)
	}
}
