"""Incident input and the figures recorded over time."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

GRADES = ("特别重大", "重大", "较大", "一般")
ROMAN = {"特别重大": "Ⅰ", "重大": "Ⅱ", "较大": "Ⅲ", "一般": "Ⅳ"}
RESPONSE_LEVELS = ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ", "终止")
FIGURES = ("deaths", "missing", "injured", "seriously_injured", "trapped", "relocated",
           "direct_loss_wan")
FIGURE_LABELS = {"deaths": "死亡", "missing": "失踪", "injured": "受伤",
                 "seriously_injured": "重伤", "trapped": "被困", "relocated": "转移安置",
                 "direct_loss_wan": "直接经济损失（万元）"}


@dataclass
class IncidentInput:
    """What is known when an incident is opened."""

    title: str
    hazard: str  # a registered hazard plugin id
    occurred_at: datetime
    received_at: datetime | None = None  # None: now
    township: str = ""
    place: str = ""
    lat: float | None = None
    lon: float | None = None
    grade: str | None = None  # an initial manual grade, if already assessed
    grade_reason: str = ""
    sensitive: bool = False
    drill: bool = False
    fields: dict[str, Any] = field(default_factory=dict)
    summary: str = ""


@dataclass(frozen=True)
class Casualties:
    """One cumulative casualty snapshot (伤亡统计), as confirmed by ``source``."""

    deaths: int = 0
    missing: int = 0
    injured: int = 0
    seriously_injured: int = 0
    trapped: int = 0
    relocated: int = 0
    direct_loss_wan: float = 0.0

    def as_dict(self) -> dict[str, float]:
        return {k: getattr(self, k) for k in FIGURES}

    def describe(self) -> str:
        parts = [f"{FIGURE_LABELS[k]} {getattr(self, k):g}" for k in FIGURES
                 if getattr(self, k)]
        return "、".join(parts) or "无人员伤亡"


@dataclass(frozen=True)
class TimelineEntry:
    """One line of an incident's merged timeline."""

    id: str
    at: datetime
    kind: str  # intake / note / decision / grade / snapshot / report / dispatch / radio
    text: str
    by: str
    source: str  # the table it came from
    corrects: str | None = None
