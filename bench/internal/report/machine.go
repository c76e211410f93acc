// Package report describes the machine a benchmark ran on and writes the
// results as a plain-text table for the terminal and as the Markdown file
// docs/BENCHMARKS.md.
//
// Values are plain data; nothing here is shared between goroutines.
package report

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"syscall"
)

// Machine is what a reader needs to compare figures between machines.
type Machine struct {
	CPU        string // model name from /proc/cpuinfo
	Cores      int    // logical CPUs the Go runtime sees
	RAM        string // MemTotal, GiB
	Kernel     string // uname release
	OS         string // PRETTY_NAME from /etc/os-release
	Go         string // toolchain that built the harness
	TempFS     string // file system type of the directory rvpd's database lives in
	OpenFiles  string // RLIMIT_NOFILE soft/hard
	PortsRange string // net.ipv4.ip_local_port_range
}

// Describe reads the machine description from /proc and the runtime.
// Fields it cannot read say "unknown"; it never fails.
func Describe(dataDir string) Machine {
	m := Machine{
		CPU:        firstField("/proc/cpuinfo", "model name"),
		Cores:      runtime.NumCPU(),
		RAM:        memTotal(),
		Kernel:     readTrim("/proc/sys/kernel/osrelease"),
		OS:         strings.Trim(firstKV("/etc/os-release", "PRETTY_NAME"), `"`),
		Go:         runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		TempFS:     fsType(dataDir),
		PortsRange: strings.Join(strings.Fields(readTrim("/proc/sys/net/ipv4/ip_local_port_range")), "-"),
	}
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err == nil {
		m.OpenFiles = fmt.Sprintf("%d (hard %d)", rl.Cur, rl.Max)
	}
	return m
}

// LoadAvg returns the 1-, 5- and 15-minute load averages from
// /proc/loadavg ("" if unreadable). Figures measured on a loaded machine
// are not comparable, so the report prints them.
func LoadAvg() string {
	f := strings.Fields(readTrim("/proc/loadavg"))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

// Short is the description on one line, for the foot of each figure.
func (m Machine) Short() string {
	return fmt.Sprintf("%s, %d logical CPUs, %s RAM, Linux %s, %s", orUnknown(m.CPU), m.Cores, orUnknown(m.RAM),
		orUnknown(m.Kernel), m.Go)
}

// Lines renders the description as "key: value" lines.
func (m Machine) Lines() []string {
	return []string{
		"CPU: " + orUnknown(m.CPU),
		"Logical CPUs: " + strconv.Itoa(m.Cores),
		"RAM: " + orUnknown(m.RAM),
		"OS: " + orUnknown(m.OS),
		"Kernel: " + orUnknown(m.Kernel),
		"Go: " + m.Go,
		"rvpd database file system: " + orUnknown(m.TempFS),
		"Open files per process: " + orUnknown(m.OpenFiles),
		"Ephemeral ports: " + orUnknown(m.PortsRange),
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// firstField returns the value of the first "key : value" line of a
// /proc file such as cpuinfo.
func firstField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// firstKV returns the value of the first KEY=value line.
func firstKV(path, key string) string {
	for line := range strings.Lines(readTrim(path)) {
		k, v, ok := strings.Cut(strings.TrimSpace(line), "=")
		if ok && k == key {
			return v
		}
	}
	return ""
}

func memTotal() string {
	f := strings.Fields(firstField("/proc/meminfo", "MemTotal"))
	if len(f) < 1 {
		return ""
	}
	kb, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return ""
	}
	return fmt.Sprintf("%.1f GiB", kb/(1<<20))
}

// fsType names the file system that holds dir, from /proc/self/mounts
// (longest mount point that prefixes dir).
func fsType(dir string) string {
	best, typ := "", ""
	for line := range strings.Lines(readTrim("/proc/self/mounts")) {
		f := strings.Fields(line)
		if len(f) < 3 {
			continue
		}
		mp := f[1]
		if (dir == mp || strings.HasPrefix(dir, strings.TrimSuffix(mp, "/")+"/")) && len(mp) > len(best) {
			best, typ = mp, f[2]
		}
	}
	if typ == "" {
		return ""
	}
	return typ + " (" + dir + " on " + best + ")"
}
