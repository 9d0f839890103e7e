"""``commandcentre verify``: is the file sound, is the audit chain whole, do the rows match it?

Three checks, each reporting the first problem it meets:

1. ``PRAGMA integrity_check`` on the SQLite file.
2. The chain: sequence numbers run 1, 2, 3 … without gaps, each row's ``prev_hash`` is the
   previous row's hash, and each hash recomputes.
3. The state: for every audited table, each current row equals the last after-image the trail
   holds for it; each update's before-image equals the image before it; no row exists that the
   trail never saw, and none the trail holds is missing. This finds an edit made with another
   tool even when the trail itself was left alone.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..i18n import tr
from . import audit
from .store import Store


@dataclass
class Problem:
    """One finding: where (audit seq or table/record) and what."""

    check: str  # 'integrity' | 'chain' | 'state'
    message: str
    seq: int | None = None
    table: str | None = None
    record_id: str | None = None


@dataclass
class VerifyReport:
    """What :func:`verify_store` found."""

    path: str
    version: tuple[int, int]
    audit_rows: int = 0
    records_checked: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict:
        """A JSON-friendly form for ``--json``."""
        return {
            "path": self.path, "ok": self.ok, "version": "{}.{}".format(*self.version),
            "audit_rows": self.audit_rows, "records_checked": self.records_checked,
            "problems": [p.__dict__ for p in self.problems],
        }


def verify_store(path: str | Path) -> VerifyReport:
    """Check the store at ``path`` without changing it (it is opened read-only)."""
    store = Store.open(path, readonly=True, migrate=False)
    try:
        report = VerifyReport(str(path), store.version)
        try:
            _integrity(store, report)
            last_images = _chain(store, report)
            _state(store, report, last_images)
        except sqlite3.DatabaseError as err:
            # A damaged file is a finding of verify, not a failure of it.
            report.problems.append(Problem("integrity", tr("读取数据库时出错：{detail}",
                                                           detail=str(err))))
        return report
    finally:
        store.close()


def _integrity(store: Store, report: VerifyReport) -> None:
    rows = [r[0] for r in store.conn.execute("PRAGMA integrity_check")]
    if rows != ["ok"]:
        report.problems.append(Problem("integrity", tr("SQLite 完整性检查失败：{detail}",
                                                       detail="; ".join(rows[:3]))))


def _chain(store: Store, report: VerifyReport) -> dict[tuple[str, str], str | None]:
    """Walk the trail; return the last image per record (None after a delete)."""
    last: dict[tuple[str, str], str | None] = {}
    expected_seq, prev = 1, audit.GENESIS_HASH
    chain_broken = state_broken = False
    cursor = store.conn.execute(
        "SELECT seq, at, actor, op, action, table_name, record_id, before_json, after_json,"
        " detail_json, prev_hash, hash FROM audit_log ORDER BY seq")
    for row in cursor:
        (seq, at, actor, op, action, table, record_id, before, after, detail, prev_hash,
         digest) = tuple(row)
        report.audit_rows += 1
        if not chain_broken:
            reason = None
            if seq != expected_seq:
                reason = tr("序号应为 {expected}，实为 {seq}（有记录被删除或插入）",
                            expected=expected_seq, seq=seq)
            elif prev_hash != prev:
                reason = tr("前一条的哈希不符（记录被删除、替换或重排）")
            elif audit.row_hash(seq, at, actor, op, action, table, record_id, before, after,
                                detail, prev_hash) != digest:
                reason = tr("本条内容与其哈希不符（记录被改动）")
            if reason:
                chain_broken = True
                report.problems.append(Problem(
                    "chain", tr("审计链在第 {seq} 条断开：{reason}", seq=seq, reason=reason),
                    seq=seq, table=table, record_id=record_id))
        expected_seq, prev = seq + 1, digest
        if op == "event" or not record_id:
            continue
        key = (table, record_id)
        if op in ("update", "delete") and not state_broken and last.get(key) != before:
            state_broken = True
            report.problems.append(Problem(
                "state", tr("{table} 记录 {id} 在第 {seq} 条审计前被程序外修改过",
                            table=table, id=record_id, seq=seq),
                seq=seq, table=table, record_id=record_id))
        last[key] = after if op != "delete" else None
    return last


def _state(store: Store, report: VerifyReport,
           last: dict[tuple[str, str], str | None]) -> None:
    existing = {r[0] for r in store.conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    alive: dict[str, set[str]] = {}  # table -> ids the trail says exist now
    for (table, rid), image in last.items():
        if image is not None:
            alive.setdefault(table, set()).add(rid)
    for spec in audit.audited_tables():
        if spec.name not in existing:
            continue
        seen: set[str] = set()
        for row in store.conn.execute(f"SELECT * FROM {spec.name} ORDER BY rowid"):
            report.records_checked += 1
            record = dict(row)
            rid = str(record["id"])
            seen.add(rid)
            want = last.get((spec.name, rid))
            have = audit.canonical_json(spec.image(record))
            if want is None:
                report.problems.append(Problem(
                    "state", tr("{table} 记录 {id} 不在审计链中（程序外写入）",
                                table=spec.name, id=rid), table=spec.name, record_id=rid))
                return
            if want != have:
                report.problems.append(Problem(
                    "state", tr("{table} 记录 {id} 与审计链中的最后状态不符（程序外修改）",
                                table=spec.name, id=rid), table=spec.name, record_id=rid))
                return
        for rid in sorted(alive.get(spec.name, set()) - seen):
            report.problems.append(Problem(
                "state", tr("{table} 记录 {id} 已在程序外被删除", table=spec.name, id=rid),
                table=spec.name, record_id=rid))
            return
