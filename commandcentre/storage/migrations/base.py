"""The shape of a migration step, and an SQL script splitter."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Migration:
    """One schema step: the version it produces, a title, its SQL and optional data work."""

    version: tuple[int, int]
    title: str
    statements: tuple[str, ...]
    data: Callable[[sqlite3.Connection], None] | None = field(default=None)
    # Audited tables whose rows this step changes (e.g. ALTER TABLE … ADD COLUMN): each row
    # gets an audit entry from its last recorded image to its new one, so verify still holds.
    rebaseline: tuple[str, ...] = ()


def split_sql(script: str) -> tuple[str, ...]:
    """Split a script into complete statements (triggers keep their inner semicolons)."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        raise ValueError(f"incomplete SQL statement: {buf.strip()[:60]}")
    return tuple(out)


