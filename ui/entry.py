"""Console entry point ``commandcentre``: the core CLI, with ``gui`` (the default) opening the
window. Qt is imported only when the window is wanted, so CLI commands run headless."""

from __future__ import annotations

import sys
from collections.abc import Sequence


def _launch(ctx) -> int:
    from .app import launch

    return launch(ctx)


def main(argv: Sequence[str] | None = None) -> int:
    from commandcentre.cli.main import main as cli_main

    return cli_main(argv, gui=_launch)


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
