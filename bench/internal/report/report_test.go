package report

import (
	"strings"
	"testing"
	"time"
)

func TestWriteMarkdownTables(t *testing.T) {
	d := &Doc{
		Command: "make bench",
		Started: time.Date(2026, 11, 22, 1, 2, 0, 0, time.UTC),
		Elapsed: 90 * time.Second,
		Machine: Machine{CPU: "test cpu", Cores: 2, Go: "go1.26"},
		Sections: []Section{{
			Heading: "1. Floor",
			Text:    []string{"para"},
			Tables:  []Table{{Cols: []string{"a", "b"}, Rows: [][]string{{"1", "2"}, {"3", "4"}}}},
		}},
	}
	var b strings.Builder
	if err := WriteMarkdown(&b, d); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	want := []string{"## 1. Floor", "para", "| a | b |", "| --- | --- |", "| 1 | 2 |", "| 3 | 4 |"}
	got := nonEmptyFrom(lines, "## 1. Floor")
	if len(got) < len(want) {
		t.Fatalf("section lines = %q, want prefix %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, got[i], want[i])
		}
	}
	for _, l := range []string{"Command: `make bench`", "- CPU: test cpu", "- Logical CPUs: 2", "Run: 2026-11-22 01:02 UTC, 1m30s"} {
		if !contains(lines, l) {
			t.Errorf("missing line %q", l)
		}
	}
}

func nonEmptyFrom(lines []string, first string) []string {
	var out []string
	on := false
	for _, l := range lines {
		on = on || l == first
		if on && l != "" {
			out = append(out, l)
		}
	}
	return out
}

func contains(lines []string, l string) bool {
	for _, x := range lines {
		if x == l {
			return true
		}
	}
	return false
}

func TestDescribeReadsProc(t *testing.T) {
	m := Describe(t.TempDir())
	if m.Cores < 1 || m.Kernel == "" || m.Go == "" {
		t.Fatalf("Describe() = %+v: cores, kernel and Go must be known on Linux", m)
	}
	if m.TempFS == "" {
		t.Errorf("Describe() found no file system for the temp dir")
	}
}
