"""The store (数据存储): one SQLite file, opened safely, written in audited transactions.

Opening never changes a file we cannot use: it is first probed read-only, and a file written
by a newer major version, or an SQLite file that is not ours, is refused untouched. A usable
file gets WAL, ``synchronous=FULL`` (a commit is on disk before we say "saved"),
``foreign_keys`` and ``busy_timeout``; pending migrations run after a backup made with the
SQLite backup API. Failures of the environment (locked, read-only, disk full, corrupt) come out
as :class:`~commandcentre.errors.StorageUnavailable` with a one-line message.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import sqlite_utils

from ..errors import NotOurDatabase, SchemaTooNew, StorageUnavailable
from ..i18n import tr
from ..timeutil import Clock, to_storage
from . import audit
from .errors import os_unavailable, unavailable

if TYPE_CHECKING:
    from ..accounts import Permission, Session

log = logging.getLogger(__name__)

APPLICATION_ID = 0x43434E54  # "CCNT" in PRAGMA application_id marks a Command Centre store
DEFAULT_BUSY_TIMEOUT_MS = 5000
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")


def pack_version(major: int, minor: int) -> int:
    """``PRAGMA user_version`` value for a schema version (major << 16 | minor)."""
    return (major << 16) | minor


def unpack_version(value: int) -> tuple[int, int]:
    """Split a ``PRAGMA user_version`` value into (major, minor)."""
    return value >> 16, value & 0xFFFF


def _ident(name: str) -> str:
    if not _IDENT.match(name):
        raise ValueError(f"not a safe SQL identifier: {name!r}")
    return name


def new_id() -> str:
    """A stable UUID for a record that may one day leave this machine."""
    return str(uuid.uuid4())


def _guard(path: str):
    """Context manager translating environment errors into StorageUnavailable."""
    return _Guard(path)


class _Guard:
    def __init__(self, path: str):
        self.path = path

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc is None or isinstance(exc, StorageUnavailable):
            return False
        if isinstance(exc, sqlite3.Error):
            err = unavailable(exc, self.path)
            if err is not None:
                raise err from exc
        return False


class Store:
    """An open Command Centre database. Use :meth:`open`; close it when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection, clock: Clock, readonly: bool):
        self.path = path
        self.conn = conn
        self.clock = clock
        self.readonly = readonly
        self._tx_depth = 0
        self._head: audit.ChainHead | None = None
        # sqlite-utils for convenience queries; plugins off so nothing touches our connection.
        self.db = sqlite_utils.Database(conn, execute_plugins=False)

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True, readonly: bool = False,
             clock: Clock | None = None, busy_timeout_ms: int | None = None,
             migrate: bool = True) -> Store:
        """Open (and if needed create and migrate) the store at ``path``.

        Raises :class:`StorageUnavailable` (or its subclasses :class:`SchemaTooNew`,
        :class:`NotOurDatabase`) when the file cannot be used; the file is then unchanged.
        """
        from .migrations import CURRENT_VERSION
        from .migrations import migrate as run_migrations

        if busy_timeout_ms is None:
            # How long to wait for another program's lock before saying the file is locked.
            busy_timeout_ms = int(os.environ.get("COMMANDCENTRE_BUSY_TIMEOUT_MS",
                                                 DEFAULT_BUSY_TIMEOUT_MS))
        path = Path(path)
        where = str(path)
        exists = path.exists() and path.stat().st_size > 0
        if not exists:
            if readonly or not create:
                raise StorageUnavailable(tr("数据库文件不存在：{path}", path=where),
                                         reason="missing", path=where)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as err:
                raise os_unavailable(err, where) from err
        else:
            found = _probe(path, busy_timeout_ms)
            if found[0] > CURRENT_VERSION[0]:
                raise SchemaTooNew(
                    tr("数据库文件由更新版本的程序创建（格式 {found}，本程序支持 {ours}），"
                       "未做任何改动：{path}", found="{}.{}".format(*found),
                       ours="{}.{}".format(*CURRENT_VERSION), path=where),
                    path=where, found=found)
        clock = clock or Clock()
        with _guard(where):
            if readonly:
                conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True,
                                       isolation_level=None)
            else:
                conn = sqlite3.connect(str(path), isolation_level=None)
            try:
                conn.row_factory = sqlite3.Row
                conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
                conn.execute("PRAGMA foreign_keys = ON")
                if readonly:
                    conn.execute("PRAGMA query_only = ON")
                else:
                    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
                    if mode.lower() != "wal":
                        log.warning("journal_mode is %s, not wal, for %s", mode, where)
                    conn.execute("PRAGMA synchronous = FULL")
                    # Take and drop the write lock now, so read-only files, locks held by
                    # another program and the like are found at open, not at the first save.
                    conn.execute("BEGIN IMMEDIATE")
                    conn.execute("ROLLBACK")
                store = cls(path, conn, clock, readonly)
                if not readonly and migrate:
                    run_migrations(store)
                elif store.version < CURRENT_VERSION:
                    log.info("store %s at %s, not migrated (read-only open)", where,
                             store.version)
            except BaseException:
                conn.close()
                raise
        return store

    def close(self) -> None:
        """Close the connection (checkpointing the WAL when we are the last user)."""
        try:
            self.conn.close()
        except sqlite3.Error as err:  # pragma: no cover - closing never loses committed data
            log.warning("closing %s: %s", self.path, err)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- reading -------------------------------------------------------------------------

    @property
    def version(self) -> tuple[int, int]:
        """The schema version recorded in the file."""
        return unpack_version(self.conn.execute("PRAGMA user_version").fetchone()[0])

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[dict]:
        """Run a read query and return its rows as dicts."""
        with _guard(str(self.path)):
            return [dict(r) for r in self.conn.execute(sql, params)]

    def one(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> dict | None:
        """Run a read query and return its first row, or None."""
        with _guard(str(self.path)):
            row = self.conn.execute(sql, params).fetchone()
        return dict(row) if row is not None else None

    def scalar(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        """Run a read query and return the first column of its first row."""
        with _guard(str(self.path)):
            row = self.conn.execute(sql, params).fetchone()
        return row[0] if row is not None else None

    def get(self, table: str, record_id: str) -> dict | None:
        """One row of ``table`` by id."""
        return self.one(f"SELECT * FROM {_ident(table)} WHERE id = ?", (record_id,))

    # -- writing -------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT); nested calls join the outer one.

        When the block returns, the commit is on disk (WAL + synchronous=FULL).
        """
        if self.readonly:
            raise StorageUnavailable(tr("数据库以只读方式打开，不能写入：{path}",
                                        path=str(self.path)), reason="read-only",
                                     path=str(self.path))
        if self._tx_depth:
            self._tx_depth += 1
            try:
                yield self.conn
            finally:
                self._tx_depth -= 1
            return
        with _guard(str(self.path)):
            self.conn.execute("BEGIN IMMEDIATE")
            self._tx_depth = 1
            self._head = audit.ChainHead(self._fetch_head)
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                raise
            finally:
                self._tx_depth = 0
                self._head = None

    @contextmanager
    def write(self, session: Session, permission: Permission) -> Iterator[Writer]:
        """An audited write transaction on behalf of ``session``, which must hold ``permission``.

        The permission is checked before anything is written; every change made through the
        yielded :class:`Writer` appends an audit row in the same transaction.
        """
        session.require(permission)
        with self.transaction():
            yield Writer(self, session.username)

    @contextmanager
    def record_as(self, actor: str) -> Iterator[Writer]:
        """An audited transaction in the name of ``actor`` without a session.

        Only for what the program records about someone who has no session yet: login
        attempts, failures and lockouts. Everything else goes through :meth:`write`.
        """
        with self.transaction():
            yield Writer(self, actor)

    def _fetch_head(self) -> tuple[int, str]:
        row = self.conn.execute(
            "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else (0, audit.GENESIS_HASH)

    def _append_audit(self, actor: str, op: str, action: str, table: str, record_id: str,
                      before: dict | None, after: dict | None,
                      detail: Mapping[str, Any] | None) -> int:
        assert self._head is not None, "audit rows are written only inside a transaction"
        seq, prev = self._head.next()
        at = to_storage(self.clock.now())
        before_j = audit.canonical_json(before) if before is not None else None
        after_j = audit.canonical_json(after) if after is not None else None
        detail_j = audit.canonical_json(dict(detail)) if detail else None
        digest = audit.row_hash(seq, at, actor, op, action, table, record_id, before_j,
                                after_j, detail_j, prev)
        self.conn.execute(
            "INSERT INTO audit_log (seq, at, actor, op, action, table_name, record_id,"
            " before_json, after_json, detail_json, prev_hash, hash)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (seq, at, actor, op, action, table, record_id, before_j, after_j, detail_j, prev,
             digest))
        self._head.advance(seq, digest)
        return seq

    def backup(self, dest: str | Path) -> Path:
        """Copy the whole store to ``dest`` with the SQLite online backup API."""
        dest = Path(dest)
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise os_unavailable(err, str(dest)) from err
        with _guard(str(dest)):
            target = sqlite3.connect(str(dest))
            try:
                self.conn.backup(target)
            finally:
                target.close()
        return dest


class Writer:
    """Audited row operations inside one transaction; obtained from :meth:`Store.write`."""

    def __init__(self, store: Store, actor: str):
        self.store = store
        self.actor = actor
        self.changes: list[tuple[str, str, str]] = []  # (op, table, id): the "what changed"

    def _read(self, table: str, record_id: str) -> dict | None:
        row = self.store.conn.execute(
            f"SELECT * FROM {_ident(table)} WHERE id = ?", (record_id,)).fetchone()
        return dict(row) if row is not None else None

    def insert(self, table: str, row: Mapping[str, Any], *, action: str | None = None,
               detail: Mapping[str, Any] | None = None) -> str:
        """Insert ``row`` (an ``id`` is generated when absent) and audit it; return the id."""
        spec = audit.audited_table(table)
        values = dict(row)
        values.setdefault("id", new_id())
        cols = [_ident(c) for c in values]
        self.store.conn.execute(
            f"INSERT INTO {_ident(table)} ({', '.join(cols)})"
            f" VALUES ({', '.join('?' for _ in cols)})", list(values.values()))
        # Read back rather than RETURNING: RETURNING reports an integer given to a REAL
        # column as an integer, while SELECT (and verify) see the stored float.
        after = self._read(table, values["id"])
        self.store._append_audit(self.actor, "insert", action or f"{table}.insert", table,
                                 values["id"], None, spec.image(after), detail)
        self.changes.append(("insert", table, values["id"]))
        return values["id"]

    def _changeable(self, table: str, record_id: str) -> tuple[audit.AuditedTable, dict]:
        """The table's registration and the row's current image, for an update or delete."""
        spec = audit.audited_table(table)
        if spec.append_only:
            raise PermissionError(f"{table} is append-only; record a correction instead")
        before = self._read(table, record_id)
        if before is None:
            raise LookupError(f"{table} has no record {record_id}")
        return spec, before

    def update(self, table: str, record_id: str, changes: Mapping[str, Any], *,
               action: str | None = None, detail: Mapping[str, Any] | None = None) -> dict:
        """Change some columns of one row and audit before and after; return the new row."""
        spec, before = self._changeable(table, record_id)
        if not changes:
            return before
        sets = ", ".join(f"{_ident(c)} = ?" for c in changes)
        self.store.conn.execute(f"UPDATE {_ident(table)} SET {sets} WHERE id = ?",
                                [*changes.values(), record_id])
        after = self._read(table, record_id)
        self.store._append_audit(self.actor, "update", action or f"{table}.update", table,
                                 record_id, spec.image(before), spec.image(after), detail)
        self.changes.append(("update", table, record_id))
        return after  # type: ignore[return-value]

    def delete(self, table: str, record_id: str, *, action: str | None = None,
               detail: Mapping[str, Any] | None = None) -> None:
        """Delete one row (never allowed on append-only tables) and audit its last image."""
        spec, before = self._changeable(table, record_id)
        self.store.conn.execute(f"DELETE FROM {_ident(table)} WHERE id = ?", (record_id,))
        self.store._append_audit(self.actor, "delete", action or f"{table}.delete", table,
                                 record_id, spec.image(before), None, detail)
        self.changes.append(("delete", table, record_id))

    def event(self, action: str, *, table: str = "", record_id: str = "",
              detail: Mapping[str, Any] | None = None) -> None:
        """Record something that changes no row (e.g. a refused login) in the trail."""
        self.store._append_audit(self.actor, "event", action, table, record_id, None, None,
                                 detail)


def _probe(path: Path, busy_timeout_ms: int) -> tuple[int, int]:
    """Read version and identity of an existing file without changing a byte of it."""
    where = str(path)
    with _guard(where):
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?mode=ro", uri=True,
                               isolation_level=None)
        try:
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            conn.close()
    if app_id == APPLICATION_ID:
        return unpack_version(version)
    if app_id == 0 and version == 0 and tables == 0:
        return (0, 0)  # an empty SQLite file: ours to initialise
    raise NotOurDatabase(tr("该文件不是应急值守指挥台的数据库，未做任何改动：{path}", path=where),
                         path=where)
