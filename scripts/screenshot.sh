#!/usr/bin/env bash
# Looks at the app as a user would: starts it on a virtual screen with a fresh demo store,
# logs in by typing (xdotool), and saves screenshots of the login and main windows.
# Needs xvfb, xdotool and imagemagick (apt-get install xvfb xdotool imagemagick).
# Usage: scripts/screenshot.sh [OUTDIR] [extra program args, e.g. --lang en]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-screenshots}"; shift || true
mkdir -p "$out"
work=$(mktemp -d)
export COMMANDCENTRE_DB="$work/demo.db" COMMANDCENTRE_LOG_DIR="$work/logs"
Xvfb :77 -screen 0 1600x1000x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $app $xvfb 2>/dev/null || true; rm -rf "$work"' EXIT
export DISPLAY=:77
sleep 1
.venv/bin/commandcentre gui "$@" &
app=$!
for _ in $(seq 1 60); do
  xdotool search --name "登录|Log in" >/dev/null 2>&1 && break
  sleep 0.5
done
sleep 1
import -window root "$out/login.png"
# No window manager on Xvfb: give the login window the keyboard focus ourselves.
win=$(xdotool search --onlyvisible --name "登录|Log in" | head -1)
xdotool windowfocus --sync "$win"
xdotool type --delay 40 "zhiban"
xdotool key Tab
xdotool type --delay 40 "demo2026"
xdotool key Return
sleep 3
import -window root "$out/main.png"
main=$(xdotool search --onlyvisible --name "应急值守指挥台 —|Command Centre —" | head -1)
xdotool windowfocus --sync "$main"
xdotool key ctrl+l
sleep 1
import -window root "$out/locked.png"
echo "screenshots in $out"
