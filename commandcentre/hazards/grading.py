"""Event grading (事件分级): grades, their Roman numerals, grading tables and :func:`grade`.

A grading table is a list of criteria (deaths, serious injuries, direct loss, burned area …),
each with the figure from which a grade starts. Thresholds are *inclusive* lower bounds: the
regulations say "以上包括本数，以下不包括本数" (国务院令第493号 第三条第二款), so 10 deaths is
重大, 9 is 较大. The criteria are joined by "或者": the grade is the highest level that any ONE
criterion reaches (research-standards §1.5). A table may name a floor grade (the grade of an
event that reaches no threshold, e.g. 一般 for "3人以下死亡") or none (leave it ungraded).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

from ..errors import CommandCentreError, ValidationError
from ..i18n import tr

GRADES: tuple[str, ...] = ("特别重大", "重大", "较大", "一般")  # most severe first
NUMERALS: Mapping[str, str] = MappingProxyType(
    {"特别重大": "Ⅰ", "重大": "Ⅱ", "较大": "Ⅲ", "一般": "Ⅳ"})
_FROM_NUMERAL = {**{v: k for k, v in NUMERALS.items()},
                 "I": "特别重大", "II": "重大", "III": "较大", "IV": "一般"}


class PluginError(CommandCentreError):
    """A plugin broke the plugin contract (bad manifest, hazard type or migration).

    The message says what is wrong in the operator's language; the loader shows it as the
    plugin's reason and keeps nothing the plugin registered.
    """


def severity(grade: str) -> int:
    """Rank of ``grade``: 4 for 特别重大 down to 1 for 一般 (higher is more severe)."""
    try:
        return len(GRADES) - GRADES.index(grade)
    except ValueError:
        raise PluginError(tr("未知的事件等级：{grade}（应为 {grades} 之一）", grade=str(grade),
                             grades="、".join(GRADES))) from None


def to_numeral(grade: str) -> str:
    """The Roman numeral of a grade: 特别重大 → Ⅰ … 一般 → Ⅳ."""
    severity(grade)
    return NUMERALS[grade]


def from_numeral(text: str) -> str:
    """The grade of a Roman numeral (Ⅰ–Ⅳ, or ASCII I–IV; a trailing 级 is allowed)."""
    key = text.strip().removesuffix("级").strip()
    key = key.upper() if key.isascii() else key
    if key not in _FROM_NUMERAL:
        raise ValidationError(tr("无法识别的等级：{text}", text=text))
    return _FROM_NUMERAL[key]


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class Criterion:
    """One grading criterion: a figure and the inclusive lower bound of each grade it can reach.

    ``thresholds`` maps a grade to a number, e.g. deaths ``{"特别重大": 30, "重大": 10,
    "较大": 3}``; grades left out cannot be reached by this criterion. The more severe the
    grade, the higher its threshold must be.
    """

    key: str
    label_zh: str
    unit: str
    thresholds: Mapping[str, float]
    label_en: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.key, str) or not self.key.isidentifier():
            raise PluginError(tr("判级指标的键无效：{key}", key=str(self.key)))
        if not isinstance(self.thresholds, Mapping) or not self.thresholds:
            raise PluginError(tr("判级指标 {key} 没有任何等级门槛。", key=self.key))
        previous: tuple[str, float] | None = None
        for grade_name in GRADES:
            if grade_name not in self.thresholds:
                continue
            value = self.thresholds[grade_name]
            if not _number(value) or value < 0:
                raise PluginError(tr("判级指标 {key} 的 {grade} 门槛应为非负数：{value}",
                                     key=self.key, grade=grade_name, value=str(value)))
            if previous is not None and value >= previous[1]:
                raise PluginError(tr(
                    "判级指标 {key} 的门槛应随等级降低而减小：{higher} {high}，{lower} {low}",
                    key=self.key, higher=previous[0], high=previous[1], lower=grade_name,
                    low=value))
            previous = (grade_name, value)
        for grade_name in self.thresholds:
            severity(grade_name)  # raises on a grade name that is not one of the four
        # Read-only copy in severity order: a frozen table must not change under the clock.
        ordered = {g: self.thresholds[g] for g in GRADES if g in self.thresholds}
        object.__setattr__(self, "thresholds", MappingProxyType(ordered))

    def reached(self, value: float) -> str | None:
        """The highest grade whose threshold ``value`` reaches (inclusive), or None."""
        for grade_name, threshold in self.thresholds.items():  # most severe first
            if value >= threshold:
                return grade_name
        return None


@dataclass(frozen=True)
class GradingTable:
    """The criteria of one hazard type, the regulation they come from, and the floor grade."""

    criteria: tuple[Criterion, ...]
    source: str
    floor: str | None = "一般"

    def __post_init__(self) -> None:
        object.__setattr__(self, "criteria", tuple(self.criteria))
        if not self.criteria or not all(isinstance(c, Criterion) for c in self.criteria):
            raise PluginError(tr("判级标准至少需要一个判级指标。"))
        keys = [c.key for c in self.criteria]
        if len(set(keys)) != len(keys):
            raise PluginError(tr("判级标准中有重复的指标：{keys}", keys="、".join(keys)))
        if not isinstance(self.source, str) or not self.source.strip():
            raise PluginError(tr("判级标准必须注明依据（法规或预案条款）。"))
        if self.floor is not None:
            floor_rank = severity(self.floor)
            for c in self.criteria:
                for grade_name in c.thresholds:
                    if severity(grade_name) < floor_rank:
                        raise PluginError(tr(
                            "判级指标 {key} 的 {grade} 门槛低于保底等级 {floor}。",
                            key=c.key, grade=grade_name, floor=self.floor))

    def criterion(self, key: str) -> Criterion:
        """The criterion called ``key``."""
        for c in self.criteria:
            if c.key == key:
                return c
        raise KeyError(key)


class Reason(NamedTuple):
    """Why a grade was given: a criterion, the figure used and the grade it reached (or None)."""

    key: str
    value: float
    grade: str | None


@dataclass(frozen=True)
class GradeResult:
    """The outcome of :func:`grade`: the grade (None = ungraded) and one reason per figure used.

    ``reasons`` run from the most severe grade reached down; a criterion whose figure reached
    no threshold is listed with ``grade=None``. ``floored`` is True when no criterion reached a
    threshold and the table's floor grade was given.
    """

    grade: str | None
    reasons: list[Reason] = field(default_factory=list)
    floored: bool = False

    @property
    def numeral(self) -> str | None:
        """Ⅰ–Ⅳ for the grade, or None when ungraded."""
        return NUMERALS[self.grade] if self.grade else None

    def explain(self, table: GradingTable) -> str:
        """One line saying which figure decided the grade, for the timeline and reports."""
        if self.grade is None:
            return tr("未达到任何等级标准，暂不定级。")
        if self.floored:
            return tr("未达到较高等级标准，按{grade}处理。", grade=self.grade)
        deciding = [r for r in self.reasons if r.grade == self.grade]
        parts = []
        for r in deciding:
            c = table.criterion(r.key)
            parts.append(tr("{label} {value}{unit}（{grade}标准 {threshold}{unit}以上）",
                            label=c.label_zh, value=_plain(r.value), unit=c.unit,
                            grade=r.grade, threshold=_plain(c.thresholds[r.grade])))
        return tr("{reasons}，定为{grade}（{numeral}级）。", reasons="；".join(parts),
                  grade=self.grade, numeral=NUMERALS[self.grade])


def _plain(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def grade(table: GradingTable, figures: Mapping[str, float | int | None]) -> GradeResult:
    """Grade an event from its figures: the highest level any one criterion reaches.

    Figures are matched to criteria by key; a missing figure (absent or None) is ignored, as
    are figures no criterion uses. A figure that is not a finite number ≥ 0 is refused with
    :class:`ValidationError`. With no criterion reaching a threshold, the table's floor applies.
    """
    reasons: list[Reason] = []
    for c in table.criteria:
        value = figures.get(c.key)
        if value is None:
            continue
        if not _number(value) or value < 0:
            raise ValidationError(tr("{label}应为不小于 0 的数字：{value}", label=c.label_zh,
                                     value=str(value)))
        reasons.append(Reason(c.key, value, c.reached(value)))
    reasons.sort(key=lambda r: -severity(r.grade) if r.grade else 0)
    reached = [r.grade for r in reasons if r.grade is not None]
    if reached:
        return GradeResult(max(reached, key=severity), reasons)
    return GradeResult(table.floor, reasons, floored=table.floor is not None)
