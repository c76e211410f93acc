package settings

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// On-disk names under the base directory.
const (
	profilesDir  = "profiles"
	settingsFile = "settings.json"
	corruptInfix = ".corrupt-"
	maxDirName   = 255 // NAME_MAX on common Linux file systems
)

// Sign-in name validation.
const (
	KeySignInName     = "SignInName"
	MsgSignInName     = "Please enter a sign-in name."
	MsgSignInNameLong = "That sign-in name is too long."
)

// ProfileDir returns the directory that holds the profile of signInName:
// <baseDir>/profiles/<escaped sign-in name>. Bytes other than ASCII letters,
// digits and "@._+-" (and a leading ".") are written as %XX, so every name
// maps to exactly one safe directory name and back. Names are compared as
// given (case-sensitive); the caller normalizes sign-in names if it wants
// "Kari@x" and "kari@x" to share a profile.
func ProfileDir(baseDir, signInName string) (string, error) {
	name, err := escapeProfileName(signInName)
	if err != nil {
		return "", err
	}
	return filepath.Join(baseDir, profilesDir, name), nil
}

func escapeProfileName(signInName string) (string, error) {
	if strings.TrimSpace(signInName) == "" {
		return "", invalid(KeySignInName, MsgSignInName)
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(signInName); i++ {
		c := signInName[i]
		if isPlainNameByte(c) && (c != '.' || i > 0) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xF])
	}
	if b.Len() > maxDirName {
		return "", invalid(KeySignInName, MsgSignInNameLong)
	}
	return b.String(), nil
}

func isPlainNameByte(c byte) bool {
	return c < 0x80 && (isAlnum(rune(c)) || strings.IndexByte("@._+-", c) >= 0)
}

// unescapeProfileName reverses escapeProfileName; it refuses any directory
// name that escapeProfileName would not have produced.
func unescapeProfileName(dir string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(dir); i++ {
		if dir[i] != '%' {
			b.WriteByte(dir[i])
			continue
		}
		if i+2 >= len(dir) {
			return "", false
		}
		hi, okH := unhex(dir[i+1])
		lo, okL := unhex(dir[i+2])
		if !okH || !okL {
			return "", false
		}
		b.WriteByte(hi<<4 | lo)
		i += 2
	}
	name := b.String()
	if again, err := escapeProfileName(name); err != nil || again != dir {
		return "", false
	}
	return name, true
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// ListProfiles returns the sign-in names that have a saved settings file
// under baseDir, sorted. A missing profiles directory yields none. Entries
// that are not profile directories are skipped.
func ListProfiles(baseDir string) ([]string, error) {
	root := filepath.Join(baseDir, profilesDir)
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("settings: list profiles: %w", err)
	}
	var names []string
	for _, e := range entries {
		name, ok := unescapeProfileName(e.Name())
		if !ok || !e.IsDir() {
			continue
		}
		st, err := os.Stat(filepath.Join(root, e.Name(), settingsFile))
		if err == nil && st.Mode().IsRegular() {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names, nil
}
