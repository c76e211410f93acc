#!/usr/bin/env bash
# Runs a command on a virtual display (Xvfb) inside a private D-Bus session
# with an unlocked gnome-keyring, so that tests can use a real window, a
# real Secret Service and real desktop notifications. Everything it starts
# ends with the command.
#
#   scripts/with-session.sh go test ./...
set -euo pipefail

if [ "${RVP_IN_SESSION:-}" != 1 ]; then
	export RVP_IN_SESSION=1
	if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ]; then
		XDG_RUNTIME_DIR=$(mktemp -d)
		export XDG_RUNTIME_DIR
	fi
	chmod 0700 "$XDG_RUNTIME_DIR"
	exec xvfb-run -a -s "-screen 0 1280x1024x24" dbus-run-session -- "$0" "$@"
fi

# Inside the session: a keyring of our own, unlocked with a throwaway password.
keyring_data=$(mktemp -d)
printf '%s' "session-keyring" | XDG_DATA_HOME=$keyring_data \
	gnome-keyring-daemon --foreground --unlock --components=secrets >/dev/null 2>&1 &
keyring_pid=$!
trap 'kill $keyring_pid 2>/dev/null || true; rm -rf "$keyring_data"' EXIT
# Wait (at most 5 s) until the Secret Service answers on the bus.
keyring_up() {
	dbus-send --session --print-reply --dest=org.freedesktop.DBus / \
		org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q true
}
for _ in $(seq 1 50); do keyring_up && break; sleep 0.1; done
keyring_up || echo "with-session: warning: gnome-keyring did not start; real-keyring tests will fail" >&2
export RVP_REAL_KEYRING=1
"$@"
