"""The roster compliance check (队伍物资合规检查): what the registers say is short of the rules.

Findings, each with the rule or source behind it: teams below their required minimum, stock
below its minimum or expiring within the configured number of days (or expired), shelters
missing facilities their type must have, and people counted on several teams.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date

from ..i18n import tr
from ..settings import Settings
from ..storage import Store
from ..timeutil import to_local
from .people import MemberService
from .resources import StockService, format_quantity
from .rules import RuleBook
from .teams import TeamService

FINDING_KINDS = ("team_below_minimum", "stock_below_minimum", "stock_expired", "stock_expiring",
                 "shelter_facilities", "cross_team")


@dataclass(frozen=True)
class Finding:
    """One thing out of line: what kind, about which record, a sentence, and its basis."""

    kind: str
    subject: str           # the team, stock line, shelter or person, as named
    message: str
    basis: str = ""        # the rule's source, or the setting used
    record_ids: tuple[str, ...] = ()
    data: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        out = asdict(self)
        out["record_ids"] = list(self.record_ids)
        return out


def kind_label(kind: str) -> str:
    return {"team_below_minimum": tr("队伍人数不足"), "stock_below_minimum": tr("库存低于下限"),
            "stock_expired": tr("物资已过期"), "stock_expiring": tr("物资临期"),
            "shelter_facilities": tr("避难场所设施不全"), "cross_team": tr("人员多队重复")}[kind]


def check(store: Store, *, today: date | None = None) -> list[Finding]:
    """Every finding, grouped by kind in :data:`FINDING_KINDS` order."""
    book = RuleBook(store)
    if today is None:
        today = to_local(store.clock.now(), Settings(store).get("ui.timezone")).date()
    findings: list[Finding] = []

    for t in TeamService(store).minimums():
        if t.short and t.rule is not None:
            findings.append(Finding(
                "team_below_minimum", t.name,
                tr("{team}（{category}，{level}级）人数 {headcount}，规定不少于 {required} 人，"
                   "差 {short} 人", team=t.name, category=t.category, level=t.level,
                   headcount=t.headcount, required=t.required, short=t.short),
                t.rule.source, (t.team_id,),
                {"headcount": t.headcount, "members": t.members, "required": t.required,
                 "rule": t.rule.id}))

    stock = StockService(store)
    for r in stock.below_minimum():
        findings.append(Finding(
            "stock_below_minimum", f"{r['warehouse']} {r['item']}",
            tr("{warehouse}“{item}”库存 {balance}{unit}，低于最低库存 {minimum}{unit}",
               warehouse=r["warehouse"], item=r["item"], balance=format_quantity(r["balance"]),
               unit=r["unit"], minimum=format_quantity(r["min_quantity"])),
            tr("库存下限（最低库存）"), (r["id"],),
            {"balance": r["balance"], "min_quantity": r["min_quantity"]}))
    days = int(book.setting("stock.expiry_days"))
    for r in stock.expiring(days, today):
        expired = r["days_left"] < 0
        findings.append(Finding(
            "stock_expired" if expired else "stock_expiring", f"{r['warehouse']} {r['item']}",
            tr("{warehouse}“{item}”（批次 {batch}）{balance}{unit} 已于 {expiry} 过期",
               warehouse=r["warehouse"], item=r["item"], batch=r["batch"] or "—",
               balance=format_quantity(r["balance"]), unit=r["unit"], expiry=r["expiry"])
            if expired else
            tr("{warehouse}“{item}”（批次 {batch}）{balance}{unit} 将于 {expiry} 到期"
               "（{days} 天后）",
               warehouse=r["warehouse"], item=r["item"], batch=r["batch"] or "—",
               balance=format_quantity(r["balance"]), unit=r["unit"], expiry=r["expiry"],
               days=r["days_left"]),
            tr("临期提醒天数：{days}", days=days), (r["id"],),
            {"expiry": r["expiry"], "days_left": r["days_left"], "balance": r["balance"]}))

    rules = book.shelter_facility_rules()
    for s in store.query("SELECT id, name, type, facilities_json FROM shelter ORDER BY name"):
        have = json.loads(s["facilities_json"])
        for rule in rules:
            if not rule.applies(s["type"]):
                continue
            missing = rule.missing(have)
            if missing:
                findings.append(Finding(
                    "shelter_facilities", s["name"],
                    tr("{name}（{type}）缺少：{missing}", name=s["name"], type=s["type"] or "—",
                       missing="、".join(missing)),
                    rule.source, (s["id"],), {"missing": missing, "rule": rule.id}))

    for p in MemberService(store).cross_team():
        findings.append(Finding(
            "cross_team", "、".join(p.names),
            tr("{names}同时在 {n} 支队伍：{teams}（{reasons}）", names="、".join(p.names),
               n=len(p.teams), teams="、".join(p.teams), reasons="、".join(p.reasons)),
            "004_e9965606c96d1573.txt:35", tuple(m["member_id"] for m in p.memberships),
            {"phone": p.phone, "id_key": p.id_key, "teams": list(p.teams)}))
    order = {k: n for n, k in enumerate(FINDING_KINDS)}
    return sorted(findings, key=lambda f: order[f.kind])
