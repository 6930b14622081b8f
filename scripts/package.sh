#!/usr/bin/env bash
# Builds the installable Linux archive with `fyne package -os linux`
# (fyne.io/tools) and leaves it at build/package/Latent Studio.tar.xz.
#
# fyne package reads FyneApp.toml (name, app ID, version, icon) from the
# folder it builds, names the binary after that folder, and after packaging
# rewrites FyneApp.toml to bump Build. Our main package is ./app and
# FyneApp.toml is at the repository root, so the build runs on a staged copy:
# build/package/_stage/latentstudio holds app's Go files, FyneApp.toml and the
# icon. It stays inside the module (so the internal packages and the go:embed
# models in package assets resolve), its leading "_" keeps it out of ./...,
# and it is removed afterwards; the checkout's FyneApp.toml is never rewritten.
#
# The first run takes several minutes: fyne package sets hardening CGO_CFLAGS,
# so go-gl's C code is compiled again once; later runs take seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

FYNE_TOOLS_VERSION=${FYNE_TOOLS_VERSION:-v1.7.4}
export PATH="$PATH:/usr/local/go/bin"
command -v go >/dev/null || { echo "package.sh: Go 1.26 is needed on PATH" >&2; exit 1; }
export PATH="$PATH:$(go env GOPATH)/bin"
if ! fyne version 2>/dev/null | grep -q "cli version: $FYNE_TOOLS_VERSION"; then
  echo "installing fyne.io/tools/cmd/fyne@$FYNE_TOOLS_VERSION"
  go install "fyne.io/tools/cmd/fyne@$FYNE_TOOLS_VERSION"
fi
command -v tar >/dev/null && command -v xz >/dev/null || { echo "package.sh: tar and xz are needed" >&2; exit 1; }
./scripts/setup.sh # the C compiler and X11/GL headers the cgo build needs

out=build/package
stage=$out/_stage/latentstudio # the folder name becomes the binary's name
name=$(sed -n 's/^[[:space:]]*Name[[:space:]]*=[[:space:]]*"\(.*\)"[[:space:]]*$/\1/p' FyneApp.toml | head -n1)
icon=$(sed -n 's/^[[:space:]]*Icon[[:space:]]*=[[:space:]]*"\(.*\)"[[:space:]]*$/\1/p' FyneApp.toml | head -n1)
[ -n "$name" ] && [ -n "$icon" ] || { echo "package.sh: FyneApp.toml needs [Details] Name and Icon" >&2; exit 1; }
[ -f "$icon" ] || { echo "package.sh: icon $icon (from FyneApp.toml) is missing" >&2; exit 1; }
archive="$out/$name.tar.xz"

mkdir -p "$out"
rm -rf "$out/_stage" "$out/tmp-pkg" "$archive"
trap 'rm -rf "$root/$out/_stage" "$root/$out/tmp-pkg"' EXIT
mkdir -p "$stage/$(dirname "$icon")"
for f in app/*.go; do
  case $f in *_test.go) ;; *) cp "$f" "$stage/" ;; esac
done
cp FyneApp.toml "$stage/"
cp "$icon" "$stage/$icon"

start=$(date +%s)
echo "cd $out && fyne package -os linux --release --src _stage/latentstudio"
(cd "$out" && fyne package -os linux --release --src "_stage/latentstudio")
[ -f "$archive" ] || { echo "package.sh: fyne package did not produce $archive" >&2; exit 1; }
echo "built $archive ($(du -h "$archive" | cut -f1), $(($(date +%s) - start)) s):"
tar -tvJf "$archive"
