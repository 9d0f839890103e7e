"""PlanService: importing plans, reading and searching the library, lifecycle alerts, and (by
delegation to :mod:`.finder`, :mod:`.activation` and :mod:`.export`) search, activation
checklists and exports.

An import is all or nothing: every file is read and parsed before the one write transaction
that stores the plan, its sections, levels, actions and links (each audited) and the search
rows of its sections. A file that cannot be read, or holds no text, changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..accounts import Permission, Session
from ..errors import NotFound, ValidationError
from ..i18n import tr
from ..incidents.model import TimelineEntry
from ..storage import Store
from ..timeutil import to_storage
from . import activation, export, finder
from .finder import CURRENT_SQL, filter_sql
from .index import index_text
from .meta import parse_date, parse_hazards, parse_status, parse_type
from .model import (
    DATE_FIELDS,
    DRILL_YEARS,
    EDITABLE_FIELDS,
    IN_FORCE,
    LEVELS,
    REVIEW_YEARS,
    ChecklistItem,
    ParsedPlan,
    PlanAlert,
    PlanFilter,
    PlanSuggestion,
    PlanView,
    SearchHit,
)
from .parse import parse_document
from .read import FORMATS, read_document


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _hazard_column(hazards: Iterable[str]) -> str:
    items = list(hazards)
    return "," + ",".join(items) + "," if items else ""


def read_plan(path: str | Path, hazards=None) -> ParsedPlan:
    """Read and parse one plan document (no store needed); ``hazards``, a HazardRegistry,
    lets hazard names in a plain document's title name their plugin ids."""
    names = {h.name_zh: h.id for h in hazards.all()} if hazards is not None else {}
    return parse_document(read_document(path), hazard_names=names)


class PlanService:
    """The plan library (预案库) and plan activation on incidents."""

    def __init__(self, store: Store, hazards=None):
        self.store = store
        self.hazards = hazards  # a HazardRegistry, for hazard names; optional

    # -- importing -------------------------------------------------------------------------

    def read(self, path: str | Path) -> ParsedPlan:
        """Read and parse a document without storing it (a preview of an import)."""
        return read_plan(path, self.hazards)

    def import_file(self, session: Session, path: str | Path) -> str:
        """Import one plan document (.docx / .md / .txt); return the new plan's id."""
        return self.import_files(session, [path])[0]

    def import_files(self, session: Session, paths: Iterable[str | Path]) -> list[str]:
        """Import several documents in one transaction: all of them, or none."""
        session.require(Permission.REGISTER_WRITE)
        prepared = []
        seen: dict[str, str] = {}
        for path in paths:
            path = Path(path)
            parsed = self.read(path)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            earlier = self.store.one(f"SELECT p.id, p.title FROM plan p WHERE"
                                     f" p.source_sha256 = ? AND {CURRENT_SQL}", (digest,))
            if earlier or digest in seen:
                raise ValidationError(tr("此文件已导入过：{name}（{title}）", name=path.name,
                                         title=earlier["title"] if earlier else seen[digest]))
            seen[digest] = parsed.meta["title"]
            prepared.append((path, parsed, digest))
        now = to_storage(self.store.clock.now())
        ids = []
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            for path, parsed, digest in prepared:
                ids.append(self._store_plan(w, session, path, parsed, digest, now))
        return ids

    def _store_plan(self, w, session: Session, path: Path, parsed: ParsedPlan, digest: str,
                    now: str) -> str:
        meta = parsed.meta
        notes = list(parsed.notes)
        for hazard in meta["hazards"]:
            if self.hazards is not None and hazard not in self.hazards:
                notes.append(tr("灾种 {id} 的插件未加载；按此 id 登记。", id=hazard))
        older = self.store.one(f"SELECT p.id FROM plan p WHERE p.title = ? AND p.issuer = ?"
                               f" AND {CURRENT_SQL}", (meta["title"], meta["issuer"]))
        conn = self.store.conn
        base = self.store.scalar("SELECT coalesce(max(doc), 0) FROM plan_section")
        plan_id = w.insert("plan", {
            "title": meta["title"], "type": meta["type"],
            "hazards": _hazard_column(meta["hazards"]), "issuer": meta["issuer"],
            "owner": meta["owner"], "version": meta["version"], "status": meta["status"],
            **{k: meta[k] for k in DATE_FIELDS}, "parent_title": meta["parent_title"],
            "supersedes_id": older["id"] if older else None, "source_name": path.name,
            "source_format": FORMATS[path.suffix.lower()],
            "source_sha256": digest, "full_text": parsed.full_text,
            "contacts_json": json.dumps(parsed.contacts, ensure_ascii=False),
            "attachments_json": json.dumps(parsed.attachments, ensure_ascii=False),
            "notes_json": json.dumps(notes, ensure_ascii=False),
            "imported_by": session.username, "imported_at": now,
            "doc_from": base + 1, "doc_to": base + len(parsed.sections)}, action="plan.import")
        section_ids: list[str] = []
        for n, section in enumerate(parsed.sections):
            doc = base + n + 1
            section_ids.append(w.insert("plan_section", {
                "doc": doc, "plan_id": plan_id,
                "parent_id": section_ids[section.parent] if section.parent is not None
                else None, "ordinal": n, "depth": section.depth, "number": section.number,
                "title": section.title, "marker": section.marker, "kind": section.kind,
                "path": parsed.path(n), "body": section.text}))
            heading = meta["title"] if section.marker == "preamble" else section.heading
            conn.execute("INSERT INTO plan_fts (rowid, title, body) VALUES (?, ?, ?)",
                         (doc, index_text(heading), index_text(section.text)))
        for level in parsed.levels:
            w.insert("plan_level", {"plan_id": plan_id, "level": level.level,
                                    "section_id": section_ids[level.section],
                                    "title": level.title, "trigger_text": level.trigger})
            for n, action in enumerate(level.actions, 1):
                w.insert("plan_action", {
                    "plan_id": plan_id, "level": level.level, "ordinal": n,
                    "owner_unit": action.owner_unit, "text": action.text,
                    "within_minutes": action.within_minutes,
                    "section_id": section_ids[level.section]})
        for relation, title in parsed.links:
            w.insert("plan_link", {"plan_id": plan_id, "relation": relation,
                                   "target_title": title})
        return plan_id

    def rebuild_index(self, session: Session) -> int:
        """Rebuild the search index from the sections (after restoring an old backup)."""
        session.require(Permission.REGISTER_WRITE)
        rows = self.store.query("SELECT s.doc, s.number, s.title, s.marker, s.body,"
                                " p.title AS plan_title FROM plan_section s"
                                " JOIN plan p ON p.id = s.plan_id")
        with self.store.transaction() as conn:
            conn.execute("INSERT INTO plan_fts (plan_fts) VALUES ('delete-all')")
            conn.executemany(
                "INSERT INTO plan_fts (rowid, title, body) VALUES (?, ?, ?)",
                [(r["doc"], index_text(r["plan_title"] if r["marker"] == "preamble"
                                       else r["number"] + r["title"]), index_text(r["body"]))
                 for r in rows])
        return len(rows)

    # -- editing the register fields -------------------------------------------------------

    def update(self, session: Session, plan_id: str, changes: Mapping[str, Any]) -> dict:
        """Change a plan's lifecycle fields (status, dates, owner …); the text stays as
        imported (a revised text is imported as a new version)."""
        session.require(Permission.REGISTER_WRITE)
        plan = self.get(plan_id).plan
        unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
        if unknown:
            raise ValidationError(tr("不能修改这些字段：{names}", names="、".join(unknown)))
        values: dict[str, Any] = {}
        for key, value in changes.items():
            if key in DATE_FIELDS:
                values[key] = parse_date(value, key.removesuffix("_on"))
            elif key == "type":
                values[key] = parse_type(value)
            elif key == "status":
                values[key] = parse_status(value)
            elif key == "hazards":
                items = parse_hazards(value) if isinstance(value, str) else list(value)
                values[key] = _hazard_column(parse_hazards(",".join(items)))
            else:
                values[key] = str(value or "").strip()
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            w.update("plan", plan["id"], values, action="plan.update")
        return self.get(plan["id"]).plan

    # -- reading ---------------------------------------------------------------------------

    def resolve(self, ref: str) -> str:
        """A plan id from an id, a unique id prefix (4+ characters) or a current title."""
        ref = ref.strip()
        if self.store.one("SELECT 1 FROM plan WHERE id = ?", (ref,)):
            return ref
        rows = []
        if len(ref) >= 4:
            rows = self.store.query("SELECT id FROM plan WHERE id >= ? AND id < ? LIMIT 2",
                                    (ref, ref + "\uffff"))
        if not rows:
            rows = self.store.query(f"SELECT id FROM plan p WHERE p.title = ? AND {CURRENT_SQL}"
                                    " LIMIT 2", (ref,))
        if len(rows) != 1:
            raise NotFound(tr("没有此预案：{ref}", ref=ref) if not rows else
                           tr("有多个预案符合：{ref}，请写完整的 id", ref=ref))
        return rows[0]["id"]

    def get(self, plan_id: str) -> PlanView:
        """One plan with its sections, levels (with actions) and links."""
        plan_id = self.resolve(plan_id)
        plan = dict(self.store.get("plan", plan_id))
        plan["hazards"] = [h for h in plan["hazards"].split(",") if h]
        for key in ("contacts", "attachments", "notes"):
            plan[key] = json.loads(plan.pop(key + "_json"))
        sections = self.store.query("SELECT * FROM plan_section WHERE plan_id = ?"
                                    " ORDER BY ordinal", (plan_id,))
        levels = self.store.query("SELECT * FROM plan_level WHERE plan_id = ?", (plan_id,))
        actions = self.store.query("SELECT * FROM plan_action WHERE plan_id = ?"
                                   " ORDER BY level, ordinal", (plan_id,))
        for level in levels:
            level["actions"] = [a for a in actions if a["level"] == level["level"]]
        levels.sort(key=lambda lv: LEVELS.index(lv["level"]))
        links = self.store.query(
            f"SELECT l.relation, l.target_title, (SELECT p.id FROM plan p WHERE"
            f" p.title = l.target_title AND {CURRENT_SQL} LIMIT 1) AS target_id"
            " FROM plan_link l WHERE l.plan_id = ? ORDER BY l.rowid", (plan_id,))
        newer = self.store.scalar("SELECT id FROM plan WHERE supersedes_id = ?", (plan_id,))
        return PlanView(plan, sections, levels, links, newer)

    def list(self, filters: PlanFilter | None = None, *, limit: int = 1000) -> list[dict]:
        """Plans (current versions unless asked), by type and title, with their levels."""
        where, params = filter_sql(filters)
        sql = ("SELECT p.id, p.title, p.type, p.hazards, p.issuer, p.owner, p.version,"
               " p.status, p.issued_on, p.revised_on, p.next_evaluation_on, p.filed_on,"
               " p.last_drill_on, p.parent_title, p.supersedes_id,"
               " (SELECT group_concat(level, '/') FROM (SELECT level FROM plan_level"
               "  WHERE plan_id = p.id ORDER BY level)) AS levels FROM plan p"
               + (f" WHERE {' AND '.join(where)}" if where else "")
               + " ORDER BY p.type, p.title LIMIT ?")
        rows = self.store.query(sql, [*params, max(1, limit)])
        for row in rows:
            row["hazards"] = [h for h in row["hazards"].split(",") if h]
            order = {lv: n for n, lv in enumerate(LEVELS)}
            row["levels"] = sorted((row["levels"] or "").split("/") if row["levels"] else [],
                                   key=order.get)
        return rows

    def search(self, query: str, filters: PlanFilter | None = None, limit: int = 50, *,
               mark: tuple[str, str] = ("【", "】"), width: int = 60) -> list[SearchHit]:
        """Sections matching every term of ``query``, best first (bm25), with snippets
        marked by ``mark``; see :mod:`.finder`."""
        return finder.search(self.store, query, filters, limit, mark=mark, width=width)

    # -- lifecycle -------------------------------------------------------------------------

    def alerts(self, today: date) -> list[PlanAlert]:
        """Plans in force whose evaluation is overdue, whose higher plan was revised after
        them, or that have not been drilled for three years; most overdue first."""
        marks = ",".join("?" for _ in IN_FORCE)
        plans = self.store.query(f"SELECT * FROM plan p WHERE p.status IN ({marks}) AND"
                                 f" {CURRENT_SQL}", IN_FORCE)
        by_title = {p["title"]: p for p in self.store.query(
            f"SELECT * FROM plan p WHERE p.status != '废止' AND {CURRENT_SQL}")}
        out: list[PlanAlert] = []
        for p in plans:
            out += _plan_alerts(p, by_title.get(p["parent_title"]), today)
        return sorted(out, key=lambda a: (a.due or date.min, a.title, a.kind))

    # -- activation and exports (see activation.py, export.py) -----------------------------

    def suggest(self, incident_id: str) -> list[PlanSuggestion]:
        """Plans for an incident's hazard (and 总体 plans), with the level to start."""
        return activation.suggest(self, incident_id)

    def activate(self, session: Session, incident_id: str, plan_id: str, level: str,
                 at: datetime | None = None, *, reason: str = "") -> str:
        """Start (or change to) a plan's response level on an incident; return its id."""
        return activation.activate(self, session, incident_id, plan_id, level, at,
                                   reason=reason)

    def activations(self, incident_id: str) -> list[dict]:
        """Every activation on an incident, oldest first (the level history)."""
        return activation.history(self, incident_id)

    def checklist(self, incident_id: str, now: datetime | None = None) -> list[ChecklistItem]:
        """The current level's actions on an incident, with done / open / overdue."""
        return activation.checklist(self, incident_id, now)

    def complete_item(self, session: Session, item_id: str, note: str = "", *,
                      done: bool = True, at: datetime | None = None) -> str:
        """Mark a checklist item done (or, with ``done=False``, not done after all)."""
        return activation.complete_item(self, session, item_id, note, done=done, at=at)

    def timeline_entries(self, incident_id: str,
                         now: datetime | None = None) -> list[TimelineEntry]:
        """Activations, level changes, completed and overdue items as timeline entries
        (kind ``plan``) for IncidentService.timeline to merge."""
        return activation.timeline_entries(self, incident_id, now)

    def export_docx(self, plan_id: str, path: str | Path) -> Path:
        """Write the plan as a Word document."""
        return export.to_docx(self.get(plan_id), Path(path))

    def export_pdf(self, plan_id: str, path: str | Path) -> Path:
        """Write the plan as an official-looking PDF."""
        return export.to_pdf(self.get(plan_id), Path(path), self.store.clock.now())


def _plan_alerts(p: dict, parent: dict | None, today: date) -> list[PlanAlert]:
    out = []
    since = p["revised_on"] or p["issued_on"]
    if p["next_evaluation_on"]:
        due: date | None = date.fromisoformat(p["next_evaluation_on"])
    else:
        due = add_years(date.fromisoformat(since), REVIEW_YEARS) if since else None
    if due is None:
        out.append(PlanAlert(p["id"], p["title"], "evaluation_overdue", None,
                             tr("未登记发布、修订或下次评估日期，无法确定评估时间。")))
    elif due < today:
        out.append(PlanAlert(p["id"], p["title"], "evaluation_overdue", due,
                             tr("评估逾期：应于 {due} 前评估，已逾期 {days} 天。",
                                due=due.isoformat(), days=(today - due).days)))
    if parent is not None and since:
        changed = parent["revised_on"] or parent["issued_on"]
        if changed and changed > since:
            out.append(PlanAlert(p["id"], p["title"], "revision_due",
                                 date.fromisoformat(changed),
                                 tr("上位预案《{parent}》已于 {day} 修订，本预案需对照修订。",
                                    parent=parent["title"], day=changed)))
    drilled = p["last_drill_on"]
    base = drilled or p["issued_on"]
    if base is None:
        out.append(PlanAlert(p["id"], p["title"], "drill_overdue", None,
                             tr("没有演练记录。")))
    else:
        due = add_years(date.fromisoformat(base), DRILL_YEARS)
        if due < today:
            out.append(PlanAlert(p["id"], p["title"], "drill_overdue", due, tr(
                "{years} 年未演练（上次演练：{last}）。", years=DRILL_YEARS,
                last=drilled or tr("无"))))
    return out
