"""The audit trail (审计日志): every write appends a row whose SHA-256 hash chains to the last.

A row holds who, when, the operation (insert / update / delete, or ``event`` for things that
change no row, such as a failed login by an unknown name), the action's name, which table and
record, the record's before and after images and an optional detail, as canonical JSON.
``hash = SHA-256(all of those, previous hash)``, so changing, removing or reordering any
row breaks the chain from that row on. The after image is the row as read back from SQLite
after the write, so :mod:`commandcentre.storage.verify` can also compare each table's current
rows with the last image the trail holds and find edits made behind the program's back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS_HASH = "0" * 64
_SEP = "\x1f"  # unit separator: cannot occur in canonical JSON text or our identifiers


def canonical_json(value: Any) -> str:
    """Serialise ``value`` in the one form the hash chain uses (sorted keys, no spaces)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False)


OPS = ("insert", "update", "delete", "event")


def row_hash(seq: int, at: str, actor: str, op: str, action: str, table: str,
             record_id: str, before: str | None, after: str | None, detail: str | None,
             prev_hash: str) -> str:
    """The SHA-256 hex digest that chains one audit row to ``prev_hash``."""
    text = _SEP.join((str(seq), at, actor, op, action, table, record_id, before or "",
                      after or "", detail or "", prev_hash))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _fingerprint(value: Any) -> Any:
    if value is None:
        return None
    data = value if isinstance(value, bytes) else str(value).encode("utf-8")
    return f"sha256:{hashlib.sha256(data).hexdigest()[:16]}"


@dataclass(frozen=True)
class AuditedTable:
    """A table whose rows are written only through the audited writer.

    ``secret_columns`` are stored in the trail as a short fingerprint: a password hash must
    not be copied into every audit row, and a signed PDF should not be copied as hex, but a
    change to either must still be visible to ``verify``.
    ``append_only`` tables refuse UPDATE and DELETE at the SQLite level (triggers).
    """

    name: str
    secret_columns: frozenset[str] = frozenset()
    append_only: bool = False

    def image(self, row: Mapping[str, Any] | None) -> dict[str, Any] | None:
        """The form of ``row`` that goes into (and is compared against) the trail."""
        if row is None:
            return None
        out = dict(row)
        for col in self.secret_columns:
            if col in out:
                out[col] = _fingerprint(out[col])
        for key, value in out.items():
            if isinstance(value, bytes):
                out[key] = "hex:" + value.hex()
        return out


_REGISTRY: dict[str, AuditedTable] = {}


def register_table(name: str, *, secret_columns: tuple[str, ...] = (),
                   append_only: bool = False) -> AuditedTable:
    """Declare that ``name`` is written only through the audited writer."""
    table = AuditedTable(name, frozenset(secret_columns), append_only)
    _REGISTRY[name] = table
    return table


def audited_table(name: str) -> AuditedTable:
    """The registration of ``name``; writing an unregistered table is a programming error."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise LookupError(f"table {name!r} is not registered for audited writes") from None


def audited_tables() -> list[AuditedTable]:
    """All registered tables, in registration order."""
    return list(_REGISTRY.values())


class ChainHead:
    """The last (seq, hash) of the trail, read once per transaction and advanced locally.

    Valid only inside a write transaction: BEGIN IMMEDIATE holds SQLite's write lock, so no
    other connection can append between our read and our writes.
    """

    def __init__(self, fetch: Callable[[], tuple[int, str]]):
        self._fetch = fetch
        self._head: tuple[int, str] | None = None

    def next(self) -> tuple[int, str]:
        if self._head is None:
            self._head = self._fetch()
        return self._head[0] + 1, self._head[1]

    def advance(self, seq: int, digest: str) -> None:
        self._head = (seq, digest)
