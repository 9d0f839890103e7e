#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the whole suite: lint, the import contract,
# the core tests with no display and no Qt platform, then the GUI tests offscreen.
# Exits non-zero when anything fails, and when a pass collected no tests (pytest exit 5).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
PY=.venv/bin/python

echo "== ruff"
"$PY" -m ruff check .
echo "== import contract (the core imports no Qt, ui or plugins)"
.venv/bin/lint-imports --no-cache
echo "== core tests (no display)"
env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=minimal "$PY" -m pytest tests/core -q \
  -p no:cacheprovider "$@"
echo "== GUI tests (offscreen)"
env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=offscreen "$PY" -m pytest tests/gui -q \
  -p no:cacheprovider "$@"
echo "== all tests passed"
