"""Intake records (值班电话记录 / 接报): what came in, from whom, and what was done with it.

A saved record is never changed. A correction (更正) is a new version that points at the one
it corrects and keeps its 接报编号; lists show the newest version, and the history shows all.
Handling moves through 接 → 报 → 传 → 跟 → 办结 as appended steps with their own times (跟 may
repeat; a step may be skipped, never undone). Every save is one durable transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from ..accounts import Permission, Session
from ..county import CountyService
from ..errors import NotFound, ValidationError
from ..i18n import tr
from ..search import index_text, match_query
from ..storage import Store, new_id
from ..timeutil import from_storage, to_storage, zone

CHANNELS = ("电话", "传真", "短信", "电台", "北斗", "上级通知", "群众报告", "网络", "其他")
KINDS = ("突发事件", "上级交办", "工作通知", "情况反映", "咨询", "其他")
STATES = ("接", "报", "传", "跟", "办结")
STEPS = ("报", "传", "跟", "办结", "关联事件")
MAX_TEXT = 20_000
FUTURE_TOLERANCE = timedelta(minutes=5)  # workstation clocks drift; a call is never from the future


@dataclass
class IntakeInput:
    """The fields an operator types for one call or message, in the order of a phone call."""

    content: str
    channel: str = "电话"
    kind: str = "突发事件"
    received_at: datetime | None = None  # None: now
    caller_unit: str = ""
    caller_name: str = ""
    caller_title: str = ""
    caller_phone: str = ""
    location: str = ""
    township: str = ""  # a township name from the county register, or empty
    caller_notified: str = ""
    important: bool = False

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, zone_name: str | None = None,
                     ) -> IntakeInput:
        """Build from JSON-like data (CLI); times as ISO 8601, local ones in ``zone_name``."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValidationError(tr("未知字段：{names}", names="、".join(unknown)))
        values = dict(data)
        if values.get("received_at") not in (None, ""):
            values["received_at"] = parse_time(str(values["received_at"]), zone_name)
        else:
            values["received_at"] = None
        for key in known - {"received_at", "important"}:
            if key in values and not isinstance(values[key], str):
                values[key] = "" if values[key] is None else str(values[key])
        if "important" in values and not isinstance(values["important"], bool):
            raise ValidationError(tr("important（要情）应为 true 或 false。"))
        return cls(**values)


def parse_time(text: str, zone_name: str | None = None) -> datetime:
    """Parse ``2026-12-02T08:30:00+08:00`` or a local ``2026-12-02 08:30`` (in the zone)."""
    try:
        when = datetime.fromisoformat(text.strip().replace("/", "-"))
    except ValueError:
        raise ValidationError(tr("时间格式无效：{text}（应为 YYYY-MM-DD HH:MM）",
                                 text=text)) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone(zone_name))
    return when


@dataclass(frozen=True)
class IntakeView:
    """One intake record: its newest version, every version, its steps and its state."""

    record: dict
    versions: list[dict]
    steps: list[dict]
    state: str
    incident_id: str | None = None

    @property
    def root_id(self) -> str:
        return self.record["root_id"]

    @property
    def corrected(self) -> bool:
        return len(self.versions) > 1


def _clean(value: str, limit: int = 200) -> str:
    value = value.strip()
    if len(value) > limit:
        raise ValidationError(tr("字段过长（最多 {n} 字）：{text}…", n=limit, text=value[:20]))
    return value


# The state is the last handling step (关联事件 is a link, not a handling step).
STATE_SQL = ("coalesce((SELECT s.step FROM intake_step s WHERE s.root_id = r.root_id"
             " AND s.step != '关联事件' ORDER BY s.at DESC, s.rowid DESC LIMIT 1), '接')")
CURRENT_SQL = "NOT EXISTS (SELECT 1 FROM intake_record c WHERE c.corrects_id = r.id)"


class IntakeService:
    """Recording, correcting, handling, finding intake records."""

    def __init__(self, store: Store, *, zone_name: str | None = None):
        self.store = store
        self.zone_name = zone_name

    # -- writing ---------------------------------------------------------------------------

    def _validate(self, data: IntakeInput) -> dict:
        if data.channel not in CHANNELS:
            raise ValidationError(tr("来源渠道应为：{choices}", choices="、".join(CHANNELS)))
        if data.kind not in KINDS:
            raise ValidationError(tr("类型应为：{choices}", choices="、".join(KINDS)))
        content = data.content.strip()
        if not content:
            raise ValidationError(tr("内容不能为空。"))
        if len(content) > MAX_TEXT:
            raise ValidationError(tr("内容过长（最多 {n} 字）。", n=MAX_TEXT))
        now = self.store.clock.now()
        received = data.received_at or now
        if received.tzinfo is None:
            received = received.replace(tzinfo=zone(self.zone_name))
        if received > now + FUTURE_TOLERANCE:
            raise ValidationError(tr("接报时间晚于当前时间：{time}", time=received.isoformat()))
        township_id = CountyService(self.store).township_id(data.township)
        return {
            "received_at": to_storage(received), "channel": data.channel, "kind": data.kind,
            "caller_unit": _clean(data.caller_unit), "caller_name": _clean(data.caller_name, 60),
            "caller_title": _clean(data.caller_title, 60),
            "caller_phone": _clean(data.caller_phone, 60), "location": _clean(data.location),
            "township_id": township_id, "content": content,
            "caller_notified": _clean(data.caller_notified, 2000),
            "important": int(bool(data.important)),
        }

    def _serial(self, received_at: str) -> str:
        day = from_storage(received_at).astimezone(zone(self.zone_name)).strftime("%Y%m%d")
        # Inside the write transaction: BEGIN IMMEDIATE keeps two savers from taking one number.
        # A range on the serial index (LIKE would scan: the column is not NOCASE).
        last = self.store.scalar("SELECT max(serial) FROM intake_record WHERE serial > ?"
                                 " AND serial < ?", (day + "-", day + "-~"))
        number = int(last.split("-")[1]) + 1 if last else 1
        return f"{day}-{number:03d}"

    def _insert(self, w, session: Session, row: dict) -> str:
        new = w.insert("intake_record", row, action="intake.correct" if row.get("corrects_id")
                       else "intake.record")
        rowid = self.store.scalar("SELECT rowid FROM intake_record WHERE id = ?", (new,))
        self.store.conn.execute(
            "INSERT INTO intake_fts (rowid, content, caller, place) VALUES (?, ?, ?, ?)",
            (rowid, index_text(row["content"], row["caller_notified"]),
             index_text(row["caller_unit"], row["caller_name"], row["caller_title"],
                        row["caller_phone"]),
             index_text(row["location"])))
        return new

    def record(self, session: Session, data: IntakeInput, *,
               then: Callable[[Any, str], None] | None = None) -> IntakeView:
        """Save a new intake record (durable when this returns).

        ``then(writer, record_id)`` runs inside the same transaction, for a caller that links
        its own row to the record (a radio message confirmed as 接报): both land or neither.
        """
        session.require(Permission.DUTY_WRITE)
        row = self._validate(data)
        now = to_storage(self.store.clock.now())
        with self.store.write(session, Permission.DUTY_WRITE) as w:
            rid = new_id()
            row.update({"id": rid, "root_id": rid, "serial": self._serial(row["received_at"]),
                        "receiver_id": session.account_id, "recorded_by": session.username,
                        "recorded_at": now})
            self._insert(w, session, row)
            if then is not None:
                then(w, rid)
        return self.get(rid)

    def record_many(self, session: Session, items: list[IntakeInput]) -> int:
        """Save many records in one transaction (an imported duty log); all or nothing."""
        session.require(Permission.DUTY_WRITE)
        rows = [self._validate(item) for item in items]  # every row checked before any write
        now = to_storage(self.store.clock.now())
        with self.store.write(session, Permission.DUTY_WRITE) as w:
            for row in rows:
                rid = new_id()
                row.update({"id": rid, "root_id": rid,
                            "serial": self._serial(row["received_at"]),
                            "receiver_id": session.account_id, "recorded_by": session.username,
                            "recorded_at": now})
                self._insert(w, session, row)
        return len(rows)

    def correct(self, session: Session, record_id: str, data: IntakeInput, reason: str,
                ) -> IntakeView:
        """Save a correction (更正) of the newest version of a record; the original stays."""
        session.require(Permission.DUTY_WRITE)
        if not reason.strip():
            raise ValidationError(tr("更正必须说明原因。"))
        target = self.store.get("intake_record", record_id)
        if target is None:
            raise NotFound(tr("没有此接报记录：{id}", id=record_id))
        row = self._validate(data)
        now = to_storage(self.store.clock.now())
        with self.store.write(session, Permission.DUTY_WRITE) as w:
            latest = self._latest(target["root_id"])
            if latest["id"] != record_id:
                raise ValidationError(tr("该记录已被更正过，请在最新版本上更正（编号 {serial}）。",
                                         serial=latest["serial"]))
            row.update({"id": new_id(), "root_id": target["root_id"], "corrects_id": record_id,
                        "serial": target["serial"], "receiver_id": target["receiver_id"],
                        "correction_reason": _clean(reason, 500),
                        "recorded_by": session.username, "recorded_at": now})
            self._insert(w, session, row)
        return self.get(target["root_id"])

    def advance(self, session: Session, root_id: str, step: str, *, target: str = "",
                note: str = "", at: datetime | None = None) -> IntakeView:
        """Record a handling step (报 / 传 / 跟 / 办结) with its time."""
        session.require(Permission.DUTY_WRITE)
        if step not in STATES[1:]:
            raise ValidationError(tr("办理环节应为：{choices}", choices="、".join(STATES[1:])))
        view = self.get(root_id)
        current = view.state
        if current == "办结":
            raise ValidationError(tr("此记录已办结（编号 {serial}）。",
                                     serial=view.record["serial"]))
        if STATES.index(step) < STATES.index(current) or (step == current and step != "跟"):
            raise ValidationError(tr("办理环节不能从“{current}”回到“{step}”。",
                                     current=current, step=step))
        if step in ("报", "传") and not target.strip():
            raise ValidationError(tr("“{step}”需要填写对象（报给谁 / 传给谁）。", step=step))
        now = self.store.clock.now()
        when = at or now
        if when > now + FUTURE_TOLERANCE:
            raise ValidationError(tr("办理时间晚于当前时间。"))
        if to_storage(when) < view.versions[0]["received_at"]:
            raise ValidationError(tr("办理时间早于接报时间。"))
        with self.store.write(session, Permission.DUTY_WRITE) as w:
            w.insert("intake_step", {
                "root_id": root_id, "step": step, "at": to_storage(when),
                "by_id": session.account_id, "target": _clean(target, 500),
                "note": _clean(note, MAX_TEXT), "recorded_at": to_storage(now)},
                action=f"intake.step.{step}")
        return self.get(root_id)

    def link_incident(self, session: Session, root_id: str, incident_id: str) -> IntakeView:
        """Record that this intake became (or belongs to) an incident."""
        session.require(Permission.INCIDENT_WRITE)
        self.get(root_id)
        if self.store.get("incident", incident_id) is None:
            raise NotFound(tr("没有此事件：{id}", id=incident_id))
        now = to_storage(self.store.clock.now())
        with self.store.write(session, Permission.INCIDENT_WRITE) as w:
            w.insert("intake_step", {"root_id": root_id, "step": "关联事件", "at": now,
                                     "by_id": session.account_id, "incident_id": incident_id,
                                     "recorded_at": now}, action="intake.link_incident")
        return self.get(root_id)

    # -- reading ---------------------------------------------------------------------------

    def _latest(self, root_id: str) -> dict:
        row = self.store.one(f"SELECT * FROM intake_record r WHERE r.root_id = ? AND {CURRENT_SQL}",
                             (root_id,))
        if row is None:
            raise NotFound(tr("没有此接报记录：{id}", id=root_id))
        return row

    def get(self, record_id: str) -> IntakeView:
        """A record by the id of any of its versions (or by 接报编号)."""
        row = self.store.one("SELECT root_id FROM intake_record WHERE id = ? OR serial = ?"
                             " LIMIT 1", (record_id, record_id))
        if row is None:
            raise NotFound(tr("没有此接报记录：{id}", id=record_id))
        root = row["root_id"]
        versions = self.store.query("SELECT * FROM intake_record WHERE root_id = ?"
                                    " ORDER BY recorded_at, rowid", (root,))
        steps = self.store.query(
            "SELECT s.*, a.display_name AS by_name FROM intake_step s"
            " JOIN account a ON a.id = s.by_id WHERE s.root_id = ? ORDER BY s.at, s.rowid",
            (root,))
        handling = [s for s in steps if s["step"] != "关联事件"]
        links = [s["incident_id"] for s in steps if s["step"] == "关联事件"]
        return IntakeView(versions[-1], versions, steps,
                          handling[-1]["step"] if handling else "接",
                          links[-1] if links else None)

    def list(self, *, text: str = "", start: datetime | None = None,
             end: datetime | None = None, channel: str | None = None, state: str | None = None,
             open_only: bool = False, caller: str = "", important: bool | None = None,
             limit: int = 200, offset: int = 0) -> list[dict]:
        """Newest versions of the records matching every given filter, newest first."""
        where, params = [CURRENT_SQL], []
        match = match_query(text) if text else None
        if text and match is None:
            return []
        if match:
            # A record is found by the text of any of its versions.
            where.append("r.root_id IN (SELECT v.root_id FROM intake_record v WHERE v.rowid IN"
                         " (SELECT rowid FROM intake_fts WHERE intake_fts MATCH ?))")
            params.append(match)
        if start is not None:
            where.append("r.received_at >= ?")
            params.append(to_storage(start))
        if end is not None:
            where.append("r.received_at < ?")
            params.append(to_storage(end))
        if channel:
            where.append("r.channel = ?")
            params.append(channel)
        if state:
            where.append(f"{STATE_SQL} = ?")
            params.append(state)
        if open_only:
            where.append(f"{STATE_SQL} != '办结'")
        if caller.strip():
            where.append("instr(r.caller_unit || ' ' || r.caller_name || ' ' || r.caller_phone,"
                         " ?) > 0")
            params.append(caller.strip())
        if important is not None:
            where.append("r.important = ?")
            params.append(int(important))
        sql = (f"SELECT r.*, {STATE_SQL} AS state, a.display_name AS receiver_name,"
               " (r.root_id != r.id) AS corrected FROM intake_record r"
               " JOIN account a ON a.id = r.receiver_id"
               f" WHERE {' AND '.join(where)}"
               " ORDER BY r.received_at DESC, r.rowid DESC LIMIT ? OFFSET ?")
        return self.store.query(sql, [*params, max(1, min(limit, 5000)), max(0, offset)])

    def count(self, **filters: Any) -> int:
        """How many records :meth:`list` would return without a limit."""
        return len(self.list(limit=5000, **filters))

    def rebuild_index(self, session: Session) -> int:
        """Rebuild the search index from the records (after a restore from an old backup)."""
        session.require(Permission.DUTY_WRITE)
        rows = self.store.query("SELECT rowid, * FROM intake_record")
        with self.store.transaction() as conn:
            conn.execute("INSERT INTO intake_fts (intake_fts) VALUES ('delete-all')")
            conn.executemany(
                "INSERT INTO intake_fts (rowid, content, caller, place) VALUES (?, ?, ?, ?)",
                [(r["rowid"], index_text(r["content"], r["caller_notified"]),
                  index_text(r["caller_unit"], r["caller_name"], r["caller_title"],
                             r["caller_phone"]), index_text(r["location"])) for r in rows])
        return len(rows)


def as_json(view: IntakeView) -> dict:
    """A JSON-friendly form of a record for ``--json``."""
    return {"record": view.record, "state": view.state, "corrected": view.corrected,
            "versions": [v["id"] for v in view.versions], "steps": view.steps,
            "incident_id": view.incident_id}
