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
)

const desktopContacts = 100

func runDesktop(ctx context.Context, e *env) (report.Section, error) {
	s := report.Section{Heading: "6. Desktop client"}
	g := goal{order: 6, name: "Desktop client memory", target: "RSS at or below Pidgin's", met: "not measured"}
	defer func() { e.goals.add(g) }()
	if miss := missingTools("Xvfb", "xdotool", "pidgin", "ngircd"); len(miss) > 0 {
		s.Text = []string{fmt.Sprintf("Not measured: %s not installed here "+
			"(Debian: apt-get install xvfb xdotool pidgin ngircd).", strings.Join(miss, ", "))}
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
	t := report.Table{Cols: []string{"client", "start to window", "start to signed in",
		"start to contact list shown after sign-in", "RSS at 60 s", "of which anonymous", "PSS at 60 s", "threads",
		"CPU 60-90 s (idle)"}}
	t.Rows = append(t.Rows, guiRow("Pidgin 2.14 (Debian 12), IRC to a loopback ngircd", pidgin))
	if reason == "" {
		t.Rows = append(t.Rows, guiRow("Rendezvous Messenger", ours))
	} else {
		t.Rows = append(t.Rows, []string{"Rendezvous Messenger", "not measured", "not measured", "not measured",
			"not measured", "not measured", "not measured", "-", "not measured"})
	}
	s.Text = []string{
		fmt.Sprintf("Each client runs alone under Xvfb (1024x768x24, software rendering) with a fresh home "+
			"directory and %d contacts on its list. Window time: from process start until xdotool sees its main "+
			"window visible; contact list shown after sign-in is the later of that and signed in (the list is drawn as "+
			"soon as both hold; checked by screenshot during development). Memory: VmRSS and Pss (shared library pages divided among the processes that map "+
			"them) of the client process 60 s after start. Idle CPU: user+system CPU from 60 s to 90 s.", desktopContacts),
		"Rendezvous Messenger signs in to a fresh rvpd in Polling mode with the password from a real keyring " +
			"(gnome-keyring in a private D-Bus session), its 100 contacts all online; signed in means rvpd holds its " +
			"login subscription and one presence subscription per contact.",
		"Pidgin cannot sign in to rvpd: librvp loses most of every HTTP response under Pidgin's GTK main loop " +
			"(it tests a stale errno after each successful read; see internal/interop/doc.go), so every request ends " +
			"after librvp's 30 s timeout whatever the server sends. Pidgin is therefore measured signed in to an IRC " +
			"server on loopback (Debian's ngircd) with 100 buddies that are all online, which is the same work for " +
			"the client: connect, sign in, show 100 online contacts. Signed in means the server reports Pidgin's nick " +
			"as connected (ISON); Pidgin then asks for its buddies' presence. Pidgin's tray icon is turned off " +
			"(Xvfb has no tray; with the icon on, Pidgin keeps its buddy list hidden for about 5 s waiting for one).",
	}
	if reason != "" {
		s.Text = append(s.Text, "Rendezvous Messenger not measured: "+reason)
		g.got, g.why = "Pidgin "+mib(pidgin.rss)+"; ours not measured", "Not measured: "+reason
	} else {
		g.got = fmt.Sprintf("ours %s, Pidgin %s", mib(ours.rss), mib(pidgin.rss))
		g.met = verdict(ours.rss <= pidgin.rss)
		if ours.rss > pidgin.rss {
			g.why = fmt.Sprintf("Of our client's %s resident, %s is anonymous memory (Pidgin: %s): the Go heap and "+
				"stacks, and what Fyne's OpenGL drawing keeps in the process, which under Xvfb is Mesa's software "+
				"renderer with its own worker threads (%d threads against Pidgin's %d) and its frame and texture "+
				"buffers in ordinary memory. Pidgin draws with GTK 2 through X11 and keeps nothing of the kind. "+
				"A desktop with a GPU driver moves part of this out of the process; the harness has no GPU to show it.",
				mib(ours.rss), mib(ours.anon), mib(pidgin.anon), ours.threads, pidgin.threads)
		}
	}
	s.Tables = []report.Table{t}
	return s, nil
}

func guiRow(name string, r guiRun) []string {
	never := "never (within 60 s)"
	win, signed, shown := never, never, never
	if r.window > 0 {
		win = r.window.Round(time.Millisecond).String()
	}
	if r.signedIn > 0 {
		signed = r.signedIn.Round(time.Millisecond).String()
	}
	if r.window > 0 && r.signedIn > 0 {
		shown = max(r.window, r.signedIn).Round(time.Millisecond).String()
	}
	return []string{name, win, signed, shown, mib(r.rss), mib(r.anon), mib(r.pss), fmt.Sprint(r.threads),
		fmt.Sprintf("%s (%.2f%% of one core)", r.idleCPU, 100*r.idleCPU.Seconds()/30)}
}

// measurePidgin signs Pidgin in to a loopback IRC server with 100 online
// buddies and measures it.
func measurePidgin(ctx context.Context, e *env, disp string) (guiRun, error) {
	d, err := startIRCd(ctx, e)
	if err != nil {
		return guiRun{}, err
	}
	defer d.stop()
	var nicks []string
	for i := range desktopContacts {
		nicks = append(nicks, fmt.Sprintf("c%03d", i))
	}
	stopBuddies, err := startIRCBuddies(d.addr, nicks)
	if err != nil {
		return guiRun{}, err
	}
	defer stopBuddies()
	obs, err := ircRegister(d.addr, "benchobs")
	if err != nil {
		return guiRun{}, err
	}
	defer obs.c.Close()
	home := filepath.Join(e.work, "pidgin-home")
	conf := filepath.Join(home, ".purple")
	if err := os.MkdirAll(conf, 0o700); err != nil {
		return guiRun{}, err
	}
	host, port, _ := strings.Cut(d.addr, ":")
	me := "me@" + host
	var buddies strings.Builder
	for _, n := range nicks {
		fmt.Fprintf(&buddies, "   <contact><buddy account='%s' proto='prpl-irc'><name>%s</name></buddy></contact>\n", me, n)
	}
	files := map[string]string{
		"accounts.xml": "<?xml version='1.0' encoding='UTF-8' ?>\n<account version='1.0'>\n <account>\n" +
			"  <protocol>prpl-irc</protocol>\n  <name>" + me + "</name>\n" +
			"  <settings>\n   <setting name='port' type='int'>" + port + "</setting>\n" +
			"   <setting name='ssl' type='bool'>0</setting>\n  </settings>\n" +
			"  <settings ui='gtk-gaim'>\n   <setting name='auto-login' type='bool'>1</setting>\n  </settings>\n" +
			" </account>\n</account>\n",
		"blist.xml": "<?xml version='1.0' encoding='UTF-8' ?>\n<purple version='1.0'>\n <blist>\n  <group name='Buddies'>\n" +
			buddies.String() + "  </group>\n </blist>\n</purple>\n",
		// No tray icon: Xvfb has no tray, and Pidgin would keep its buddy
		// list hidden for seconds waiting for one to embed its icon.
		"prefs.xml": "<?xml version='1.0' encoding='UTF-8' ?>\n<pref version='1' name='/'>\n <pref name='pidgin'>\n" +
			"  <pref name='docklet'>\n   <pref name='show' type='string' value='never'/>\n  </pref>\n </pref>\n</pref>\n",
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
	bin, err := exec.LookPath("pidgin")
	if err != nil {
		return guiRun{}, err
	}
	if bin, err = filepath.EvalSymlinks(bin); err != nil {
		return guiRun{}, err
	}
	// In a private D-Bus session, like our app, so neither waits for a bus.
	cmd := exec.Command("dbus-run-session", "--", bin, "-c", conf)
	cmd.Env = append(os.Environ(), "DISPLAY="+disp, "HOME="+home, "XDG_RUNTIME_DIR="+rt,
		"XDG_CONFIG_HOME="+filepath.Join(home, ".config"), "NO_AT_BRIDGE=1")
	cmd.Stdout, cmd.Stderr = e.logs, e.logs
	w := &ircWatcher{u: obs, nick: "me"}
	return measureGUIPid(ctx, disp, cmd, bin, "^Buddy List$", w.online)
}
