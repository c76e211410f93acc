package main

import (
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"rendezvous/rvpserver"
)

// keySpec describes one configuration key: its white paper name (config
// file), its flag, what the help shows and how a value is applied. apply
// reports false for a value that is not allowed; the error then quotes
// allowed. Triple members have no apply: resolveTriples handles them.
type keySpec struct {
	name    string // config file key, e.g. "PollMsgLimit"
	flag    string // flag name without dashes, e.g. "poll-msg-limit"
	def     string // built-in value as the help shows it
	help    string // one-line meaning
	allowed string // the "must be ..." sentence of the error
	apply   func(c *Config, v string) bool
}

const (
	allowedYesNo  = "must be yes or no"
	allowedUint32 = "must be an integer 0-4294967295 (0 disables buffering, 4294967295 is unlimited)"
	allowedTriple = "must be a whole number of seconds 0-4294967295"
)

// keySpecs lists every key in the order the help shows them.
var keySpecs = []*keySpec{
	{name: "Listen", flag: "listen", def: defaultListen,
		help:    "address of the RVP listener (port 80 needs root or CAP_NET_BIND_SERVICE)",
		allowed: "must be an address host:port or :port with a port 0-65535 (e.g. :80 or 127.0.0.1:8080)",
		apply:   func(c *Config, v string) bool { c.Listen = v; return validAddr(v) }},
	{name: "AdminListen", flag: "admin-listen", def: defaultAdminListen,
		help:    "address of the metrics listener (GET /metrics), or off",
		allowed: "must be off, or an address host:port (e.g. 127.0.0.1:9180)",
		apply:   applyAdminListen},
	{name: "Domains", flag: "domains", def: "(required)",
		help:    "comma-separated IM domains this server is home for; the first is the Digest realm",
		allowed: "must be a comma-separated list of domain names (letters, digits, '-' and '.', e.g. example.com)",
		apply: func(c *Config, v string) bool {
			c.Domains = splitList(v)
			return len(c.Domains) > 0 && all(c.Domains, validDomain)
		}},
	{name: "HostNames", flag: "host-names", def: "(none)",
		help:    "comma-separated further Host header values that address this server",
		allowed: "must be a comma-separated list of host names, each optionally with :port (e.g. im.example.com, 127.0.0.1:8080)",
		apply:   func(c *Config, v string) bool { c.HostNames = splitList(v); return all(c.HostNames, validHostName) }},
	{name: "DataDir", flag: "data-dir", def: "$STATE_DIRECTORY, else " + defaultDataDir,
		help:    "directory of the database " + dbFileName + " (created if missing)",
		allowed: "must be a directory path (not empty)",
		apply:   func(c *Config, v string) bool { c.DataDir = v; return v != "" }},
	{name: "TLSCert", flag: "tls-cert", def: "(none: plain HTTP)",
		help:    "PEM certificate chain; with TLSKey the RVP listener serves HTTPS",
		allowed: "must be a file path",
		apply:   func(c *Config, v string) bool { c.TLSCert = v; return true }},
	{name: "TLSKey", flag: "tls-key", def: "(none)",
		help:    "PEM private key for TLSCert",
		allowed: "must be a file path",
		apply:   func(c *Config, v string) bool { c.TLSKey = v; return true }},
	{name: "MaxOutstanding", flag: "max-outstanding", def: strconv.Itoa(defaultMaxOutstanding),
		help:    "requests processed at once; past it rvpd answers 503 with Retry-After",
		allowed: "must be an integer 1-1048576",
		apply: func(c *Config, v string) bool {
			n, ok := parseUint(v, 1, 1<<20)
			c.MaxOutstanding = int(n)
			return ok
		}},
	{name: "CallbackTimeout", flag: "callback-timeout", def: "5",
		help:    "seconds one outgoing NOTIFY (to a client callback or another server) may take",
		allowed: "must be a whole number of seconds 1-600",
		apply: func(c *Config, v string) bool {
			n, ok := parseUint(v, 1, 600)
			c.CallbackTimeout = time.Duration(n) * time.Second
			return ok
		}},
	{name: "DigestPrefixes", flag: "digest-prefixes", def: "(none)",
		help:    `comma-separated further PREFIX values for which PREFIX\alias user names are accepted (the first label of each domain, e.g. EXAMPLE, always is; set before the password)`,
		allowed: `must be a comma-separated list of prefixes without '\', '"', ':', '@' or spaces (e.g. CORP)`,
		apply: func(c *Config, v string) bool {
			c.DigestPrefixes = splitList(v)
			return all(c.DigestPrefixes, validPrefix)
		}},
	{name: "DefaultForeign", flag: "default-foreign", def: "allow",
		help:    "new accounts' default ACL admits users of other domains (allow) or not (deny)",
		allowed: "must be allow or deny",
		apply:   func(c *Config, v string) bool { return parseChoice(v, "allow", "deny", &c.DefaultForeign) }},
	{name: "DefaultPresence", flag: "default-presence", def: "yes",
		help:    "new accounts' default ACL lets everyone it admits see their presence (yes/no)",
		allowed: allowedYesNo,
		apply:   func(c *Config, v string) bool { return parseChoice(v, "yes", "no", &c.DefaultPresence) }},
	{name: "DefaultSendTo", flag: "default-send-to", def: "yes",
		help:    "new accounts' default ACL lets everyone it admits message them (yes/no)",
		allowed: allowedYesNo,
		apply:   func(c *Config, v string) bool { return parseChoice(v, "yes", "no", &c.DefaultSendTo) }},
	{name: "LogLevel", flag: "log-level", def: "info",
		help:    "least important log level written to stderr",
		allowed: "must be debug, info, warn or error",
		apply:   applyLogLevel},
	{name: "LogFormat", flag: "log-format", def: "text",
		help:    "log line format on stderr",
		allowed: "must be text or json",
		apply:   func(c *Config, v string) bool { c.LogFormat = v; return v == "text" || v == "json" }},
	{name: "PollSupport", flag: "poll-support", def: "1",
		help:    "1: polling logins (Call-Back: poll) are accepted; 0: they get 501",
		allowed: "must be 0 (polling off) or 1 (polling on)",
		apply:   func(c *Config, v string) bool { c.Poll.Support = v == "1"; return v == "0" || v == "1" }},
	tripleKey("PollLifeTimeDefault", "poll-lifetime-default", "300", "seconds a POLL is held when it asks for no hold"),
	tripleKey("PollLifeTimeMinimum", "poll-lifetime-minimum", "60", "least hold of a POLL, seconds"),
	tripleKey("PollLifeTimeMaximum", "poll-lifetime-maximum", "600", "greatest hold of a POLL, seconds"),
	tripleKey("PollMsgLifeTimeDefault", "poll-msg-lifetime-default", "1800", "seconds a queued item may wait when the login asks for nothing"),
	tripleKey("PollMsgLifeTimeMinimum", "poll-msg-lifetime-minimum", "0", "least item lifetime a login may ask for, seconds"),
	tripleKey("PollMsgLifeTimeMaximum", "poll-msg-lifetime-maximum", "3600", "greatest item lifetime a login may ask for, seconds"),
	{name: "PollMsgLimit", flag: "poll-msg-limit", def: "100",
		help:    "items queued per polling login; 0 disables buffering, 4294967295 is unlimited",
		allowed: allowedUint32,
		apply: func(c *Config, v string) bool {
			n, ok := parseUint(v, 0, unlimited)
			c.Poll.MsgLimit = uint32(n)
			return ok
		}},
	{name: "PollMsgKByteLimit", flag: "poll-msg-kbyte-limit", def: "100",
		help:    "kilobytes queued per polling login; 0 disables buffering, 4294967295 is unlimited",
		allowed: allowedUint32,
		apply: func(c *Config, v string) bool {
			n, ok := parseUint(v, 0, unlimited)
			c.Poll.MsgKByteLimit = uint32(n)
			return ok
		}},
	{name: "PollDropMsgLifeTime", flag: "poll-drop-msg-lifetime", def: "14400",
		help:    "seconds after which a queue that has not been drained since it became non-empty is dropped",
		allowed: "must be a whole number of seconds 1-4294967295",
		apply: func(c *Config, v string) bool {
			n, ok := parseUint(v, 1, unlimited)
			c.Poll.DropMsgLifeTime = time.Duration(n) * time.Second
			return ok
		}},
}

// tripleKey is a member of a Default/Minimum/Maximum triple. Invalid values
// do not stop rvpd: the whole triple falls back (resolveTriples).
func tripleKey(name, flag, def, help string) *keySpec {
	return &keySpec{name: name, flag: flag, def: def, help: help, allowed: allowedTriple}
}

// lookupKey finds a key by its config file name, ignoring case.
func lookupKey(name string) *keySpec {
	for _, k := range keySpecs {
		if strings.EqualFold(k.name, name) {
			return k
		}
	}
	return nil
}

func applyAdminListen(c *Config, v string) bool {
	if strings.EqualFold(v, "off") {
		c.AdminListen = ""
		return true
	}
	c.AdminListen = v
	return validAddr(v)
}

func applyLogLevel(c *Config, v string) bool {
	levels := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo, "warn": slog.LevelWarn, "error": slog.LevelError}
	l, ok := levels[v]
	c.LogLevel = l
	return ok
}

// parseUint accepts decimal digits only (no sign, no spaces) within [lo, hi].
func parseUint(v string, lo, hi uint64) (uint64, bool) {
	if v == "" || strings.TrimLeft(v, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return n, err == nil && n >= lo && n <= hi
}

// splitList splits a comma-separated value and trims the elements. An empty
// value is an empty list; an empty element is kept so validation refuses it.
func splitList(v string) []string {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	parts := strings.Split(v, ",")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
	}
	return parts
}

func all(list []string, ok func(string) bool) bool {
	for _, s := range list {
		if !ok(s) {
			return false
		}
	}
	return true
}

// validAddr accepts host:port and :port with a decimal port 0-65535.
func validAddr(v string) bool {
	host, port, err := net.SplitHostPort(v)
	if err != nil || strings.ContainsAny(host, " \t/") {
		return false
	}
	_, ok := parseUint(port, 0, 65535)
	return ok
}

// validDomain accepts dot-separated labels of letters, digits and '-', not
// starting or ending with '-', 253 bytes at most.
func validDomain(v string) bool {
	if v == "" || len(v) > 253 {
		return false
	}
	for _, label := range strings.Split(v, ".") {
		if !validLabel(label) {
			return false
		}
	}
	return true
}

func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for _, r := range l {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// validHostName accepts a domain name or IP address, optionally with :port.
func validHostName(v string) bool {
	if host, port, err := net.SplitHostPort(v); err == nil {
		_, ok := parseUint(port, 1, 65535)
		return ok && (validDomain(host) || net.ParseIP(host) != nil)
	}
	return validDomain(v) || net.ParseIP(v) != nil
}

func validPrefix(v string) bool {
	return v != "" && !strings.ContainsAny(v, "\\\":@ \t")
}

// parseChoice sets *b to v == on and reports whether v is on or off.
func parseChoice(v, on, off string, b *bool) bool {
	*b = v == on
	return v == on || v == off
}

// defaultACL converts DefaultForeign, DefaultPresence and DefaultSendTo
// for the engine; nil (the engine's built-in default, the draft's example)
// when all three are at their built-in values.
func defaultACL(cfg Config) *rvpserver.DefaultACL {
	if cfg.DefaultForeign && cfg.DefaultPresence && cfg.DefaultSendTo {
		return nil
	}
	return &rvpserver.DefaultACL{AllowPresence: cfg.DefaultPresence, AllowSendTo: cfg.DefaultSendTo,
		LocalOnly: !cfg.DefaultForeign}
}
