package settings

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLoadPolicyMissing(t *testing.T) {
	pol := LoadPolicy([]string{t.TempDir(), t.TempDir()}, nil)
	if !pol.Empty() || pol.Path != "" || !pol.ModTime.IsZero() {
		t.Fatalf("policy = %+v, want zero", pol)
	}
	if pol := LoadPolicy(nil, nil); pol != (Policy{}) {
		t.Fatalf("no dirs: %+v", pol)
	}
}

func TestLoadPolicyValues(t *testing.T) {
	dir := t.TempDir()
	path := writePolicy(t, dir, `{"PollingFlag": 2, "PollingPeriod": 5, "Ports": "5000-5010"}`, t0)
	want := Policy{Path: path, Mode: ModeFixedPorts, HasMode: true, PeriodMinutes: 5, HasPeriod: true,
		Ports: Ports{5000, 5010}, HasPorts: true}
	got := LoadPolicy([]string{dir}, nil)
	if !got.ModTime.Equal(t0) {
		t.Errorf("ModTime = %v, want %v", got.ModTime, t0)
	}
	got.ModTime = time.Time{}
	if got != want {
		t.Fatalf("policy = %+v\nwant %+v", got, want)
	}
}

func TestLoadPolicyLenientTypesAndKeyCase(t *testing.T) {
	dir := t.TempDir()
	writePolicy(t, dir, `{"pollingflag": "1", "POLLINGPERIOD": "15", "ports": 6000}`, t0)
	got := LoadPolicy([]string{dir}, nil)
	if !got.HasMode || got.Mode != ModePolling || !got.HasPeriod || got.PeriodMinutes != 15 ||
		!got.HasPorts || got.Ports != (Ports{6000, 6000}) {
		t.Fatalf("policy = %+v", got)
	}
}

func TestLoadPolicyFirstDirWins(t *testing.T) {
	first, second := t.TempDir(), t.TempDir()
	writePolicy(t, second, `{"PollingFlag": 2}`, t0)
	got := LoadPolicy([]string{first, second}, nil)
	if got.Mode != ModeFixedPorts || !strings.HasPrefix(got.Path, second) {
		t.Fatalf("only the second has a file: %+v", got)
	}
	writePolicy(t, first, `{"PollingFlag": 1}`, t0)
	got = LoadPolicy([]string{first, second}, nil)
	if got.Mode != ModePolling || !strings.HasPrefix(got.Path, first) {
		t.Fatalf("first should win: %+v", got)
	}
}

func TestLoadPolicySkipsRelativeDirs(t *testing.T) {
	base := t.TempDir()
	writePolicy(t, filepath.Join(base, "rel"), `{"PollingFlag": 1}`, t0)
	t.Chdir(base)
	if got := LoadPolicy([]string{"rel", ""}, nil); !got.Empty() {
		t.Fatalf("relative dir was read: %+v", got)
	}
}

func TestLoadPolicyInvalidValuesWarnByKey(t *testing.T) {
	dir := t.TempDir()
	writePolicy(t, dir, `{"PollingFlag": 7, "PollingPeriod": 30, "Ports": "abc", "Colour": "red"}`, t0)
	log, sink := newTestLogger()
	got := LoadPolicy([]string{dir}, log)
	if !got.Empty() {
		t.Fatalf("invalid values were taken: %+v", got)
	}
	for _, key := range []string{"PollingFlag", "PollingPeriod", "Ports", "Colour"} {
		if n := len(sink.warningsWithKey(t, key)); n != 1 {
			t.Errorf("%d warnings naming %s, want 1; log:\n%s", n, key, sink.bytes())
		}
	}
}

func TestLoadPolicyKeepsValidKeysBesideInvalidOnes(t *testing.T) {
	dir := t.TempDir()
	writePolicy(t, dir, `{"PollingFlag": 1, "PollingPeriod": "0", "Ports": "6000-5000"}`, t0)
	log, sink := newTestLogger()
	got := LoadPolicy([]string{dir}, log)
	if !got.HasMode || got.Mode != ModePolling || got.HasPeriod || got.HasPorts {
		t.Fatalf("policy = %+v", got)
	}
	if len(sink.warningsWithKey(t, KeyPollingPeriod)) != 1 || len(sink.warningsWithKey(t, KeyPorts)) != 1 {
		t.Fatalf("missing warnings; log:\n%s", sink.bytes())
	}
}

func TestLoadPolicyBadFiles(t *testing.T) {
	for name, body := range map[string]string{
		"syntax": `{"PollingFlag": `, "array": `[1,2]`, "null": `null`, "string": `"x"`,
		"too large": `{"PollingFlag": 1, "pad": "` + strings.Repeat("x", maxPolicyBytes) + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			writePolicy(t, dir, body, t0)
			log, sink := newTestLogger()
			if got := LoadPolicy([]string{dir}, log); !got.Empty() {
				t.Fatalf("policy = %+v", got)
			}
			if len(sink.records(t)) == 0 {
				t.Fatal("no warning logged")
			}
		})
	}
}

func TestLoadPolicyDirectoryInsteadOfFile(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, filepath.FromSlash(PolicyFile)), 0o755); err != nil {
		t.Fatal(err)
	}
	log, sink := newTestLogger()
	if got := LoadPolicy([]string{dir}, log); !got.Empty() {
		t.Fatalf("policy = %+v", got)
	}
	if len(sink.records(t)) != 1 {
		t.Fatalf("log:\n%s", sink.bytes())
	}
}

func FuzzDecodePolicy(f *testing.F) {
	for _, s := range []string{`{"PollingFlag": 2, "PollingPeriod": 5, "Ports": "5000-5010"}`,
		`{"PollingFlag": "1"}`, `{"Ports": 80}`, `[]`, `{`, `{"PollingPeriod": 1e3}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pol := decodePolicy(data, "fuzz", orDiscard(nil))
		if pol.HasMode && !pol.Mode.Valid() {
			t.Fatalf("invalid mode %v", pol.Mode)
		}
		if pol.HasPeriod && (pol.PeriodMinutes < 1 || pol.PeriodMinutes > 15) {
			t.Fatalf("invalid period %d", pol.PeriodMinutes)
		}
		if pol.HasPorts && (pol.Ports.From < 1 || pol.Ports.From > pol.Ports.To || pol.Ports.To > MaxPort) {
			t.Fatalf("invalid ports %v", pol.Ports)
		}
		eff := ResolveConnection(DefaultConnection(), Policy{ModTime: t0, Mode: pol.Mode, HasMode: pol.HasMode,
			PeriodMinutes: pol.PeriodMinutes, HasPeriod: pol.HasPeriod, Ports: pol.Ports, HasPorts: pol.HasPorts}, nil)
		if !eff.Mode.Valid() || eff.Mode == ModeFixedPorts && !eff.Ports.Valid() {
			t.Fatalf("effective %+v", eff)
		}
	})
}
