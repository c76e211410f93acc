package main

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"rendezvous/internal/rvpwire"
	"rendezvous/rvpserver"
)

// userArgs are the user command words followed by the flags that point at
// dir.
func userArgs(dir string, words ...string) []string {
	return append(words, "-data-dir", dir, "-domains", testDomain)
}

// listUsers runs "rvpd user list" and returns its rows (alias, display
// name) without the header.
func listUsers(t *testing.T, dir string) [][2]string {
	t.Helper()
	code, out, stderr := runCmd(t, "", userArgs(dir, "user", "list")...)
	if code != exitOK {
		t.Fatalf("user list: %d %s", code, stderr)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	if !sc.Scan() || strings.Fields(sc.Text())[0] != "ALIAS" {
		t.Fatalf("user list: no header in %q", out)
	}
	var rows [][2]string
	for sc.Scan() {
		alias, name, _ := strings.Cut(sc.Text(), " ")
		rows = append(rows, [2]string{alias, strings.TrimSpace(name)})
	}
	return rows
}

// authStatus answers whether alias/password is accepted by a server running
// in process on the database in dir: it signs in for polling and returns the
// status (200, or 401 for refused credentials).
func authStatus(t *testing.T, dir, alias, password string) int {
	t.Helper()
	st, err := rvpserver.OpenBolt(filepath.Join(dir, "rvpd.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv, err := rvpserver.New(&rvpserver.Options{Domains: []string{testDomain}, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Start(t.Context()); err != nil {
		t.Fatal(err)
	}
	defer srv.Shutdown(t.Context())
	hs := httptest.NewServer(srv)
	defer hs.Close()
	c := newRVPClient(t, hs.URL, alias, password)
	h := http.Header{}
	h.Set("Notification-Type", string(rvpwire.PragmaNotify))
	h.Set("Call-Back", rvpwire.CallBackPoll)
	resp, err := c.do(t.Context(), rvpwire.MethodSubscribe, rvpwire.AliasesPath+alias, h, nil)
	if err != nil && resp == nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestUserCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data") // created by the first user add
	steps := []struct {
		name       string
		stdin      string
		args       []string
		code       int
		out, errOu string
	}{
		{"list before any database", "", userArgs(dir, "user", "list"), exitFailure, "",
			"rvpd: user list: no database at " + dir + "/rvpd.db (check DataDir)\n"},
		{"add from stdin", "alice-pw\n", userArgs(dir, "user", "add", "alice"), exitOK, "added user alice\n", ""},
		{"add with display name", "bob-pw\r\n", append(userArgs(dir, "user", "add", "bob"), "--display-name", "Bob Example"), exitOK, "added user bob\n", ""},
		{"add flags first", "carol-pw", []string{"-data-dir", dir, "-domains", testDomain, "user", "add", "-display-name=Carol C", "carol"}, exitOK, "added user carol\n", ""},
		{"add twice", "x\n", userArgs(dir, "user", "add", "alice"), exitFailure, "", "rvpd: user add alice: user already exists\n"},
		{"add other case", "x\n", userArgs(dir, "user", "add", "ALICE"), exitFailure, "", "rvpd: user add ALICE: user already exists\n"},
		{"add bad alias", "x\n", userArgs(dir, "user", "add", "al ice"), exitFailure, "",
			"rvpd: user add al ice: invalid alias: use 1 to 64 letters, digits, '.', '_' or '-'\n"},
		{"add empty stdin", "", userArgs(dir, "user", "add", "dave"), exitFailure, "",
			"rvpd: user add dave: reading the password from stdin: no password given: unexpected EOF\n"},
		{"add empty line", "\n", userArgs(dir, "user", "add", "dave"), exitFailure, "", "rvpd: user add dave: the password is empty\n"},
		{"passwd missing user", "x\n", userArgs(dir, "user", "passwd", "zed"), exitFailure, "", "rvpd: user passwd zed: no such user\n"},
		{"passwd", "alice-new\n", userArgs(dir, "user", "passwd", "alice"), exitOK, "changed the password of alice\n", ""},
		{"del", "", userArgs(dir, "user", "del", "carol"), exitOK, "deleted user carol\n", ""},
		{"del again", "", userArgs(dir, "user", "del", "carol"), exitFailure, "", "rvpd: user del carol: no such user\n"},
		{"no domains", "", []string{"user", "list", "-data-dir", dir}, exitUsage, "",
			"rvpd: config: Domains: required: set the IM domains this server is home for (Domains = example.com in the config file, or -domains example.com)\n"},
	}
	for _, s := range steps {
		code, out, errOut := runCmd(t, s.stdin, s.args...)
		if code != s.code || out != s.out || errOut != s.errOu {
			t.Errorf("%s: rvpd %q\n got %d %q %q\nwant %d %q %q", s.name, s.args, code, out, errOut, s.code, s.out, s.errOu)
		}
	}
	want := [][2]string{{"alice", "alice"}, {"bob", "Bob Example"}} // rvpserver defaults the display name to the alias
	if got := listUsers(t, dir); !reflect.DeepEqual(got, want) {
		t.Errorf("user list = %q, want %q", got, want)
	}
	if fi, err := os.Stat(dir); err != nil || fi.Mode().Perm() != 0o700 {
		t.Errorf("DataDir %v, %v; want mode 0700", fi.Mode(), err)
	}
	// The stored credentials are the ones given, and passwd replaced them.
	for _, c := range []struct {
		alias, pw string
		code      int
	}{{"alice", "alice-new", 200}, {"alice", "alice-pw", 401}, {"bob", "bob-pw", 200}, {"bob", "bob-pw\r", 401}} {
		if got := authStatus(t, dir, c.alias, c.pw); got != c.code {
			t.Errorf("sign-in %s with %q: %d, want %d", c.alias, c.pw, got, c.code)
		}
	}
}

func TestUserPasswordFile(t *testing.T) {
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte("from-file\nsecond line is ignored\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, "not this\n", append(userArgs(dir, "user", "add", "erin"), "-password-file", pwFile)...)
	if code != exitOK {
		t.Fatalf("user add -password-file: %d %s", code, stderr)
	}
	if got := authStatus(t, dir, "erin", "from-file"); got != 200 {
		t.Errorf("sign-in with the file's password: %d", got)
	}
	code, _, stderr = runCmd(t, "", append(userArgs(dir, "user", "passwd", "erin"), "-password-file", filepath.Join(dir, "nope"))...)
	if code != exitFailure || !strings.HasPrefix(stderr, "rvpd: user passwd erin: password file: open ") {
		t.Errorf("missing password file: %d %q", code, stderr)
	}
}

func TestUserUsageErrors(t *testing.T) {
	const hint = "\nRun rvpd --help for usage.\n"
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"user"}, "user: missing subcommand (add, passwd, del or list)"},
		{[]string{"user", "frob"}, `user: unknown subcommand "frob" (add, passwd, del or list)`},
		{[]string{"user", "add"}, "user add needs exactly one ALIAS"},
		{[]string{"user", "del", "a", "b"}, "user del needs exactly one ALIAS"},
		{[]string{"user", "list", "x"}, "user list takes no arguments"},
		{[]string{"user", "del", "a", "-display-name", "A"}, "-display-name is only for user add"},
		{[]string{"user", "add", "a", "-display-name", "A\nB"}, "-display-name: at most 256 bytes without control characters"},
		{[]string{"-password-file", "f", "user", "list"}, "-password-file is only for user add and user passwd"},
		{[]string{"-password-file", "f"}, "-password-file is only for user add and user passwd"},
		{[]string{"frob"}, `unknown command "frob"`},
		{[]string{"serve", "now"}, `serve takes no arguments, got "now"`},
		{[]string{"-no-such-flag"}, "flag provided but not defined: -no-such-flag"},
		{[]string{"-listen"}, "flag needs an argument: -listen"},
	} {
		code, out, stderr := runCmd(t, "", tc.args...)
		if code != exitUsage || out != "" || stderr != "rvpd: "+tc.msg+hint {
			t.Errorf("rvpd %q: %d %q %q, want %d and %q", tc.args, code, out, stderr, exitUsage, "rvpd: "+tc.msg+hint)
		}
	}
}

// TestHelp checks that the help names every key with its flag and
// built-in value, and every command.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}, {"user", "add", "x", "-help"}} {
		code, out, stderr := runCmd(t, "", args...)
		if code != exitOK || stderr != "" {
			t.Fatalf("rvpd %q: %d %q", args, code, stderr)
		}
		lines := map[string]bool{}
		for _, l := range strings.Split(out, "\n") {
			lines[strings.Join(strings.Fields(l), " ")] = true
		}
		for _, k := range keySpecs {
			if row := k.name + " -" + k.flag + " " + k.def; !lines[row] {
				t.Errorf("rvpd %q: no help row %q", args, row)
			}
			if !lines[k.help] {
				t.Errorf("rvpd %q: no help text %q for %s", args, k.help, k.name)
			}
		}
		for _, cmd := range []string{"rvpd [flags] [serve] run the server (the default command)",
			"rvpd [flags] user add ALIAS [-display-name NAME] [-password-file FILE]",
			"rvpd [flags] user passwd ALIAS [-password-file FILE]",
			"rvpd [flags] user del ALIAS", "rvpd [flags] user list",
			"-config FILE read configuration keys from FILE (see below)"} {
			if !lines[cmd] {
				t.Errorf("rvpd %q: help lacks %q", args, cmd)
			}
		}
	}
}

func TestConfigFileErrorsStopRun(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "rvpd.conf")
	if err := os.WriteFile(conf, []byte("Domains = example.test\nPollMsgLimit = abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := runCmd(t, "", "-config", conf, "user", "list")
	want := `rvpd: config: ` + conf + `:2: PollMsgLimit = "abc": must be an integer 0-4294967295 (0 disables buffering, 4294967295 is unlimited)` + "\n"
	if code != exitUsage || stderr != want {
		t.Errorf("bad value: %d %q, want %q", code, stderr, want)
	}
	code, _, stderr = runCmd(t, "", "-config", filepath.Join(dir, "missing.conf"))
	if code != exitUsage || !strings.HasPrefix(stderr, "rvpd: config: open ") {
		t.Errorf("missing file: %d %q", code, stderr)
	}
}

// TestTripleWarningLogged: an ignored triple is logged as a warning naming
// the setting, and the command still runs.
func TestTripleWarningLogged(t *testing.T) {
	dir := t.TempDir()
	addUsers(t, dir, "alice")
	code, _, stderr := runCmd(t, "", append(userArgs(dir, "user", "list"), "-log-format", "json", "-poll-lifetime-default", "5")...)
	if code != exitOK {
		t.Fatalf("user list: %d %s", code, stderr)
	}
	var rec struct{ Level, Msg, Setting string }
	if err := jsonUnmarshalLine(stderr, &rec); err != nil {
		t.Fatal(err)
	}
	want := "PollLifeTime: ignoring PollLifeTimeDefault/Minimum/Maximum (only 1 of 3 set); using built-in 300/60/600"
	if rec.Level != "WARN" || rec.Msg != want || rec.Setting != "PollLifeTime" {
		t.Errorf("log record %+v, want WARN %q setting PollLifeTime", rec, want)
	}
}
