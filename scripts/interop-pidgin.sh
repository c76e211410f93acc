#!/bin/sh
# interop-pidgin.sh: run the third-party client interop tests by hand.
#
# librvp 0.9.7 (Debian's pidgin-librvp, the Pidgin/libpurple RVP plugin) signs
# in to a fresh rvpd as bob, in finch and in Pidgin under Xvfb; rvpclient signs
# in as alice; presence, typing, messages, status changes and sign-out are
# checked both ways (internal/interop, see its doc.go). Everything runs in a
# private network and mount namespace with loopback only.
#
# Usage: sudo scripts/interop-pidgin.sh [-install] [-no-shim] [-known-bugs] [ARTIFACT_DIR]
#   -install     apt-get install the Debian packages the test needs first
#   -no-shim     run librvp without the readerrno preload, to see its
#                stale-errno bug (Pidgin cannot sign in; expect failures)
#   -known-bugs  also run the check that fails on a known librvp bug: a
#                second librvp login with an SRV port crashes librvp itself
#                (TestLibrvpFinchSRVPort)
# The logs (wire.log: every byte between the clients and rvpd;
# librvp-debug.log: libpurple's debug output with librvp's trace; rvpd.log)
# and Pidgin screenshots are kept in ARTIFACT_DIR (default: a new directory
# under /tmp, printed at the end).
set -eu

install=0
noshim=0
known=0
dir=""
for arg in "$@"; do
	case "$arg" in
	-install) install=1 ;;
	-no-shim) noshim=1 ;;
	-known-bugs) known=1 ;;
	-h | --help)
		sed -n '2,22p' "$0"
		exit 0
		;;
	-*)
		echo "interop-pidgin.sh: unknown option $arg" >&2
		exit 2
		;;
	*) dir="$arg" ;;
	esac
done

if [ "$(id -u)" != 0 ]; then
	echo "interop-pidgin.sh: needs root (namespaces, port 80 inside them)" >&2
	exit 2
fi
if [ "$install" = 1 ]; then
	apt-get install -y --no-install-recommends pidgin pidgin-librvp finch dbus \
		xvfb xauth imagemagick xdotool gcc libc6-dev
fi

cd "$(dirname "$0")/.."
[ -n "$dir" ] || dir=$(mktemp -d /tmp/rvp-interop.XXXXXX)
mkdir -p "$dir"

status=0
tests="TestLibrvpFinch TestLibrvpPidgin"
[ "$known" = 1 ] && tests="$tests TestLibrvpFinchSRV TestLibrvpFinchSRVPort"
for t in $tests; do
	mkdir -p "$dir/$t"
	echo "== $t (logs in $dir/$t)"
	if ! RVP_INTEROP_ARTIFACTS="$dir/$t" RVP_INTEROP_NO_SHIM="$noshim" RVP_INTEROP_KNOWN_BUGS="$known" \
		go test -count=1 -v -run "^$t\$" -timeout 3m ./internal/interop/; then
		status=1
	fi
done
echo "artifacts: $dir"
ls -l "$dir"/*/ 2>/dev/null || true
exit "$status"
