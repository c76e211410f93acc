package settings

import (
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"
)

// Port limits of the Fixed Port(s) mode (POLLING.md section 1).
const (
	MinPort = 1025
	MaxPort = 65535
)

// Ports is the Fixed Port(s) range: a single port ("5000", From == To) or an
// inclusive range ("5000-5010"). The zero value means "no ports configured".
// Ports is a plain value; copies are independent.
type Ports struct {
	From, To int
}

// errPortsSyntax is wrapped by ParsePorts for text that is not a port range.
var errPortsSyntax = errors.New("not a port or port range")

// ParsePorts parses "5000" or "5000-5010" (spaces around the numbers and the
// dash are allowed). It checks syntax only: each number must be a decimal in
// 1..65535 and From <= To. Whether the ports are permissible (>= 1025) is
// Valid's question, because a policy value below 1025 is not ignored but
// makes the client fall back to Default mode (POLLING.md section 1).
func ParsePorts(s string) (Ports, error) {
	fromText, toText, isRange := strings.Cut(s, "-")
	from, err := parsePort(fromText)
	if err != nil {
		return Ports{}, fmt.Errorf("settings: ports %q: %w", s, err)
	}
	to := from
	if isRange {
		if to, err = parsePort(toText); err != nil {
			return Ports{}, fmt.Errorf("settings: ports %q: %w", s, err)
		}
	}
	if from > to {
		return Ports{}, fmt.Errorf("settings: ports %q: first port above last: %w", s, errPortsSyntax)
	}
	return Ports{From: from, To: to}, nil
}

func parsePort(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 5 || strings.TrimLeft(s, "0123456789") != "" {
		return 0, errPortsSyntax
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxPort {
		return 0, errPortsSyntax
	}
	return n, nil
}

// String formats p as ParsePorts reads it: "5000" or "5000-5010"; the zero
// value formats as "".
func (p Ports) String() string {
	switch {
	case p.IsZero():
		return ""
	case p.From == p.To:
		return strconv.Itoa(p.From)
	default:
		return strconv.Itoa(p.From) + "-" + strconv.Itoa(p.To)
	}
}

// IsZero reports whether no ports are configured.
func (p Ports) IsZero() bool { return p == Ports{} }

// Valid reports whether every port lies in MinPort..MaxPort and From <= To.
func (p Ports) Valid() bool {
	return p.From >= MinPort && p.To <= MaxPort && p.From <= p.To
}

// Len returns how many ports the range holds (0 for an invalid range).
func (p Ports) Len() int {
	if p.IsZero() || p.From > p.To {
		return 0
	}
	return p.To - p.From + 1
}

// All yields every port from From to To in order: the order in which the
// callback listener tries to bind them.
func (p Ports) All() iter.Seq[int] {
	return func(yield func(int) bool) {
		if p.IsZero() {
			return
		}
		for port := p.From; port <= p.To; port++ {
			if !yield(port) {
				return
			}
		}
	}
}

// MarshalText implements encoding.TextMarshaler (JSON writes a string).
func (p Ports) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler; "" is the zero value.
func (p *Ports) UnmarshalText(b []byte) error {
	if strings.TrimSpace(string(b)) == "" {
		*p = Ports{}
		return nil
	}
	v, err := ParsePorts(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}
