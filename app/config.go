package app

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
)

// config is what the command line asks for.
type config struct {
	profile   string // "" is the default profile
	verbose   bool
	smokeIn   *smokeAccount // --smoke-sign-in
	smokeSend *smokeMessage // --smoke-send
}

type smokeAccount struct{ signInName, password string }
type smokeMessage struct{ to, text string }

var profileName = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)

const usageText = `Usage: rendezvous [--profile NAME] [--verbose]

Rendezvous Messenger, an instant messenger that speaks RVP.

  --profile NAME   keep settings and history apart under NAME, so a second
                   copy can run beside the first (e.g. --profile bob)
  --verbose        log debug details (including the RVP wire trace) to stderr

Test hooks (for automated smoke runs, not for everyday use):
  --smoke-sign-in NAME@DOMAIN:PASSWORD
                   sign in at start; on this computer's server (domain
                   localhost) the server is started or found and the account
                   created when missing
  --smoke-send NAME@DOMAIN:TEXT
                   after signing in, add NAME@DOMAIN as a contact, wait up to
                   a minute for it to be online, then send TEXT through its
                   conversation window
`

// parseArgs reads the command line (without the program name).
func parseArgs(args []string, stderr io.Writer) (config, error) {
	var cfg config
	var in, send string
	fs := flag.NewFlagSet("rendezvous", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { fmt.Fprint(stderr, usageText) }
	fs.StringVar(&cfg.profile, "profile", "", "")
	fs.BoolVar(&cfg.verbose, "verbose", false, "")
	fs.StringVar(&in, "smoke-sign-in", "", "")
	fs.StringVar(&send, "smoke-send", "", "")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("app: unexpected argument %q", fs.Arg(0))
	}
	if cfg.profile != "" && (!profileName.MatchString(cfg.profile) || cfg.profile == "default") {
		return cfg, fmt.Errorf("app: profile name %q: use up to 32 lower-case letters, digits, - and _", cfg.profile)
	}
	if in != "" {
		name, pw, ok := strings.Cut(in, ":")
		if !ok || name == "" || pw == "" {
			return cfg, errors.New("app: --smoke-sign-in wants NAME@DOMAIN:PASSWORD")
		}
		cfg.smokeIn = &smokeAccount{name, pw}
	}
	if send != "" {
		to, text, ok := strings.Cut(send, ":")
		if !ok || to == "" || text == "" || cfg.smokeIn == nil {
			return cfg, errors.New("app: --smoke-send wants NAME@DOMAIN:TEXT and --smoke-sign-in")
		}
		cfg.smokeSend = &smokeMessage{to, text}
	}
	return cfg, nil
}

// dirs are the directories of one app profile, resolved once.
type dirs struct {
	config string // settings base directory (settings.Open's baseDir)
	data   string // history and other data of this app profile
	server string // the local server's files, shared by all app profiles
}

// resolveDirs places an app profile under the XDG base directories:
//
//	$XDG_CONFIG_HOME/rendezvous[/instances/NAME]   settings
//	$XDG_DATA_HOME/rendezvous[/instances/NAME]     history
//	$XDG_DATA_HOME/rendezvous/server               the local server
func resolveDirs(configHome, dataHome, profile string) dirs {
	d := dirs{
		config: filepath.Join(configHome, "rendezvous"),
		data:   filepath.Join(dataHome, "rendezvous"),
		server: filepath.Join(dataHome, "rendezvous", "server"),
	}
	if profile != "" {
		d.config = filepath.Join(d.config, "instances", profile)
		d.data = filepath.Join(d.data, "instances", profile)
	}
	return d
}
