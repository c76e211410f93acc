package settings

import (
	"net"
	"strconv"
	"strings"
)

// Polling period limits in minutes (POLLING.md section 5).
const (
	DefaultPollingPeriod = 10
	MinPollingPeriod     = 1
	MaxPollingPeriod     = 15
)

// ConnectionChangedNotice is the exact notice the Connection Configuration
// dialog shows after OK with valid values (POLLING.md section 6).
const ConnectionChangedNotice = "The changes you made to your connection configuration won't take effect until the next time you sign in"

// User-facing messages carried by *ValidationError (and returned by its Error).
const (
	MsgPollingFlag   = "Please choose Default, Polling or Fixed Port(s)."
	MsgPollingPeriod = "Please enter a value between 1 and 15 minutes for how often polling should occur."
	MsgPortsRange    = "Please enter ports in the permissible range 1025 to 65535."
	MsgPortsOrder    = "The first port must not be greater than the last port. The permissible range is 1025 to 65535."
	MsgPortsMissing  = "Please enter the port, or the first and last port of a range, for Fixed Port(s). The permissible range is 1025 to 65535."
	MsgServer        = "Please enter a server name such as im.example.com, optionally followed by a colon and a port number."
)

// Setting keys, as written in settings and policy files and as carried by
// ValidationError.Key.
const (
	KeyPollingFlag   = "PollingFlag"
	KeyPollingPeriod = "PollingPeriod"
	KeyPorts         = "Ports"
	KeyServer        = "Server"
)

func invalid(key, msg string) *ValidationError {
	return &ValidationError{Key: key, Message: msg}
}

// ValidatePollingFlag accepts 0 (Default), 1 (Polling) and 2 (Fixed Port(s)).
func ValidatePollingFlag(flag int) (PollingMode, error) {
	m := PollingMode(flag)
	if !m.Valid() {
		return ModeDefault, invalid(KeyPollingFlag, MsgPollingFlag)
	}
	return m, nil
}

// ValidatePollingPeriod parses the dialog's "How often should polling occur
// (in minutes)" field. It refuses an empty field, anything but decimal digits
// (surrounding spaces are allowed), and values below 1 or above 15, with
// MsgPollingPeriod.
func ValidatePollingPeriod(s string) (int, error) {
	n, ok := parseDecimal(s)
	if !ok || n < MinPollingPeriod || n > MaxPollingPeriod {
		return 0, invalid(KeyPollingPeriod, MsgPollingPeriod)
	}
	return n, nil
}

// ValidatePorts parses the dialog's Fixed Port(s) "from" and "to" fields. An
// empty "to" means the single port "from". It refuses an empty or non-numeric
// "from", a non-numeric "to", ports outside 1025..65535 (MsgPortsRange) and
// from > to (MsgPortsOrder); every message names the permissible range.
func ValidatePorts(from, to string) (Ports, error) {
	if strings.TrimSpace(from) == "" {
		return Ports{}, invalid(KeyPorts, MsgPortsMissing)
	}
	if strings.TrimSpace(to) == "" {
		to = from
	}
	f, okF := parseDecimal(from)
	t, okT := parseDecimal(to)
	if !okF || !okT || f < MinPort || f > MaxPort || t < MinPort || t > MaxPort {
		return Ports{}, invalid(KeyPorts, MsgPortsRange)
	}
	if f > t {
		return Ports{}, invalid(KeyPorts, MsgPortsOrder)
	}
	return Ports{From: f, To: t}, nil
}

// validatePortsValue checks a Ports value for SetConnection; required tells
// whether the zero value is refused.
func validatePortsValue(p Ports, required bool) error {
	switch {
	case p.IsZero() && required:
		return invalid(KeyPorts, MsgPortsMissing)
	case p.IsZero():
		return nil
	case p.From > p.To:
		return invalid(KeyPorts, MsgPortsOrder)
	case !p.Valid():
		return invalid(KeyPorts, MsgPortsRange)
	}
	return nil
}

// ValidateServer checks a server override: "" (no override), a host name or
// IP address, optionally with ":port" (IPv6 addresses in brackets when a port
// follows). It returns the trimmed value.
func ValidateServer(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	host := s
	if h, port, err := net.SplitHostPort(s); err == nil {
		if n, ok := parseDecimal(port); !ok || n < 1 || n > MaxPort {
			return "", invalid(KeyServer, MsgServer)
		}
		host = h
	}
	if !validHost(host) {
		return "", invalid(KeyServer, MsgServer)
	}
	return s, nil
}

func validHost(h string) bool {
	if net.ParseIP(h) != nil {
		return true
	}
	if h == "" || len(h) > 253 || strings.HasPrefix(h, ".") || strings.Contains(h, "..") {
		return false
	}
	for _, label := range strings.Split(strings.TrimSuffix(h, "."), ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !isAlnum(c) && c != '-' {
				return false
			}
		}
	}
	return true
}

func isAlnum(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// parseDecimal accepts optional surrounding spaces around 1 to 9 decimal
// digits; it refuses signs, points and everything else.
func parseDecimal(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 9 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}
