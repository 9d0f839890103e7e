"""The reporting clock (报送时限): which reports an incident owes, by when, and which are done.

:func:`plan` is pure: facts in, obligations out. It is replayed from the incident's whole
history each time, so a grade change re-plans what is not yet due while every deadline that
already passed under the old grade stays on record (overdue, or done late). Rules:

* 首报 by phone and in writing: ``first_phone_minutes`` / ``first_written_minutes`` after 接报.
  If a grade change makes one due earlier than the moment of the change, it is due at once.
* 续报一、续报二…: every K hours from 接报, or at each fixed local time (e.g. 08:00 and 17:00)
  after the written 首报 is due; the rule in force when each one comes due decides the next.
  They run while the incident is open; the first one beyond "now" is shown so the next
  deadline is always visible.
* 终报: ``final_hours_after_close`` after the incident is closed.
* 补报: a casualty change recorded after closing and within the 补报 window from the time
  of occurrence (30 days; 7 for road traffic and fire, 国务院令第493号第十三条) is due
  ``supplement_minutes`` after it was recorded. Changes while the incident is open go into the
  next 续报, which states what changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from .rules import Rule, RuleSet

CHINESE_NUMERALS = "零一二三四五六七八九"
CASUALTY_KEYS = ("deaths", "missing", "injured", "seriously_injured", "trapped")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (for 续报一、续报二 …)."""
    if n < 10:
        return CHINESE_NUMERALS[n]
    if n < 20:
        return "十" + (CHINESE_NUMERALS[n % 10] if n % 10 else "")
    if n < 100:
        return CHINESE_NUMERALS[n // 10] + "十" + (CHINESE_NUMERALS[n % 10] if n % 10 else "")
    return str(n)


@dataclass(frozen=True)
class IncidentFacts:
    """What the clock needs to know about an incident."""

    occurred_at: datetime
    received_at: datetime
    category: str
    grades: tuple[tuple[datetime, str | None], ...]  # (since when, grade), oldest first
    closed_at: datetime | None = None
    supplement_days: int | None = None  # the hazard's 补报 window, if it has its own


@dataclass(frozen=True)
class SentReport:
    id: str
    kind: str  # 首报 / 续报 / 终报 / 补报
    number: int
    channel: str  # 电话 / 书面
    sent_at: datetime


@dataclass(frozen=True)
class Snapshot:
    id: str
    at: datetime
    recorded_at: datetime
    figures: dict[str, float]


@dataclass
class Obligation:
    """One report owed."""

    key: str
    kind: str
    number: int
    channel: str  # the channel that discharges it; 续报/终报/补报 are written
    due_at: datetime
    grade: str | None
    basis: str
    done_at: datetime | None = None
    report_id: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def title(self) -> str:
        if self.kind == "首报":
            return f"首报（{self.channel}）"
        if self.kind in ("续报", "补报") and self.number:
            return f"{self.kind}{chinese_number(self.number)}"
        return self.kind

    def status(self, now: datetime) -> str:
        """'done' / 'late' (done after the deadline) / 'overdue' / 'due'."""
        if self.done_at is not None:
            return "late" if self.done_at > self.due_at else "done"
        return "overdue" if now > self.due_at else "due"


class _Grades:
    def __init__(self, facts: IncidentFacts, rules: RuleSet):
        self.facts, self.rules = facts, rules
        self.changes = sorted(facts.grades, key=lambda g: g[0]) or [(facts.received_at, None)]

    def grade_at(self, when: datetime) -> str | None:
        grade = self.changes[0][1]
        for since, g in self.changes:
            if since <= when:
                grade = g
        return grade

    def rule_at(self, when: datetime) -> Rule:
        return self.rules.rule_for(self.grade_at(when), self.facts.category)

    def change_times(self) -> list[datetime]:
        return [t for t, _ in self.changes[1:]]


def _first_reports(g: _Grades, facts: IncidentFacts) -> list[Obligation]:
    out = []
    for channel, attr in (("电话", "first_phone_minutes"), ("书面", "first_written_minutes")):
        due = facts.received_at + timedelta(minutes=getattr(g.rule_at(facts.received_at), attr))
        # A grade change before the deadline re-plans it under the new rule (never earlier
        # than the change itself: nobody can report before they know).
        for change in g.change_times():
            if change < due:
                new = facts.received_at + timedelta(minutes=getattr(g.rule_at(change), attr))
                due = max(new, change)
        minutes = getattr(g.rule_at(min(due, facts.closed_at or due)), attr)
        out.append(Obligation(f"首报/{channel}", "首报", 0, channel, due,
                              g.grade_at(due), f"接报后{minutes}分钟内{channel}报告"))
    return out


def _next_fixed(after: datetime, rule: Rule, tz: ZoneInfo) -> datetime:
    local = after.astimezone(tz)
    for day in range(0, 3):
        date = (local + timedelta(days=day)).date()
        for t in rule.at_times:
            candidate = datetime.combine(date, t, tz)
            if candidate > local:
                return candidate.astimezone(after.tzinfo)
    raise AssertionError("a fixed-time rule always has a next time within two days")


def _followups(g: _Grades, facts: IncidentFacts, first_written_due: datetime,
               now: datetime, tz: ZoneInfo, sent: set[int]) -> list[Obligation]:
    out: list[Obligation] = []
    stop = facts.closed_at
    last = first_written_due
    number = 0
    while True:
        rule = g.rule_at(last)
        if rule.every_hours:
            due = (facts.received_at if number == 0 else last) + timedelta(
                hours=rule.every_hours)
            due = max(due, first_written_due + timedelta(minutes=1))
            basis = f"每{rule.every_hours}小时续报"
        else:
            due = _next_fixed(last, rule, tz)
            basis = "每日" + "、".join(t.strftime("%H:%M") for t in rule.at_times) + "前续报"
        # A grade change between the last deadline and this one re-plans this one.
        for change in g.change_times():
            if last < change < due:
                rule = g.rule_at(change)
                if rule.every_hours:
                    due = max(change, last + timedelta(hours=rule.every_hours))
                    basis = f"每{rule.every_hours}小时续报"
                else:
                    due = _next_fixed(max(last, change), rule, tz)
                    basis = ("每日" + "、".join(t.strftime("%H:%M") for t in rule.at_times)
                             + "前续报")
        if stop is not None and due > stop:
            break
        number += 1
        out.append(Obligation(f"续报/{number}", "续报", number, "书面", due, g.grade_at(due),
                              basis))
        if (due > now and number not in sent) or number >= 1000:
            break  # the next one still owed, ahead of now, is enough
        last = due
    return out


def _supplements(g: _Grades, facts: IncidentFacts, snapshots: list[Snapshot]) -> list[Obligation]:
    if facts.closed_at is None:
        return []
    rule = g.rule_at(facts.closed_at)
    days = facts.supplement_days or rule.supplement_days
    window_end = facts.occurred_at + timedelta(days=days)
    ordered = sorted(snapshots, key=lambda s: (s.recorded_at, s.at))
    out = []
    previous = None
    for snap in ordered:
        changed = previous is not None and any(
            snap.figures.get(k, 0) != previous.figures.get(k, 0) for k in CASUALTY_KEYS)
        if changed and facts.closed_at < snap.recorded_at <= window_end:
            number = len(out) + 1
            out.append(Obligation(
                f"补报/{number}", "补报", number, "书面",
                snap.recorded_at + timedelta(minutes=rule.supplement_minutes),
                g.grade_at(snap.recorded_at),
                f"事发{days}日内伤亡人数变化，{rule.supplement_minutes}分钟内补报",
                extra={"snapshot": snap.id}))
        previous = snap
    return out


def plan(facts: IncidentFacts, rules: RuleSet, reports: list[SentReport],
         snapshots: list[Snapshot], now: datetime, zone_name: str = "Asia/Shanghai",
         ) -> list[Obligation]:
    """Every obligation of the incident, in due order, with the reports that discharged them."""
    tz = ZoneInfo(zone_name)
    g = _Grades(facts, rules)
    firsts = _first_reports(g, facts)
    sent = {r.number for r in reports if r.kind == "续报"}
    obligations = [*firsts, *_followups(g, facts, firsts[1].due_at, now, tz, sent)]
    if facts.closed_at is not None:
        rule = g.rule_at(facts.closed_at)
        obligations.append(Obligation(
            "终报", "终报", 0, "书面",
            facts.closed_at + timedelta(hours=rule.final_hours_after_close),
            g.grade_at(facts.closed_at), f"处置结束后{rule.final_hours_after_close}小时内终报"))
    obligations += _supplements(g, facts, snapshots)
    _match(obligations, reports)
    return sorted(obligations, key=lambda o: (o.due_at, o.key))


def _match(obligations: list[Obligation], reports: list[SentReport]) -> None:
    by_key: dict[str, SentReport] = {}
    for r in sorted(reports, key=lambda r: r.sent_at):
        key = (f"首报/{r.channel}" if r.kind == "首报" else
               "终报" if r.kind == "终报" else f"{r.kind}/{r.number}")
        by_key.setdefault(key, r)
        if r.kind == "首报" and r.channel == "书面":
            # A written 首报 also answers for the phone call if that was never logged.
            by_key.setdefault("首报/电话", r)
    for o in obligations:
        report = by_key.get(o.key)
        if report is not None:
            o.done_at, o.report_id = report.sent_at, report.id


def nearest(obligations: list[Obligation], now: datetime) -> Obligation | None:
    """The obligation to show in the status bar: the earliest not yet done."""
    pending = [o for o in obligations if o.done_at is None]
    return min(pending, key=lambda o: o.due_at) if pending else None


class AlarmTracker:
    """Remembers which (obligation, lead time) alarms have fired, so each fires once.

    ``leads`` are minutes before the deadline (0 = at the deadline).
    """

    def __init__(self, leads: tuple[int, ...] = (15, 5, 0)):
        self.leads = tuple(sorted(set(leads)))  # most urgent (smallest) first
        self._fired: set[tuple[str, str, int]] = set()

    def check(self, incident_id: str, obligations: list[Obligation], now: datetime,
              ) -> list[tuple[Obligation, int]]:
        """Alarms newly due at ``now``: (obligation, lead minutes), one per obligation.

        Only the most urgent lead reached counts, so a program started late announces
        "overdue" once instead of replaying every earlier warning.
        """
        out = []
        for o in obligations:
            if o.done_at is not None:
                continue
            for lead in self.leads:
                if now >= o.due_at - timedelta(minutes=lead):
                    mark = (incident_id, o.key, lead)
                    if mark not in self._fired:
                        self._fired.add(mark)
                        out.append((o, lead))
                    break
        return out
