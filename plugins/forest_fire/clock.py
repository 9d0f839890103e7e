"""The 打早、打小、打了 clock of one fire (003_f46a6e80e859aec0.txt:396, 434): how long from
detection to the first force on the fire line, to control, to out, against the targets (first
force within 30 minutes, the Ⅳ级 checklist; out within 24 hours, the 24 小时扑灭率 of
001_44a2f5524b217aa3.txt:445). Pure: stored field values in, durations out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .hazard import CLOCK, EXTINGUISH_TARGET_H, FIRST_FORCE_TARGET_MIN


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    minutes: float | None  # since detection; None while the stage has not happened
    target_minutes: float | None
    late: bool  # the target passed without the stage (or the stage came after it)
    out_of_order: bool  # before the stage it follows: a typing error to show, not hide


def _time(value) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def fire_clock(fields: dict, now: datetime) -> list[Stage]:
    """The three stages after detection (empty when no detection time is known)."""
    start = _time(fields.get("detected_at"))
    if start is None:
        return []
    targets = {"first_force_at": FIRST_FORCE_TARGET_MIN, "controlled_at": None,
               "extinguished_at": EXTINGUISH_TARGET_H * 60}
    stages, previous = [], start
    for key, label, _en, _help in CLOCK[1:]:
        at = _time(fields.get(key))
        minutes = (at - start).total_seconds() / 60 if at else None
        target = targets[key]
        elapsed = minutes if minutes is not None else (now - start).total_seconds() / 60
        stages.append(Stage(key, label, minutes, target,
                            target is not None and elapsed > target,
                            at is not None and at < previous))
        previous = at or previous
    return stages


def extinguished_within_target(fields: dict) -> bool | None:
    """Whether the fire was out within 24 h of detection (None while burning or unknown)."""
    start, out = _time(fields.get("detected_at")), _time(fields.get("extinguished_at"))
    if start is None or out is None:
        return None
    return (out - start).total_seconds() <= EXTINGUISH_TARGET_H * 3600


def statistics(incidents: list[dict]) -> list[tuple[str, str]]:
    """The 打早、打小、打了 figures over many fires: the 24 小时扑灭率 against its ≥ 95 % target
    (001_44a2f5524b217aa3.txt:445) and the share of first forces on scene within 30 minutes."""
    out = []
    judged = [r for r in (extinguished_within_target(f) for f in incidents) if r is not None]
    if judged:
        rate = 100 * sum(judged) / len(judged)
        verdict = "达标" if rate >= 95 else "未达标"
        out.append(("24 小时扑灭率", f"{sum(judged)}/{len(judged)} = {rate:.1f}%"
                                 f"（目标 ≥ 95%，{verdict}）"))
    first = []
    for fields in incidents:
        start, force = _time(fields.get("detected_at")), _time(fields.get("first_force_at"))
        if start is not None and force is not None:
            first.append((force - start).total_seconds() <= FIRST_FORCE_TARGET_MIN * 60)
    if first:
        out.append(("首支力量 30 分钟内到场", f"{sum(first)}/{len(first)} = "
                                        f"{100 * sum(first) / len(first):.1f}%"))
    out.append(("统计火场数", str(len(incidents))))
    return out
