package main

import (
	"flag"
	"io"
)

// cmdLine is the parsed command line: the config file, the key flags in the
// order given, the subcommand words and the user subcommand flags.
type cmdLine struct {
	configPath   string
	settings     []setting // one per key flag, in command line order
	positional   []string  // e.g. ["user", "add", "alice"]
	displayName  string
	passwordFile string
	visited      map[string]bool // flags given, by name
}

// Flags that belong to the user subcommands only.
const (
	flagDisplayName  = "display-name"
	flagPasswordFile = "password-file"
)

// newFlagSet declares -config, one flag per configuration key and the user
// subcommand flags, all writing into cl. Key flags only record their value;
// LoadConfig validates it, so a bad flag value gets the same message as a
// bad file value.
func newFlagSet(cl *cmdLine) *flag.FlagSet {
	fs := flag.NewFlagSet("rvpd", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&cl.configPath, "config", "", "config file")
	for _, k := range keySpecs {
		fs.Func(k.flag, k.help, func(v string) error {
			cl.settings = append(cl.settings, setting{key: k, value: v, source: "flag -" + k.flag})
			return nil
		})
	}
	fs.StringVar(&cl.displayName, flagDisplayName, "", "display name (user add)")
	fs.StringVar(&cl.passwordFile, flagPasswordFile, "", "file whose first line is the password (user add, user passwd)")
	return fs
}

// parseCmdLine parses flags wherever they appear among the subcommand words,
// so "rvpd -config f user add alice -display-name Alice" and "rvpd user add
// alice -config f" both work. -h and --help return flag.ErrHelp.
func parseCmdLine(args []string) (*cmdLine, error) {
	cl := &cmdLine{visited: map[string]bool{}}
	fs := newFlagSet(cl)
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		cl.positional = append(cl.positional, args[0])
		args = args[1:]
	}
	fs.Visit(func(f *flag.Flag) { cl.visited[f.Name] = true })
	return cl, nil
}
