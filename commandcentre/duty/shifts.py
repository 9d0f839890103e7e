"""The shift rota (排班): who is on duty when, with one 带班领导 and one or more 值班员."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import cycle

from ..accounts import Permission, Role, Session
from ..errors import NotFound, ValidationError
from ..i18n import tr
from ..storage import Store
from ..timeutil import from_storage, to_storage, zone

DUTY_ROLES = ("leader", "main", "deputy", "extra")


@dataclass(frozen=True)
class ShiftView:
    """One shift with its people resolved: leader and operators (主班 first)."""

    id: str
    starts_at: datetime
    ends_at: datetime
    enhanced: str
    leader: dict | None
    operators: list[dict]

    @property
    def leader_name(self) -> str:
        return self.leader["display_name"] if self.leader else ""


class ShiftService:
    """Reading and planning the rota."""

    def __init__(self, store: Store):
        self.store = store

    def _view(self, row: dict) -> ShiftView:
        people = self.store.query(
            "SELECT m.duty_role, a.id, a.username, a.display_name, a.role FROM duty_shift_member m"
            " JOIN account a ON a.id = m.account_id WHERE m.shift_id = ?"
            " ORDER BY CASE m.duty_role WHEN 'leader' THEN 0 WHEN 'main' THEN 1"
            " WHEN 'deputy' THEN 2 ELSE 3 END, a.username", (row["id"],))
        leader = next((p for p in people if p["duty_role"] == "leader"), None)
        return ShiftView(row["id"], from_storage(row["starts_at"]), from_storage(row["ends_at"]),
                         row["enhanced"], leader,
                         [p for p in people if p["duty_role"] != "leader"])

    def at(self, when: datetime) -> ShiftView | None:
        """The shift covering ``when`` (the latest-starting one if shifts overlap)."""
        stamp = to_storage(when)
        row = self.store.one("SELECT * FROM duty_shift WHERE starts_at <= ? AND ends_at > ?"
                             " ORDER BY starts_at DESC LIMIT 1", (stamp, stamp))
        return self._view(row) if row else None

    def current(self) -> ShiftView | None:
        """The shift on duty now."""
        return self.at(self.store.clock.now())

    def between(self, start: datetime, end: datetime) -> list[ShiftView]:
        """Shifts overlapping [start, end), in time order."""
        rows = self.store.query("SELECT * FROM duty_shift WHERE ends_at > ? AND starts_at < ?"
                                " ORDER BY starts_at", (to_storage(start), to_storage(end)))
        return [self._view(r) for r in rows]

    def _account(self, username: str) -> dict:
        row = self.store.one("SELECT * FROM account WHERE username = ?", (username,))
        if row is None:
            raise NotFound(tr("没有此账号：{user}", user=username))
        return row

    def add(self, session: Session, *, starts_at: datetime, ends_at: datetime, leader: str,
            operators: list[str], template: str = "", enhanced: str = "",
            note: str = "") -> str:
        """Add one shift; ``operators[0]`` is 主班, the second 副班, any others extra."""
        session.require(Permission.REGISTER_WRITE)
        if ends_at <= starts_at:
            raise ValidationError(tr("班次结束时间必须晚于开始时间。"))
        if not operators:
            raise ValidationError(tr("每个班次至少需要一名值班员。"))
        lead = self._account(leader)
        if lead["role"] not in (Role.LEADER, Role.ADMINISTRATOR):
            raise ValidationError(tr("{user} 不是带班领导。", user=leader))
        ops = [self._account(u) for u in operators]
        for op in ops:
            if op["role"] == Role.OBSERVER:
                raise ValidationError(tr("观察员不能排班：{user}", user=op["username"]))
        if len({a["id"] for a in [lead, *ops]}) != len(ops) + 1:
            raise ValidationError(tr("同一人不能在一个班次中重复排班。"))
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            shift_id = w.insert("duty_shift", {
                "starts_at": to_storage(starts_at), "ends_at": to_storage(ends_at),
                "template": template, "enhanced": enhanced, "note": note,
                "created_at": to_storage(self.store.clock.now())}, action="duty_shift.add")
            w.insert("duty_shift_member", {"shift_id": shift_id, "account_id": lead["id"],
                                           "duty_role": "leader"})
            for i, op in enumerate(ops):
                w.insert("duty_shift_member", {"shift_id": shift_id, "account_id": op["id"],
                                               "duty_role": ("main", "deputy")[i] if i < 2
                                               else "extra"})
        return shift_id

    def plan_daily(self, session: Session, *, first_day: date, days: int, handover: time,
                   leaders: list[str], operator_pairs: list[list[str]],
                   zone_name: str | None = None,
                   enhanced: dict[date, tuple[str, list[str]]] | None = None) -> list[str]:
        """Plan ``days`` 24-hour shifts from ``handover`` local time, rotating the given people.

        ``enhanced`` maps a day to (period name, extra operators) for 防火期 / 汛期 / holidays.
        """
        if days < 1 or days > 366:
            raise ValidationError(tr("一次排班天数应在 1–366 之间。"))
        if not leaders or not operator_pairs:
            raise ValidationError(tr("排班需要至少一名带班领导和一组值班员。"))
        tz = zone(zone_name)
        lead_cycle, pair_cycle = cycle(leaders), cycle(operator_pairs)
        ids = []
        for n in range(days):
            day = first_day + timedelta(days=n)
            start = datetime.combine(day, handover, tz)
            end = datetime.combine(day + timedelta(days=1), handover, tz)
            period, extra = (enhanced or {}).get(day, ("", []))
            ids.append(self.add(session, starts_at=start, ends_at=end, leader=next(lead_cycle),
                                operators=[*next(pair_cycle), *extra],
                                template=f"{handover:%H:%M}-{handover:%H:%M}", enhanced=period))
        return ids
