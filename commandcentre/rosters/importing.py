"""Importing a register from an office sheet (.xlsx / .csv): preview first, then all or nothing.

Reading is forgiving about how the sheet was typed (see :mod:`commandcentre.tabular` and the
header synonyms in :mod:`.specs`): title rows, merged cells, blank lines, the header repeated on
every printed page, 合计 / 制表人 lines under the table, numbers for phones, full-width digits.
It is strict about meaning: every row is checked, each rejected row is reported with its row
number and the reasons in Chinese, and the file is written only if no row is rejected, in one
audited transaction. The plan is made again inside that transaction, so what is written is
what the registers hold at that moment.

A row whose key (team name; member = team + name; stock = warehouse + item + spec + batch …)
is already registered updates that record, but only the fields whose cells are filled in: a
blank cell never erases what the register holds (a status set during an incident survives a
re-import). A stock quantity is a count: the difference from the card's balance is written as
an 入库 or 报损 movement, never typed over the balance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..accounts import Permission, Session
from ..errors import ValidationError
from ..i18n import tr
from ..storage import Store
from ..tabular import CellError, fold, header_text, is_blank, open_table
from .specs import Register, register

_NOTE_ROW = re.compile(r"^(合计|总计|小计|制表|填表|填报|审核|审批|负责人|注[:：]|说明|备注[:：])")


@dataclass(slots=True)
class PlannedRow:
    """One good row and what importing it does: insert, update (``changes``) or nothing."""

    row: int
    action: str                  # 'insert' | 'update' | 'unchanged'
    key: str                     # how the record is named in messages
    values: dict[str, Any]       # the record's row as it will be written
    changes: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)   # planner-specific (movements …)
    record_id: str | None = None


@dataclass(slots=True)
class Reject:
    """A row that cannot be imported, with every reason found."""

    row: int
    reasons: list[str]

    @property
    def message(self) -> str:
        return tr("{where}：{problem}", where=tr("第 {row} 行", row=self.row),
                  problem="；".join(self.reasons))


@dataclass
class ImportPreview:
    """What a file would do to a register: the dry run, and the record of a real import."""

    kind: str
    path: str
    sheet: str
    header_row: int
    columns: dict[str, str]          # header as written → the register's column
    ignored: list[str]
    rows: list[PlannedRow]
    rejects: list[Reject]
    skipped: int = 0                 # blank lines, repeated headers, 合计 / 制表人 lines
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.rejects

    @property
    def counts(self) -> dict[str, int]:
        out = {"insert": 0, "update": 0, "unchanged": 0}
        for r in self.rows:
            out[r.action] += 1
        return {**out, "rejected": len(self.rejects), "skipped": self.skipped}

    @property
    def problems(self) -> list[str]:
        return [r.message for r in self.rejects]

    def as_dict(self) -> dict:
        return {"kind": self.kind, "file": self.path, "sheet": self.sheet,
                "header_row": self.header_row, "columns": self.columns,
                "ignored": self.ignored, "ok": self.ok, "written": self.written,
                "counts": self.counts,
                "rows": [{"row": r.row, "action": r.action, "key": r.key,
                          "changes": r.changes if r.action == "update" else {},
                          **({"note": r.extra["note"]} if "note" in r.extra else {})}
                         for r in self.rows],
                "rejects": [{"row": r.row, "reasons": r.reasons, "message": r.message}
                            for r in self.rejects]}


class ImportRejected(ValidationError):
    """The file has rejected rows; nothing was written. ``preview`` says which and why."""

    def __init__(self, preview: ImportPreview):
        self.preview = preview
        self.problems = preview.problems
        shown = "；".join(self.problems[:5]) + ("……" if len(self.problems) > 5 else "")
        super().__init__(tr("{n} 行不能导入，未写入任何记录：{details}", n=len(self.problems),
                            details=shown))


@dataclass
class _Parsed:
    reg: Register
    path: Path
    sheet: str
    header_row: int
    columns: dict[str, str]
    ignored: list[str]
    rows: list[tuple[int, dict[str, Any]]]
    rejects: list[Reject]
    skipped: int


def read_file(kind: str, path: str | Path) -> _Parsed:
    """Read and parse a register file without touching the store (cells only)."""
    reg = register(kind)
    path = Path(path)
    headers = reg.headers()
    cols = {c.key: c for c in reg.columns}
    rows: list[tuple[int, dict[str, Any]]] = []
    rejects: list[Reject] = []
    skipped = 0
    with open_table(path, headers, reg.required) as table:
        first = reg.required[0]
        for n, line in table.rows:
            cells = {k: line[c] if c < len(line) else None for k, c in table.columns.items()}
            filled = [k for k, v in cells.items() if not is_blank(v)]
            if not filled:
                skipped += 1
                continue
            lead = next((fold(v) for v in line if not is_blank(v)), "")
            if headers.get(header_text(cells[first] or "")) == first or (
                    len(filled) <= 2 and _NOTE_ROW.match(lead)):
                skipped += 1  # the header repeated on a printed page; a 合计 / 制表人 line
                continue
            values: dict[str, Any] = {}
            reasons: list[str] = []
            for key in filled:
                col = cols[key]
                try:
                    value = col.read(cells[key])
                except CellError as err:
                    reasons.append(tr("{column}：{problem}", column=table.headers[key],
                                      problem=str(err)))
                    continue
                if value is not None and value != "" and value != []:
                    values[key] = value
            for key in reg.required:
                if key not in values and not any(r.startswith(table.headers[key] + "：")
                                                 for r in reasons):
                    reasons.append(tr("缺少{column}", column=table.headers[key]))
            if reasons:
                rejects.append(Reject(n, reasons))
            else:
                rows.append((n, values))
        mapped = {table.headers[k]: reg.column(k).header for k in table.columns}
        return _Parsed(reg, path, table.sheet, table.header_row, mapped, table.ignored, rows,
                       rejects, skipped)


def _plan(store: Store, parsed: _Parsed) -> tuple[ImportPreview, Any]:
    from .planners import planner_for

    planner = planner_for(parsed.reg.kind, store)
    planned: list[PlannedRow] = []
    rejects = list(parsed.rejects)
    for n, values in parsed.rows:
        try:
            planned.append(planner.plan(n, values))
        except ValidationError as err:
            rejects.append(Reject(n, [str(err)]))
    rejects.sort(key=lambda r: r.row)
    if not planned and not rejects:
        raise ValidationError(tr("文件中没有数据行：{path}", path=str(parsed.path)))
    preview = ImportPreview(parsed.reg.kind, str(parsed.path), parsed.sheet, parsed.header_row,
                            parsed.columns, parsed.ignored, planned, rejects, parsed.skipped)
    return preview, planner


def preview_import(store: Store, session: Session, kind: str, path: str | Path
                   ) -> ImportPreview:
    """The dry run: what importing ``path`` would insert, update and reject. Writes nothing."""
    session.require(Permission.READ)
    return _plan(store, read_file(kind, path))[0]


def import_register(store: Store, session: Session, kind: str, path: str | Path, *,
                    dry_run: bool = False) -> ImportPreview:
    """Import ``path`` into the ``kind`` register: every row in one audited transaction, or,
    if any row is rejected, nothing (:class:`ImportRejected` carries the preview)."""
    session.require(Permission.REGISTER_WRITE)
    parsed = read_file(kind, path)  # the slow part, before the write lock is taken
    if dry_run:
        return _plan(store, parsed)[0]
    with store.write(session, Permission.REGISTER_WRITE) as w:
        preview, planner = _plan(store, parsed)
        if not preview.ok:
            raise ImportRejected(preview)  # rolls the (empty) transaction back
        planner.begin(w, {"file": parsed.path.name, "kind": kind})
        for row in preview.rows:
            if row.action != "unchanged":
                planner.apply(w, row)
        preview.written = True
    return preview
