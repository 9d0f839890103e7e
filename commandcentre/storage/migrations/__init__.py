"""Schema migrations: one module per version step, each applied in its own transaction.

``MIGRATIONS`` is ordered; each entry takes the file from the previous version to its own.
Before the first pending step runs on a file that already holds data, the whole file is copied
with the SQLite backup API next to itself. A step that fails rolls back and leaves the file at
the version it had. Every step has a test named ``test_migration_<major>_<minor>`` in
``tests/core/test_migrations.py``, and a test checks that none is missing.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from ...timeutil import to_storage
from .base import Migration, split_sql

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["CURRENT_VERSION", "MIGRATIONS", "Migration", "migrate", "split_sql"]

log = logging.getLogger(__name__)


def _load() -> list[Migration]:
    from . import m1_0, m1_1, m1_2, m1_3, m1_4, m1_5, m1_6, m1_7, m1_8, m1_9

    steps = [m.MIGRATION for m in (m1_0, m1_1, m1_2, m1_3, m1_4, m1_5, m1_6, m1_7, m1_8,
                                   m1_9)]
    assert [s.version for s in steps] == sorted(s.version for s in steps)
    return steps


MIGRATIONS: list[Migration] = _load()
CURRENT_VERSION: tuple[int, int] = MIGRATIONS[-1].version


def backup_path(db_path: Path, version: tuple[int, int], stamp: str) -> Path:
    """Where the pre-migration copy of ``db_path`` goes."""
    return db_path.with_name(
        f"{db_path.stem}.backup-v{version[0]}.{version[1]}-{stamp}{db_path.suffix or '.db'}")


def migrate(store: Store, *, upto: tuple[int, int] | None = None) -> list[tuple[int, int]]:
    """Bring ``store`` to ``upto`` (default: the newest version); return the steps applied."""
    from ..store import APPLICATION_ID, _guard, pack_version

    target = upto or CURRENT_VERSION
    found = store.version
    pending = [m for m in MIGRATIONS if found < m.version <= target]
    if not pending:
        return []
    if found != (0, 0):
        stamp = to_storage(store.clock.now())[:19].replace("-", "").replace(":", "") + "Z"
        dest = store.backup(backup_path(store.path, found, stamp))
        log.info("backed up %s (v%d.%d) to %s before migrating", store.path, *found, dest)
    conn = store.conn
    applied = []
    for step in pending:
        with _guard(str(store.path)):
            conn.execute("BEGIN IMMEDIATE")
            try:
                for stmt in step.statements:
                    conn.execute(stmt)
                if step.data is not None:
                    step.data(conn)
                for table in step.rebaseline:
                    _rebaseline(store, table, step.version)
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute(f"PRAGMA user_version = {pack_version(*step.version)}")
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        log.info("migrated %s to v%d.%d (%s)", store.path, *step.version, step.title)
        applied.append(step.version)
    return applied


def _rebaseline(store: Store, table: str, version: tuple[int, int]) -> None:
    """Audit each row's new shape after a schema change, from the trail's last image.

    The before-image is taken from the trail, not from the row, so a row changed behind the
    program's back before the upgrade is still reported by verify afterwards.
    """
    import json

    from .. import audit

    spec = audit.audited_table(table)
    store._head = audit.ChainHead(store._fetch_head)
    try:
        for row in store.conn.execute(f"SELECT * FROM {table}").fetchall():
            last = store.conn.execute(
                "SELECT after_json FROM audit_log WHERE table_name = ? AND record_id = ?"
                " AND op != 'event' ORDER BY seq DESC LIMIT 1", (table, row["id"])).fetchone()
            if last is None or last[0] is None:
                continue  # never audited (or deleted): verify reports it as before
            before, after = json.loads(last[0]), spec.image(dict(row))
            if {k: after.get(k) for k in before} != before:
                continue  # changed behind the program's back: leave it for verify to report
            store._append_audit("system", "update", "schema.migrate", table, row["id"],
                                before, after, {"version": "{}.{}".format(*version)})
    finally:
        store._head = None
