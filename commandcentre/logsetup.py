"""Logging: a rotating file in the user's log folder, warnings also to stderr."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from .paths import log_dir

_configured: Path | None = None


def configure(*, console_level: int = logging.WARNING) -> Path | None:
    """Set up logging once; return the log file path (None when the folder is unusable)."""
    global _configured
    if _configured is not None:
        return _configured
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    console = logging.StreamHandler()
    console.setLevel(console_level)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(console)
    folder = log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "commandcentre.log"
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=5_000_000, backupCount=5,
                                                       encoding="utf-8")
    except OSError as err:
        root.warning("log folder %s unusable (%s); logging to the console only", folder, err)
        return None
    handler.setFormatter(logging.Formatter(
        "%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s"))
    root.addHandler(handler)
    _configured = path
    return path
