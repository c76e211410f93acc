package settings

import (
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// PolicyFile is the administrator policy file, relative to each system
// configuration directory (XDG_CONFIG_DIRS, e.g. /etc/xdg/rendezvous/policy.json).
const PolicyFile = "rendezvous/policy.json"

// maxPolicyBytes bounds how much of a policy file is read.
const maxPolicyBytes = 64 << 10

// Policy holds the connection keys an administrator deployed system-wide.
// Only keys with valid values are set (HasXxx); invalid ones were ignored
// with a logged warning. A Ports value below 1025 is kept: it makes Fixed
// Port(s) fall back to Default when the connection is resolved. The zero
// Policy means "no policy". Policy is a plain value.
type Policy struct {
	Path    string    // the file read; empty when there is none
	ModTime time.Time // its modification time

	Mode          PollingMode
	HasMode       bool
	PeriodMinutes int
	HasPeriod     bool
	Ports         Ports
	HasPorts      bool
}

// Empty reports whether the policy sets no key.
func (p Policy) Empty() bool { return !p.HasMode && !p.HasPeriod && !p.HasPorts }

// LoadPolicy reads the policy from the first of configDirs (most important
// first, as xdg.ConfigDirs lists them) that holds PolicyFile; relative and
// empty entries are skipped, as the XDG specification requires. A missing
// file yields the zero Policy. LoadPolicy never fails: an unreadable or
// malformed file, an unknown key and an invalid value are each ignored with a
// warning on log (nil discards) that names the file and the key, because the
// user cannot repair a system file and the client must still sign in.
//
// The file is a JSON object with the client keys, for example
//
//	{"PollingFlag": 2, "PollingPeriod": 5, "Ports": "5000-5010"}
//
// Numbers may also be written as strings ("2"); Ports also as a number.
// Key names match case-insensitively.
func LoadPolicy(configDirs []string, log *slog.Logger) Policy {
	log = orDiscard(log)
	for _, dir := range configDirs {
		if dir == "" || !filepath.IsAbs(dir) {
			continue
		}
		path := filepath.Join(dir, filepath.FromSlash(PolicyFile))
		data, mod, err := readPolicyFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			log.Warn("settings: policy file ignored", "path", path, "err", err)
			return Policy{}
		}
		pol := decodePolicy(data, path, log)
		pol.Path, pol.ModTime = path, mod
		return pol
	}
	return Policy{}
}

func readPolicyFile(path string) ([]byte, time.Time, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, time.Time{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, time.Time{}, err
	}
	if !st.Mode().IsRegular() {
		return nil, time.Time{}, errors.New("not a regular file")
	}
	data, err := io.ReadAll(io.LimitReader(f, maxPolicyBytes+1))
	if err != nil {
		return nil, time.Time{}, err
	}
	if len(data) > maxPolicyBytes {
		return nil, time.Time{}, errors.New("larger than 64 KiB")
	}
	return data, st.ModTime(), nil
}

// decodePolicy parses the policy object; it logs and skips what is invalid.
func decodePolicy(data []byte, path string, log *slog.Logger) Policy {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil || raw == nil {
		log.Warn("settings: policy file is not a JSON object, ignored", "path", path, "err", err)
		return Policy{}
	}
	var pol Policy
	for key, val := range raw {
		if msg := pol.setKey(key, val); msg != "" {
			log.Warn("settings: policy value ignored: "+msg, "path", path, "key", key, "value", string(val))
		}
	}
	return pol
}

// setKey applies one policy entry; it returns why the entry was ignored, or "".
func (p *Policy) setKey(key string, val json.RawMessage) string {
	text, ok := scalarText(val)
	switch {
	case strings.EqualFold(key, KeyPollingFlag):
		n, okN := parseDecimal(text)
		if !ok || !okN || !PollingMode(n).Valid() {
			return "PollingFlag must be 0, 1 or 2"
		}
		p.Mode, p.HasMode = PollingMode(n), true
	case strings.EqualFold(key, KeyPollingPeriod):
		n, err := ValidatePollingPeriod(text)
		if !ok || err != nil {
			return "PollingPeriod must be 1 to 15 minutes"
		}
		p.PeriodMinutes, p.HasPeriod = n, true
	case strings.EqualFold(key, KeyPorts):
		ports, err := ParsePorts(text)
		if !ok || err != nil {
			return `Ports must be "port" or "first-last" with ports up to 65535`
		}
		p.Ports, p.HasPorts = ports, true
	default:
		return "unknown key"
	}
	return ""
}

// scalarText returns a JSON string's contents or a JSON number's literal.
func scalarText(val json.RawMessage) (string, bool) {
	var s string
	if err := json.Unmarshal(val, &s); err == nil {
		return s, true
	}
	var n json.Number
	if err := json.Unmarshal(val, &n); err == nil {
		return n.String(), true
	}
	return "", false
}
