package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxPasswordBytes bounds a password; longer input is refused, not cut.
const maxPasswordBytes = 1024

// errPasswordMismatch: the two entries at the terminal prompt differ.
var errPasswordMismatch = errors.New("the passwords do not match")

// readPassword gets the new password of alias: from -password-file, from a
// terminal prompt without echo (asked twice), or as one line from stdin. It
// never echoes or logs the password.
func readPassword(ctx context.Context, e *env, alias string) (string, error) {
	if e.cl.passwordFile != "" {
		return readPasswordFile(e.cl.passwordFile)
	}
	if f, ok := e.stdin.(*os.File); ok && isTerminal(f) {
		return promptPassword(ctx, f, e, alias)
	}
	pw, err := readLineCtx(ctx, e.stdin)
	if err != nil {
		return "", fmt.Errorf("reading the password from stdin: %w", err)
	}
	return pw, checkPassword(pw)
}

// readPasswordFile returns the first line of path.
func readPasswordFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("password file: %w", err)
	}
	defer f.Close()
	pw, err := readLine(f)
	if err != nil {
		return "", fmt.Errorf("password file %s: %w", path, err)
	}
	return pw, checkPassword(pw)
}

// promptPassword asks twice on the terminal with echo off.
func promptPassword(ctx context.Context, tty *os.File, e *env, alias string) (string, error) {
	restore, err := echoOff(tty)
	if err != nil {
		return "", fmt.Errorf("terminal: %w", err)
	}
	defer restore()
	var entries [2]string
	for i, prompt := range []string{"Password for " + alias + ": ", "Retype the password: "} {
		fmt.Fprint(e.stderr, prompt)
		entries[i], err = readLineCtx(ctx, tty)
		fmt.Fprintln(e.stderr) // the user's Enter was not echoed
		if err != nil {
			return "", err
		}
	}
	if entries[0] != entries[1] {
		return "", errPasswordMismatch
	}
	return entries[0], checkPassword(entries[0])
}

func checkPassword(pw string) error {
	if pw == "" {
		return errors.New("the password is empty")
	}
	return nil
}

// readLineCtx is readLine that gives up when ctx ends (Ctrl-C at a prompt:
// SIGINT only cancels ctx). The reading goroutine then stays blocked in
// Read until the process exits, which follows at once.
func readLineCtx(ctx context.Context, r io.Reader) (string, error) {
	type result struct {
		line string
		err  error
	}
	ch := make(chan result, 1)
	go func() {
		line, err := readLine(r)
		ch <- result{line, err}
	}()
	select {
	case <-ctx.Done():
		return "", ctx.Err()
	case res := <-ch:
		return res.line, res.err
	}
}

// readLine reads up to the first newline one byte at a time (so nothing
// after the line is consumed) and strips "\n" or "\r\n". EOF after some
// bytes ends the line; EOF before any byte is io.ErrUnexpectedEOF.
func readLine(r io.Reader) (string, error) {
	var buf bytes.Buffer
	b := make([]byte, 1)
	for {
		n, err := r.Read(b)
		if n == 1 {
			if b[0] == '\n' {
				break
			}
			if buf.Len() == maxPasswordBytes {
				return "", fmt.Errorf("longer than %d bytes", maxPasswordBytes)
			}
			buf.WriteByte(b[0])
		}
		if errors.Is(err, io.EOF) {
			if buf.Len() == 0 {
				return "", fmt.Errorf("no password given: %w", io.ErrUnexpectedEOF)
			}
			break
		}
		if err != nil {
			return "", err
		}
	}
	return string(bytes.TrimSuffix(buf.Bytes(), []byte("\r"))), nil
}
