//go:build !linux

package main

import (
	"errors"
	"os"
)

// isTerminal: terminal prompts are implemented for Linux only; elsewhere
// stdin is read as one line (use -password-file to avoid echo).
func isTerminal(*os.File) bool { return false }

func echoOff(*os.File) (func(), error) { return nil, errors.New("not supported on this system") }
