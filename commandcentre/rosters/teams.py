"""Rescue teams (应急救援队伍): the register, its vocabulary, and headcount against the minimum.

A team has a category from the seed documents' force list, a level (县 / 乡镇 / 村 / 企业 / 社会),
an owning unit, 专职 or 兼职, its headcount and the minimum the rules require (see
:mod:`.rules`), specialities, base and equipment, a contact phone and a status
(待命 / 出动 / 在途 / 到场 / 归队 / 休整) that dispatches move along.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass
from typing import Any

from ..accounts import Permission, Session
from ..errors import NotFound, ValidationError
from ..i18n import tr
from ..storage import Store, Writer
from .rules import RuleBook, TeamMinimumRule

TEAM_CATEGORIES = (
    "综合性消防救援", "森林消防", "专业扑火队", "半专业扑火队", "矿山救援", "防汛抗洪抢险",
    "地震和地质灾害救援", "水域救援", "航空救援", "应急通信保障", "电力保障", "企业专职",
    "乡镇应急队", "村（社区）应急分队", "社会救援力量", "志愿者", "军警")
TEAM_LEVELS = ("县", "乡镇", "村", "企业", "社会")
TEAM_STATUSES = ("待命", "出动", "在途", "到场", "归队", "休整")


def norm(text: object) -> str:
    """Text folded for comparing names: NFKC (full-width brackets become ASCII), no spaces."""
    return "".join(unicodedata.normalize("NFKC", str(text or "")).split())


_CATEGORY_ALIASES = {
    "国家综合性消防救援": "综合性消防救援", "消防救援": "综合性消防救援",
    "国家综合性消防救援队伍": "综合性消防救援", "森林草原消防": "森林消防",
    "地方扑火队": "专业扑火队", "森林草原专业扑火队": "专业扑火队",
    "半专业扑火": "半专业扑火队", "矿山救护": "矿山救援", "矿山救护队": "矿山救援",
    "防汛抢险": "防汛抗洪抢险", "地震地质灾害救援": "地震和地质灾害救援",
    "电力应急保障": "电力保障", "通信保障": "应急通信保障", "企业专职消防": "企业专职",
    "乡镇(街道)应急队": "乡镇应急队", "街道应急队": "乡镇应急队",
    "乡镇综合性应急救援队": "乡镇应急队", "村应急分队": "村（社区）应急分队",
    "社区应急分队": "村（社区）应急分队", "村应急突击队": "村（社区）应急分队",
    "社会应急力量": "社会救援力量", "社会力量": "社会救援力量",
    "志愿者队伍": "志愿者", "应急志愿者": "志愿者", "民兵": "军警", "军队": "军警",
    "武警": "军警", "驻地部队": "军警"}
CATEGORY_LOOKUP = {norm(c): c for c in TEAM_CATEGORIES} | {
    norm(a): c for a, c in _CATEGORY_ALIASES.items()}
LEVEL_LOOKUP = {norm(a): level for level, aliases in {
    "县": ("县", "县级", "县(市)", "县(市、区)", "县(区)", "区县", "县市", "区"),
    "乡镇": ("乡镇", "乡", "镇", "街道", "乡镇(街道)", "乡镇级", "乡(镇)"),
    "村": ("村", "社区", "村(社区)", "村级", "村组", "村(居)"),
    "企业": ("企业", "企业级", "企事业", "企事业单位"),
    "社会": ("社会", "社会组织", "社会力量", "民间"),
}.items() for a in aliases}


def category_of(text: str) -> str:
    """The register's category for ``text`` (aliases accepted), or ValidationError."""
    found = CATEGORY_LOOKUP.get(norm(text))
    if found is None:
        raise ValidationError(tr("队伍类别“{value}”不在名录中（可选：{choices}）", value=text,
                                 choices="、".join(TEAM_CATEGORIES)))
    return found


def level_of(text: str) -> str:
    """The register's level for ``text`` (县级, 乡镇（街道）… accepted), or ValidationError."""
    found = LEVEL_LOOKUP.get(norm(text))
    if found is None:
        raise ValidationError(tr("队伍级别“{value}”无法识别（可选：{choices}）", value=text,
                                 choices="、".join(TEAM_LEVELS)))
    return found


def status_of(text: str, choices: tuple[str, ...] = TEAM_STATUSES) -> str:
    value = norm(text)
    if value not in choices:
        raise ValidationError(tr("状态“{value}”无效（可选：{choices}）", value=text,
                                 choices="、".join(choices)))
    return value


def team_row(values: dict[str, Any]) -> dict[str, Any]:
    """Check a team's fields and return the ``team`` row (without id or township).

    ``values`` holds name, category, level and optionally owner_unit, fulltime, headcount,
    specialities, equipment, base, lat, lon, contact_phone, status.
    """
    name = str(values.get("name") or "").strip()
    if not name:
        raise ValidationError(tr("缺少队伍名称"))
    if not values.get("category"):
        raise ValidationError(tr("缺少队伍类别"))
    if not values.get("level"):
        raise ValidationError(tr("缺少队伍级别"))
    headcount = values.get("headcount")
    if headcount is not None and headcount < 0:
        raise ValidationError(tr("人数不能为负数"))
    for key, low, high in (("lat", -90, 90), ("lon", -180, 180)):
        v = values.get(key)
        if v is not None and not low <= v <= high:
            raise ValidationError(tr("经纬度超出范围：{value}", value=v))
    row = {"name": name, "category": category_of(values["category"]),
           "level": level_of(values["level"]),
           "owner_unit": str(values.get("owner_unit") or "").strip(),
           "fulltime": int(bool(values.get("fulltime"))),
           "headcount": int(headcount or 0),
           "specialities_json": json.dumps(list(values.get("specialities") or []),
                                           ensure_ascii=False),
           "equipment_json": json.dumps(list(values.get("equipment") or []), ensure_ascii=False),
           "base": str(values.get("base") or "").strip(),
           "lat": values.get("lat"), "lon": values.get("lon"),
           "contact_phone": str(values.get("contact_phone") or "").strip(),
           "status": status_of(values.get("status") or "待命")}
    return row


@dataclass(frozen=True)
class TeamMinimum:
    """A team's headcount next to what the rules require (compliant when ``short`` is 0)."""

    team_id: str
    name: str
    category: str
    level: str
    headcount: int
    members: int          # people on the roster (member rows)
    required: int
    rule: TeamMinimumRule | None

    @property
    def short(self) -> int:
        return max(0, self.required - self.headcount)


class TeamService:
    """Reading and maintaining the team register."""

    def __init__(self, store: Store):
        self.store = store

    def find(self, ref: str) -> dict:
        """A team by id or exact name (full-width and spaces folded)."""
        row = self.store.get("team", ref) or self.store.one(
            "SELECT * FROM team WHERE name = ?", (ref.strip(),))
        if row is None:
            wanted = norm(ref)
            matches = [r for r in self.store.query("SELECT * FROM team")
                       if norm(r["name"]) == wanted]
            row = matches[0] if len(matches) == 1 else None
        if row is None:
            raise NotFound(tr("没有此队伍：{name}", name=ref))
        return row

    def list(self, *, limit: int = 500, offset: int = 0, category: str | None = None
             ) -> list[dict]:
        """Teams (county level first) with members on the roster and the required minimum."""
        where, params = ("WHERE t.category = ?", [category]) if category else ("", [])
        rows = self.store.query(
            "SELECT t.*, o.name AS township,"
            " (SELECT count(*) FROM member m WHERE m.team_id = t.id) AS members"
            f" FROM team t LEFT JOIN org_unit o ON o.id = t.township_id {where}"
            " ORDER BY CASE t.level WHEN '县' THEN 0 WHEN '乡镇' THEN 1 WHEN '村' THEN 2"
            " WHEN '企业' THEN 3 ELSE 4 END, t.name LIMIT ? OFFSET ?",
            [*params, limit, offset])
        book = RuleBook(self.store)
        # The last position any of the team's terminals reported: reports are append-only,
        # so the highest rowid is the newest (a burst shares one received_at).
        last = {p["team_id"]: p for p in self.store.query(
            "SELECT team_id, lat, lon, received_at AS at FROM position_report WHERE rowid IN"
            " (SELECT max(rowid) FROM position_report WHERE team_id IS NOT NULL"
            " GROUP BY team_id)")}
        for r in rows:
            fix = last.get(r["id"])
            r["last_position_at"] = fix["at"] if fix else None
            r["last_lat"], r["last_lon"] = (fix["lat"], fix["lon"]) if fix else (None, None)
            r["specialities"] = json.loads(r.pop("specialities_json"))
            r["equipment"] = json.loads(r.pop("equipment_json"))
            r["required_min"], rule = book.required_minimum(r["category"], r["level"])
            r["rule"] = rule.id if rule else None
        return rows

    def minimums(self) -> list[TeamMinimum]:
        """Every team's headcount against its required minimum."""
        book = RuleBook(self.store)
        out = []
        for r in self.store.query(
                "SELECT t.id, t.name, t.category, t.level, t.headcount,"
                " (SELECT count(*) FROM member m WHERE m.team_id = t.id) AS members"
                " FROM team t ORDER BY t.name"):
            required, rule = book.required_minimum(r["category"], r["level"])
            out.append(TeamMinimum(r["id"], r["name"], r["category"], r["level"],
                                   r["headcount"], r["members"], required, rule))
        return out

    def add(self, session: Session, values: dict[str, Any], *,
            township_id: str | None = None) -> str:
        """Add a team (administrators); ``values`` as for :func:`team_row`."""
        session.require(Permission.REGISTER_WRITE)
        row = team_row(values)
        if self.store.one("SELECT id FROM team WHERE name = ?", (row["name"],)):
            raise ValidationError(tr("已有同名队伍：{name}", name=row["name"]))
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            return w.insert("team", {**row, "township_id": township_id}, action="team.add")

    def update(self, session: Session, ref: str, changes: dict[str, Any]) -> dict:
        """Change some of a team's fields (same checks as adding)."""
        session.require(Permission.REGISTER_WRITE)
        team = self.find(ref)
        current = {**team, "specialities": json.loads(team["specialities_json"]),
                   "equipment": json.loads(team["equipment_json"]),
                   "fulltime": bool(team["fulltime"])}
        row = team_row({**current, **changes})
        diff = {k: v for k, v in row.items() if team.get(k) != v}
        if "township_id" in changes:
            diff["township_id"] = changes["township_id"]
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            return w.update("team", team["id"], diff, action="team.update")

    def set_status(self, session: Session, ref: str, status: str, *,
                   writer: Writer | None = None) -> dict:
        """Set a team's status (待命 / 出动 / 在途 / 到场 / 归队 / 休整): an operator's act, like
        a dispatch, so it needs the incident permission rather than the register one."""
        team = self.find(ref)
        status = status_of(status)
        if writer is not None:
            return writer.update("team", team["id"], {"status": status}, action="team.status")
        with self.store.write(session, Permission.INCIDENT_WRITE) as w:
            return w.update("team", team["id"], {"status": status}, action="team.status")
