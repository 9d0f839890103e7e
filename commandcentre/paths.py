"""Where things live: bundled resources, the default database, logs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

from . import APP_NAME


def resources_dir() -> Path:
    """The bundled ``resources/`` folder (next to the package, or inside a PyInstaller bundle)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def data_dir() -> Path:
    """Per-user data folder (``%LOCALAPPDATA%\\CommandCentre`` on Windows)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """The store used when no ``--db`` is given: ``$COMMANDCENTRE_DB`` or the data folder."""
    env = os.environ.get("COMMANDCENTRE_DB")
    if env:
        return Path(env)
    return data_dir() / "commandcentre.db"


def log_dir() -> Path:
    """Log folder: ``$COMMANDCENTRE_LOG_DIR`` or the per-user log folder."""
    env = os.environ.get("COMMANDCENTRE_LOG_DIR")
    if env:
        return Path(env)
    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
