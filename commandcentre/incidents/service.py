"""IncidentService: opening, recording and closing incidents, and reading their timeline.

Decisions, grade assessments and casualty snapshots are histories, never overwritten; the
incident row carries only the current grade and status for fast lists, and every change to it
is audited. Figures are cumulative as confirmed by a named source; nothing here estimates.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from ..accounts import Permission, Session
from ..county import CountyService
from ..errors import NotFound, ValidationError
from ..i18n import tr
from ..storage import Store
from ..timeutil import from_storage, to_storage
from .model import FIGURES, GRADES, RESPONSE_LEVELS, ROMAN, Casualties, IncidentInput, TimelineEntry

FUTURE_TOLERANCE = timedelta(minutes=5)


class IncidentService:
    """The incident's own records; the reporting clock reads them (reporting.service)."""

    def __init__(self, store: Store, hazards):
        self.store = store
        self.hazards = hazards  # a HazardRegistry

    # -- helpers ---------------------------------------------------------------------------

    def get(self, incident_id: str) -> dict:
        row = self.store.get("incident", incident_id)
        if row is None:
            raise NotFound(tr("没有此事件：{id}", id=incident_id))
        return row

    def _when(self, when: datetime | None, what: str) -> datetime:
        now = self.store.clock.now()
        when = when or now
        if when.tzinfo is None:
            raise ValidationError(tr("{what}缺少时区。", what=what))
        if when > now + FUTURE_TOLERANCE:
            raise ValidationError(tr("{what}晚于当前时间。", what=what))
        return when

    def _open(self, incident_id: str) -> dict:
        row = self.get(incident_id)
        if row["status"] == "已结束":
            raise ValidationError(tr("事件已结束，不能再登记处置信息：{title}",
                                     title=row["title"]))
        return row

    # -- opening ---------------------------------------------------------------------------

    def create(self, session: Session, data: IncidentInput, *,
               from_intake: str | None = None) -> str:
        """Open an incident (optionally from an intake record, which is then linked)."""
        session.require(Permission.INCIDENT_WRITE)
        hazard = self.hazards.get(data.hazard)
        if not data.title.strip():
            raise ValidationError(tr("事件名称不能为空。"))
        received = self._when(data.received_at, tr("接报时间"))
        occurred = self._when(data.occurred_at, tr("发生时间"))
        if occurred > received:
            raise ValidationError(tr("发生时间不能晚于接报时间。"))
        if data.grade is not None and data.grade not in GRADES:
            raise ValidationError(tr("事件等级应为：{choices}", choices="、".join(GRADES)))
        if data.grade and not data.grade_reason.strip():
            raise ValidationError(tr("直接定级需要说明依据。"))
        if data.grade and hazard.category == "社会安全事件":
            raise ValidationError(tr("社会安全事件不分级。"))
        fields = {}
        for spec in hazard.fields:
            value = data.fields.get(spec.key)
            fields[spec.key] = spec.validate(value)
        unknown = sorted(set(data.fields) - {f.key for f in hazard.fields})
        if unknown:
            raise ValidationError(tr("该灾种没有这些字段：{names}", names="、".join(unknown)))
        township_id = CountyService(self.store).township_id(data.township)
        intake = None
        if from_intake:
            from ..duty.intake import IntakeService

            intake = IntakeService(self.store).get(from_intake)
        now = to_storage(self.store.clock.now())
        with self.store.write(session, Permission.INCIDENT_WRITE) as w:
            iid = w.insert("incident", {
                "title": data.title.strip(), "hazard": hazard.id, "category": hazard.category,
                "township_id": township_id, "place": data.place.strip(), "lat": data.lat,
                "lon": data.lon, "occurred_at": to_storage(occurred),
                "received_at": to_storage(received), "grade": data.grade,
                "sensitive": int(data.sensitive), "drill": int(data.drill),
                "summary": data.summary.strip(), "created_at": now,
                "fields_json": json.dumps(fields, ensure_ascii=False),
                "source_intake_id": intake.record["id"] if intake else None},
                action="incident.create")
            if data.grade:
                w.insert("grade_assessment", {
                    "incident_id": iid, "grade": data.grade, "basis": "manual",
                    "reason": data.grade_reason.strip(), "assessed_at": to_storage(received),
                    "recorded_by": session.username, "recorded_at": now})
            if intake is not None:
                w.insert("intake_step", {"root_id": intake.root_id, "step": "关联事件",
                                         "at": now, "by_id": session.account_id,
                                         "incident_id": iid, "recorded_at": now},
                         action="intake.link_incident")
        return iid

    # -- recording -------------------------------------------------------------------------

    def note(self, session: Session, incident_id: str, text: str, *, kind: str = "note",
             at: datetime | None = None, corrects: str | None = None,
             data: dict[str, Any] | None = None) -> str:
        """Append a timeline entry (记录 / 调度 / 通信 …); a correction points at its original."""
        session.require(Permission.INCIDENT_WRITE)
        self.get(incident_id)
        if not text.strip():
            raise ValidationError(tr("记录内容不能为空。"))
        if kind not in ("note", "dispatch", "radio", "report"):
            raise ValidationError(tr("未知记录类型：{kind}", kind=kind))
        if corrects and self.store.one("SELECT id FROM timeline_event WHERE id = ? AND"
                                       " incident_id = ?", (corrects, incident_id)) is None:
            raise NotFound(tr("此事件没有要更正的记录：{id}", id=corrects))
        when = self._when(at, tr("记录时间"))
        with self.store.write(session, Permission.INCIDENT_WRITE) as w:
            return w.insert("timeline_event", {
                "incident_id": incident_id, "at": to_storage(when), "kind": kind,
                "text": text.strip(), "data_json": json.dumps(data or {}, ensure_ascii=False),
                "corrects_id": corrects, "recorded_by": session.username,
                "recorded_at": to_storage(self.store.clock.now())},
                action=f"incident.{kind}")

    def update_fields(self, session: Session, incident_id: str,
                      values: dict[str, Any]) -> dict[str, Any]:
        """Replace the hazard's own fields of an open incident (过火面积, 水位 …) with
        ``values``, validated by the hazard; what changed goes onto the timeline as a 记录
        (in the record's language). Returns the stored fields."""
        session.require(Permission.INCIDENT_WRITE)
        row = self._open(incident_id)
        hazard = self.hazards.get(row["hazard"])
        new = hazard.validate_fields(values)
        old = json.loads(row["fields_json"] or "{}")
        changed = [f for f in hazard.fields if old.get(f.key) != new.get(f.key)]
        if not changed:
            return new
        text = "灾种信息更新：" + "；".join(
            f"{f.label_zh} {_shown(new.get(f.key))}{f.unit if new.get(f.key) is not None else ''}"
            for f in changed)
        warnings = self._linked_findings(hazard, new)
        if warnings:
            text += "（提示：" + "；".join(warnings) + "）"
        now = to_storage(self.store.clock.now())
        with self.store.write(session, Permission.INCIDENT_WRITE) as w:
            w.update("incident", incident_id,
                     {"fields_json": json.dumps(new, ensure_ascii=False)},
                     action="incident.fields")
            w.insert("timeline_event", {
                "incident_id": incident_id, "at": now, "kind": "note", "text": text,
                "data_json": json.dumps({"fields": {f.key: new.get(f.key) for f in changed}},
                                        ensure_ascii=False),
                "recorded_by": session.username, "recorded_at": now},
                action="incident.note")
        return new

    def field_warnings(self, incident_id: str) -> list[str]:
        """Warnings on the incident's hazard fields from the plugin's registers (e.g. the
        on-scene commander has no drill on record, seed 003:400)."""
        row = self.get(incident_id)
        hazard = self.hazards.find(row["hazard"])
        if hazard is None:
            return []
        return self._linked_findings(hazard, json.loads(row["fields_json"] or "{}"))

    def _linked_findings(self, hazard, fields: dict[str, Any]) -> list[str]:
        if not hazard.register_links or not hasattr(self.hazards, "registers"):
            return []
        from ..hazards.register_service import PluginRegisterService

        return PluginRegisterService(self.store, self.hazards).linked_findings(hazard, fields)

    def decide(self, session: Session, incident_id: str, level: str, *, decided_by: str,
               reason: str = "", at: datetime | None = None) -> str:
        """Record a response-level decision (启动 / 调整 / 终止 应急响应)."""
        session.require(Permission.RESPONSE_DECIDE)
        self._open(incident_id)
        if level not in RESPONSE_LEVELS:
            raise ValidationError(tr("响应级别应为：{choices}", choices="、".join(RESPONSE_LEVELS)))
        if not decided_by.strip():
            raise ValidationError(tr("请填写作出决定的领导或机构。"))
        when = self._when(at, tr("决定时间"))
        with self.store.write(session, Permission.RESPONSE_DECIDE) as w:
            return w.insert("response_decision", {
                "incident_id": incident_id, "level": level, "decided_by": decided_by.strip(),
                "decided_at": to_storage(when), "reason": reason.strip(),
                "recorded_by": session.username,
                "recorded_at": to_storage(self.store.clock.now())},
                action="incident.decide")

    def record_casualties(self, session: Session, incident_id: str, figures: Casualties, *,
                          source: str, at: datetime | None = None) -> str:
        """Record a cumulative casualty snapshot confirmed by ``source`` (e.g. 县卫健局)."""
        session.require(Permission.INCIDENT_WRITE)
        self.get(incident_id)  # 补报 comes after closing: snapshots stay allowed then
        if not source.strip():
            raise ValidationError(tr("伤亡数字必须注明来源（核实单位）。"))
        values = figures.as_dict()
        for key, value in values.items():
            if value is None or value < 0:
                raise ValidationError(tr("伤亡数字不能为负数：{key}", key=key))
        if figures.seriously_injured > figures.injured:
            raise ValidationError(tr("重伤人数不能多于受伤人数。"))
        when = self._when(at, tr("统计时间"))
        with self.store.write(session, Permission.INCIDENT_WRITE) as w:
            return w.insert("casualty_snapshot", {
                "incident_id": incident_id, "at": to_storage(when), **values,
                "source": source.strip(), "recorded_by": session.username,
                "recorded_at": to_storage(self.store.clock.now())},
                action="incident.casualties")

    def latest_casualties(self, incident_id: str) -> Casualties | None:
        row = self.store.one("SELECT * FROM casualty_snapshot WHERE incident_id = ?"
                             " ORDER BY at DESC, rowid DESC LIMIT 1", (incident_id,))
        return Casualties(**{k: row[k] for k in FIGURES}) if row else None

    def assess_grade(self, session: Session, incident_id: str, *, grade: str | None = None,
                     reason: str = "", auto: bool = False) -> dict:
        """Grade the incident: ``auto`` from the figures via the hazard's grading table, or a
        manual grade (an override needs a reason and the leader's permission)."""
        row = self._open(incident_id)
        hazard = self.hazards.get(row["hazard"])
        figures = dict(json.loads(row["fields_json"] or "{}"))
        latest = self.latest_casualties(incident_id)
        if latest:
            figures.update(latest.as_dict())
        if auto:
            session.require(Permission.INCIDENT_WRITE)
            if hazard.grading is None:
                raise ValidationError(tr("该灾种没有分级标准，请人工定级。"))
            from ..hazards.grading import grade as grade_by

            result = grade_by(hazard.grading, figures)
            grade = result.grade
            reason = result.explain(hazard.grading)
            basis, permission = "auto", Permission.INCIDENT_WRITE
        else:
            session.require(Permission.RESPONSE_DECIDE)
            if grade is not None and grade not in GRADES:
                raise ValidationError(tr("事件等级应为：{choices}", choices="、".join(GRADES)))
            if not reason.strip():
                raise ValidationError(tr("人工定级或改判需要说明理由。"))
            basis, permission = "manual", Permission.RESPONSE_DECIDE
        if grade is not None and hazard.category == "社会安全事件":
            raise ValidationError(tr("社会安全事件不分级。"))
        now = to_storage(self.store.clock.now())
        with self.store.write(session, permission) as w:
            w.insert("grade_assessment", {
                "incident_id": incident_id, "grade": grade, "basis": basis,
                "reason": reason.strip(), "figures_json": json.dumps(figures, ensure_ascii=False),
                "assessed_at": now, "recorded_by": session.username, "recorded_at": now},
                action=f"incident.grade.{basis}")
            if grade != row["grade"]:
                w.update("incident", incident_id, {"grade": grade}, action="incident.regrade")
        return {"grade": grade, "roman": ROMAN.get(grade or "", ""), "basis": basis,
                "reason": reason}

    def close(self, session: Session, incident_id: str, *, at: datetime | None = None,
              summary: str = "") -> None:
        """End the disposal (处置结束); the 终报 then falls due."""
        session.require(Permission.INCIDENT_WRITE)
        row = self._open(incident_id)
        when = self._when(at, tr("结束时间"))
        if to_storage(when) < row["received_at"]:
            raise ValidationError(tr("结束时间早于接报时间。"))
        changes: dict[str, Any] = {"status": "已结束", "closed_at": to_storage(when)}
        if summary.strip():
            changes["summary"] = summary.strip()
        with self.store.write(session, Permission.INCIDENT_WRITE) as w:
            w.update("incident", incident_id, changes, action="incident.close")

    # -- reading ---------------------------------------------------------------------------

    def list(self, *, open_only: bool = False, drill: bool | None = None,
             limit: int = 500) -> list[dict]:
        where, params = [], []
        if open_only:
            where.append("status = '处置中'")
        if drill is not None:
            where.append("drill = ?")
            params.append(int(drill))
        sql = "SELECT * FROM incident" + (f" WHERE {' AND '.join(where)}" if where else "")
        return self.store.query(sql + " ORDER BY received_at DESC LIMIT ?", [*params, limit])

    def statistics(self, hazard_id: str, *, since: datetime | None = None
                   ) -> list[tuple[str, str]]:
        """The hazard plugin's figures over its real incidents (drills left out), optionally
        those received since ``since``: e.g. the 24 小时森林草原火灾扑灭率."""
        hazard = self.hazards.get(hazard_id)
        if hazard.statistics is None:
            return []
        sql = "SELECT fields_json FROM incident WHERE hazard = ? AND drill = 0"
        params: list = [hazard_id]
        if since is not None:
            sql += " AND received_at >= ?"
            params.append(to_storage(since))
        rows = [json.loads(r["fields_json"] or "{}") for r in self.store.query(sql, params)]
        return hazard.statistics(rows)

    def grade_history(self, incident_id: str) -> list[tuple[datetime, str | None]]:
        """(since when, grade), oldest first; starts with the grade at 接报."""
        row = self.get(incident_id)
        rows = self.store.query("SELECT grade, assessed_at FROM grade_assessment WHERE"
                                " incident_id = ? ORDER BY assessed_at, rowid", (incident_id,))
        received = from_storage(row["received_at"])
        history: list[tuple[datetime, str | None]] = [(received, None)]
        for r in rows:
            since = max(from_storage(r["assessed_at"]), received)
            history.append((since, r["grade"]))
        return history

    def timeline(self, incident_id: str) -> list[TimelineEntry]:
        """Everything that happened, merged and in time order."""
        self.get(incident_id)
        entries: list[TimelineEntry] = []
        for r in self.store.query("SELECT * FROM timeline_event WHERE incident_id = ?",
                                  (incident_id,)):
            entries.append(TimelineEntry(r["id"], from_storage(r["at"]), r["kind"], r["text"],
                                         r["recorded_by"], "timeline_event", r["corrects_id"]))
        for r in self.store.query("SELECT * FROM response_decision WHERE incident_id = ?",
                                  (incident_id,)):
            text = (tr("终止应急响应（{who}）", who=r["decided_by"]) if r["level"] == "终止" else
                    tr("启动{level}级应急响应（{who}）", level=r["level"], who=r["decided_by"]))
            if r["reason"]:
                text += "：" + r["reason"]
            entries.append(TimelineEntry(r["id"], from_storage(r["decided_at"]), "decision",
                                         text, r["recorded_by"], "response_decision"))
        for r in self.store.query("SELECT * FROM grade_assessment WHERE incident_id = ?",
                                  (incident_id,)):
            text = tr("定级：{grade}（{basis}）{reason}", grade=r["grade"] or tr("未定级"),
                      basis=tr("自动") if r["basis"] == "auto" else tr("人工"),
                      reason=r["reason"])
            entries.append(TimelineEntry(r["id"], from_storage(r["assessed_at"]), "grade", text,
                                         r["recorded_by"], "grade_assessment"))
        for r in self.store.query("SELECT * FROM casualty_snapshot WHERE incident_id = ?",
                                  (incident_id,)):
            figures = Casualties(**{k: r[k] for k in FIGURES})
            entries.append(TimelineEntry(
                r["id"], from_storage(r["at"]), "snapshot",
                tr("伤亡统计：{figures}（来源：{source}）", figures=figures.describe(),
                   source=r["source"]), r["recorded_by"], "casualty_snapshot"))
        for r in self.store.query("SELECT * FROM report_sent WHERE incident_id = ?",
                                  (incident_id,)):
            from ..reporting.clock import chinese_number

            name = r["kind"] + (chinese_number(r["number"]) if r["number"] else "")
            text = tr("{name}（{channel}）已报送{to}{signer}", name=name, channel=r["channel"],
                      to=tr("至{who}", who=r["recipient"]) if r["recipient"] else "",
                      signer=tr("，签发人 {who}", who=r["signer"]) if r["signer"] else "")
            entries.append(TimelineEntry(r["id"], from_storage(r["sent_at"]), "report", text,
                                         r["sent_by"], "report_sent"))
        for r in self.store.query(
                "SELECT v.* FROM intake_record v JOIN intake_step s ON s.root_id = v.root_id"
                " WHERE s.step = '关联事件' AND s.incident_id = ? AND NOT EXISTS (SELECT 1 FROM"
                " intake_record c WHERE c.corrects_id = v.id)", (incident_id,)):
            entries.append(TimelineEntry(
                r["id"], from_storage(r["received_at"]), "intake",
                tr("接报 {serial}：{content}", serial=r["serial"], content=r["content"]),
                r["recorded_by"], "intake_record"))
        from ..plans import PlanService  # plans imports incidents: imported here, not above

        entries += PlanService(self.store, self.hazards).timeline_entries(incident_id)
        return sorted(entries, key=lambda e: (e.at, e.source, e.id))


def _shown(value: Any) -> str:
    """A field value as the timeline writes it."""
    if value is None:
        return "（清空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
