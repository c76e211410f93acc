package report

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Table is one result table. Rows hold already formatted cells.
type Table struct {
	Cols []string
	Rows [][]string
}

// Section is one figure: a heading, prose (what was measured, how, and how
// it compares with the goal) and its tables.
type Section struct {
	Heading string
	Text    []string // paragraphs before the tables
	Tables  []Table
	After   []string // paragraphs after the tables
}

// Doc is one complete run.
type Doc struct {
	Command  string
	Started  time.Time
	Elapsed  time.Duration
	Machine  Machine
	LoadPre  string // load averages before the run
	LoadPost string // and after it
	Preamble []string
	Sections []Section
}

// WriteMarkdown writes the run as docs/BENCHMARKS.md.
func WriteMarkdown(w io.Writer, d *Doc) error {
	var b strings.Builder
	b.WriteString("# Benchmarks\n\n")
	b.WriteString("Every figure below comes from one run of the command below on the machine below; nothing\n")
	b.WriteString("is edited by hand. Run it again to reproduce (about 10 minutes, more when the desktop app\n")
	b.WriteString("needs a cold build; loopback only). Figures from a busy machine are not comparable, hence the\n")
	b.WriteString("load average below.\n\n")
	fmt.Fprintf(&b, "Command: `%s`\n\n", d.Command)
	fmt.Fprintf(&b, "Run: %s, %s\n\n", d.Started.UTC().Format("2006-01-02 15:04 MST"), d.Elapsed.Round(time.Second))
	b.WriteString("Machine:\n\n")
	for _, l := range d.Machine.Lines() {
		fmt.Fprintf(&b, "- %s\n", l)
	}
	fmt.Fprintf(&b, "- Load average (1, 5, 15 min) before the run: %s; after it: %s\n", orUnknown(d.LoadPre), orUnknown(d.LoadPost))
	b.WriteString("\n")
	for _, p := range d.Preamble {
		b.WriteString(p + "\n\n")
	}
	for _, s := range d.Sections {
		fmt.Fprintf(&b, "## %s\n\n", s.Heading)
		for _, p := range s.Text {
			b.WriteString(p + "\n\n")
		}
		for _, t := range s.Tables {
			writeMDTable(&b, t)
		}
		for _, p := range s.After {
			b.WriteString(p + "\n\n")
		}
		fmt.Fprintf(&b, "_Measured by `%s` on %s._\n\n", d.Command, d.Machine.Short())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeMDTable(b *strings.Builder, t Table) {
	b.WriteString("| " + strings.Join(t.Cols, " | ") + " |\n")
	b.WriteString("|" + strings.Repeat(" --- |", len(t.Cols)) + "\n")
	for _, r := range t.Rows {
		b.WriteString("| " + strings.Join(r, " | ") + " |\n")
	}
	b.WriteString("\n")
}

// WriteText prints one section as aligned columns for the terminal, with
// the command and the machine at its foot.
func WriteText(w io.Writer, s Section, command string, m Machine) {
	fmt.Fprintf(w, "\n== %s ==\n", s.Heading)
	for _, t := range s.Tables {
		width := make([]int, len(t.Cols))
		for i, c := range t.Cols {
			width[i] = len(c)
		}
		for _, r := range t.Rows {
			for i, c := range r {
				if i < len(width) {
					width[i] = max(width[i], len(c))
				}
			}
		}
		printRow(w, t.Cols, width)
		for _, r := range t.Rows {
			printRow(w, r, width)
		}
		fmt.Fprintln(w)
	}
	for _, p := range append(s.Text, s.After...) {
		fmt.Fprintf(w, "%s\n", p)
	}
	fmt.Fprintf(w, "(measured by `%s` on %s)\n", command, m.Short())
}

func printRow(w io.Writer, cells []string, width []int) {
	var b strings.Builder
	for i, c := range cells {
		if i < len(width) {
			fmt.Fprintf(&b, "%-*s  ", width[i], c)
		}
	}
	fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
}
