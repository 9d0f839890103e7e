"""Reporting rules (报送时限规则) as data.

A rule set is a list of rules; the first rule whose ``grades`` contain the incident's grade
(``null`` for an ungraded one) and whose ``categories`` contain its category (or ``"*"``)
applies. A rule says how many minutes after 接报 the 首报 by phone and in writing are due, how
续报 recur (every K hours, or at fixed local times such as 08:00 and 17:00), how long after
closing the 终报 is due, and the 补报 window for casualty changes. Presets ship in
``resources/reporting/presets.json``; an administrator's edits are stored in the
``reporting_rule_set`` table and take precedence over the preset with the same id.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import time
from functools import cache
from typing import Any

from ..errors import ValidationError
from ..i18n import tr
from ..paths import resources_dir

GRADES = ("特别重大", "重大", "较大", "一般")
CATEGORIES = ("自然灾害", "事故灾难", "公共卫生事件", "社会安全事件")
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class Rule:
    """One row of a rule set."""

    grades: tuple[str | None, ...]
    categories: tuple[str, ...]
    first_phone_minutes: int
    first_written_minutes: int
    every_hours: int | None
    at_times: tuple[time, ...]
    final_hours_after_close: int
    supplement_days: int
    supplement_minutes: int

    def applies(self, grade: str | None, category: str) -> bool:
        return grade in self.grades and ("*" in self.categories or category in self.categories)


@dataclass(frozen=True)
class RuleSet:
    """A named, ordered list of rules."""

    id: str
    name: str
    rules: tuple[Rule, ...]
    source: str = ""

    def rule_for(self, grade: str | None, category: str) -> Rule:
        """The first rule that applies; a rule set must cover every grade it may meet."""
        for rule in self.rules:
            if rule.applies(grade, category):
                return rule
        raise ValidationError(tr("报送规则“{name}”没有适用于 {grade}/{category} 的条目。",
                                 name=self.name, grade=grade or tr("未定级"),
                                 category=category))


def _positive(data: dict, key: str, *, allow_zero: bool = False) -> int:
    value = data.get(key)
    if not isinstance(value, int) or isinstance(value, bool) or value < (0 if allow_zero else 1):
        raise ValidationError(tr("报送规则字段 {key} 应为正整数。", key=key))
    return value


def parse_rule(data: dict[str, Any]) -> Rule:
    """Validate one rule dict (the format hazard plugins and presets use)."""
    if not isinstance(data, dict):
        raise ValidationError(tr("报送规则应为对象。"))
    grades = data.get("grades")
    if not isinstance(grades, list) or not grades or any(
            g is not None and g not in GRADES for g in grades):
        raise ValidationError(tr("报送规则的 grades 应为等级列表（{grades} 或 null）。",
                                 grades="、".join(GRADES)))
    categories = data.get("categories")
    if not isinstance(categories, list) or not categories or any(
            c != "*" and c not in CATEGORIES for c in categories):
        raise ValidationError(tr("报送规则的 categories 应为事件类别列表或 [\"*\"]。"))
    followup = data.get("followup")
    every, at_times = None, ()
    if not isinstance(followup, dict) or len(followup) != 1:
        raise ValidationError(tr("报送规则的 followup 应为 every_hours 或 at 之一。"))
    if "every_hours" in followup:
        every = _positive(followup, "every_hours")
    elif "at" in followup and isinstance(followup["at"], list) and followup["at"]:
        for text in followup["at"]:
            if not isinstance(text, str) or not _TIME.match(text):
                raise ValidationError(tr("续报时刻应为 HH:MM：{text}", text=str(text)))
        at_times = tuple(sorted(time.fromisoformat(t) for t in set(followup["at"])))
    else:
        raise ValidationError(tr("报送规则的 followup 应为 every_hours 或 at 之一。"))
    phone = _positive(data, "first_phone_minutes")
    written = _positive(data, "first_written_minutes")
    if written < phone:
        raise ValidationError(tr("书面首报时限不能早于电话首报时限。"))
    return Rule(tuple(grades), tuple(categories), phone, written, every, at_times,
                _positive(data, "final_hours_after_close"), _positive(data, "supplement_days"),
                _positive(data, "supplement_minutes"))


def parse_rule_set(data: dict[str, Any]) -> RuleSet:
    """Validate a whole rule set (id, name, rules)."""
    rid, name = data.get("id"), data.get("name")
    if not isinstance(rid, str) or not re.match(r"^[a-z0-9][a-z0-9-]{1,40}$", rid):
        raise ValidationError(tr("报送规则集 id 只能含小写字母、数字和连字符。"))
    if not isinstance(name, str) or not name.strip():
        raise ValidationError(tr("报送规则集需要名称。"))
    rules = data.get("rules")
    if not isinstance(rules, list) or not rules:
        raise ValidationError(tr("报送规则集至少需要一条规则。"))
    parsed = tuple(parse_rule(r) for r in rules)
    for grade in (*GRADES, None):
        for category in CATEGORIES:
            if not any(r.applies(grade, category) for r in parsed):
                raise ValidationError(tr("报送规则集“{name}”未覆盖 {grade}/{category}。",
                                         name=name, grade=grade or tr("未定级"),
                                         category=category))
    return RuleSet(rid, name.strip(), parsed, str(data.get("source", "")))


def rule_to_dict(rule: Rule) -> dict[str, Any]:
    """The stored form of a rule."""
    followup: dict[str, Any] = ({"every_hours": rule.every_hours} if rule.every_hours else
                                {"at": [t.strftime("%H:%M") for t in rule.at_times]})
    return {"grades": list(rule.grades), "categories": list(rule.categories),
            "first_phone_minutes": rule.first_phone_minutes,
            "first_written_minutes": rule.first_written_minutes, "followup": followup,
            "final_hours_after_close": rule.final_hours_after_close,
            "supplement_days": rule.supplement_days,
            "supplement_minutes": rule.supplement_minutes}


@cache
def presets() -> dict[str, RuleSet]:
    """The shipped presets by id."""
    data = json.loads((resources_dir() / "reporting" / "presets.json").read_text("utf-8"))
    return {p["id"]: parse_rule_set(p) for p in data["presets"]}
