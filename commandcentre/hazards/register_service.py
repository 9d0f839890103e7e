"""Rows of plugin registers (灾种台账): list, add, edit, check and import office sheets.

Every write goes through the audited writer with the ``register.write`` permission, exactly
as the core registers do; values are validated by the register's own field specs. An import
is previewed first (which rows are new, which change, which are refused and why) and written
all or nothing, with the same preview shape as the roster importer, so the same dialog and
CLI output serve both.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..accounts import Permission, Session
from ..county import CountyService
from ..errors import NotFound, ValidationError
from ..i18n import tr
from ..rosters.importing import ImportPreview, ImportRejected, PlannedRow, Reject
from ..storage import Store, new_id
from ..tabular import header_text, is_blank, open_table
from ..timeutil import to_storage
from .registers import RegisterSpec
from .registry import HazardRegistry

TOWNSHIP_HEADERS = ("乡镇", "所在乡镇", "乡镇（街道）", "乡镇街道", "township")


@dataclass(frozen=True)
class RegisterRef:
    """A register of a loaded plugin: ``<plugin>.<key>``."""

    plugin_id: str
    spec: RegisterSpec

    @property
    def id(self) -> str:
        return f"{self.plugin_id}.{self.spec.key}"

    @property
    def table(self) -> str:
        return self.spec.table(self.plugin_id)


class PluginRegisterService:
    """The registers of the plugins loaded in ``registry``, on ``store``."""

    def __init__(self, store: Store, registry: HazardRegistry):
        self.store, self.registry = store, registry
        self.county = CountyService(store)

    def registers(self) -> list[RegisterRef]:
        return [RegisterRef(p, spec) for p, spec in self.registry.registers()]

    def get(self, name: str) -> RegisterRef:
        """A register by ``plugin.key``, its table name or its Chinese name."""
        for ref in self.registers():
            if name in (ref.id, ref.table, ref.spec.name_zh, ref.spec.key):
                return ref
        raise NotFound(tr("没有此台账：{name}（提供它的插件未加载？）", name=name))

    # -- reading ------------------------------------------------------------------------------

    def rows(self, ref: RegisterRef, *, text: str = "", limit: int = 5000) -> list[dict]:
        """Rows with ``township`` (name) and ``findings`` (messages of failed checks)."""
        sql = (f"SELECT r.*, o.name AS township FROM {ref.table} r LEFT JOIN org_unit o"
               " ON o.id = r.township_id")
        params: list = []
        if text.strip():
            sql += f" WHERE r.{ref.spec.title} LIKE ? OR o.name LIKE ?"
            params += [f"%{text.strip()}%"] * 2
        rows = self.store.query(sql + f" ORDER BY r.{ref.spec.title} LIMIT ?", [*params, limit])
        for row in rows:
            row["findings"] = [c.message_zh for c in ref.spec.findings(_values(ref, row))]
        return rows

    def findings(self, ref: RegisterRef | None = None) -> list[dict]:
        """Every failed check of every register (or of ``ref``): register, row title,
        message, source."""
        out = []
        for each in [ref] if ref is not None else self.registers():
            for row in self.rows(each):
                for check in each.spec.findings(_values(each, row)):
                    out.append({"register": each.id, "name": each.spec.name_zh,
                                "row": row[each.spec.title], "code": check.code,
                                "message": check.message_zh, "source": check.source})
        return out

    def linked_findings(self, hazard, fields: dict[str, Any]) -> list[str]:
        """Warnings for an incident's fields that name register rows (``register_links``):
        the row's findings, or that no such row is registered."""
        if not hazard.register_links or hazard.id not in self.registry:
            return []
        plugin = self.registry.owner(hazard.id)
        out = []
        for key, register in hazard.register_links.items():
            value = fields.get(key)
            if value in (None, ""):
                continue
            ref = RegisterRef(plugin, next(s for p, s in self.registry.registers()
                                           if p == plugin and s.key == register))
            label = hazard.field(key).label_zh
            rows = [r for r in self.rows(ref) if r[ref.spec.title] == value]
            if not rows:
                out.append(f"{label}“{value}”不在{ref.spec.name_zh}台账中")
            for row in rows:
                out += [f"{label}“{value}”：{m}" for m in row["findings"]]
        return out

    # -- writing ------------------------------------------------------------------------------

    def _validated(self, ref: RegisterRef, values: dict[str, Any]) -> dict[str, Any]:
        values = dict(values)
        township = values.pop("township", None)
        known = {f.key for f in ref.spec.fields}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValidationError(tr("台账“{name}”没有这些字段：{keys}", name=ref.spec.name_zh,
                                     keys="、".join(unknown)))
        row = {f.key: f.validate(values.get(f.key)) for f in ref.spec.fields}
        if row[ref.spec.title] in (None, ""):
            raise ValidationError(tr("“{field}”为必填项。",
                                     field=ref.spec.field(ref.spec.title).label()))
        for f in ref.spec.fields:
            if f.type == "bool" and row[f.key] is not None:
                row[f.key] = int(row[f.key])
        row["township_id"] = self.county.township_id(township) if township else None
        return row

    def add(self, session: Session, ref: RegisterRef, values: dict[str, Any]) -> str:
        """Add a row (``township`` by name); returns its id."""
        session.require(Permission.REGISTER_WRITE)
        row = self._validated(ref, values)
        now = to_storage(self.store.clock.now())
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            return w.insert(ref.table, {**row, "created_at": now, "updated_at": now},
                            action=f"plugin.{ref.id}.add")

    def update(self, session: Session, ref: RegisterRef, row_id: str,
               values: dict[str, Any]) -> None:
        """Replace a row's values (every field; an absent one becomes empty)."""
        session.require(Permission.REGISTER_WRITE)
        if self.store.get(ref.table, row_id) is None:
            raise NotFound(tr("台账中没有此条目：{id}", id=row_id))
        row = self._validated(ref, values)
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            w.update(ref.table, row_id, {**row, "updated_at": to_storage(
                self.store.clock.now())}, action=f"plugin.{ref.id}.update")

    # -- importing ----------------------------------------------------------------------------

    def _headers(self, ref: RegisterRef) -> dict[str, str]:
        headers = {header_text(h): "township" for h in TOWNSHIP_HEADERS}
        for f in ref.spec.fields:
            for name in (f.label_zh, f.label_en, f.key, *ref.spec.aliases.get(f.key, ())):
                if name:
                    headers[header_text(name)] = f.key
        return headers

    def preview(self, session: Session, ref: RegisterRef, path: str | Path) -> ImportPreview:
        """What importing ``path`` would do; nothing is written."""
        session.require(Permission.REGISTER_WRITE)
        existing = {(r[ref.spec.title], r["township_id"]): r
                    for r in self.store.query(f"SELECT * FROM {ref.table}")}
        planned, rejects, skipped, seen = [], [], 0, set()
        with open_table(path, self._headers(ref), [ref.spec.title]) as table:
            for number, cells in table.rows:
                raw = {key: cells[col] if col < len(cells) else None
                       for key, col in table.columns.items()}
                if all(is_blank(v) for v in raw.values()):
                    skipped += 1
                    continue
                values = {k: (None if is_blank(v) else v if not isinstance(v, str)
                              else v.strip()) for k, v in raw.items()}
                try:
                    row = self._validated(ref, values)
                except (ValidationError, NotFound) as err:
                    rejects.append(Reject(number, [str(err)]))
                    continue
                key = (row[ref.spec.title], row["township_id"])
                if key in seen:
                    rejects.append(Reject(number, [tr("与前面的行重复：{name}",
                                                      name=key[0])]))
                    continue
                seen.add(key)
                old = existing.get(key)
                if old is None:
                    planned.append(PlannedRow(number, "insert", str(key[0]), row))
                    continue
                changes = {k: v for k, v in row.items() if old.get(k) != v}
                planned.append(PlannedRow(number, "update" if changes else "unchanged",
                                          str(key[0]), row, changes, record_id=old["id"]))
            return ImportPreview(ref.id, str(path), table.sheet, table.header_row,
                                 dict(zip(table.headers.values(), table.headers, strict=True)),
                                 table.ignored, planned, rejects, skipped)

    def import_file(self, session: Session, ref: RegisterRef, path: str | Path
                    ) -> ImportPreview:
        """Import ``path`` in one transaction; :class:`ImportRejected` (nothing written) when
        any row is refused."""
        preview = self.preview(session, ref, path)
        if not preview.ok:
            raise ImportRejected(preview)
        now = to_storage(self.store.clock.now())
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            for planned in preview.rows:
                if planned.action == "insert":
                    w.insert(ref.table, {"id": new_id(), **planned.values, "created_at": now,
                                         "updated_at": now}, action=f"plugin.{ref.id}.import")
                elif planned.action == "update":
                    w.update(ref.table, planned.record_id, {**planned.changes,
                                                            "updated_at": now},
                             action=f"plugin.{ref.id}.import")
        preview.written = True
        return preview


def _values(ref: RegisterRef, row: dict) -> dict:
    """A stored row as the checks see it: field values by key, bools as True / False."""
    out = {f.key: row.get(f.key) for f in ref.spec.fields}
    for f in ref.spec.fields:
        if f.type == "bool" and out[f.key] is not None:
            out[f.key] = bool(out[f.key])
    out["township"] = row.get("township")
    return out
