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

"$bin" >"$out/app.log" 2>&1 &
pids+=($!)
waitwin "Rendezvous Messenger"
sleep 1
import -window root "$out/window.png"
grep -q "Error in Fyne call thread" "$out"/*.log && fail "Fyne reported a call from the wrong thread"
echo "smoke: OK: the window appeared; screenshot in $out/window.png"
