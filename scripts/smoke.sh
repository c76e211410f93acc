#!/usr/bin/env bash
# GUI smoke run of the real desktop binary on a display (run it through
# scripts/with-session.sh, as `make test` does). It fails when no window
# appears or when Fyne reports a call from the wrong thread. Screenshots go
# to smoke-out/.
set -euo pipefail
cd "$(dirname "$0")/.."

bin=${1:-bin/rendezvous}
out=smoke-out
rm -rf "$out" && mkdir -p "$out"
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# Each instance gets its own configuration and data directories, as on a
# fresh machine.
export XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME"

fail() { echo "smoke: FAIL: $*" >&2; for f in "$out"/*.log; do echo "--- $f" >&2; cat "$f" >&2; done; exit 1; }

# waitwin TITLE: wait (bounded) until a visible window with that title exists.
waitwin() {
	timeout 60 xdotool search --sync --onlyvisible --name "$1" >/dev/null 2>&1 || fail "no window named '$1' appeared"
}

# 1. A newcomer's first start: the sign-in window appears.
"$bin" >"$out/first.log" 2>&1 &
pids+=($!)
waitwin "Rendezvous Messenger"
sleep 1
import -window root "$out/signin.png"
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true
pids=()

# 2. Two local accounts on a server hosted by this computer: alice in the
# default profile hosts it and, through the app's documented test hooks,
# adds bob and sends him a message once he is online; bob, in his own
# profile, finds her server, signs in, and answers from the keyboard in the
# conversation window her message opened (Enter sends).
first="Hello Bob, this is Alice from the smoke run"
answer="Hi Alice, Bob here, typed and sent with Enter"
"$bin" --smoke-sign-in alice@localhost:alice-pw --smoke-send "bob@localhost:$first" >"$out/alice.log" 2>&1 &
pids+=($!)
waitwin "Rendezvous Messenger - alice@localhost"
"$bin" --profile bob --smoke-sign-in bob@localhost:bob-pw >"$out/bob.log" 2>&1 &
pids+=($!)
waitwin "Rendezvous Messenger - bob@localhost"
waitwin "Conversation with alice"
conv=$(xdotool search --onlyvisible --name "Conversation with alice" | head -n1)
xdotool windowfocus --sync "$conv"
sleep 0.5
xdotool type --delay 20 "$answer"
xdotool key Return
waitwin "Conversation with bob"
# Xvfb has no window manager: every window sits at 0,0. Lay them out side
# by side for the screenshot: alice's contact list and conversation on the
# left, bob's on the right.
place() { for w in $(xdotool search --onlyvisible --name "$1"); do xdotool windowmove "$w" "$2" "$3"; done; }
place "Rendezvous Messenger - alice@localhost" 0 0
place "Conversation with bob" 0 580
place "Rendezvous Messenger - bob@localhost" 640 0
place "Conversation with alice" 640 580
sleep 2
import -window root "$out/conversation.png"
# Each message is in the receiver's transcript on disk: alice's profile
# is the default one, bob's lives under instances/bob.
intranscript() { # DIR TEXT [grep options]
	for _ in $(seq 1 50); do
		grep -rqF "${@:3}" "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}
intranscript "$XDG_DATA_HOME/rendezvous/instances/bob" "$first" || fail "alice's message did not reach bob's transcript"
intranscript "$XDG_DATA_HOME/rendezvous" "$answer" --exclude-dir=instances || fail "bob's typed answer did not reach alice's transcript"

grep -q "Error in Fyne call thread" "$out"/*.log && fail "Fyne reported a call from the wrong thread"
echo "smoke: OK: sign-in window, two local accounts, a message each way (one typed with Enter); screenshots in $out/"
