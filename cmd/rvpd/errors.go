package main

import (
	"errors"
	"fmt"
	"strings"
)

// ConfigError is a configuration problem that stops rvpd. Source says where
// the value came from ("rvpd.conf:12", "flag -listen") and is empty for
// problems that span keys. Problem is the sentence that says what is allowed.
type ConfigError struct {
	Source   string
	Key      string
	Value    string
	HasValue bool // Value is shown (an empty value is shown as "")
	Problem  string
}

func (e *ConfigError) Error() string {
	var b strings.Builder
	b.WriteString("config: ")
	if e.Source != "" {
		b.WriteString(e.Source + ": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key)
		if e.HasValue {
			fmt.Fprintf(&b, " = %q", e.Value)
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Problem)
	return b.String()
}

// IsConfigError reports whether err is or wraps a *ConfigError.
func IsConfigError(err error) bool {
	var ce *ConfigError
	return errors.As(err, &ce)
}

// usageError is a command line that cannot be understood (unknown
// subcommand, missing argument). run prints it with a pointer to --help and
// exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{msg: fmt.Sprintf(format, args...)} }
