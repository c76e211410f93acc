#!/usr/bin/env bash
# Builds the Linux desktop package (dist/Rendezvous Messenger.tar.xz: the
# release binary, the .desktop file and the icon) with `go tool fyne
# package`, which reads FyneApp.toml and applies its [Migrations].
# fyne package bumps Build in FyneApp.toml after every run; the build number
# is a release decision, so the file is put back as it was.
set -euo pipefail
cd "$(dirname "$0")/.."

keep=$(mktemp)
cp FyneApp.toml "$keep"
trap 'cp "$keep" FyneApp.toml; rm -f "$keep"' EXIT

"${GO:-go}" tool fyne package -os linux -release
mkdir -p dist
mv -f "Rendezvous Messenger.tar.xz" dist/
echo "package: dist/Rendezvous Messenger.tar.xz"
