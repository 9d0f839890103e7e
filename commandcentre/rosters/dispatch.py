"""Dispatch (调度): teams, experts, equipment and stock sent to an incident, and their progress
申请 → 已派 → 在途 → 到场 → 归队 (or 取消).

A dispatch row holds the current status and the time of each step; each step is an audited
update of that row, an append-only ``dispatch_event`` and a ``timeline_event`` (kind
'dispatch') on the incident, all in one transaction, so the step shows on the incident's
timeline. A team's own status follows (出动 / 在途 / 到场 / 归队). Dispatched stock leaves the
warehouse as an 出库 movement naming the incident when it is assigned; a cancelled dispatch puts
it back with an 入库.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from ..accounts import Permission, Session
from ..errors import NotFound, ValidationError
from ..i18n import tr
from ..storage import Store, Writer
from ..timeutil import from_storage, to_storage
from .resources import StockService, format_quantity

DISPATCH_STATUSES = ("申请", "已派", "在途", "到场", "归队", "取消")
ACTIVE = ("申请", "已派", "在途", "到场")
_ACTIVE_SQL = "('申请', '已派', '在途', '到场')"
RESOURCE_KINDS = ("team", "expert", "equipment", "stock")
STATUS_ALIASES = {"requested": "申请", "assigned": "已派", "en_route": "在途", "en-route": "在途",
                  "on_scene": "到场", "on-scene": "到场", "returned": "归队",
                  "cancelled": "取消", "canceled": "取消", "出动": "已派", "派出": "已派"}
_ORDER = {"申请": 0, "已派": 1, "在途": 2, "到场": 3, "归队": 4}
_TIME = {"申请": "requested_at", "已派": "assigned_at", "在途": "en_route_at",
         "到场": "on_scene_at", "归队": "returned_at", "取消": "cancelled_at"}
_TEAM_STATUS = {"已派": "出动", "在途": "在途", "到场": "到场", "归队": "归队", "取消": "待命"}
_UNUSABLE = ("报废", "维修", "损坏", "故障", "待修")
FUTURE_TOLERANCE = timedelta(minutes=5)


def status_of(text: str) -> str:
    """A dispatch status from Chinese or English (assigned, en_route …)."""
    value = STATUS_ALIASES.get(text.strip().lower(), text.strip())
    if value not in DISPATCH_STATUSES:
        raise ValidationError(tr("调度状态“{value}”无效（可选：{choices}）", value=text,
                                 choices="、".join(DISPATCH_STATUSES)))
    return value


def kind_label(kind: str) -> str:
    return {"team": tr("队伍"), "expert": tr("专家"), "equipment": tr("装备"),
            "stock": tr("物资")}[kind]


class DispatchService:
    """Creating dispatches and moving them along; reading them per incident."""

    def __init__(self, store: Store):
        self.store = store
        self.stock = StockService(store)

    # -- reading ----------------------------------------------------------------------------

    def get(self, ref: str) -> dict:
        """A dispatch by id, or by a unique id prefix of at least 6 characters."""
        row = self.store.get("dispatch", ref)
        if row is None and len(ref) >= 6:
            rows = self.store.query("SELECT * FROM dispatch WHERE id LIKE ? LIMIT 2",
                                    (ref.replace("%", "") + "%",))
            row = rows[0] if len(rows) == 1 else None
        if row is None:
            raise NotFound(tr("没有此调度记录：{id}", id=ref))
        return row

    def list(self, *, incident_id: str | None = None, active_only: bool = False
             ) -> list[dict]:
        where, params = [], []
        if incident_id:
            where.append("d.incident_id = ?")
            params.append(incident_id)
        if active_only:
            where.append(f"d.status IN {_ACTIVE_SQL}")
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        return self.store.query(
            "SELECT d.*, i.title AS incident FROM dispatch d JOIN incident i"
            f" ON i.id = d.incident_id {clause} ORDER BY d.requested_at, d.rowid", params)

    def events(self, dispatch_id: str) -> list[dict]:
        return self.store.query("SELECT * FROM dispatch_event WHERE dispatch_id = ?"
                                " ORDER BY at, rowid", (dispatch_id,))

    # -- writing ----------------------------------------------------------------------------

    def _when(self, at: datetime | None) -> datetime:
        now = self.store.clock.now()
        when = at or now
        if when.tzinfo is None:
            raise ValidationError(tr("{what}缺少时区。", what=tr("调度时间")))
        if when > now + FUTURE_TOLERANCE:
            raise ValidationError(tr("{what}晚于当前时间。", what=tr("调度时间")))
        return when

    def _resource(self, kind: str, resource_id: str, quantity: float | None) -> tuple[dict, str]:
        table = {"team": "team", "expert": "expert", "equipment": "equipment",
                 "stock": "stock_item"}[kind]
        row = self.store.get(table, resource_id)
        if row is None:
            raise NotFound(tr("没有此{kind}：{name}", kind=kind_label(kind), name=resource_id))
        active = f"SELECT count(*) FROM dispatch WHERE {kind}_id = ? AND status IN {_ACTIVE_SQL}"
        if kind == "team":
            if row["status"] == "休整":
                raise ValidationError(tr("{name}正在休整，不能调派", name=row["name"]))
            if self.store.scalar(active, (resource_id,)):
                raise ValidationError(tr("{name}已在执行调度任务（先归队或取消）",
                                         name=row["name"]))
            return row, row["name"]
        if kind == "expert":
            if self.store.scalar(active, (resource_id,)):
                raise ValidationError(tr("{name}已在执行调度任务（先归队或取消）",
                                         name=row["name"]))
            return row, row["name"]
        if kind == "equipment":
            if any(word in row["status"] for word in _UNUSABLE):
                raise ValidationError(tr("{name}状态为“{status}”，不能调派", name=row["name"],
                                         status=row["status"]))
            out = self.store.scalar(f"SELECT coalesce(sum(quantity), 0) FROM dispatch WHERE"
                                    f" equipment_id = ? AND status IN {_ACTIVE_SQL}",
                                    (resource_id,))
            if (quantity or 1) > row["quantity"] - out + 1e-9:
                raise ValidationError(tr("{name}可调派 {n} 台（套），不足 {need}",
                                         name=row["name"], n=format_quantity(row["quantity"] - out),
                                         need=format_quantity(quantity or 1)))
            return row, row["name"]
        if quantity is None:
            raise ValidationError(tr("调派物资需要数量。"))
        return row, row["item"] + (f"（{row['spec']}）" if row["spec"] else "")

    def dispatch(self, session: Session, incident_id: str, kind: str, resource_id: str, *,
                 quantity: float | None = None, status: str = "已派", destination: str = "",
                 note: str = "", at: datetime | None = None) -> str:
        """Send a team, expert, piece of equipment or stock to an incident; return its id.

        ``status`` is 申请 (requested, waiting for approval) or 已派 (assigned now).
        """
        session.require(Permission.INCIDENT_WRITE)
        if kind not in RESOURCE_KINDS:
            raise ValidationError(tr("调度对象类型应为：{choices}",
                                     choices="、".join(RESOURCE_KINDS)))
        status = status_of(status)
        if status not in ("申请", "已派"):
            raise ValidationError(tr("新调度的状态只能是申请或已派。"))
        incident = self.store.get("incident", incident_id)
        if incident is None:
            raise NotFound(tr("没有此事件：{id}", id=incident_id))
        if incident["status"] == "已结束":
            raise ValidationError(tr("事件已结束，不能再登记处置信息：{title}",
                                     title=incident["title"]))
        if quantity is not None and (isinstance(quantity, bool) or quantity <= 0):
            raise ValidationError(tr("数量必须大于零。"))
        when = to_storage(self._when(at))
        column = "stock_item_id" if kind == "stock" else f"{kind}_id"
        with self.store.write(session, Permission.INCIDENT_WRITE) as w:
            _, name = self._resource(kind, resource_id, quantity)  # checked under the lock
            did = w.insert("dispatch", {
                "incident_id": incident_id, "resource_kind": kind, column: resource_id,
                "resource_name": name,
                "quantity": float(quantity if quantity is not None else 1), "status": "申请",
                "requested_at": when, "destination": destination.strip(), "note": note.strip(),
                "created_by": session.username, "created_at": to_storage(self.store.clock.now())},
                action="dispatch.create")
            self._event(w, session, self.get(did), "申请", when, note)
            if status == "已派":
                self._step(w, session, did, "已派", when, "")
            return did

    def advance(self, session: Session, ref: str, status: str, *, at: datetime | None = None,
                note: str = "") -> dict:
        """Move a dispatch on (forward only; steps may be skipped) or cancel it."""
        session.require(Permission.INCIDENT_WRITE)
        status = status_of(status)
        when = to_storage(self._when(at))
        with self.store.write(session, Permission.INCIDENT_WRITE) as w:
            row = self.get(ref)
            return self._step(w, session, row["id"], status, when, note)

    def _step(self, w: Writer, session: Session, dispatch_id: str, status: str, when: str,
              note: str) -> dict:
        row = self.get(dispatch_id)
        current = row["status"]
        if current in ("归队", "取消"):
            raise ValidationError(tr("调度已{status}，不能再变更", status=current))
        if status == "取消":
            if current == "到场":
                raise ValidationError(tr("已到场的调度不能取消，请登记归队。"))
        elif _ORDER[status] <= _ORDER[current]:
            raise ValidationError(tr("调度状态只能向前：当前为{current}，不能改为{status}",
                                     current=current, status=status))
        latest = max(v for v in (row[c] for c in _TIME.values()) if v)
        if from_storage(when) < from_storage(latest):
            raise ValidationError(tr("{status}时间早于上一步的时间。", status=status))
        changes: dict = {"status": status, _TIME[status]: when}
        if row["resource_kind"] == "stock":
            issued = row["movement_id"] is not None
            if status not in ("取消", "申请") and not issued:
                changes["movement_id"] = self.stock.record(
                    w, row["stock_item_id"], "出库", row["quantity"],
                    note=tr("调往事件：{title}", title=self._title(row["incident_id"])),
                    at=from_storage(when))
            elif status == "取消" and issued:
                changes["return_movement_id"] = self.stock.record(
                    w, row["stock_item_id"], "入库", row["quantity"],
                    note=tr("调度取消退回：{title}", title=self._title(row["incident_id"])),
                    at=from_storage(when))
        updated = w.update("dispatch", dispatch_id, changes, action="dispatch.status",
                           detail={"from": current, "to": status})
        if row["resource_kind"] == "team" and not (status == "取消" and current == "申请"):
            w.update("team", row["team_id"], {"status": _TEAM_STATUS[status]},
                     action="team.status", detail={"dispatch": dispatch_id})
        self._event(w, session, updated, status, when, note)
        return updated

    def _title(self, incident_id: str) -> str:
        return self.store.scalar("SELECT title FROM incident WHERE id = ?", (incident_id,)) or ""

    def _event(self, w: Writer, session: Session, row: dict, status: str, when: str,
               note: str) -> None:
        what = row["resource_name"]
        if row["resource_kind"] == "stock":
            unit = self.store.scalar("SELECT unit FROM stock_item WHERE id = ?",
                                     (row["stock_item_id"],)) or ""
            what = f"{what} {format_quantity(row['quantity'])}{unit}"
        elif row["resource_kind"] == "equipment" and row["quantity"] != 1:
            what = f"{what} ×{format_quantity(row['quantity'])}"
        text = tr("调度{kind}“{name}”：{status}", kind=kind_label(row["resource_kind"]),
                  name=what, status=status)
        if row["destination"] and status in ("申请", "已派"):
            text += tr("，前往{place}", place=row["destination"])
        if note.strip():
            text += "：" + note.strip()
        now = to_storage(self.store.clock.now())
        data = {"dispatch_id": row["id"], "status": status, "resource_kind": row["resource_kind"],
                "resource": row["resource_name"], "quantity": row["quantity"]}
        tid = w.insert("timeline_event", {
            "incident_id": row["incident_id"], "at": when, "kind": "dispatch", "text": text,
            "data_json": json.dumps(data, ensure_ascii=False), "corrects_id": None,
            "recorded_by": session.username, "recorded_at": now}, action="incident.dispatch")
        w.insert("dispatch_event", {"dispatch_id": row["id"], "status": status, "at": when,
                                    "note": note.strip(), "timeline_event_id": tid,
                                    "recorded_by": session.username, "recorded_at": now},
                 action="dispatch.event")
