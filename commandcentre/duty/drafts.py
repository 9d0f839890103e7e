"""Drafts (草稿) of the record being typed, kept beside the store so a crash loses nothing.

A draft is not a record: it goes to a small JSON file per user next to the database
(``<db>.drafts/<user>.json``), written atomically (temporary file, fsync, rename, fsync of the
folder) so a kill at any moment leaves either the old draft or the new one, never half of one.
Saving the record deletes its draft.
"""

from __future__ import annotations

import json
import logging
import os
import re
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class DraftStore:
    """Per-user drafts for one database file."""

    def __init__(self, db_path: str | Path):
        db_path = Path(db_path)
        self.folder = db_path.with_name(db_path.name + ".drafts")

    def _path(self, user: str, kind: str) -> Path:
        return self.folder / f"{_SAFE.sub('_', user)}.{_SAFE.sub('_', kind)}.json"

    def save(self, user: str, data: dict[str, Any], *, kind: str = "intake") -> None:
        """Replace the user's draft with ``data`` (durably)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self._path(user, kind)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, ensure_ascii=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        self._sync_folder()

    def load(self, user: str, *, kind: str = "intake") -> dict[str, Any] | None:
        """The user's draft, or None (a damaged draft is set aside, not trusted)."""
        path = self._path(user, kind)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as err:
            log.warning("draft %s unreadable (%s); keeping it as .bad", path, err)
            try:
                os.replace(path, path.with_suffix(".bad"))
            except OSError:
                pass
            return None

    def clear(self, user: str, *, kind: str = "intake") -> None:
        """Forget the user's draft (after the record was saved)."""
        try:
            self._path(user, kind).unlink()
        except FileNotFoundError:
            return
        self._sync_folder()

    def _sync_folder(self) -> None:
        if os.name != "posix":  # Windows has no directory fsync; the rename is atomic there
            return
        fd = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
