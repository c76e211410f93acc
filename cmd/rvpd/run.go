package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"unicode"
)

// Exit statuses of rvpd.
const (
	exitOK      = 0
	exitFailure = 1 // a runtime error: cannot listen, cannot open the database, ...
	exitUsage   = 2 // the command line or the configuration is invalid
)

// env is what a subcommand gets: the configuration, a logger and the
// standard streams.
type env struct {
	cfg    Config
	cl     *cmdLine
	log    *slog.Logger
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command runs one subcommand and returns the exit status.
type command func(ctx context.Context, e *env) int

// run is rvpd's main function: args exclude the program name. ctx is
// cancelled on SIGINT/SIGTERM.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cl, err := parseCmdLine(args)
	if errors.Is(err, flag.ErrHelp) {
		writeUsage(stdout)
		return exitOK
	}
	if err != nil {
		return usageFailure(stderr, err)
	}
	cmd, err := selectCommand(cl)
	if err != nil {
		return usageFailure(stderr, err)
	}
	if cmd == nil { // "rvpd help"
		writeUsage(stdout)
		return exitOK
	}
	cfg, warnings, err := loadConfig(cl)
	if err != nil {
		fmt.Fprintf(stderr, "rvpd: %v\n", err)
		return exitUsage
	}
	logger := newLogger(cfg, stderr)
	for _, w := range warnings {
		logger.Warn(w.Message, "setting", w.Setting)
	}
	return cmd(ctx, &env{cfg: cfg, cl: cl, log: logger, stdin: stdin, stdout: stdout, stderr: stderr})
}

func usageFailure(stderr io.Writer, err error) int {
	fmt.Fprintf(stderr, "rvpd: %v\nRun rvpd --help for usage.\n", err)
	return exitUsage
}

// loadConfig reads the -config file, if any, and applies the flags over it.
func loadConfig(cl *cmdLine) (Config, []Warning, error) {
	var fileSettings []setting
	if cl.configPath != "" {
		var err error
		if fileSettings, err = readConfigFile(cl.configPath); err != nil {
			return Config{}, nil, err
		}
	}
	return LoadConfig(os.Getenv, fileSettings, cl.settings)
}

// selectCommand maps the subcommand words to a command. A nil command with
// a nil error means "print the help".
func selectCommand(cl *cmdLine) (command, error) {
	words := cl.positional
	if len(words) == 0 {
		words = []string{"serve"}
	}
	var cmd command
	var err error
	switch words[0] {
	case "serve":
		cmd, err = serveCommand(words[1:])
	case "user":
		cmd, err = userCommand(words[1:])
	case "help":
		return nil, nil
	default:
		return nil, usagef("unknown command %q", words[0])
	}
	if err != nil {
		return nil, err
	}
	return cmd, checkUserFlags(cl, words)
}

// checkUserFlags refuses the user subcommand flags where they mean nothing.
func checkUserFlags(cl *cmdLine, words []string) error {
	sub := strings.Join(words[:min(2, len(words))], " ")
	if cl.visited[flagDisplayName] && sub != "user add" {
		return usagef("-%s is only for user add", flagDisplayName)
	}
	if strings.ContainsFunc(cl.displayName, unicode.IsControl) || len(cl.displayName) > 256 {
		return usagef("-%s: at most 256 bytes without control characters", flagDisplayName)
	}
	if cl.visited[flagPasswordFile] && sub != "user add" && sub != "user passwd" {
		return usagef("-%s is only for user add and user passwd", flagPasswordFile)
	}
	return nil
}

func serveCommand(args []string) (command, error) {
	if len(args) > 0 {
		return nil, usagef("serve takes no arguments, got %q", args[0])
	}
	return serve, nil
}

// newLogger builds the slog logger on stderr that LogLevel and LogFormat ask
// for.
func newLogger(cfg Config, w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
