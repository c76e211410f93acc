package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"rendezvous/bench/internal/report"
	"rendezvous/bench/internal/rvpd"
)

const desktopContacts = 100

func runDesktop(ctx context.Context, e *env) (report.Section, error) {
	s := report.Section{Heading: "6. Desktop client"}
	g := goal{order: 6, name: "Desktop client memory", target: "RSS at or below Pidgin's", met: "not measured"}
	defer func() { e.goals.add(g) }()
	if miss := missingTools("Xvfb", "xdotool", "pidgin"); len(miss) > 0 {
		s.Text = []string{fmt.Sprintf("Not measured: %s not installed here "+
			"(Debian: apt-get install xvfb xdotool pidgin pidgin-librvp).", strings.Join(miss, ", "))}
		g.got, g.why = "-", s.Text[0]
		return s, nil
	}
	d, err := startXvfb(ctx, e)
	if err != nil {
		return s, err
	}
	defer d.stop()
	e.logf("desktop: Pidgin on %s", d.name)
	pidgin, err := measurePidgin(ctx, e, d.name)
	if err != nil {
		s.Text = []string{"Not measured: Pidgin could not be measured: " + err.Error()}
		g.got, g.why = "-", s.Text[0]
		return s, nil
	}
	e.logf("desktop: Rendezvous Messenger")
	ours, reason, err := measureOurs(ctx, e, d.name)
	if err != nil {
		reason = "the measurement failed: " + err.Error()
	}
	t := report.Table{Cols: []string{"client", "start to window", "start to signed in, contacts subscribed",
		"RSS at 60 s", "PSS at 60 s", "threads", "CPU 60-90 s (idle)"}}
	t.Rows = append(t.Rows, guiRow("Pidgin 2.14 + librvp 0.9.7 (Debian 12), offline", pidgin,
		"not possible (see below)"))
	if reason == "" {
		t.Rows = append(t.Rows, guiRow("Rendezvous Messenger", ours, ""))
	} else {
		t.Rows = append(t.Rows, []string{"Rendezvous Messenger", "not measured", "not measured", "not measured",
			"not measured", "-", "not measured"})
	}
	s.Text = []string{
		fmt.Sprintf("Each client runs alone under Xvfb (1024x768x24, software rendering) with a fresh home "+
			"directory and %d contacts on its list. Window time: from process start until xdotool sees its main "+
			"window visible. Memory: VmRSS and Pss (shared library pages divided among the processes that map "+
			"them) of the client process 60 s after start. Idle CPU: user+system CPU from 60 s to 90 s.", desktopContacts),
		"Pidgin cannot sign in to rvpd: librvp loses most of every HTTP response under Pidgin's GTK main loop " +
			"(it tests a stale errno after each successful read; see internal/interop/doc.go), so every request ends " +
			"after librvp's 30 s timeout whatever the server sends. Pidgin is therefore measured with the same RVP " +
			"account configured but not signed in (started with -n), which is a lower bound for its memory and CPU.",
	}
	if reason != "" {
		s.Text = append(s.Text, "Rendezvous Messenger not measured: "+reason)
		g.got, g.why = "Pidgin "+mib(pidgin.rss)+"; ours not measured", "Not measured: "+reason
	} else {
		g.got = fmt.Sprintf("ours %s, Pidgin %s (offline)", mib(ours.rss), mib(pidgin.rss))
		g.met = verdict(ours.rss <= pidgin.rss)
		if ours.rss > pidgin.rss {
			g.why = "Our client is a Go program drawing with OpenGL (Fyne, Mesa's software renderer under Xvfb) " +
				"with the Go runtime's heap and the renderer's threads and buffers in its own address space; Pidgin " +
				"is C on GTK 2, whose libraries are shared with other processes (compare the PSS column)."
		}
	}
	s.Tables = []report.Table{t}
	return s, nil
}

func guiRow(name string, r guiRun, signed string) []string {
	if signed == "" {
		signed = "never (within 60 s)"
		if r.signedIn > 0 {
			signed = r.signedIn.Round(time.Millisecond).String()
		}
	}
	win := "never (within 60 s)"
	if r.window > 0 {
		win = r.window.Round(time.Millisecond).String()
	}
	return []string{name, win, signed, mib(r.rss), mib(r.pss), fmt.Sprint(r.threads),
		fmt.Sprintf("%s (%.2f%% of one core)", r.idleCPU, 100*r.idleCPU.Seconds()/30)}
}

// measurePidgin writes a libpurple configuration with an RVP account and
// 100 buddies and measures Pidgin started with -n (no sign-in).
func measurePidgin(ctx context.Context, e *env, disp string) (guiRun, error) {
	home := filepath.Join(e.work, "pidgin-home")
	conf := filepath.Join(home, ".purple")
	if err := os.MkdirAll(conf, 0o700); err != nil {
		return guiRun{}, err
	}
	me := "me@" + rvpd.Domain
	var buddies strings.Builder
	for i := range desktopContacts {
		fmt.Fprintf(&buddies, "   <contact><buddy account='%s' proto='prpl-rvp'><name>c%03d@%s</name></buddy></contact>\n",
			me, i, rvpd.Domain)
	}
	files := map[string]string{
		"accounts.xml": "<?xml version='1.0' encoding='UTF-8' ?>\n<account version='1.0'>\n <account>\n" +
			"  <protocol>prpl-rvp</protocol>\n  <name>" + me + "</name>\n </account>\n</account>\n",
		"blist.xml": "<?xml version='1.0' encoding='UTF-8' ?>\n<purple version='1.0'>\n <blist>\n  <group name='Buddies'>\n" +
			buddies.String() + "  </group>\n </blist>\n</purple>\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(conf, name), []byte(body), 0o600); err != nil {
			return guiRun{}, err
		}
	}
	rt := filepath.Join(e.work, "pidgin-run")
	if err := os.MkdirAll(rt, 0o700); err != nil {
		return guiRun{}, err
	}
	cmd := exec.Command("pidgin", "-n", "-c", conf)
	cmd.Env = append(os.Environ(), "DISPLAY="+disp, "HOME="+home, "XDG_RUNTIME_DIR="+rt,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "NO_AT_BRIDGE=1")
	cmd.Stdout, cmd.Stderr = e.logs, e.logs
	return measureGUI(ctx, disp, cmd, "^Buddy List$", nil)
}
