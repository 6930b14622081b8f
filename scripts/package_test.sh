#!/usr/bin/env bash
# Checks the archive scripts/package.sh made: unpacks build/package/Latent
# Studio.tar.xz in a temporary folder, installs it with its own Makefile into
# a temporary PREFIX (and with user-install into a temporary HOME), checks the
# binary, the .desktop entry and the icon, then starts the installed studio
# the way a launcher would (the desktop entry's Exec, found on PATH) under X
# (a private Xvfb unless DISPLAY works), waits for a window titled
# "Latent Studio", saves a screenshot to build/package/installed.png and
# stops the studio. Nothing is installed outside the temporary folder.
# Exits non-zero with a message on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

out=build/package
name="Latent Studio"
appid=io.latentstudio.app
exe=latentstudio
archive="$out/$name.tar.xz"
shot="$out/installed.png"
applog="$out/installed.log"
timeout_s=${PACKAGE_TEST_TIMEOUT:-60}

fail() { echo "package_test: FAIL: $*" >&2; exit 1; }
ok() { echo "package_test: ok: $*"; }

for tool in tar xz make xdotool import identify; do
  command -v "$tool" >/dev/null || fail "$tool is needed (Debian: tar xz-utils make xdotool imagemagick)"
done
[ -f "$archive" ] || fail "no archive at $archive (run scripts/package.sh first)"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/latentstudio-pkgtest.XXXXXX")
app_pid="" xvfb_pid=""
cleanup() {
  [ -n "$app_pid" ] && kill "$app_pid" 2>/dev/null && wait "$app_pid" 2>/dev/null
  [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null && wait "$xvfb_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT

# 1. Unpack: one top folder with the Makefile and usr/.
mkdir -p "$tmp/src"
tar -xJf "$archive" -C "$tmp/src" || fail "cannot unpack $archive"
pkgdir=$(dirname "$(find "$tmp/src" -maxdepth 2 -name Makefile | head -n1)")
[ -f "$pkgdir/Makefile" ] || fail "the archive has no Makefile"
ok "unpacked $archive ($(du -h "$archive" | cut -f1)): $(cd "$tmp/src" && find . -type f | sort | tr '\n' ' ')"

# 2. System-style install into a temporary prefix (what "sudo make install" does under /usr/local).
prefix="$tmp/prefix"
make -s -C "$pkgdir" install PREFIX="$prefix" || fail "make install PREFIX=$prefix failed"
bin="$prefix/bin/$exe"
desktop="$prefix/share/applications/$appid.desktop"
icon="$prefix/share/pixmaps/$appid.png"
[ -x "$bin" ] || fail "no executable at $bin"
[ -f "$desktop" ] || fail "no desktop entry at $desktop"
[ -f "$icon" ] || fail "no icon at $icon"
file -b "$bin" | grep -q "ELF 64-bit" || fail "$bin is not an ELF executable: $(file -b "$bin")"
if ldd "$bin" | grep -q "not found"; then fail "missing shared libraries: $(ldd "$bin" | grep 'not found')"; fi
cmp -s "$icon" "$(sed -n 's/^[[:space:]]*Icon[[:space:]]*=[[:space:]]*"\(.*\)"[[:space:]]*$/\1/p' FyneApp.toml | head -n1)" \
  || fail "installed icon differs from the one FyneApp.toml names"
identify "$icon" >/dev/null 2>&1 || fail "installed icon is not an image"
key() { sed -n "s/^$1=//p" "$desktop" | head -n1; }
[ "$(key Type)" = Application ] || fail "desktop entry Type=$(key Type), want Application"
[ "$(key Name)" = "$name" ] || fail "desktop entry Name=$(key Name), want $name"
[ "$(key Exec)" = "$exe" ] || fail "desktop entry Exec=$(key Exec), want $exe"
[ "$(key Icon)" = "$appid" ] || fail "desktop entry Icon=$(key Icon), want $appid (share/pixmaps/$appid.png)"
if command -v desktop-file-validate >/dev/null; then
  desktop-file-validate "$desktop" || fail "desktop-file-validate rejects $desktop"
fi
ok "make install PREFIX=...: bin/$exe ($(du -h "$bin" | cut -f1)), share/applications/$appid.desktop (Name=$(key Name), Exec=$(key Exec), Icon=$(key Icon)), share/pixmaps/$appid.png ($(identify -format '%wx%h' "$icon"))"

# 3. The per-user install (~/.local) into a temporary HOME.
home="$tmp/home"
mkdir -p "$home"
make -s -C "$pkgdir" user-install HOME="$home" || fail "make user-install failed"
[ -x "$home/.local/bin/$exe" ] || fail "user-install: no $home/.local/bin/$exe"
[ -f "$home/.local/share/icons/$appid.png" ] || fail "user-install: no icon in ~/.local/share/icons"
grep -qx "Exec=$home/.local/bin/$exe" "$home/.local/share/applications/$appid.desktop" \
  || fail "user-install: desktop entry Exec is not $home/.local/bin/$exe"
make -s -C "$pkgdir" user-uninstall HOME="$home" >/dev/null 2>&1
[ ! -e "$home/.local/bin/$exe" ] || fail "user-uninstall left $home/.local/bin/$exe"
ok "make user-install / user-uninstall HOME=...: ~/.local/bin/$exe, ~/.local/share/applications, ~/.local/share/icons"

# 4. An X display: the current one if it answers, else a private Xvfb.
if [ -n "${DISPLAY:-}" ] && xdotool getdisplaygeometry >/dev/null 2>&1; then
  ok "using DISPLAY=$DISPLAY"
else
  command -v Xvfb >/dev/null || fail "no X display and no Xvfb (Debian: xvfb)"
  n=99
  while [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ]; do n=$((n + 1)); done
  Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
  xvfb_pid=$!
  export DISPLAY=":$n"
  for _ in $(seq 50); do xdotool getdisplaygeometry >/dev/null 2>&1 && break; sleep 0.2; done
  xdotool getdisplaygeometry >/dev/null 2>&1 || fail "Xvfb :$n did not start: $(cat "$tmp/xvfb.log")"
  ok "started Xvfb on DISPLAY=:$n"
fi

# 5. Start the installed studio as a launcher would: the entry's Exec on PATH.
start=$(date +%s)
env PATH="$prefix/bin:$PATH" HOME="$home" XDG_CONFIG_HOME="$home/.config" LIBGL_ALWAYS_SOFTWARE=1 \
  $(key Exec | sed 's/ *%[fFuU]//') >"$applog" 2>&1 &
app_pid=$!
if ! win=$(timeout "$timeout_s" xdotool search --sync --all --pid "$app_pid" --name "^$name\$" 2>/dev/null | head -n1) || [ -z "$win" ]; then
  if kill -0 "$app_pid" 2>/dev/null; then
    fail "no window titled \"$name\" within $timeout_s s (log: $applog): $(tail -n 20 "$applog")"
  fi
  fail "the installed studio exited before showing a window (log: $applog): $(tail -n 20 "$applog")"
fi
ok "window $win \"$(xdotool getwindowname "$win")\" appeared after $(($(date +%s) - start)) s, $(xdotool getwindowgeometry "$win" | sed -n 's/.*Geometry: //p')"
sleep 5 # let the first frames render (software GL)
kill -0 "$app_pid" 2>/dev/null || fail "the studio exited after showing its window (log: $applog): $(tail -n 20 "$applog")"
import -window root "$shot" || fail "screenshot failed"
# A blank (single-colour) screen would mean nothing was drawn.
sd=$(identify -format '%[fx:standard_deviation]' "$shot")
awk -v s="$sd" 'BEGIN { exit !(s > 0.02) }' || fail "screenshot $shot is blank (standard deviation $sd)"
ok "screenshot $shot ($(identify -format '%wx%h' "$shot"), standard deviation $sd)"
kill "$app_pid" && wait "$app_pid" 2>/dev/null || true
app_pid=""
echo "package_test: PASS: $archive installs and starts the studio"
