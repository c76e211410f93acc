#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the build, the tests and the app need,
# when any is missing. Root uses apt-get directly; otherwise sudo when it
# works without a password; otherwise prints the command and fails.
set -euo pipefail

packages=(
	# build: Fyne's GLFW driver compiles its X11 and Wayland backends (cgo)
	gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
	libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev libxkbcommon-dev
	# headless windows, screenshots and driving them
	xvfb xauth xdotool imagemagick dbus dbus-x11
	# the real keyring and real notifications
	gnome-keyring libsecret-tools dunst
	# the firewall scenario: network namespaces, nftables, an HTTP proxy
	iproute2 nftables squid
	# the third-party RVP client for the interop test
	pidgin pidgin-librvp
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

cmd=(apt-get install -y -qq --no-install-recommends "${missing[@]}")
export DEBIAN_FRONTEND=noninteractive
if [ "$(id -u)" -eq 0 ]; then
	echo "deps: installing ${missing[*]}"
	apt-get update -qq && "${cmd[@]}" >/dev/null
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
	echo "deps: installing ${missing[*]} (sudo)"
	sudo -n apt-get update -qq && sudo -n env DEBIAN_FRONTEND=noninteractive "${cmd[@]}" >/dev/null
else
	echo "deps: missing Debian packages; install them as root with:" >&2
	echo "  sudo apt-get update && sudo ${cmd[*]}" >&2
	exit 1
fi
