#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and opens Command Centre. With no database yet, the
# first start creates the demo county (演示县) and shows its accounts on the login screen.
# Extra arguments go to the program, e.g. `scripts/run.sh --lang en` or `--db PATH`.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "run: no display found; starting on a virtual screen (xvfb-run)" >&2
  exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/commandcentre gui "$@"
fi
exec .venv/bin/commandcentre gui "$@"
