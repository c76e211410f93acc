package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is rvpd's resolved configuration: built-in defaults, then the config
// file, then flags. It is a plain value; the daemon and the user subcommands
// read it once at start.
type Config struct {
	Listen      string // address of the RVP listener
	AdminListen string // address of the metrics listener; "" means off

	Domains   []string // IM domains served; the first is the Digest realm
	HostNames []string // further Host header values that address this server

	DataDir string // directory of rvpd.db
	TLSCert string // PEM certificate chain; TLS is on when both files are set
	TLSKey  string // PEM private key

	MaxOutstanding  int           // requests processed at once before 503
	CallbackTimeout time.Duration // bound of one outgoing NOTIFY
	DigestPrefixes  []string      // "PREFIX\alias" user name forms

	// DefaultForeign, DefaultPresence and DefaultSendTo shape the one
	// allprincipals ACE of accounts added from now on (DECISIONS.md, "ACL"):
	// it always grants list and read, plus presence and send-to when
	// DefaultPresence and DefaultSendTo are set; its credentials include
	// assertion (users of other domains match it) when DefaultForeign is
	// set, else they are digest and ntlm only (local users alone match).
	DefaultForeign  bool
	DefaultPresence bool
	DefaultSendTo   bool

	LogLevel  slog.Level
	LogFormat string // "text" or "json"

	Poll PollConfig
}

// Triple is a white paper Default/Minimum/Maximum setting.
type Triple struct {
	Default, Minimum, Maximum time.Duration
}

// String formats t as the help text and warnings show it: "300/60/600".
func (t Triple) String() string {
	return fmt.Sprintf("%d/%d/%d", int64(t.Default/time.Second),
		int64(t.Minimum/time.Second), int64(t.Maximum/time.Second))
}

// PollConfig mirrors rvpserver.PollOptions (POLLING.md section 4). It is kept
// separate so that configuration parsing does not depend on the server
// engine; serve.go converts it.
type PollConfig struct {
	Support         bool
	LifeTime        Triple
	MsgLifeTime     Triple
	MsgLimit        uint32
	MsgKByteLimit   uint32
	DropMsgLifeTime time.Duration
}

// Built-in values. The poll values are those of POLLING.md section 4.
const (
	defaultListen          = ":80"
	defaultAdminListen     = "127.0.0.1:9180"
	defaultDataDir         = "/var/lib/rvpd"
	defaultMaxOutstanding  = 1024
	defaultCallbackTimeout = 5 * time.Second
	dbFileName             = "rvpd.db"
	unlimited              = 0xFFFFFFFF
)

var (
	builtinLifeTime    = Triple{Default: 300 * time.Second, Minimum: 60 * time.Second, Maximum: 600 * time.Second}
	builtinMsgLifeTime = Triple{Default: 1800 * time.Second, Minimum: 0, Maximum: 3600 * time.Second}
)

// DefaultConfig returns the built-in configuration. getenv is consulted for
// STATE_DIRECTORY only (systemd's StateDirectory=); nil means os.Getenv.
func DefaultConfig(getenv func(string) string) Config {
	if getenv == nil {
		getenv = os.Getenv
	}
	return Config{
		Listen:          defaultListen,
		AdminListen:     defaultAdminListen,
		DataDir:         defaultDataDirFrom(getenv),
		MaxOutstanding:  defaultMaxOutstanding,
		CallbackTimeout: defaultCallbackTimeout,
		DefaultForeign:  true,
		DefaultPresence: true,
		DefaultSendTo:   true,
		LogLevel:        slog.LevelInfo,
		LogFormat:       "text",
		Poll: PollConfig{
			Support:         true,
			LifeTime:        builtinLifeTime,
			MsgLifeTime:     builtinMsgLifeTime,
			MsgLimit:        100,
			MsgKByteLimit:   100,
			DropMsgLifeTime: 14400 * time.Second,
		},
	}
}

// defaultDataDirFrom is $STATE_DIRECTORY (its first entry: systemd joins
// several with ':') or /var/lib/rvpd.
func defaultDataDirFrom(getenv func(string) string) string {
	if sd, _, _ := strings.Cut(getenv("STATE_DIRECTORY"), ":"); sd != "" {
		return sd
	}
	return defaultDataDir
}

// DBPath is the path of the bolt database inside DataDir.
func (c *Config) DBPath() string { return filepath.Join(c.DataDir, dbFileName) }

// TLS reports whether the RVP listener serves HTTPS.
func (c *Config) TLS() bool { return c.TLSCert != "" }

// Warning is a configuration problem that rvpd survives: an ignored
// Default/Minimum/Maximum triple. Setting is "PollLifeTime" or
// "PollMsgLifeTime"; Message is the full sentence to log.
type Warning struct {
	Setting string
	Message string
}

// setting is one raw "Key = Value" assignment with where it came from.
type setting struct {
	key    *keySpec
	value  string
	source string // "rvpd.conf:12" or "flag -poll-msg-limit"
}

// LoadConfig builds the configuration from the built-in defaults, the
// assignments of the config file (fileSettings) and then the flags
// (flagSettings), in that order; a later assignment of a key wins. It
// validates everything and returns the warnings for ignored triples.
func LoadConfig(getenv func(string) string, fileSettings, flagSettings []setting) (Config, []Warning, error) {
	cfg := DefaultConfig(getenv)
	final := map[*keySpec]setting{}
	for _, list := range [][]setting{fileSettings, flagSettings} {
		for _, s := range list {
			final[s.key] = s
		}
	}
	for _, k := range keySpecs {
		s, ok := final[k]
		if !ok || k.apply == nil {
			continue
		}
		if !k.apply(&cfg, s.value) {
			return Config{}, nil, &ConfigError{Source: s.source, Key: k.name, Value: s.value, HasValue: true, Problem: k.allowed}
		}
	}
	warnings := resolveTriples(&cfg, final)
	if err := checkConfig(&cfg); err != nil {
		return Config{}, nil, err
	}
	return cfg, warnings, nil
}

// checkConfig enforces the rules that span keys.
func checkConfig(cfg *Config) error {
	if len(cfg.Domains) == 0 {
		return &ConfigError{Key: "Domains", Problem: "required: set the IM domains this server is home for (Domains = example.com in the config file, or -domains example.com)"}
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") {
		return &ConfigError{Key: "TLSCert/TLSKey", Problem: "must be set together (one of them is empty)"}
	}
	return nil
}
