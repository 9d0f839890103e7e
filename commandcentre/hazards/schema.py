"""The shape of a hazard type (灾种): its form fields, seasons, checklists and reporting rules.

A plugin builds these frozen objects and hands a :class:`HazardType` to
``api.register_hazard``. Each one checks itself when it is made, so a plugin with a bad
definition fails while loading (and is reported) instead of misbehaving during an incident.
"""

from __future__ import annotations

import copy
import logging
import math
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from ..errors import ValidationError
from ..i18n import language, tr
from ..timeutil import to_storage
from .grading import GRADES, GradingTable, PluginError

log = logging.getLogger(__name__)

# 《突发事件应对法》第二条: the four categories of 突发事件.
CATEGORIES: tuple[str, ...] = ("自然灾害", "事故灾难", "公共卫生事件", "社会安全事件")
# 红橙黄蓝 = 一级…四级 预警 (research-standards §1.3); a hazard may use only some of them.
WARNING_COLOURS: tuple[str, ...] = ("红", "橙", "黄", "蓝")
LEVELS: tuple[str, ...] = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ")  # response levels, as response_decision stores
FIELD_TYPES: tuple[str, ...] = ("int", "float", "text", "choice", "bool", "datetime")
_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_MONTH_DAY = re.compile(r"^(\d\d)-(\d\d)$")
_TRUE = ("1", "true", "yes", "是", "有")
_FALSE = ("0", "false", "no", "否", "无")


def valid_id(text: object) -> bool:
    """Whether ``text`` may be a plugin or hazard id (lower-case letters, digits, ``_``)."""
    return isinstance(text, str) and bool(_ID.match(text))


@dataclass(frozen=True)
class FieldSpec:
    """One extra field on the incident form of a hazard (e.g. 过火面积, 涉险人数)."""

    key: str
    label_zh: str
    label_en: str
    type: str
    unit: str = ""
    choices: tuple[str, ...] = ()
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    help_zh: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "choices", tuple(self.choices))
        if not isinstance(self.key, str) or not self.key.isidentifier():
            raise PluginError(tr("表单字段的键无效：{key}", key=str(self.key)))
        if not isinstance(self.label_zh, str) or not self.label_zh.strip():
            raise PluginError(tr("表单字段 {key} 缺少中文名称。", key=self.key))
        if self.type not in FIELD_TYPES:
            raise PluginError(tr("表单字段 {key} 的类型无效：{type}（应为 {types} 之一）",
                                 key=self.key, type=str(self.type),
                                 types="、".join(FIELD_TYPES)))
        if (self.type == "choice") != bool(self.choices):
            raise PluginError(tr("表单字段 {key}：只有选择型字段需要且必须有选项。", key=self.key))
        if len(set(self.choices)) != len(self.choices):
            raise PluginError(tr("表单字段 {key} 的选项有重复。", key=self.key))
        if (self.minimum is not None and self.maximum is not None
                and self.minimum > self.maximum):
            raise PluginError(tr("表单字段 {key} 的下限大于上限。", key=self.key))

    def label(self) -> str:
        """The field's name in the UI language."""
        return self.label_en if language() == "en" and self.label_en else self.label_zh

    def validate(self, value: Any) -> Any:
        """The normalised value of ``value`` for this field, or :class:`ValidationError`.

        Numbers come back as int / float (full-width digits allowed), a choice as the choice,
        text stripped, a bool as True / False, a datetime as the stored UTC ISO form. An empty
        value is None, which a required field refuses.
        """
        if isinstance(value, str):
            # Full-width digits (１２) become ASCII for numbers; free text keeps its own
            # punctuation (NFKC would turn the Chinese comma into an ASCII one).
            numeric = self.type in ("int", "float", "bool", "datetime")
            value = (unicodedata.normalize("NFKC", value) if numeric else value).strip()
        if value is None or value == "":
            if self.required:
                raise ValidationError(tr("“{field}”为必填项。", field=self.label()))
            return None
        handler = getattr(self, f"_as_{self.type}")
        return handler(value)

    def _range(self, number: float) -> float:
        if self.minimum is not None and number < self.minimum:
            raise ValidationError(tr("“{field}”不能小于 {minimum}{unit}。", field=self.label(),
                                     minimum=self.minimum, unit=self.unit))
        if self.maximum is not None and number > self.maximum:
            raise ValidationError(tr("“{field}”不能大于 {maximum}{unit}。", field=self.label(),
                                     maximum=self.maximum, unit=self.unit))
        return number

    def _as_int(self, value: Any) -> int:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value):
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError(tr("“{field}”应为整数：{value}", field=self.label(),
                                     value=str(value)))
        return int(self._range(value))

    def _as_float(self, value: Any) -> float:
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                value = None
        if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(
                value):
            raise ValidationError(tr("“{field}”应为数字。", field=self.label()))
        return float(self._range(float(value)))

    def _as_text(self, value: Any) -> str:
        if not isinstance(value, str):
            raise ValidationError(tr("“{field}”应为文字。", field=self.label()))
        return value

    def _as_choice(self, value: Any) -> str:
        if value not in self.choices:
            raise ValidationError(tr("“{field}”应为以下之一：{choices}", field=self.label(),
                                     choices="、".join(self.choices)))
        return value

    def _as_bool(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in _TRUE:
            return True
        if isinstance(value, str) and value.lower() in _FALSE:
            return False
        raise ValidationError(tr("“{field}”应为是或否。", field=self.label()))

    def _as_datetime(self, value: Any) -> str:
        if isinstance(value, str):
            try:
                value = datetime.fromisoformat(value)
            except ValueError:
                value = None
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValidationError(tr("“{field}”应为带时区的时间（如 2026-05-01T08:30+08:00）。",
                                     field=self.label()))
        return to_storage(value)


def _month_day(text: object, what: str) -> tuple[int, int]:
    match = _MONTH_DAY.match(text) if isinstance(text, str) else None
    if match:
        month, day = int(match[1]), int(match[2])
        try:
            date(2024, month, day)  # a leap year, so 02-29 is a valid boundary
            return month, day
        except ValueError:
            pass
    raise PluginError(tr("{what}的日期应为 MM-DD：{text}", what=what, text=str(text)))


@dataclass(frozen=True)
class Season:
    """A recurring period of heightened watch (防火期, 汛期), from ``start`` to ``end`` inclusive.

    Dates are ``MM-DD``; ``end`` before ``start`` wraps the new year (e.g. 11-01 to 04-30).
    ``setting`` names the setting (``plugin.<id>.<name>``) through which a county moves the
    dates: its value is ``{"start": "MM-DD", "end": "MM-DD"}``.
    """

    key: str
    name_zh: str
    start: str
    end: str
    setting: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key.isidentifier():
            raise PluginError(tr("时段的键无效：{key}", key=str(self.key)))
        _month_day(self.start, self.name_zh)
        _month_day(self.end, self.name_zh)

    def dates(self, overrides: Mapping[str, Any] | None = None) -> tuple[str, str]:
        """(start, end) after the county's setting, if it holds a usable value."""
        value = (overrides or {}).get(self.setting) if self.setting else None
        if value is None:
            return self.start, self.end
        try:
            start, end = value["start"], value["end"]
            _month_day(start, self.name_zh)
            _month_day(end, self.name_zh)
            return start, end
        except (TypeError, KeyError, PluginError):
            # A bad setting must not hide the season: keep the plugin's dates and say so.
            log.warning("setting %s has no usable dates (%r); using %s to %s", self.setting,
                        value, self.start, self.end)
            return self.start, self.end

    def contains(self, day: date, overrides: Mapping[str, Any] | None = None) -> bool:
        """Whether ``day`` falls in the season (both ends included)."""
        start, end = (_month_day(t, self.name_zh) for t in self.dates(overrides))
        here = (day.month, day.day)
        if start <= end:
            return start <= here <= end
        return here >= start or here <= end


@dataclass(frozen=True)
class ChecklistItem:
    """One action of a response level (e.g. Ⅳ级: 县安委办主任到场, within 30 minutes)."""

    level: str
    action_zh: str
    owner_zh: str
    within_minutes: int | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise PluginError(tr("处置清单的响应级别无效：{level}（应为 Ⅰ、Ⅱ、Ⅲ、Ⅳ 之一）",
                                 level=str(self.level)))
        if not isinstance(self.action_zh, str) or not self.action_zh.strip():
            raise PluginError(tr("处置清单条目缺少内容。"))
        minutes = self.within_minutes
        if minutes is not None and (not isinstance(minutes, int) or isinstance(minutes, bool)
                                    or minutes <= 0):
            raise PluginError(tr("处置清单“{action}”的时限应为正整数分钟。",
                                 action=self.action_zh))


def check_reporting_rules(rules: tuple[dict, ...], category: str,
                          supplement_days: int) -> tuple[dict, ...]:
    """Validate a hazard's default reporting rules and return private copies of them.

    Each rule is parsed by the reporting clock's own parser, so whatever a plugin ships is
    something the clock can run; together they must cover every grade (and ungraded) in the
    hazard's category, and their 补报 window must agree with the hazard's ``supplement_days``.
    """
    from ..reporting.rules import parse_rule  # the clock owns the format

    rules = tuple(copy.deepcopy(dict(r)) if isinstance(r, Mapping) else r for r in rules)
    if not rules:
        raise PluginError(tr("默认报送规则不能为空（不设默认规则请用 None）。"))
    parsed = []
    for rule in rules:
        try:
            parsed.append(parse_rule(rule))
        except ValidationError as err:
            raise PluginError(str(err)) from None
    for grade_name in (*GRADES, None):
        if not any(r.applies(grade_name, category) for r in parsed):
            raise PluginError(tr("默认报送规则未覆盖 {grade}。",
                                 grade=grade_name or tr("未定级")))
    for r in parsed:
        if r.supplement_days != supplement_days:
            raise PluginError(tr("报送规则的补报期限（{rule} 天）与灾种的补报期限"
                                 "（{days} 天）不一致。", rule=r.supplement_days,
                                 days=supplement_days))
    return rules


@dataclass(frozen=True)
class HazardType:
    """A hazard type as a plugin declares it (e.g. 森林草原火灾, 生产安全事故)."""

    id: str
    name_zh: str
    name_en: str
    category: str
    fields: tuple[FieldSpec, ...] = ()
    grading: GradingTable | None = None
    warning_colours: tuple[str, ...] = ()
    reporting_rules: tuple[dict, ...] | None = None
    seasons: tuple[Season, ...] = ()
    checklists: tuple[ChecklistItem, ...] = ()
    report_sections: tuple[str, ...] = ()
    supplement_days: int = 30  # 补报 window; 7 for road traffic and fire (493号 第十三条)
    # API 1.1: cross-field rules on a normalised form (e.g. 冰雹 has no 黄色 signal); returns
    # the problems in words, and a non-empty list refuses the form.
    form_check: Callable[[Mapping[str, Any]], list[str]] | None = field(default=None,
                                                                        compare=False)
    # API 1.1: a field whose value names a row of one of the plugin's registers (现场指挥员 →
    # 扑火指挥员): saving the incident looks the row up and passes its findings on as warnings.
    register_links: Mapping[str, str] = field(default_factory=dict)
    # API 1.1: figures over many incidents of this hazard (24 小时扑灭率 …): receives the
    # stored fields of each real (non-drill) incident, returns (label, value) pairs in words.
    statistics: Callable[[list[Mapping[str, Any]]], list[tuple[str, str]]] | None = field(
        default=None, compare=False)

    def __post_init__(self) -> None:
        for name in ("fields", "warning_colours", "seasons", "checklists", "report_sections"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        object.__setattr__(self, "register_links", dict(self.register_links))
        if not valid_id(self.id):
            raise PluginError(tr("灾种 id 无效：{id}（小写字母开头，只含小写字母、数字和下划线）",
                                 id=str(self.id)))
        if not isinstance(self.name_zh, str) or not self.name_zh.strip():
            raise PluginError(tr("灾种 {id} 缺少中文名称。", id=self.id))
        if self.category not in CATEGORIES:
            raise PluginError(tr("灾种 {id} 的类别无效：{category}（应为 {categories} 之一）",
                                 id=self.id, category=str(self.category),
                                 categories="、".join(CATEGORIES)))
        self._check_parts()
        if self.reporting_rules is not None:
            object.__setattr__(self, "reporting_rules", check_reporting_rules(
                tuple(self.reporting_rules), self.category, self.supplement_days))

    def _check_parts(self) -> None:
        kinds = ((self.fields, FieldSpec), (self.seasons, Season),
                 (self.checklists, ChecklistItem))
        for items, kind in kinds:
            if not all(isinstance(i, kind) for i in items):
                raise PluginError(tr("灾种 {id} 的定义中有类型不对的条目。", id=self.id))
        keys = [f.key for f in self.fields]
        if len(set(keys)) != len(keys):
            raise PluginError(tr("灾种 {id} 的表单字段键有重复。", id=self.id))
        if len({s.key for s in self.seasons}) != len(self.seasons):
            raise PluginError(tr("灾种 {id} 的时段键有重复。", id=self.id))
        if self.grading is not None and not isinstance(self.grading, GradingTable):
            raise PluginError(tr("灾种 {id} 的判级标准类型不对。", id=self.id))
        colours = self.warning_colours
        if any(c not in WARNING_COLOURS for c in colours) or len(set(colours)) != len(colours):
            raise PluginError(tr("灾种 {id} 的预警颜色无效：{colours}（只能取 红、橙、黄、蓝）",
                                 id=self.id, colours="、".join(map(str, colours))))
        if not all(isinstance(s, str) and s.strip() for s in self.report_sections):
            raise PluginError(tr("灾种 {id} 的报告章节标题不能为空。", id=self.id))
        if set(self.register_links) - set(keys):
            raise PluginError(tr("灾种 {id} 的台账关联指向不存在的字段。", id=self.id))
        if self.statistics is not None and not callable(self.statistics):
            raise PluginError(tr("灾种 {id} 的统计应为函数。", id=self.id))
        if self.form_check is not None and not callable(self.form_check):
            raise PluginError(tr("灾种 {id} 的表单检查应为函数。", id=self.id))
        days = self.supplement_days
        if not isinstance(days, int) or isinstance(days, bool) or days <= 0:
            raise PluginError(tr("灾种 {id} 的补报期限应为正整数天。", id=self.id))

    def name(self) -> str:
        """The hazard's name in the UI language."""
        return self.name_en if language() == "en" and self.name_en else self.name_zh

    def field(self, key: str) -> FieldSpec:
        """The form field called ``key``."""
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def validate_fields(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """Normalise a whole form (for ``incident.fields_json``); unknown keys are refused."""
        known = {f.key for f in self.fields}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValidationError(tr("灾种“{hazard}”没有这些字段：{keys}", hazard=self.name_zh,
                                     keys="、".join(unknown)))
        out = {f.key: f.validate(values.get(f.key)) for f in self.fields}
        out = {k: v for k, v in out.items() if v is not None}
        if self.form_check is not None:
            problems = [p for p in self.form_check(dict(out)) if p]
            if problems:
                raise ValidationError("；".join(problems))
        return out

    def checklist(self, level: str) -> tuple[ChecklistItem, ...]:
        """The actions of response level ``level`` (Ⅰ–Ⅳ), in the plugin's order."""
        return tuple(i for i in self.checklists if i.level == level)

    def season_on(self, day: date, overrides: Mapping[str, Any] | None = None) -> list[Season]:
        """The seasons of this hazard that ``day`` falls in."""
        return [s for s in self.seasons if s.contains(day, overrides)]
