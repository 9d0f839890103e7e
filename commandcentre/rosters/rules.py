"""The rules the roster compliance check reads, as data (规则表): team minimum headcounts,
the facilities each type of shelter must have, and two roster settings.

Presets ship with the program, each with the source it comes from; an administrator's rule with
a preset's id replaces the preset, any other id adds a rule, and ``active = False`` switches a
rule off. A county's forest-fire class (高危区 / 高风险区) is a setting: the seed says every
county is one or the other but not which (003_f46a6e80e859aec0.txt:406).
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, replace
from typing import Any

from ..accounts import Permission, Session
from ..errors import ValidationError
from ..i18n import tr
from ..storage import Store
from ..timeutil import to_storage

COUNTY_CLASSES = ("", "高危区", "高风险区")


@dataclass(frozen=True)
class TeamMinimumRule:
    """A team of ``category`` at ``level`` needs at least ``minimum`` people ('' = any).

    ``county_class`` limits the rule to counties of that forest-fire class; while the county's
    class is not set, such rules all apply and the strictest wins.
    """

    id: str
    category: str
    level: str
    county_class: str
    minimum: int
    source: str
    active: bool = True

    def applies(self, category: str, level: str, county_class: str) -> bool:
        return (self.active and self.category in ("", category) and self.level in ("", level)
                and (not self.county_class or not county_class
                     or self.county_class == county_class))


@dataclass(frozen=True)
class ShelterFacilityRule:
    """Shelters of ``shelter_types`` (empty = every type) must have each of ``facilities``;
    ``"应急照明/应急供电"`` is met by either, and a facility is met by any listed facility that
    contains its name (厕所 by 应急厕所)."""

    id: str
    shelter_types: tuple[str, ...]
    facilities: tuple[str, ...]
    source: str
    active: bool = True

    def applies(self, shelter_type: str) -> bool:
        return self.active and (not self.shelter_types or shelter_type in self.shelter_types)

    def missing(self, have: list[str]) -> list[str]:
        """The required facilities ``have`` does not provide, as written in the rule."""
        have_n = [_norm(h) for h in have]
        return [need for need in self.facilities
                if not any(_norm(alt) in h for alt in need.split("/") if alt for h in have_n)]


def _norm(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def team_minimum_presets() -> list[TeamMinimumRule]:
    """The shipped minimums, each with its source in the seed documents."""
    fire = tr("县（市）地方扑火队按《森林火灾扑救队伍建设标准》配齐：高危区不少于 100 人、"
              "高风险区不少于 80 人（003_f46a6e80e859aec0.txt:406）")
    return [
        TeamMinimumRule("county-firefighting-high-danger", "专业扑火队", "县", "高危区", 100,
                        fire),
        TeamMinimumRule("county-firefighting-high-risk", "专业扑火队", "县", "高风险区", 80,
                        fire),
        TeamMinimumRule("township-team", "乡镇应急队", "乡镇", "", 30,
                        tr("乡镇（街道）组建不少于 30 人应急队（003_f46a6e80e859aec0.txt:434）")),
        TeamMinimumRule("village-team", "村（社区）应急分队", "村", "", 10,
                        tr("村（社区）组建不少于 10 人应急分队（003_f46a6e80e859aec0.txt:434；"
                           "村应急突击队不少于 10 人，002_ed85d84b272c40f8.txt:257）")),
    ]


def shelter_facility_presets() -> list[ShelterFacilityRule]:
    """The shipped facility rule for indoor and combined shelters."""
    return [ShelterFacilityRule(
        "indoor-basic", ("室内", "综合"),
        ("应急供水", "应急照明/应急供电", "医疗救护点/医疗救护/医疗点", "厕所"),
        tr("本程序默认规则：室内、综合避难场所应有应急供水、应急照明、医疗救护点、厕所；"
           "种子文件只指出固定避难场所缺少应急通信、应急医疗救护设施"
           "（004_e9965606c96d1573.txt:35），请按本地标准核定后修改"))]


# key -> (default, type, allowed values or None)
SETTINGS: dict[str, tuple[Any, type, tuple | None]] = {
    "county.fire_class": ("", str, COUNTY_CLASSES),  # 森林火险区划：高危区 / 高风险区
    "stock.expiry_days": (30, int, None),             # warn this many days before expiry
}


class RuleBook:
    """The effective roster rules and settings of one store."""

    def __init__(self, store: Store):
        self.store = store

    # -- settings ---------------------------------------------------------------------------

    def setting(self, key: str) -> Any:
        if key not in SETTINGS:
            raise ValidationError(tr("未知设置项：{key}", key=key))
        row = self.store.one("SELECT value_json FROM roster_setting WHERE id = ?", (key,))
        return json.loads(row["value_json"]) if row else SETTINGS[key][0]

    def set_setting(self, session: Session, key: str, value: Any) -> None:
        """Change a roster setting (administrators)."""
        session.require(Permission.SETTINGS_WRITE)
        if key not in SETTINGS:
            raise ValidationError(tr("未知设置项：{key}", key=key))
        _, kind, allowed = SETTINGS[key]
        if kind is int and isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ValidationError(tr("设置项 {key} 的值类型不对。", key=key))
        if allowed is not None and value not in allowed:
            raise ValidationError(tr("设置项 {key} 应为：{choices}", key=key,
                                     choices="、".join(a or tr("（未设置）") for a in allowed)))
        if kind is int and value < 0:
            raise ValidationError(tr("设置项 {key} 不能为负数。", key=key))
        row = {"value_json": json.dumps(value, ensure_ascii=False),
               "updated_at": to_storage(self.store.clock.now())}
        with self.store.write(session, Permission.SETTINGS_WRITE) as w:
            if self.store.get("roster_setting", key):
                w.update("roster_setting", key, row, action="roster.setting")
            else:
                w.insert("roster_setting", {"id": key, **row}, action="roster.setting")

    # -- rules ------------------------------------------------------------------------------

    def team_minimum_rules(self, *, include_inactive: bool = False) -> list[TeamMinimumRule]:
        rules = {r.id: r for r in team_minimum_presets()}
        for row in self.store.query("SELECT * FROM team_minimum_rule ORDER BY id"):
            rules[row["id"]] = TeamMinimumRule(row["id"], row["category"], row["level"],
                                               row["county_class"], row["minimum"],
                                               row["source"], bool(row["active"]))
        return [r for r in rules.values() if include_inactive or r.active]

    def shelter_facility_rules(self, *, include_inactive: bool = False
                               ) -> list[ShelterFacilityRule]:
        rules = {r.id: r for r in shelter_facility_presets()}
        for row in self.store.query("SELECT * FROM shelter_facility_rule ORDER BY id"):
            rules[row["id"]] = ShelterFacilityRule(
                row["id"], tuple(json.loads(row["shelter_types"])),
                tuple(json.loads(row["facilities_json"])), row["source"], bool(row["active"]))
        return [r for r in rules.values() if include_inactive or r.active]

    def required_minimum(self, category: str, level: str) -> tuple[int, TeamMinimumRule | None]:
        """The strictest minimum any active rule sets for such a team (0 and None if none)."""
        county_class = self.setting("county.fire_class")
        best: TeamMinimumRule | None = None
        for rule in self.team_minimum_rules():
            if rule.applies(category, level, county_class) and (
                    best is None or rule.minimum > best.minimum):
                best = rule
        return (best.minimum, best) if best else (0, None)

    def save_team_minimum_rule(self, session: Session, rule: TeamMinimumRule) -> None:
        """Add or replace a minimum rule (a preset's id overrides the preset)."""
        session.require(Permission.SETTINGS_WRITE)
        if not rule.id.strip() or not rule.source.strip():
            raise ValidationError(tr("规则需要编号和依据（来源）。"))
        if rule.county_class not in COUNTY_CLASSES:
            raise ValidationError(tr("县森林火险区划应为：{choices}", choices="高危区、高风险区"))
        if rule.minimum < 0:
            raise ValidationError(tr("最低人数不能为负数。"))
        row = {"category": rule.category, "level": rule.level,
               "county_class": rule.county_class, "minimum": int(rule.minimum),
               "source": rule.source.strip(), "active": int(rule.active),
               "updated_at": to_storage(self.store.clock.now())}
        self._save(session, "team_minimum_rule", rule.id.strip(), row)

    def save_shelter_facility_rule(self, session: Session, rule: ShelterFacilityRule) -> None:
        """Add or replace a shelter facility rule."""
        session.require(Permission.SETTINGS_WRITE)
        if not rule.id.strip() or not rule.source.strip() or not rule.facilities:
            raise ValidationError(tr("规则需要编号、设施清单和依据（来源）。"))
        row = {"shelter_types": json.dumps(list(rule.shelter_types), ensure_ascii=False),
               "facilities_json": json.dumps(list(rule.facilities), ensure_ascii=False),
               "source": rule.source.strip(), "active": int(rule.active),
               "updated_at": to_storage(self.store.clock.now())}
        self._save(session, "shelter_facility_rule", rule.id.strip(), row)

    def switch_off(self, session: Session, rule_id: str) -> None:
        """Deactivate a rule (preset or local) by id."""
        for rule in self.team_minimum_rules():
            if rule.id == rule_id:
                return self.save_team_minimum_rule(session, replace(rule, active=False))
        for srule in self.shelter_facility_rules():
            if srule.id == rule_id:
                return self.save_shelter_facility_rule(session, replace(srule, active=False))
        raise ValidationError(tr("没有此规则：{id}", id=rule_id))

    def _save(self, session: Session, table: str, rule_id: str, row: dict) -> None:
        with self.store.write(session, Permission.SETTINGS_WRITE) as w:
            if self.store.get(table, rule_id):
                w.update(table, rule_id, row, action=f"roster.{table}.edit")
            else:
                w.insert(table, {"id": rule_id, **row}, action=f"roster.{table}.add")
