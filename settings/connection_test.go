package settings

import (
	"testing"
	"time"
)

func fixedPortsPolicy(mod time.Time) Policy {
	return Policy{Path: "/etc/xdg/rendezvous/policy.json", ModTime: mod,
		Mode: ModeFixedPorts, HasMode: true, PeriodMinutes: 5, HasPeriod: true, Ports: Ports{6000, 6010}, HasPorts: true}
}

func userPolling(confirmed time.Time) Connection {
	return Connection{Mode: ModePolling, PeriodMinutes: 12, ConfirmedAt: confirmed}
}

func TestResolveWhicheverWasWrittenLastWins(t *testing.T) {
	tests := []struct {
		name       string
		user       Connection
		pol        Policy
		want       EffectiveConnection
		fromPolicy bool
	}{
		{"no policy", userPolling(t0), Policy{},
			EffectiveConnection{Mode: ModePolling, PeriodMinutes: 12}, false},
		{"policy newer", userPolling(t0), fixedPortsPolicy(t0.Add(time.Second)),
			EffectiveConnection{Mode: ModeFixedPorts, PeriodMinutes: 5, Ports: Ports{6000, 6010}}, true},
		{"user OK later", userPolling(t0.Add(time.Hour)), fixedPortsPolicy(t0),
			EffectiveConnection{Mode: ModePolling, PeriodMinutes: 12}, false},
		{"same instant: user wins", userPolling(t0), fixedPortsPolicy(t0),
			EffectiveConnection{Mode: ModePolling, PeriodMinutes: 12}, false},
		{"never confirmed: policy wins", userPolling(time.Time{}), fixedPortsPolicy(t0),
			EffectiveConnection{Mode: ModeFixedPorts, PeriodMinutes: 5, Ports: Ports{6000, 6010}}, true},
		{"empty policy never wins", userPolling(t0), Policy{Path: "/p", ModTime: t0.Add(time.Hour)},
			EffectiveConnection{Mode: ModePolling, PeriodMinutes: 12}, false},
		{"partial policy overlays only its keys", userPolling(t0),
			Policy{Path: "/p", ModTime: t0.Add(time.Hour), PeriodMinutes: 3, HasPeriod: true},
			EffectiveConnection{Mode: ModePolling, PeriodMinutes: 3}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ResolveConnection(tt.user, tt.pol, nil)
			if got.FromPolicy != tt.fromPolicy {
				t.Errorf("FromPolicy = %v, want %v", got.FromPolicy, tt.fromPolicy)
			}
			if tt.fromPolicy && got.PolicyPath != tt.pol.Path {
				t.Errorf("PolicyPath = %q", got.PolicyPath)
			}
			got.FromPolicy, got.PolicyPath = false, ""
			if got != tt.want {
				t.Errorf("effective = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestResolvePortsBelow1025FallBackToDefault(t *testing.T) {
	pol := Policy{Path: "/p", ModTime: t0.Add(time.Hour), Mode: ModeFixedPorts, HasMode: true,
		Ports: Ports{80, 80}, HasPorts: true}
	log, sink := newTestLogger()
	got := ResolveConnection(userPolling(t0), pol, log)
	if got.Mode != ModeDefault || !got.FromPolicy {
		t.Fatalf("effective = %+v, want Default decided by policy", got)
	}
	if n := len(sink.warningsWithKey(t, KeyPorts)); n != 1 {
		t.Fatalf("%d warnings naming Ports; log:\n%s", n, sink.bytes())
	}
}

func TestResolveRepairsInvalidUserValues(t *testing.T) {
	tests := []struct {
		user Connection
		want EffectiveConnection
		key  string
	}{
		{Connection{Mode: 9, PeriodMinutes: 10}, EffectiveConnection{Mode: ModeDefault, PeriodMinutes: 10}, KeyPollingFlag},
		{Connection{Mode: ModePolling, PeriodMinutes: 0}, EffectiveConnection{Mode: ModePolling, PeriodMinutes: 10}, KeyPollingPeriod},
		{Connection{Mode: ModePolling, PeriodMinutes: 16}, EffectiveConnection{Mode: ModePolling, PeriodMinutes: 10}, KeyPollingPeriod},
		{Connection{Mode: ModeFixedPorts, PeriodMinutes: 10}, EffectiveConnection{Mode: ModeDefault, PeriodMinutes: 10}, KeyPorts},
		{Connection{Mode: ModeFixedPorts, PeriodMinutes: 10, Ports: Ports{1000, 2000}},
			EffectiveConnection{Mode: ModeDefault, PeriodMinutes: 10, Ports: Ports{1000, 2000}}, KeyPorts},
	}
	for _, tt := range tests {
		log, sink := newTestLogger()
		if got := ResolveConnection(tt.user, Policy{}, log); got != tt.want {
			t.Errorf("ResolveConnection(%+v) = %+v, want %+v", tt.user, got, tt.want)
		}
		if n := len(sink.warningsWithKey(t, tt.key)); n != 1 {
			t.Errorf("%+v: %d warnings naming %s; log:\n%s", tt.user, n, tt.key, sink.bytes())
		}
	}
}

func TestResolveValidFixedPortsUntouched(t *testing.T) {
	user := Connection{Mode: ModeFixedPorts, PeriodMinutes: 10, Ports: Ports{5000, 5010}, ConfirmedAt: t0}
	log, sink := newTestLogger()
	got := ResolveConnection(user, Policy{}, log)
	want := EffectiveConnection{Mode: ModeFixedPorts, PeriodMinutes: 10, Ports: Ports{5000, 5010}}
	if got != want || len(sink.records(t)) != 0 {
		t.Fatalf("effective = %+v, log:\n%s", got, sink.bytes())
	}
}

// TestPolicyPrecedenceThroughFiles runs the whole story on disk: the user
// saves, the administrator deploys a newer policy, the user presses OK
// again, the administrator rewrites the policy.
func TestPolicyPrecedenceThroughFiles(t *testing.T) {
	base, sysDir := t.TempDir(), t.TempDir()
	clock := newFakeClock(t0)
	open := func() *Profile {
		p, err := Open(base, "kari@humongous.example", &Options{Now: clock.Now})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := open()
	mustSetConnection(t, p, Connection{Mode: ModePolling, PeriodMinutes: 12}, Policy{})

	writePolicy(t, sysDir, `{"PollingFlag": 2, "Ports": "6000-6010"}`, t0.Add(time.Hour))
	pol := LoadPolicy([]string{sysDir}, nil)
	if eff := open().EffectiveConnection(pol); !eff.FromPolicy || eff.Mode != ModeFixedPorts || eff.PeriodMinutes != 12 {
		t.Fatalf("newer policy should decide: %+v", eff)
	}

	clock.Set(t0.Add(2 * time.Hour)) // the user presses OK in the dialog
	p = open()
	mustSetConnection(t, p, Connection{Mode: ModePolling, PeriodMinutes: 7}, pol)
	if eff := open().EffectiveConnection(pol); eff.FromPolicy || eff.Mode != ModePolling || eff.PeriodMinutes != 7 {
		t.Fatalf("later OK should win: %+v", eff)
	}

	writePolicy(t, sysDir, `{"PollingFlag": 0}`, t0.Add(3*time.Hour)) // administrator again
	pol = LoadPolicy([]string{sysDir}, nil)
	if eff := open().EffectiveConnection(pol); !eff.FromPolicy || eff.Mode != ModeDefault {
		t.Fatalf("rewritten policy should win: %+v", eff)
	}
}

// TestOKOverridesPolicyFromTheFuture covers a policy file whose modification
// time lies after the user's clock: the OK that overrode it must still win.
func TestOKOverridesPolicyFromTheFuture(t *testing.T) {
	base, sysDir := t.TempDir(), t.TempDir()
	clock := newFakeClock(t0)
	p, err := Open(base, "kari@humongous.example", &Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	future := t0.Add(365 * 24 * time.Hour)
	writePolicy(t, sysDir, `{"PollingFlag": 1}`, future)
	pol := LoadPolicy([]string{sysDir}, nil)
	if eff := p.EffectiveConnection(pol); !eff.FromPolicy {
		t.Fatalf("policy should decide before the OK: %+v", eff)
	}
	mustSetConnection(t, p, Connection{Mode: ModeDefault, PeriodMinutes: 10}, pol)
	if eff := p.EffectiveConnection(LoadPolicy([]string{sysDir}, nil)); eff.FromPolicy || eff.Mode != ModeDefault {
		t.Fatalf("OK should override the policy it was shown: %+v", eff)
	}
	writePolicy(t, sysDir, `{"PollingFlag": 1}`, future.Add(time.Second)) // rewritten
	if eff := p.EffectiveConnection(LoadPolicy([]string{sysDir}, nil)); !eff.FromPolicy {
		t.Fatalf("a rewritten policy should win again: %+v", eff)
	}
}

func mustSetConnection(t *testing.T, p *Profile, c Connection, shown Policy) {
	t.Helper()
	if err := p.SetConnection(c, shown); err != nil {
		t.Fatal(err)
	}
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
}

func TestPollingModeString(t *testing.T) {
	for m, want := range map[PollingMode]string{0: "Default", 1: "Polling", 2: "Fixed Port(s)", 5: "PollingFlag(5)"} {
		if got := m.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(m), got, want)
		}
	}
}
