package settings

import (
	"errors"
	"fmt"
)

// ErrInvalid is matched (errors.Is) by every *ValidationError.
var ErrInvalid = errors.New("settings: invalid value")

// ErrNoKeyring is matched (errors.Is) by a *KeyringError whose cause means that
// no usable keyring is reachable: no D-Bus session, no Secret Service, a
// locked collection whose prompt was dismissed, or a call that ran past its
// deadline. The app signs in without remembering the password and tells the
// user so in a plain sentence.
var ErrNoKeyring = errors.New("settings: no usable keyring")

// ErrNoSecret is returned (wrapped) by Secrets.Get when no password is stored
// for the sign-in name. It is not a failure of the keyring.
var ErrNoSecret = errors.New("settings: no password stored")

// ValidationError reports a value that a setting refuses. Message is the
// complete sentence the Connection Configuration dialog (or another window)
// shows to the user, and Error returns exactly Message, so the UI can display
// err.Error() without rewording it. Key names the setting ("PollingPeriod",
// "Ports", ...). It matches ErrInvalid with errors.Is.
type ValidationError struct {
	Key     string
	Message string
}

// Error returns the user-facing sentence.
func (e *ValidationError) Error() string { return e.Message }

// Is reports whether target is ErrInvalid.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// UserMessage returns the sentence to show for err when err is (or wraps) a
// *ValidationError.
func UserMessage(err error) (string, bool) {
	if ve, ok := errors.AsType[*ValidationError](err); ok {
		return ve.Message, true
	}
	return "", false
}

// CorruptError reports a settings file that could not be decoded. Open moves
// such a file aside (to MovedTo) before returning the error and never
// overwrites it; a later Open of the same profile starts from defaults.
// MovedTo is empty when moving the file aside failed, in which case the file
// is left where it was and Open keeps failing.
type CorruptError struct {
	Path    string
	MovedTo string
	Err     error
}

// Error describes the corrupt file and where it went.
func (e *CorruptError) Error() string {
	if e.MovedTo == "" {
		return fmt.Sprintf("settings: corrupt file %s (left in place): %v", e.Path, e.Err)
	}
	return fmt.Sprintf("settings: corrupt file %s moved to %s: %v", e.Path, e.MovedTo, e.Err)
}

// Unwrap returns the decoding (or moving) error.
func (e *CorruptError) Unwrap() error { return e.Err }

// IsCorrupt reports whether err is (or wraps) a *CorruptError and returns it.
func IsCorrupt(err error) (*CorruptError, bool) {
	return errors.AsType[*CorruptError](err)
}

// KeyringError reports a failed keyring operation. Op is "get", "set",
// "delete" or "probe"; Name is the sign-in name (never the password). It
// matches ErrNoKeyring with errors.Is when Unavailable is set.
type KeyringError struct {
	Op          string
	Name        string
	Unavailable bool
	Err         error
}

// Error describes the operation; it never contains a secret.
func (e *KeyringError) Error() string {
	return fmt.Sprintf("settings: keyring %s %q: %v", e.Op, e.Name, e.Err)
}

// Unwrap returns the cause.
func (e *KeyringError) Unwrap() error { return e.Err }

// Is reports whether target is ErrNoKeyring and the keyring was unavailable.
func (e *KeyringError) Is(target error) bool {
	return target == ErrNoKeyring && e.Unavailable
}
