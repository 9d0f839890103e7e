"""Plan activation on an incident (启动预案): the chosen level's actions become a checklist.

An incident has one chain of activations: each new one (another level, or another plan)
supersedes the one before, and its actions become a new set of checklist items, due at the
activation time plus the plan's time limit. Nothing is overwritten: earlier activations, their
items and every done / undone event stay, and a measure the new level repeats word for word
(same unit, same text) carries its state over. These functions serve :class:`PlanService`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..accounts import Permission, Session
from ..errors import NotFound, ValidationError
from ..i18n import tr
from ..incidents.model import ROMAN, TimelineEntry
from ..timeutil import from_storage, to_storage
from .levels import level_name
from .model import IN_FORCE, PLAN_TYPES, ChecklistItem, PlanFilter, PlanSuggestion

if TYPE_CHECKING:
    from .service import PlanService

FUTURE_TOLERANCE = timedelta(minutes=5)  # as for incident records: clocks drift
# Which plan fits first: the special plan for the hazard, then the narrower supporting ones,
# the overall plan (总体, for every kind of event) last.
TYPE_ORDER = ("专项", "专项救援行动方案", "部门", "乡镇简明操作手册", "企业现场处置方案",
              "重大活动", "总体")
assert sorted(TYPE_ORDER) == sorted(PLAN_TYPES)


def _incident(svc: PlanService, incident_id: str) -> dict:
    row = svc.store.get("incident", incident_id)
    if row is None:
        raise NotFound(tr("没有此事件：{id}", id=incident_id))
    return row


def _current(svc: PlanService, incident_id: str) -> dict | None:
    return svc.store.one(
        "SELECT a.*, p.title AS plan_title FROM plan_activation a JOIN plan p ON"
        " p.id = a.plan_id WHERE a.incident_id = ? AND NOT EXISTS (SELECT 1 FROM"
        " plan_activation n WHERE n.supersedes_id = a.id)", (incident_id,))


def suggest(svc: PlanService, incident_id: str) -> list[PlanSuggestion]:
    incident = _incident(svc, incident_id)
    decided = svc.store.scalar("SELECT level FROM response_decision WHERE incident_id = ?"
                               " ORDER BY decided_at DESC, rowid DESC LIMIT 1", (incident_id,))
    if decided in ROMAN.values():
        wanted, basis = decided, tr("已决定启动{level}级响应", level=decided)
    elif incident["grade"]:
        wanted = ROMAN[incident["grade"]]
        basis = tr("事件等级为{grade}", grade=incident["grade"])
    else:
        wanted, basis = None, ""
    out = []
    for plan in svc.list(PlanFilter()):
        if plan["status"] not in IN_FORCE:
            continue
        if incident["hazard"] in plan["hazards"]:
            why = tr("适用于本灾种（{hazard}）", hazard=incident["hazard"])
        elif plan["type"] == "总体":
            why = tr("总体预案，适用于各类突发事件")
        else:
            continue
        levels = tuple(plan["levels"])
        if wanted in levels:
            level, why = wanted, why + "；" + basis
        else:
            # Without a decision or grade, or when the plan lacks that level: start low.
            level = levels[-1] if levels else None
        out.append(PlanSuggestion(plan["id"], plan["title"], plan["type"], level, levels, why))
    return sorted(out, key=lambda s: (TYPE_ORDER.index(s.type), s.title))


def activate(svc: PlanService, session: Session, incident_id: str, plan_id: str, level: str,
             at: datetime | None, *, reason: str = "") -> str:
    session.require(Permission.INCIDENT_WRITE)
    incident = _incident(svc, incident_id)
    if incident["status"] == "已结束":
        raise ValidationError(tr("事件已结束，不能再启动预案：{title}", title=incident["title"]))
    view = svc.get(plan_id)
    if view.plan["status"] == "废止":
        raise ValidationError(tr("该预案已废止：{title}", title=view.title))
    name = level_name(level)
    block = view.level(name) if name else None
    if block is None:
        have = "、".join(lv["level"] for lv in view.levels) or tr("无")
        raise ValidationError(tr("《{title}》没有{level}级响应（有：{levels}）", title=view.title,
                                 level=name or level, levels=have))
    now = svc.store.clock.now()
    when = at or now
    if when.tzinfo is None:
        raise ValidationError(tr("启动时间缺少时区。"))
    if when > now + FUTURE_TOLERANCE:
        raise ValidationError(tr("启动时间晚于当前时间。"))
    if to_storage(when) < incident["received_at"]:
        raise ValidationError(tr("启动时间早于接报时间。"))
    current = _current(svc, incident_id)
    if current is not None:
        if current["plan_id"] == view.id and current["level"] == name:
            raise ValidationError(tr("已在执行《{title}》{level}级响应。", title=view.title,
                                     level=name))
        if to_storage(when) < current["activated_at"]:
            raise ValidationError(tr("调整时间早于上一次启动时间。"))
    previous = {(i.owner_unit, i.text): i.id for i in checklist(svc, incident_id, now)}
    with svc.store.write(session, Permission.INCIDENT_WRITE) as w:
        activation_id = w.insert("plan_activation", {
            "incident_id": incident_id, "plan_id": view.id, "level": name,
            "activated_at": to_storage(when),
            "supersedes_id": current["id"] if current else None, "reason": reason.strip(),
            "recorded_by": session.username, "recorded_at": to_storage(now)},
            action="plan.activate")
        for n, action in enumerate(block["actions"], 1):
            minutes = action["within_minutes"]
            due = to_storage(when + timedelta(minutes=minutes)) if minutes is not None else None
            w.insert("checklist_item", {
                "activation_id": activation_id, "action_id": action["id"], "ordinal": n,
                "owner_unit": action["owner_unit"], "text": action["text"], "due_at": due,
                "carried_from_id": previous.get((action["owner_unit"], action["text"]))})
    return activation_id


def history(svc: PlanService, incident_id: str) -> list[dict]:
    _incident(svc, incident_id)
    return svc.store.query(
        "SELECT a.*, p.title AS plan_title, (SELECT count(*) FROM checklist_item i WHERE"
        " i.activation_id = a.id) AS items FROM plan_activation a JOIN plan p ON"
        " p.id = a.plan_id WHERE a.incident_id = ? ORDER BY a.activated_at, a.rowid",
        (incident_id,))


def _events(svc: PlanService, incident_id: str) -> tuple[dict[str, dict], list[dict]]:
    """Every checklist item of the incident by id, and every event in recorded order."""
    items = {r["id"]: r for r in svc.store.query(
        "SELECT i.*, a.level FROM checklist_item i JOIN plan_activation a ON"
        " a.id = i.activation_id WHERE a.incident_id = ?", (incident_id,))}
    events = svc.store.query(
        "SELECT e.*, e.rowid AS seq FROM checklist_event e JOIN checklist_item i ON"
        " i.id = e.item_id JOIN plan_activation a ON a.id = i.activation_id"
        " WHERE a.incident_id = ? ORDER BY e.rowid", (incident_id,))
    return items, events


def checklist(svc: PlanService, incident_id: str, now: datetime | None) -> list[ChecklistItem]:
    _incident(svc, incident_id)
    current = _current(svc, incident_id)
    if current is None:
        return []
    now = now or svc.store.clock.now()
    items, events = _events(svc, incident_id)
    last: dict[str, dict] = {}
    for event in events:
        last[event["item_id"]] = event  # recorded order: the last word on each item
    out = []
    for item in sorted((i for i in items.values() if i["activation_id"] == current["id"]),
                       key=lambda i: i["ordinal"]):
        chain, node = [], item
        while node is not None:  # this item, then the ones it was carried from
            chain.append(node["id"])
            node = items.get(node["carried_from_id"]) if node["carried_from_id"] else None
        found = [last[i] for i in chain if i in last]
        latest = max(found, key=lambda e: e["seq"]) if found else None
        done = bool(latest and latest["done"])
        due = from_storage(item["due_at"]) if item["due_at"] else None
        state = "done" if done else ("overdue" if due is not None and now > due else "open")
        out.append(ChecklistItem(
            item["id"], item["ordinal"], item["owner_unit"], item["text"], due, state,
            from_storage(latest["at"]) if done else None, latest["by_name"] if done else "",
            latest["note"] if done else "", item["level"], item["activation_id"]))
    return out


def complete_item(svc: PlanService, session: Session, item_id: str, note: str, *,
                  done: bool, at: datetime | None) -> str:
    session.require(Permission.INCIDENT_WRITE)
    item = svc.store.one("SELECT i.*, a.incident_id, a.activated_at FROM checklist_item i"
                         " JOIN plan_activation a ON a.id = i.activation_id WHERE i.id = ?",
                         (item_id,))
    if item is None:
        raise NotFound(tr("没有此清单项：{id}", id=item_id))
    current = {i.id: i for i in checklist(svc, item["incident_id"], None)}
    if item_id not in current:
        raise ValidationError(tr("该措施属于已调整前的响应级别，请在当前清单上登记。"))
    if done and current[item_id].done:
        raise ValidationError(tr("该措施已登记完成。"))
    if not done and not current[item_id].done:
        raise ValidationError(tr("该措施尚未完成，无需撤销。"))
    now = svc.store.clock.now()
    when = at or now
    if when.tzinfo is None or when > now + FUTURE_TOLERANCE:
        raise ValidationError(tr("完成时间无效或晚于当前时间。"))
    if to_storage(when) < item["activated_at"]:
        raise ValidationError(tr("完成时间早于预案启动时间。"))
    if not done and not note.strip():
        raise ValidationError(tr("撤销完成需要说明原因。"))
    with svc.store.write(session, Permission.INCIDENT_WRITE) as w:
        return w.insert("checklist_event", {
            "item_id": item_id, "done": int(done), "at": to_storage(when),
            "by_name": session.username, "note": note.strip()[:2000],
            "recorded_at": to_storage(now)},
            action="plan.checklist.done" if done else "plan.checklist.undone")


def timeline_entries(svc: PlanService, incident_id: str,
                     now: datetime | None) -> list[TimelineEntry]:
    entries = []
    previous: dict | None = None
    for a in history(svc, incident_id):
        if previous is None:
            text = tr("启动《{plan}》{level}级响应，响应措施 {n} 项", plan=a["plan_title"],
                      level=a["level"], n=a["items"])
        else:
            text = tr("响应调整为《{plan}》{level}级（原{old}级），响应措施 {n} 项",
                      plan=a["plan_title"], level=a["level"], old=previous["level"],
                      n=a["items"])
        if a["reason"]:
            text += "：" + a["reason"]
        entries.append(TimelineEntry(a["id"], from_storage(a["activated_at"]), "plan", text,
                                     a["recorded_by"], "plan_activation"))
        previous = a
    items, events = _events(svc, incident_id)
    for e in events:
        item = items[e["item_id"]]
        what = f"{item['owner_unit']}：{item['text']}" if item["owner_unit"] else item["text"]
        text = (tr("措施完成：{what}", what=what) if e["done"] else
                tr("撤销完成：{what}", what=what))
        if e["note"]:
            text += tr("（{note}）", note=e["note"])
        entries.append(TimelineEntry(e["id"], from_storage(e["at"]), "plan", text,
                                     e["by_name"], "checklist_event"))
    for item in checklist(svc, incident_id, now):
        if item.state == "overdue":
            what = f"{item.owner_unit}：{item.text}" if item.owner_unit else item.text
            entries.append(TimelineEntry(item.id, item.due_at, "plan",
                                         tr("逾期未完成：{what}", what=what), "",
                                         "checklist_item"))
    return sorted(entries, key=lambda e: (e.at, e.source, e.id))
