package interop

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// purple talks to libpurple's D-Bus interface (im.pidgin.purple.PurpleService)
// in finch through the dbus-send tool.
type purple struct {
	bus string // session bus address
}

// Object and interface of libpurple's D-Bus API.
const (
	purpleService = "im.pidgin.purple.PurpleService"
	purpleObject  = "/im/pidgin/purple/PurpleObject"
	purpleIface   = "im.pidgin.purple.PurpleInterface"
)

// libpurple enumerations used over D-Bus.
const (
	purpleConvIM = 1 // PURPLE_CONV_TYPE_IM
)

// call invokes method with dbus-send argument specs ("string:x", "int32:1")
// and returns the reply values, one per line, without their type words.
func (p purple) call(ctx context.Context, method string, args ...string) ([]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	argv := append([]string{"--bus=" + p.bus, "--print-reply", "--dest=" + purpleService,
		purpleObject, purpleIface + "." + method}, args...)
	out, err := exec.CommandContext(ctx, "dbus-send", argv...).CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("interop: D-Bus %s(%s): %v: %s", method, strings.Join(args, ", "), err, out)
	}
	var vals []string
	for i, line := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
		if i == 0 { // "method return time=... sender=..."
			continue
		}
		vals = append(vals, monitorValue(line))
	}
	return vals, nil
}

// callInt invokes a method that returns one integer (an object id or a
// gboolean).
func (p purple) callInt(ctx context.Context, method string, args ...string) (int, error) {
	vals, err := p.call(ctx, method, args...)
	if err != nil {
		return 0, err
	}
	if len(vals) != 1 {
		return 0, fmt.Errorf("interop: D-Bus %s returned %q, want one value", method, vals)
	}
	n, err := strconv.Atoi(vals[0])
	if err != nil {
		return 0, fmt.Errorf("interop: D-Bus %s returned %q: %w", method, vals[0], err)
	}
	return n, nil
}

// callString invokes a method that returns one string.
func (p purple) callString(ctx context.Context, method string, args ...string) (string, error) {
	vals, err := p.call(ctx, method, args...)
	if err != nil {
		return "", err
	}
	if len(vals) != 1 {
		return "", fmt.Errorf("interop: D-Bus %s returned %q, want one value", method, vals)
	}
	return vals[0], nil
}

// buddyStatus returns the id of the active status of the buddy name as
// account sees it ("online", "away", "offline", ...).
func (p purple) buddyStatus(ctx context.Context, account int, name string) (string, error) {
	buddy, err := p.callInt(ctx, "PurpleFindBuddy", i32(account), "string:"+name)
	if err != nil {
		return "", err
	}
	if buddy == 0 {
		return "", fmt.Errorf("interop: %s is not on the buddy list", name)
	}
	presence, err := p.callInt(ctx, "PurpleBuddyGetPresence", i32(buddy))
	if err != nil {
		return "", err
	}
	status, err := p.callInt(ctx, "PurplePresenceGetActiveStatus", i32(presence))
	if err != nil {
		return "", err
	}
	return p.callString(ctx, "PurpleStatusGetId", i32(status))
}

func i32(n int) string { return "int32:" + strconv.Itoa(n) }

// signal is one libpurple D-Bus signal as dbus-monitor printed it.
type signal struct {
	Member string
	Args   []string // values without type words; strings unquoted
}

// monitorSignals runs dbus-monitor on libpurple's signals and records them.
func monitorSignals(t *testing.T, bus string) *eventLog[signal] {
	t.Helper()
	cmd := exec.Command("dbus-monitor", "--address", bus,
		"type='signal',interface='"+purpleIface+"'")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p, err := startProc(cmd)
	if err != nil {
		t.Fatalf("interop: start dbus-monitor: %v", err)
	}
	log := newEventLog[signal]()
	parsed := make(chan struct{})
	go func() {
		defer close(parsed)
		parseMonitor(bufio.NewScanner(out), log.add)
	}()
	t.Cleanup(func() {
		_ = p.stop(syscall.SIGTERM, 5*time.Second)
		<-parsed
	})
	return log
}

// signalArity is the argument count of the libpurple signals the test
// waits for; such a signal is recorded as soon as its last argument is read.
// (dbus-monitor ends a message with nothing, so other signals are recorded
// only when the next message begins.)
var signalArity = map[string]int{
	"AccountSignedOn":        1,
	"AccountSignedOff":       1,
	"AccountConnectionError": 3,
	"BuddySignedOn":          1,
	"ChatJoined":             1,
	"BuddySignedOff":         1,
	"BuddyStatusChanged":     3,
	"BuddyTyping":            2,
	"BuddyTypingStopped":     2,
	"ReceivedImMsg":          5,
	"ReceivedChatMsg":        5,
	"SentImMsg":              3,
	"WroteImMsg":             5,
}

// parseMonitor turns dbus-monitor's text output into signals: a header line
// "signal time=... member=Name" followed by indented "type value" lines.
func parseMonitor(sc *bufio.Scanner, emit func(signal)) {
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	var cur *signal
	flush := func() {
		if cur != nil {
			emit(*cur)
			cur = nil
		}
	}
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, " ") {
			flush()
			if i := strings.Index(line, "member="); strings.HasPrefix(line, "signal ") && i >= 0 {
				cur = &signal{Member: strings.Fields(line[i+len("member="):])[0]}
			}
			continue
		}
		if cur == nil {
			continue
		}
		cur.Args = append(cur.Args, monitorValue(line))
		if n, ok := signalArity[cur.Member]; ok && len(cur.Args) == n {
			flush()
		}
	}
	flush()
}

// monitorValue strips the type word and, for strings, the quotes (which
// dbus-monitor does not escape inside the value).
func monitorValue(line string) string {
	_, v, _ := strings.Cut(strings.TrimSpace(line), " ")
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' {
		v = v[1 : len(v)-1]
	}
	return v
}
