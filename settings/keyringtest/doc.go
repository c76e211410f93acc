// Package keyringtest holds the integration tests of settings.Keyring
// against a real Secret Service (gnome-keyring over D-Bus). It has no code
// of its own: it exists so that these tests run in their own test binary,
// because the unit tests of package settings call keyring.MockInit, which
// replaces a go-keyring global for good.
//
// The real-keyring tests skip unless RVP_REAL_KEYRING=1. With it set they
// fail if the keyring does not work. `make test` runs them inside
//
//	dbus-run-session -- sh -c 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets; ...'
//
// with XDG_DATA_HOME pointing at a temporary directory. The test that a
// missing D-Bus session fails fast always runs.
package keyringtest
