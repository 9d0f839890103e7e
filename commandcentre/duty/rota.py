"""Planning the rota (排班) from shift templates, checking it, and finding coverage gaps.

A :class:`ShiftTemplate` is the day's pattern of shifts (24 小时班, or 白班 / 夜班); planning
turns a template, the people in turn and the enhanced-duty periods (加强值班: 防火期, 汛期,
节假日) into :class:`PlannedShift` records. Planned or imported shifts are checked together
(:func:`validate_shifts`) and written in one audited transaction (:func:`write_shifts`), so a
rota is either stored whole or not at all. :func:`coverage_gaps` finds the times when no
带班领导 or no 值班员 is on duty (值班空档).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from itertools import cycle, pairwise

from ..accounts import Permission, Role, Session
from ..errors import ValidationError
from ..i18n import tr
from ..settings import Settings
from ..storage import Store
from ..timeutil import format_local, from_storage, to_storage, zone
from .shifts import ShiftService

MAX_PLAN_DAYS = 366
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ShiftTemplate:
    """A day's pattern of shifts (班次模板): (start, end) local times; end <= start is next day."""

    name: str
    slots: tuple[tuple[time, time], ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "slots", tuple((s, e) for s, e in self.slots))
        if not self.slots:
            raise ValidationError(tr("班次模板至少需要一个时段：{name}", name=self.name))
        spans = sorted(self._minutes(s, e) for s, e in self.slots)
        # The pattern repeats every day, so the last slot may not run into the first of the
        # next day either.
        if any(a[1] > b[0] for a, b in pairwise([*spans, (spans[0][0] + 1440, 0)])):
            raise ValidationError(tr("班次模板的时段相互重叠：{name}", name=self.name))

    @staticmethod
    def _minutes(start: time, end: time) -> tuple[int, int]:
        a, b = start.hour * 60 + start.minute, end.hour * 60 + end.minute
        return a, b + 1440 if b <= a else b

    def shifts_on(self, day: date, tz: tzinfo) -> list[tuple[datetime, datetime, str]]:
        """(start, end, label) of each slot starting on ``day``, in time order."""
        out = []
        for start, end in self.slots:
            a = datetime.combine(day, start, tz)
            b = datetime.combine(day + timedelta(days=1) if end <= start else day, end, tz)
            out.append((a, b, f"{start:%H:%M}-{end:%H:%M}"))
        return sorted(out)


def twenty_four_hour(handover: time = time(8, 0)) -> ShiftTemplate:
    """The 24 小时班: from ``handover`` to the same time next day."""
    return ShiftTemplate("24h", ((handover, handover),))


def day_night(day_start: time = time(8, 0), night_start: time = time(20, 0)) -> ShiftTemplate:
    """白班 ``day_start``–``night_start`` and 夜班 ``night_start``–next ``day_start``."""
    return ShiftTemplate("day-night", ((day_start, night_start), (night_start, day_start)))


@dataclass(frozen=True)
class EnhancedPeriod:
    """An enhanced-duty period (加强值班期: 防火期, 汛期, 节假日), ``first``–``last`` inclusive.

    Its extra operators join every shift starting on those days; with ``per_shift`` > 0 they
    take turns, that many per shift.
    """

    name: str
    first: date
    last: date
    extra_operators: tuple[str, ...] = ()
    per_shift: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "extra_operators", tuple(self.extra_operators))
        if self.last < self.first:
            raise ValidationError(tr("加强值班期“{name}”的结束日期早于开始日期。", name=self.name))

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last


@dataclass(frozen=True)
class PlannedShift:
    """A shift not yet stored: people by username (or, before validation, as written)."""

    starts_at: datetime
    ends_at: datetime
    leader: str
    operators: tuple[str, ...]
    template: str = ""
    enhanced: str = ""
    note: str = ""


@dataclass(frozen=True)
class Gap:
    """A stretch with no 带班领导, no 值班员 or neither on duty (值班空档); end exclusive."""

    start: datetime
    end: datetime
    missing: str  # 'leader' | 'operator' | 'both'

    @property
    def hours(self) -> float:
        return (self.end - self.start).total_seconds() / 3600


class RotaRejected(ValidationError):
    """A rota with problems; ``problems`` lists every one (with its row). Nothing was written."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__(tr("排班有 {n} 处问题，未写入任何班次：{details}",
                            n=len(self.problems), details="；".join(self.problems)))


def rota_zone(store: Store, zone_name: str | None = None) -> tzinfo:
    """The zone rota times are written in: ``zone_name`` or the store's ``ui.timezone``."""
    return zone(zone_name or Settings(store).get("ui.timezone"))


def plan_shifts(template: ShiftTemplate, *, first_day: date, days: int, leaders: Sequence[str],
                operator_groups: Sequence[Sequence[str]],
                enhanced: Iterable[EnhancedPeriod] = (), tz: tzinfo,
                leader_per_shift: bool = False) -> list[PlannedShift]:
    """Lay ``template`` over ``days`` days from ``first_day``; nothing is stored.

    Leaders take a day each in turn (带班 covers the whole day; ``leader_per_shift`` makes
    them take shifts in turn instead); operator groups (主班 first) take shifts in turn.
    """
    if not 1 <= days <= MAX_PLAN_DAYS:
        raise ValidationError(tr("一次排班天数应在 1–366 之间。"))
    groups = [list(g) for g in operator_groups if g]
    if not leaders or not groups:
        raise ValidationError(tr("排班需要至少一名带班领导和一组值班员。"))
    periods = list(enhanced)
    turns = {id(p): cycle(p.extra_operators) for p in periods if p.per_shift > 0}
    lead_cycle, group_cycle = cycle(leaders), cycle(groups)
    out: list[PlannedShift] = []
    for n in range(days):
        day = first_day + timedelta(days=n)
        day_leader = None if leader_per_shift else next(lead_cycle)
        for start, end, label in template.shifts_on(day, tz):
            leader = day_leader or next(lead_cycle)
            operators = list(next(group_cycle))
            names = []
            for period in (p for p in periods if p.covers(day)):
                names.append(period.name)
                operators += _extras(period, turns.get(id(period)), {leader, *operators})
            out.append(PlannedShift(start, end, leader, tuple(operators), label, "、".join(names)))
    return out


def _extras(period: EnhancedPeriod, turn, taken: set[str]) -> list[str]:
    if turn is None:
        return [u for u in period.extra_operators if u not in taken]
    picked: list[str] = []
    for _ in range(len(period.extra_operators)):  # at most one round, skipping those on duty
        if len(picked) == period.per_shift:
            break
        name = next(turn)
        if name not in taken and name not in picked:
            picked.append(name)
    return picked


def clean_name(text: str) -> str:
    """A person as written in a rota, normalised: full-width folded, all spaces removed.

    Offices pad two-character names for alignment ("马　庆"), so spaces never matter.
    """
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(text)))


class People:
    """The store's accounts, found by username or by 姓名 as written in a rota."""

    def __init__(self, store: Store):
        rows = store.query("SELECT id, username, display_name, role, active FROM account")
        self._by_user = {r["username"].casefold(): r for r in rows}
        self._by_name: dict[str, list[dict]] = {}
        for r in rows:
            self._by_name.setdefault(clean_name(r["display_name"]), []).append(r)

    def find(self, text: str) -> dict:
        """The account meant by ``text``; ValidationError if unknown, ambiguous or disabled."""
        name = clean_name(text)
        row = self._by_user.get(name.casefold())
        if row is None:
            matches = self._by_name.get(name, [])
            if len(matches) > 1:
                raise ValidationError(tr("姓名“{name}”对应多个账号（{users}），请改填用户名",
                                         name=name,
                                         users="、".join(m["username"] for m in matches)))
            if not matches:
                raise ValidationError(tr("未找到人员“{name}”（按姓名或用户名）", name=name))
            row = matches[0]
        if not row["active"]:
            raise ValidationError(tr("“{name}”的账号已停用", name=name))
        return row

    def names_in(self, cell: object) -> list[str]:
        """People in a rota cell, separated by 、 , ; / or new lines. Spaces split names only
        when the whole part is nobody's name ("马　庆" is one person, "罗鑫 孙丽娟" two)."""
        if cell is None:
            return []
        out: list[str] = []
        for part in re.split(r"[、,;/|\n]+", unicodedata.normalize("NFKC", str(cell))):
            if not clean_name(part):
                continue
            try:
                self.find(part)
                out.append(clean_name(part))
            except ValidationError:
                pieces = part.split()
                out += [clean_name(p) for p in pieces] if len(pieces) > 1 else [clean_name(part)]
        return out

    def unique_name(self, account: dict) -> str:
        """How to write ``account`` in a rota: its 姓名, or its username if the name is shared."""
        shared = len(self._by_name.get(clean_name(account["display_name"]), [])) > 1
        return account["username"] if shared else account["display_name"]


def _check_people(people: People, shift: PlannedShift) -> tuple[PlannedShift | None, list[str]]:
    problems: list[str] = []
    leader = None
    names: dict[str, str] = {}  # username -> 姓名, for messages
    try:
        lead = people.find(shift.leader)
        if lead["role"] not in (Role.LEADER, Role.ADMINISTRATOR):
            problems.append(tr("{name} 不是带班领导", name=clean_name(shift.leader)))
        leader = lead["username"]
        names[leader] = lead["display_name"]
    except ValidationError as err:
        problems.append(str(err))
    if not shift.operators:
        problems.append(tr("缺少主班值班员"))
    operators = []
    for text in shift.operators:
        try:
            op = people.find(text)
        except ValidationError as err:
            problems.append(str(err))
            continue
        if op["role"] == Role.OBSERVER:
            problems.append(tr("观察员不能排班：{name}", name=clean_name(text)))
        operators.append(op["username"])
        names[op["username"]] = op["display_name"]
    everyone = [leader, *operators] if leader else operators
    for username in sorted({u for u in everyone if everyone.count(u) > 1}):
        problems.append(tr("同一人在一个班次中重复排班：{name}", name=names[username]))
    if shift.ends_at <= shift.starts_at:
        problems.append(tr("结束时间早于或等于开始时间"))
    if problems or leader is None:
        return None, problems
    return replace(shift, leader=leader, operators=tuple(operators)), []


def validate_shifts(store: Store, shifts: Sequence[PlannedShift], labels: Sequence[str], *,
                    zone_name: str | None = None,
                    ) -> tuple[list[PlannedShift], list[tuple[int, str]]]:
    """Check shifts before writing: people, roles, times, and overlaps with each other or
    with shifts already stored. Return the good shifts with people as usernames, and the
    problems as (index, message prefixed with its label, e.g. 第 5 行), in index order."""
    people = People(store)
    tz_name = zone_name or Settings(store).get("ui.timezone")
    problems: list[tuple[int, str]] = []
    good: list[PlannedShift] = []
    for n, shift in enumerate(shifts):
        checked, found = _check_people(people, shift)
        problems += [(n, p) for p in found]
        if checked is not None:
            good.append(checked)
    # Overlaps: a person cannot stand two shifts at once, and a rota read twice must not
    # double the duty, so any overlap is refused (coverage_gaps still copes with overlaps
    # made elsewhere).
    order = sorted(range(len(shifts)), key=lambda i: (shifts[i].starts_at, shifts[i].ends_at))
    latest = -1
    for i in order:
        s = shifts[i]
        if latest >= 0 and s.starts_at < shifts[latest].ends_at:
            same = (s.starts_at, s.ends_at) == (shifts[latest].starts_at, shifts[latest].ends_at)
            message = tr("与{other}重复", other=labels[latest]) if same else \
                tr("与{other}时间重叠", other=labels[latest])
            problems.append((i, message))
        if latest < 0 or s.ends_at > shifts[latest].ends_at:
            latest = i
        if s.ends_at <= s.starts_at:
            continue
        row = store.one("SELECT starts_at, ends_at FROM duty_shift WHERE ends_at > ?"
                        " AND starts_at < ? ORDER BY starts_at LIMIT 1",
                        (to_storage(s.starts_at), to_storage(s.ends_at)))
        if row:
            when = "{} – {}".format(format_local(row["starts_at"], tz_name),
                                    format_local(row["ends_at"], tz_name))
            same = (from_storage(row["starts_at"]), from_storage(row["ends_at"])) == \
                (s.starts_at, s.ends_at)
            problems.append((i, tr("与已有班次重复（{when}）", when=when) if same else
                             tr("与已有班次时间重叠（{when}）", when=when)))
    problems.sort(key=lambda p: p[0])
    return good, [(i, tr("{where}：{problem}", where=labels[i], problem=p)) for i, p in problems]


def write_shifts(store: Store, session: Session, shifts: Sequence[PlannedShift], *,
                 action: str, detail: dict | None = None) -> list[str]:
    """Store validated shifts through :meth:`ShiftService.add`, all in one audited transaction,
    plus one trail event ``action`` saying where they came from; return their ids."""
    session.require(Permission.REGISTER_WRITE)
    service = ShiftService(store)
    with store.write(session, Permission.REGISTER_WRITE) as w:
        ids = [service.add(session, starts_at=s.starts_at, ends_at=s.ends_at, leader=s.leader,
                           operators=list(s.operators), template=s.template,
                           enhanced=s.enhanced, note=s.note) for s in shifts]
        w.event(action, table="duty_shift", detail={**(detail or {}), "shifts": len(ids)})
    return ids


def plan_rota(store: Store, session: Session, template: ShiftTemplate, *, first_day: date,
              days: int, leaders: Sequence[str], operator_groups: Sequence[Sequence[str]],
              enhanced: Iterable[EnhancedPeriod] = (), zone_name: str | None = None,
              leader_per_shift: bool = False, dry_run: bool = False) -> list[PlannedShift]:
    """Plan ``days`` days from ``template`` and store them (unless ``dry_run``).

    People may be given by username or 姓名. Raises :class:`RotaRejected` listing every
    problem (unknown person, wrong role, overlap with stored shifts); then nothing is written.
    """
    session.require(Permission.REGISTER_WRITE)
    tz = rota_zone(store, zone_name)
    planned = plan_shifts(template, first_day=first_day, days=days, leaders=leaders,
                          operator_groups=operator_groups, enhanced=enhanced, tz=tz,
                          leader_per_shift=leader_per_shift)
    labels = [tr("{start} 班次", start=format_local(s.starts_at, str(tz))) for s in planned]
    good, problems = validate_shifts(store, planned, labels, zone_name=str(tz))
    if problems:
        raise RotaRejected([p for _, p in problems])
    if not dry_run:
        write_shifts(store, session, good, action="duty_rota.plan",
                     detail={"template": template.name, "first_day": first_day.isoformat(),
                             "days": days})
    return good


def find_gaps(spans: Iterable[tuple[datetime, datetime, bool, bool]], start: datetime,
              end: datetime) -> list[Gap]:
    """Gaps in [start, end) given (start, end, has_leader, has_operator) per shift.

    Exact to the instant: an hour counts as covered only where a shift with the role is on.
    """
    if end <= start:
        return []
    deltas: dict[datetime, list[int]] = {}
    for a, b, lead, ops in spans:
        a, b = max(a, start), min(b, end)
        if a >= b:
            continue
        for at, sign in ((a, 1), (b, -1)):
            d = deltas.setdefault(at, [0, 0])
            d[0] += sign * bool(lead)
            d[1] += sign * bool(ops)
    leaders = operators = 0  # how many shifts with each role are on between a and b
    gaps: list[Gap] = []
    for a, b in pairwise(sorted({start, end, *deltas})):
        d = deltas.get(a, (0, 0))
        leaders, operators = leaders + d[0], operators + d[1]
        missing = {(False, False): "both", (False, True): "leader",
                   (True, False): "operator"}.get((leaders > 0, operators > 0))
        if missing is None:
            continue
        if gaps and gaps[-1].end == a and gaps[-1].missing == missing:
            gaps[-1] = Gap(gaps[-1].start, b, missing)
        else:
            gaps.append(Gap(a, b, missing))
    return gaps


def coverage_gaps(store: Store, start: datetime, hours: int = 30 * 24) -> list[Gap]:
    """Every stretch of [start, start + hours) with no leader, no operator, or neither on duty.

    Shifts may overlap: a moment is covered for a role if any shift on duty then has someone
    in it. People whose accounts are disabled do not count (they will not come).
    """
    end = start + timedelta(hours=hours)
    rows = store.query(
        "SELECT s.starts_at, s.ends_at,"
        " COALESCE(SUM(m.duty_role = 'leader'), 0) AS leaders,"
        " COALESCE(SUM(m.duty_role <> 'leader'), 0) AS operators"
        " FROM duty_shift s LEFT JOIN duty_shift_member m ON m.shift_id = s.id"
        " AND m.account_id IN (SELECT id FROM account WHERE active = 1)"
        " WHERE s.ends_at > ? AND s.starts_at < ? GROUP BY s.id",
        (to_storage(start), to_storage(end)))
    return find_gaps(((from_storage(r["starts_at"]), from_storage(r["ends_at"]),
                       r["leaders"] > 0, r["operators"] > 0) for r in rows), start, end)
