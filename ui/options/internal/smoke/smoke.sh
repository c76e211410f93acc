#!/bin/bash
# Real-driver smoke check of the Connection Configuration dialog's keyboard:
# Down Down chooses Fixed Port(s), Tab reaches the ports, Enter on a refused
# value keeps the dialog (focus on the refused field, its text selected),
# Enter on valid ports saves and shows the notice, Enter closes it.
# Run from the repository root:
#   xvfb-run -a -s "-screen 0 1024x768x24" dbus-run-session -- ui/options/internal/smoke/smoke.sh
# (needs the build packages of TOOLCHAIN.md, xdotool; go.sum must list Fyne's modules).
set -eu
out=$(mktemp -d)
export XDG_RUNTIME_DIR=$out
go build -tags smoke -o "$out/smoke" ./ui/options/internal/smoke/
"$out/smoke" dialog >"$out/log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
wid=$(timeout 30 xdotool search --sync --onlyvisible --name '^smoke$' | head -1)
sleep 1 # the first frame
step() { "$@"; sleep 0.3; } # key and char events sent at once can reach Fyne out of order
step xdotool key --window "$wid" Down Down
step xdotool key --window "$wid" Tab
step xdotool type --window "$wid" 5000
step xdotool key --window "$wid" Tab
step xdotool type --window "$wid" 80
step xdotool key --window "$wid" Return   # refused: the dialog stays, "to" is focused and selected
step xdotool type --window "$wid" 5010
step xdotool key --window "$wid" Return   # saved: notice
step xdotool key --window "$wid" Return   # closes the notice
kill $pid; wait $pid 2>/dev/null || true
cat "$out/log"
grep -q '^SAVED mode=2 period=10 ports=5000-5010$' "$out/log"
grep -q '^STATUS Connected using Default. Next sign-in: Fixed Port(s) 5000-5010$' "$out/log"
! grep -q 'Error in Fyne call thread' "$out/log"
[ "$(grep -c '^SAVED' "$out/log")" = 1 ]
echo "smoke: OK"
