package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"text/tabwriter"

	"rendezvous/rvpserver"
)

// userCommand parses the words after "user".
func userCommand(args []string) (command, error) {
	if len(args) == 0 {
		return nil, usagef("user: missing subcommand (add, passwd, del or list)")
	}
	sub, rest := args[0], args[1:]
	want := 1
	if sub == "list" {
		want = 0
	}
	var cmd command
	switch sub {
	case "add":
		cmd = func(ctx context.Context, e *env) int { return userAdd(ctx, e, rest[0]) }
	case "passwd":
		cmd = func(ctx context.Context, e *env) int { return userPasswd(ctx, e, rest[0]) }
	case "del":
		cmd = func(ctx context.Context, e *env) int { return userDel(ctx, e, rest[0]) }
	case "list":
		cmd = userList
	default:
		return nil, usagef("user: unknown subcommand %q (add, passwd, del or list)", sub)
	}
	if len(rest) != want {
		if want == 0 {
			return nil, usagef("user list takes no arguments")
		}
		return nil, usagef("user %s needs exactly one ALIAS", sub)
	}
	return cmd, nil
}

func userAdd(ctx context.Context, e *env, alias string) int {
	if !rvpserver.ValidAlias(alias) {
		return userFailure(e, "add", alias, rvpserver.ErrInvalidAlias)
	}
	// Fail before prompting when the user exists or the database is locked;
	// the database is not held while the administrator types.
	code := withUserStore(ctx, e, "add", alias, true, func(st rvpserver.Store) error {
		if exists, err := userExists(ctx, st, alias); err != nil || exists {
			return cmp.Or(err, rvpserver.ErrUserExists)
		}
		return nil
	})
	if code != exitOK {
		return code
	}
	pw, err := readPassword(ctx, e, alias)
	if err != nil {
		return userFailure(e, "add", alias, err)
	}
	return withUserStore(ctx, e, "add", alias, true, func(st rvpserver.Store) error {
		if err := rvpserver.AddUser(ctx, st, adminOptions(e.cfg), alias, pw, e.cl.displayName); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added user %s\n", alias)
		return nil
	})
}

func userPasswd(ctx context.Context, e *env, alias string) int {
	// Fail before prompting when the user does not exist.
	code := withUserStore(ctx, e, "passwd", alias, false, func(st rvpserver.Store) error {
		if exists, err := userExists(ctx, st, alias); err != nil || !exists {
			return cmp.Or(err, rvpserver.ErrNoSuchUser)
		}
		return nil
	})
	if code != exitOK {
		return code
	}
	pw, err := readPassword(ctx, e, alias)
	if err != nil {
		return userFailure(e, "passwd", alias, err)
	}
	return withUserStore(ctx, e, "passwd", alias, false, func(st rvpserver.Store) error {
		if err := rvpserver.SetPassword(ctx, st, adminOptions(e.cfg), alias, pw); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "changed the password of %s\n", alias)
		return nil
	})
}

func userDel(ctx context.Context, e *env, alias string) int {
	return withUserStore(ctx, e, "del", alias, false, func(st rvpserver.Store) error {
		if err := rvpserver.DeleteUser(ctx, st, alias); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "deleted user %s\n", alias)
		return nil
	})
}

func userList(ctx context.Context, e *env) int {
	return withUserStore(ctx, e, "list", "", false, func(st rvpserver.Store) error {
		users, err := rvpserver.ListUsers(ctx, st)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 8, 2, ' ', 0)
		fmt.Fprintln(tw, "ALIAS\tDISPLAY NAME")
		for _, u := range users {
			fmt.Fprintf(tw, "%s\t%s\n", u.Alias, u.DisplayName)
		}
		return tw.Flush()
	})
}

// userExists reports whether alias (matched without regard to case, as
// the server does) has an account.
func userExists(ctx context.Context, st rvpserver.Store, alias string) (bool, error) {
	users, err := rvpserver.ListUsers(ctx, st)
	if err != nil {
		return false, err
	}
	for _, u := range users {
		if strings.EqualFold(u.Alias, alias) {
			return true, nil
		}
	}
	return false, nil
}

// withUserStore opens the database for one user command, runs fn and
// closes it. Only "add" may create a database that does not exist yet.
func withUserStore(ctx context.Context, e *env, sub, alias string, create bool, fn func(rvpserver.Store) error) int {
	if !create {
		if _, err := os.Stat(e.cfg.DBPath()); errors.Is(err, fs.ErrNotExist) {
			return userFailure(e, sub, alias, fmt.Errorf("no database at %s (check DataDir)", e.cfg.DBPath()))
		}
	}
	st, err := openStore(e.cfg)
	if err != nil {
		return userFailure(e, sub, alias, err)
	}
	err = fn(st)
	if cerr := st.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("closing the database: %w", cerr)
	}
	if err != nil {
		return userFailure(e, sub, alias, err)
	}
	return exitOK
}

// userFailure prints "rvpd: user SUB ALIAS: reason" with a plain reason for
// the errors an administrator causes.
func userFailure(e *env, sub, alias string, err error) int {
	reason := err.Error()
	switch {
	case errors.Is(err, rvpserver.ErrUserExists):
		reason = "user already exists"
	case errors.Is(err, rvpserver.ErrNoSuchUser):
		reason = "no such user"
	case errors.Is(err, rvpserver.ErrInvalidAlias):
		reason = "invalid alias: use 1 to 64 letters, digits, '.', '_' or '-'"
	}
	what := "user " + sub
	if alias != "" {
		what += " " + alias
	}
	fmt.Fprintf(e.stderr, "rvpd: %s: %s\n", what, reason)
	return exitFailure
}

// adminOptions are the engine options the user functions need: the realm
// (first domain) and the Digest user name forms.
func adminOptions(cfg Config) *rvpserver.Options {
	return &rvpserver.Options{Domains: cfg.Domains, HostNames: cfg.HostNames, DigestPrefixes: cfg.DigestPrefixes,
		DefaultACL: defaultACL(cfg)}
}
