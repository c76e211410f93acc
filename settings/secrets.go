package settings

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// Secrets stores one password per sign-in name. Implementations must be safe
// for concurrent use, must return promptly when ctx ends, and must never
// write a password to a file or a log.
type Secrets interface {
	// Get returns the stored password; an error matching ErrNoSecret when
	// there is none, one matching ErrNoKeyring when no keyring is usable.
	Get(ctx context.Context, signInName string) (string, error)
	// Set stores (or replaces) the password.
	Set(ctx context.Context, signInName, password string) error
	// Delete removes the password; deleting a missing one is not an error.
	Delete(ctx context.Context, signInName string) error
}

// MsgNoKeyring is the sentence the app shows when an error matches
// ErrNoKeyring.
const MsgNoKeyring = "Your password can't be remembered because no keyring is available. You can still sign in, and you will be asked for your password each time."

// DefaultService is the keyring service name the passwords are filed under.
const DefaultService = "Rendezvous Messenger"

// DefaultKeyringTimeout bounds a keyring call whose ctx has no deadline. It
// leaves time for the desktop's unlock prompt.
const DefaultKeyringTimeout = 30 * time.Second

// KeyringOptions configures NewKeyring; nil and zero fields mean defaults.
type KeyringOptions struct {
	Service string        // default DefaultService
	Timeout time.Duration // default DefaultKeyringTimeout
	Logger  *slog.Logger  // default: discard; sign-in names only, never passwords
}

// backend is the keyring API used by Keyring: go-keyring's package functions
// in production (keyring.MockInit in unit tests); tests may substitute one.
type backend interface {
	Get(service, user string) (string, error)
	Set(service, user, password string) error
	Delete(service, user string) error
}

type goKeyring struct{}

func (goKeyring) Get(s, u string) (string, error) { return keyring.Get(s, u) }
func (goKeyring) Set(s, u, pw string) error       { return keyring.Set(s, u, pw) }
func (goKeyring) Delete(s, u string) error        { return keyring.Delete(s, u) }

// Keyring implements Secrets with the desktop keyring (Secret Service over
// D-Bus, through github.com/zalando/go-keyring). The service name is
// KeyringOptions.Service and the account is the sign-in name.
//
// Keyring is safe for concurrent use. go-keyring calls cannot be cancelled,
// so each runs on a goroutine owned by the Keyring and the caller waits for
// it only until ctx (or the default timeout) ends, then gets an error
// matching ErrNoKeyring. At most one call runs at a time: a call abandoned
// that way keeps its slot until go-keyring returns, and later calls wait for
// the slot only as long as their own ctx allows, so stuck calls never pile up
// goroutines.
type Keyring struct {
	service string
	timeout time.Duration
	log     *slog.Logger
	be      backend
	slot    chan struct{} // capacity 1: the one call in flight
}

// NewKeyring returns a Keyring. It does no I/O; use Available to probe.
func NewKeyring(opts *KeyringOptions) *Keyring {
	k := &Keyring{service: DefaultService, timeout: DefaultKeyringTimeout,
		log: slog.New(slog.DiscardHandler), be: goKeyring{}, slot: make(chan struct{}, 1)}
	if opts == nil {
		return k
	}
	if opts.Service != "" {
		k.service = opts.Service
	}
	if opts.Timeout > 0 {
		k.timeout = opts.Timeout
	}
	if opts.Logger != nil {
		k.log = opts.Logger
	}
	return k
}

// probeAccount is looked up by Available; it is never stored.
const probeAccount = "(rendezvous keyring probe)"

// Available reports whether the keyring answers: nil if it does, an error
// matching ErrNoKeyring if not. It looks up an account that never exists; a
// locked keyring may show the desktop's unlock prompt, bounded by ctx.
func (k *Keyring) Available(ctx context.Context) error {
	_, err := k.call(ctx, "probe", probeAccount, func() (string, error) {
		return k.be.Get(k.service, probeAccount)
	})
	if errors.Is(err, ErrNoSecret) {
		return nil
	}
	return err
}

// Get returns the password stored for signInName.
func (k *Keyring) Get(ctx context.Context, signInName string) (string, error) {
	return k.call(ctx, "get", signInName, func() (string, error) {
		return k.be.Get(k.service, signInName)
	})
}

// Set stores password for signInName. An empty password is refused.
func (k *Keyring) Set(ctx context.Context, signInName, password string) error {
	if password == "" {
		return &KeyringError{Op: "set", Name: signInName, Err: errors.New("empty password")}
	}
	_, err := k.call(ctx, "set", signInName, func() (string, error) {
		return "", k.be.Set(k.service, signInName, password)
	})
	return err
}

// Delete removes the password of signInName; a missing one is not an error.
func (k *Keyring) Delete(ctx context.Context, signInName string) error {
	_, err := k.call(ctx, "delete", signInName, func() (string, error) {
		return "", k.be.Delete(k.service, signInName)
	})
	if errors.Is(err, ErrNoSecret) {
		return nil
	}
	return err
}

type keyringResult struct {
	val string
	err error
}

// call runs fn on a goroutine holding the slot and waits for it or for ctx.
func (k *Keyring) call(ctx context.Context, op, name string, fn func() (string, error)) (string, error) {
	if strings.TrimSpace(name) == "" {
		return "", &KeyringError{Op: op, Name: name, Err: errors.New("empty sign-in name")}
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, k.timeout)
		defer cancel()
	}
	select {
	case k.slot <- struct{}{}:
	case <-ctx.Done():
		return "", k.fail(op, name, true, context.Cause(ctx))
	}
	done := make(chan keyringResult, 1)
	go func() {
		defer func() { <-k.slot }()
		v, err := fn()
		done <- keyringResult{v, err}
	}()
	select {
	case r := <-done:
		return r.val, k.classify(op, name, r.err)
	case <-ctx.Done():
		return "", k.fail(op, name, true, context.Cause(ctx))
	}
}

// classify maps a go-keyring error to this package's errors.
func (k *Keyring) classify(op, name string, err error) error {
	switch {
	case err == nil:
		k.log.Debug("settings: keyring "+op, "name", name)
		return nil
	case errors.Is(err, keyring.ErrNotFound):
		return &KeyringError{Op: op, Name: name, Err: ErrNoSecret}
	case errors.Is(err, keyring.ErrSetDataTooBig):
		return k.fail(op, name, false, err)
	default:
		return k.fail(op, name, true, err)
	}
}

func (k *Keyring) fail(op, name string, unavailable bool, err error) error {
	k.log.Warn("settings: keyring "+op+" failed", "name", name, "err", err)
	return &KeyringError{Op: op, Name: name, Unavailable: unavailable, Err: err}
}
