package main

import (
	"errors"
	"log/slog"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// load parses file (a config file's text) and flags the way run does.
func load(t *testing.T, env map[string]string, file string, flags ...string) (Config, []Warning, error) {
	t.Helper()
	fileSettings, err := parseConfig("rvpd.conf", strings.NewReader(file))
	if err != nil {
		return Config{}, nil, err
	}
	cl, err := parseCmdLine(flags)
	if err != nil {
		t.Fatalf("parseCmdLine(%q): %v", flags, err)
	}
	return LoadConfig(func(k string) string { return env[k] }, fileSettings, cl.settings)
}

// base is the one key every valid configuration needs.
const base = "Domains = example.com\n"

func TestConfigDefaults(t *testing.T) {
	cfg, warnings, err := load(t, nil, base)
	if err != nil || len(warnings) != 0 {
		t.Fatalf("load: %v, warnings %v", err, warnings)
	}
	want := DefaultConfig(func(string) string { return "" })
	want.Domains = []string{"example.com"}
	if !reflect.DeepEqual(cfg, want) {
		t.Fatalf("config = %+v\nwant %+v", cfg, want)
	}
	if cfg.Listen != ":80" || cfg.AdminListen != "127.0.0.1:9180" || cfg.DataDir != "/var/lib/rvpd" ||
		cfg.DBPath() != "/var/lib/rvpd/rvpd.db" || cfg.TLS() {
		t.Fatalf("built-in values wrong: %+v", cfg)
	}
	p := cfg.Poll
	if !p.Support || p.LifeTime.String() != "300/60/600" || p.MsgLifeTime.String() != "1800/0/3600" ||
		p.MsgLimit != 100 || p.MsgKByteLimit != 100 || p.DropMsgLifeTime != 4*time.Hour {
		t.Fatalf("built-in poll values differ from POLLING.md section 4: %+v", p)
	}
}

func TestConfigStateDirectory(t *testing.T) {
	for _, tc := range []struct{ env, want string }{
		{"", "/var/lib/rvpd"},
		{"/var/lib/rvpd-a", "/var/lib/rvpd-a"},
		{"/var/lib/one:/var/lib/two", "/var/lib/one"},
	} {
		cfg, _, err := load(t, map[string]string{"STATE_DIRECTORY": tc.env}, base)
		if err != nil || cfg.DataDir != tc.want {
			t.Errorf("STATE_DIRECTORY=%q: DataDir %q, %v; want %q", tc.env, cfg.DataDir, err, tc.want)
		}
	}
}

// TestConfigKeys sets every key through the file and through its flag and
// checks the resulting field.
func TestConfigKeys(t *testing.T) {
	tests := []struct {
		key, value string
		check      func(c *Config) bool
	}{
		{"Listen", "127.0.0.1:8080", func(c *Config) bool { return c.Listen == "127.0.0.1:8080" }},
		{"Listen", ":0", func(c *Config) bool { return c.Listen == ":0" }},
		{"Listen", "[::1]:80", func(c *Config) bool { return c.Listen == "[::1]:80" }},
		{"AdminListen", "off", func(c *Config) bool { return c.AdminListen == "" }},
		{"AdminListen", "OFF", func(c *Config) bool { return c.AdminListen == "" }},
		{"AdminListen", "127.0.0.1:9999", func(c *Config) bool { return c.AdminListen == "127.0.0.1:9999" }},
		{"Domains", "a.example, b.example", func(c *Config) bool { return reflect.DeepEqual(c.Domains, []string{"a.example", "b.example"}) }},
		{"Domains", "localhost", func(c *Config) bool { return reflect.DeepEqual(c.Domains, []string{"localhost"}) }},
		{"HostNames", "im.example.com,127.0.0.1:8080,[::1]:8080", func(c *Config) bool {
			return reflect.DeepEqual(c.HostNames, []string{"im.example.com", "127.0.0.1:8080", "[::1]:8080"})
		}},
		{"HostNames", "", func(c *Config) bool { return c.HostNames == nil }},
		{"DataDir", "/srv/rvpd", func(c *Config) bool { return c.DataDir == "/srv/rvpd" && c.DBPath() == "/srv/rvpd/rvpd.db" }},
		{"MaxOutstanding", "1", func(c *Config) bool { return c.MaxOutstanding == 1 }},
		{"MaxOutstanding", "1048576", func(c *Config) bool { return c.MaxOutstanding == 1<<20 }},
		{"CallbackTimeout", "30", func(c *Config) bool { return c.CallbackTimeout == 30*time.Second }},
		{"DigestPrefixes", "CORP, EXAMPLE", func(c *Config) bool { return reflect.DeepEqual(c.DigestPrefixes, []string{"CORP", "EXAMPLE"}) }},
		{"DigestPrefixes", "", func(c *Config) bool { return c.DigestPrefixes == nil }},
		{"LogLevel", "debug", func(c *Config) bool { return c.LogLevel == slog.LevelDebug }},
		{"LogLevel", "warn", func(c *Config) bool { return c.LogLevel == slog.LevelWarn }},
		{"LogLevel", "error", func(c *Config) bool { return c.LogLevel == slog.LevelError }},
		{"LogLevel", "info", func(c *Config) bool { return c.LogLevel == slog.LevelInfo }},
		{"LogFormat", "json", func(c *Config) bool { return c.LogFormat == "json" }},
		{"LogFormat", "text", func(c *Config) bool { return c.LogFormat == "text" }},
		{"PollSupport", "0", func(c *Config) bool { return !c.Poll.Support }},
		{"PollSupport", "1", func(c *Config) bool { return c.Poll.Support }},
		{"PollMsgLimit", "0", func(c *Config) bool { return c.Poll.MsgLimit == 0 }},
		{"PollMsgLimit", "4294967295", func(c *Config) bool { return c.Poll.MsgLimit == 0xFFFFFFFF }},
		{"PollMsgKByteLimit", "2048", func(c *Config) bool { return c.Poll.MsgKByteLimit == 2048 }},
		{"PollMsgKByteLimit", "4294967295", func(c *Config) bool { return c.Poll.MsgKByteLimit == 0xFFFFFFFF }},
		{"PollDropMsgLifeTime", "57600", func(c *Config) bool { return c.Poll.DropMsgLifeTime == 16*time.Hour }},
	}
	for _, tc := range tests {
		k := lookupKey(tc.key)
		if k == nil {
			t.Fatalf("no key %s", tc.key)
		}
		cfg, _, err := load(t, nil, fileWith(tc.key, tc.value))
		if err != nil || !tc.check(&cfg) {
			t.Errorf("file %s = %q: err %v, config %+v", tc.key, tc.value, err, cfg)
		}
		cfg, _, err = load(t, nil, base, "-"+k.flag, tc.value)
		if err != nil || !tc.check(&cfg) {
			t.Errorf("flag -%s %q: err %v, config %+v", k.flag, tc.value, err, cfg)
		}
	}
	// TLSCert and TLSKey go together.
	cfg, _, err := load(t, nil, base+"TLSCert = /c.pem\nTLSKey = /k.pem\n")
	if err != nil || cfg.TLSCert != "/c.pem" || cfg.TLSKey != "/k.pem" || !cfg.TLS() {
		t.Errorf("TLS pair: %v %+v", err, cfg)
	}
}

// TestConfigKeysCovered makes sure TestConfigBadValues and the triple tests
// leave no key out.
func TestConfigKeysCovered(t *testing.T) {
	covered := map[string]bool{"TLSCert": true, "TLSKey": true} // any path is allowed; pairing tested below
	for _, tc := range badValueTests {
		covered[tc.key] = true
	}
	for _, ts := range tripleSpecs {
		for _, m := range []string{"Default", "Minimum", "Maximum"} {
			covered[ts.setting+m] = true
		}
	}
	for _, k := range keySpecs {
		if !covered[k.name] {
			t.Errorf("key %s has no bad-value test", k.name)
		}
	}
}

var badValueTests = []struct {
	key, value, allowed string
}{
	{"Listen", "80", "must be an address host:port or :port with a port 0-65535 (e.g. :80 or 127.0.0.1:8080)"},
	{"Listen", ":65536", "must be an address host:port or :port with a port 0-65535 (e.g. :80 or 127.0.0.1:8080)"},
	{"Listen", ":http", "must be an address host:port or :port with a port 0-65535 (e.g. :80 or 127.0.0.1:8080)"},
	{"Listen", "", "must be an address host:port or :port with a port 0-65535 (e.g. :80 or 127.0.0.1:8080)"},
	{"AdminListen", "no", "must be off, or an address host:port (e.g. 127.0.0.1:9180)"},
	{"Domains", "", "must be a comma-separated list of domain names (letters, digits, '-' and '.', e.g. example.com)"},
	{"Domains", "example.com,", "must be a comma-separated list of domain names (letters, digits, '-' and '.', e.g. example.com)"},
	{"Domains", "exa mple.com", "must be a comma-separated list of domain names (letters, digits, '-' and '.', e.g. example.com)"},
	{"Domains", "-a.example", "must be a comma-separated list of domain names (letters, digits, '-' and '.', e.g. example.com)"},
	{"Domains", "a..example", "must be a comma-separated list of domain names (letters, digits, '-' and '.', e.g. example.com)"},
	{"Domains", "example.com:80", "must be a comma-separated list of domain names (letters, digits, '-' and '.', e.g. example.com)"},
	{"HostNames", "im.example.com:0", "must be a comma-separated list of host names, each optionally with :port (e.g. im.example.com, 127.0.0.1:8080)"},
	{"HostNames", "http://im.example.com", "must be a comma-separated list of host names, each optionally with :port (e.g. im.example.com, 127.0.0.1:8080)"},
	{"DataDir", "", "must be a directory path (not empty)"},
	{"MaxOutstanding", "0", "must be an integer 1-1048576"},
	{"MaxOutstanding", "1048577", "must be an integer 1-1048576"},
	{"MaxOutstanding", "-5", "must be an integer 1-1048576"},
	{"CallbackTimeout", "0", "must be a whole number of seconds 1-600"},
	{"CallbackTimeout", "5s", "must be a whole number of seconds 1-600"},
	{"CallbackTimeout", "601", "must be a whole number of seconds 1-600"},
	{"DigestPrefixes", `CORP\`, `must be a comma-separated list of prefixes without '\', '"', ':', '@' or spaces (e.g. CORP)`},
	{"DigestPrefixes", "CORP,,X", `must be a comma-separated list of prefixes without '\', '"', ':', '@' or spaces (e.g. CORP)`},
	{"DigestPrefixes", "a@b", `must be a comma-separated list of prefixes without '\', '"', ':', '@' or spaces (e.g. CORP)`},
	{"DefaultForeign", "local", "must be allow or deny"},
	{"DefaultForeign", "Allow", "must be allow or deny"},
	{"DefaultPresence", "everyone", "must be yes or no"},
	{"DefaultSendTo", "1", "must be yes or no"},
	{"LogLevel", "verbose", "must be debug, info, warn or error"},
	{"LogLevel", "INFO", "must be debug, info, warn or error"},
	{"LogFormat", "xml", "must be text or json"},
	{"PollSupport", "yes", "must be 0 (polling off) or 1 (polling on)"},
	{"PollSupport", "2", "must be 0 (polling off) or 1 (polling on)"},
	{"PollMsgLimit", "abc", "must be an integer 0-4294967295 (0 disables buffering, 4294967295 is unlimited)"},
	{"PollMsgLimit", "4294967296", "must be an integer 0-4294967295 (0 disables buffering, 4294967295 is unlimited)"},
	{"PollMsgLimit", "0xFFFFFFFF", "must be an integer 0-4294967295 (0 disables buffering, 4294967295 is unlimited)"},
	{"PollMsgLimit", "+5", "must be an integer 0-4294967295 (0 disables buffering, 4294967295 is unlimited)"},
	{"PollMsgKByteLimit", "-1", "must be an integer 0-4294967295 (0 disables buffering, 4294967295 is unlimited)"},
	{"PollMsgKByteLimit", "", "must be an integer 0-4294967295 (0 disables buffering, 4294967295 is unlimited)"},
	{"PollDropMsgLifeTime", "0", "must be a whole number of seconds 1-4294967295"},
	{"PollDropMsgLifeTime", "4h", "must be a whole number of seconds 1-4294967295"},
	{"PollDropMsgLifeTime", "4294967296", "must be a whole number of seconds 1-4294967295"},
}

// TestConfigBadValues checks the exact message for every refused value,
// from the file and from the flag.
func TestConfigBadValues(t *testing.T) {
	for _, tc := range badValueTests {
		k := lookupKey(tc.key)
		file := fileWith(tc.key, tc.value)
		_, _, err := load(t, nil, file)
		want := `config: rvpd.conf:` + lineOf(file, tc.key) + `: ` + tc.key + ` = ` + strconv.Quote(tc.value) + `: ` + tc.allowed
		if err == nil || err.Error() != want || !IsConfigError(err) {
			t.Errorf("file %s = %q:\n got %v\nwant %s", tc.key, tc.value, err, want)
		}
		_, _, err = load(t, nil, base, "-"+k.flag+"="+tc.value)
		want = `config: flag -` + k.flag + `: ` + tc.key + ` = ` + strconv.Quote(tc.value) + `: ` + tc.allowed
		if err == nil || err.Error() != want {
			t.Errorf("flag -%s=%q:\n got %v\nwant %s", k.flag, tc.value, err, want)
		}
	}
}

// fileWith is a config file that sets key (and Domains, unless key is
// Domains).
func fileWith(key, value string) string {
	if key == "Domains" {
		return key + " = " + value + "\n"
	}
	return base + key + " = " + value + "\n"
}

func lineOf(file, key string) string {
	for i, l := range strings.Split(file, "\n") {
		if strings.HasPrefix(l, key+" ") {
			return string(rune('1' + i))
		}
	}
	return "?"
}

// TestConfigFileSyntax covers comments, case, blanks and every file-level
// error message.
func TestConfigFileSyntax(t *testing.T) {
	cfg, _, err := load(t, nil, "\ufeff# rvpd\n\n   # indented comment\ndomains=example.com # trailing comment\r\n"+
		"  PollMsgLimit   =   7\t# tab comment\nDataDir = /srv/a#b\n")
	if err != nil || cfg.Poll.MsgLimit != 7 || cfg.DataDir != "/srv/a#b" || cfg.Domains[0] != "example.com" {
		t.Fatalf("syntax: %v %+v", err, cfg)
	}
	errTests := []struct{ file, want string }{
		{base + "PollMsgLimt = 5\n", `config: rvpd.conf:2: PollMsgLimt: unknown key (did you mean PollMsgLimit?)`},
		{base + "PollLifetimeDefualt = 5\n", `config: rvpd.conf:2: PollLifetimeDefualt: unknown key (did you mean PollLifeTimeDefault?)`},
		{base + "Colour = blue\n", `config: rvpd.conf:2: Colour: unknown key (rvpd --help lists the keys)`},
		{base + "PollMsgLimit 5\n", `config: rvpd.conf:2: expected "Key = Value", got "PollMsgLimit 5"`},
		{base + "= 5\n", `config: rvpd.conf:2: expected "Key = Value", got "= 5"`},
		{base + "[server]\n", `config: rvpd.conf:2: expected "Key = Value", got "[server]"`},
		{base + "PollMsgLimit = 5\n\npollmsglimit = 6\n", `config: rvpd.conf:4: PollMsgLimit: set twice (first on line 2)`},
		{"Listen = :80\n", `config: Domains: required: set the IM domains this server is home for (Domains = example.com in the config file, or -domains example.com)`},
		{base + "TLSCert = /c.pem\n", `config: TLSCert/TLSKey: must be set together (one of them is empty)`},
		{base + "TLSKey = /k.pem\n", `config: TLSCert/TLSKey: must be set together (one of them is empty)`},
		{base + "# " + strings.Repeat("x", maxConfigBytes) + "\n", `config: rvpd.conf: larger than 1 MiB`},
		{base + "# " + strings.Repeat("x", 70000) + "\n", `config: rvpd.conf: cannot read: bufio.Scanner: token too long`},
	}
	for _, tc := range errTests {
		_, _, err := load(t, nil, tc.file)
		var ce *ConfigError
		if err == nil || err.Error() != tc.want || !errors.As(err, &ce) {
			t.Errorf("file %.60q:\n got %v\nwant %s", tc.file, err, tc.want)
		}
	}
}

func TestConfigFlagsOverrideFile(t *testing.T) {
	cfg, _, err := load(t, nil, base+"PollMsgLimit = 7\nListen = :80\n",
		"-poll-msg-limit", "9", "--listen=127.0.0.1:1", "-domains", "other.example")
	if err != nil || cfg.Poll.MsgLimit != 9 || cfg.Listen != "127.0.0.1:1" || cfg.Domains[0] != "other.example" {
		t.Fatalf("override: %v %+v", err, cfg)
	}
	// The last of a repeated flag wins, and a file value that a flag
	// replaces is never validated.
	cfg, _, err = load(t, nil, base+"PollMsgLimit = abc\n", "-poll-msg-limit", "1", "-poll-msg-limit", "2")
	if err != nil || cfg.Poll.MsgLimit != 2 {
		t.Fatalf("repeat: %v %+v", err, cfg)
	}
}

// TestConfigTriples covers every way a Default/Minimum/Maximum triple is
// taken or ignored (POLLING.md section 4).
func TestConfigTriples(t *testing.T) {
	lt := func(d, min, max int) Triple {
		return Triple{Default: time.Duration(d) * time.Second, Minimum: time.Duration(min) * time.Second, Maximum: time.Duration(max) * time.Second}
	}
	tests := []struct {
		name          string
		file          string
		flags         []string
		life, msgLife Triple
		warnings      []string
	}{
		{name: "none set", life: lt(300, 60, 600), msgLife: lt(1800, 0, 3600)},
		{name: "all valid", file: "PollLifeTimeDefault = 120\nPollLifeTimeMinimum = 30\nPollLifeTimeMaximum = 900\n",
			life: lt(120, 30, 900), msgLife: lt(1800, 0, 3600)},
		{name: "white paper 4 hours", file: "PollLifeTimeDefault = 14400\nPollLifeTimeMinimum = 14400\nPollLifeTimeMaximum = 14400\n",
			life: lt(14400, 14400, 14400), msgLife: lt(1800, 0, 3600)},
		{name: "zero minimum and default", file: "PollMsgLifeTimeDefault = 0\nPollMsgLifeTimeMinimum = 0\nPollMsgLifeTimeMaximum = 1\n",
			life: lt(300, 60, 600), msgLife: lt(0, 0, 1)},
		{name: "zero maximum", file: "PollMsgLifeTimeDefault = 0\nPollMsgLifeTimeMinimum = 0\nPollMsgLifeTimeMaximum = 0\n",
			life: lt(300, 60, 600), msgLife: lt(1800, 0, 3600),
			warnings: []string{"PollMsgLifeTime: ignoring PollMsgLifeTimeDefault/Minimum/Maximum (Maximum must be at least 1); using built-in 1800/0/3600"}},
		{name: "msg triple valid", file: "PollMsgLifeTimeDefault = 600\nPollMsgLifeTimeMinimum = 60\nPollMsgLifeTimeMaximum = 86400\n",
			life: lt(300, 60, 600), msgLife: lt(600, 60, 86400)},
		{name: "only 1 of 3", file: "PollLifeTimeMaximum = 900\n", life: lt(300, 60, 600), msgLife: lt(1800, 0, 3600),
			warnings: []string{"PollLifeTime: ignoring PollLifeTimeDefault/Minimum/Maximum (only 1 of 3 set); using built-in 300/60/600"}},
		{name: "only 2 of 3", file: "PollLifeTimeDefault = 100\nPollLifeTimeMinimum = 50\n", life: lt(300, 60, 600), msgLife: lt(1800, 0, 3600),
			warnings: []string{"PollLifeTime: ignoring PollLifeTimeDefault/Minimum/Maximum (only 2 of 3 set); using built-in 300/60/600"}},
		{name: "empty counts as unset", file: "PollMsgLifeTimeDefault = 10\nPollMsgLifeTimeMinimum = 1\nPollMsgLifeTimeMaximum =\n",
			life: lt(300, 60, 600), msgLife: lt(1800, 0, 3600),
			warnings: []string{"PollMsgLifeTime: ignoring PollMsgLifeTimeDefault/Minimum/Maximum (only 2 of 3 set); using built-in 1800/0/3600"}},
		{name: "default below minimum", file: "PollLifeTimeDefault = 30\nPollLifeTimeMinimum = 60\nPollLifeTimeMaximum = 600\n",
			life: lt(300, 60, 600), msgLife: lt(1800, 0, 3600),
			warnings: []string{"PollLifeTime: ignoring PollLifeTimeDefault/Minimum/Maximum (Minimum <= Default <= Maximum does not hold for 30/60/600); using built-in 300/60/600"}},
		{name: "default above maximum", file: "PollMsgLifeTimeDefault = 7200\nPollMsgLifeTimeMinimum = 0\nPollMsgLifeTimeMaximum = 3600\n",
			life: lt(300, 60, 600), msgLife: lt(1800, 0, 3600),
			warnings: []string{"PollMsgLifeTime: ignoring PollMsgLifeTimeDefault/Minimum/Maximum (Minimum <= Default <= Maximum does not hold for 7200/0/3600); using built-in 1800/0/3600"}},
		{name: "minimum above maximum", file: "PollLifeTimeDefault = 500\nPollLifeTimeMinimum = 700\nPollLifeTimeMaximum = 600\n",
			life: lt(300, 60, 600), msgLife: lt(1800, 0, 3600),
			warnings: []string{"PollLifeTime: ignoring PollLifeTimeDefault/Minimum/Maximum (Minimum <= Default <= Maximum does not hold for 500/700/600); using built-in 300/60/600"}},
		{name: "not a number", file: "PollLifeTimeDefault = 5m\nPollLifeTimeMinimum = 60\nPollLifeTimeMaximum = 600\n",
			life: lt(300, 60, 600), msgLife: lt(1800, 0, 3600),
			warnings: []string{`PollLifeTime: ignoring PollLifeTimeDefault/Minimum/Maximum (PollLifeTimeDefault = "5m" must be a whole number of seconds 0-4294967295); using built-in 300/60/600`}},
		{name: "too large and partial", file: "PollMsgLifeTimeMaximum = 4294967296\n",
			life: lt(300, 60, 600), msgLife: lt(1800, 0, 3600),
			warnings: []string{`PollMsgLifeTime: ignoring PollMsgLifeTimeDefault/Minimum/Maximum (PollMsgLifeTimeMaximum = "4294967296" must be a whole number of seconds 0-4294967295); using built-in 1800/0/3600`}},
		{name: "file and flags combine", file: "PollLifeTimeDefault = 100\nPollLifeTimeMinimum = 50\n",
			flags: []string{"-poll-lifetime-maximum", "200"}, life: lt(100, 50, 200), msgLife: lt(1800, 0, 3600)},
		{name: "flag repairs file", file: "PollLifeTimeDefault = 1000\nPollLifeTimeMinimum = 50\nPollLifeTimeMaximum = 200\n",
			flags: []string{"-poll-lifetime-default=150"}, life: lt(150, 50, 200), msgLife: lt(1800, 0, 3600)},
		{name: "flag empties a member", file: "PollLifeTimeDefault = 100\nPollLifeTimeMinimum = 50\nPollLifeTimeMaximum = 200\n",
			flags: []string{"-poll-lifetime-minimum="}, life: lt(300, 60, 600), msgLife: lt(1800, 0, 3600),
			warnings: []string{"PollLifeTime: ignoring PollLifeTimeDefault/Minimum/Maximum (only 2 of 3 set); using built-in 300/60/600"}},
		{name: "both ignored", flags: []string{"-poll-lifetime-default=1", "-poll-msg-lifetime-minimum=1"},
			life: lt(300, 60, 600), msgLife: lt(1800, 0, 3600),
			warnings: []string{
				"PollLifeTime: ignoring PollLifeTimeDefault/Minimum/Maximum (only 1 of 3 set); using built-in 300/60/600",
				"PollMsgLifeTime: ignoring PollMsgLifeTimeDefault/Minimum/Maximum (only 1 of 3 set); using built-in 1800/0/3600",
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, warnings, err := load(t, nil, base+tc.file, tc.flags...)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if cfg.Poll.LifeTime != tc.life || cfg.Poll.MsgLifeTime != tc.msgLife {
				t.Errorf("triples %s and %s, want %s and %s", cfg.Poll.LifeTime, cfg.Poll.MsgLifeTime, tc.life, tc.msgLife)
			}
			var got []string
			for _, w := range warnings {
				got = append(got, w.Message)
				if !strings.HasPrefix(w.Message, w.Setting+": ") {
					t.Errorf("warning %q does not start with its setting %q", w.Message, w.Setting)
				}
			}
			if !reflect.DeepEqual(got, tc.warnings) {
				t.Errorf("warnings\n got %q\nwant %q", got, tc.warnings)
			}
		})
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"a", "", 1}, {"kitten", "sitting", 3}, {"flaw", "lawn", 2}, {"abc", "abc", 0}} {
		if got := editDistance(tc.a, tc.b); got != tc.d {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.d)
		}
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add("Domains = example.com\nPollMsgLimit = 5 # c\n")
	f.Add("PollLifeTimeDefault = 1\nPollLifeTimeMinimum=2\nPollLifeTimeMaximum = 3\n")
	f.Add("# only a comment\n\n")
	f.Add("\ufeffDomains=a\r\nListen=:80\r\n")
	f.Fuzz(func(t *testing.T, file string) {
		settings, err := parseConfig("f", strings.NewReader(file))
		if err != nil {
			if !IsConfigError(err) {
				t.Fatalf("parseConfig error %v is not a *ConfigError", err)
			}
			return
		}
		cfg, _, err := LoadConfig(func(string) string { return "" }, settings, nil)
		if err != nil {
			if !IsConfigError(err) {
				t.Fatalf("LoadConfig error %v is not a *ConfigError", err)
			}
			return
		}
		lt := cfg.Poll.LifeTime
		if !(lt.Minimum <= lt.Default && lt.Default <= lt.Maximum) || len(cfg.Domains) == 0 {
			t.Fatalf("accepted an invalid configuration: %+v", cfg)
		}
	})
}

// TestExampleConfig: rvpd.conf.example (also shown in README.md) loads
// without warnings and states the built-in values.
func TestExampleConfig(t *testing.T) {
	settings, err := readConfigFile("rvpd.conf.example")
	if err != nil {
		t.Fatal(err)
	}
	cfg, warnings, err := LoadConfig(func(string) string { return "" }, settings, nil)
	if err != nil || len(warnings) != 0 {
		t.Fatalf("example config: %v %v", err, warnings)
	}
	want := DefaultConfig(func(string) string { return "" })
	want.Domains, want.HostNames = []string{"example.com"}, []string{"im.example.com"}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("example config = %+v\nwant %+v", cfg, want)
	}
	if len(settings) != len(keySpecs)-3 { // TLSCert, TLSKey, DigestPrefixes are commented out
		t.Errorf("example sets %d keys, want every key but three", len(settings))
	}
}
