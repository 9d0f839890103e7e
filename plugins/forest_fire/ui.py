"""The forest-fire incident panel: the generic fields, and under them the 打早、打小、打了 clock
(detection → first force → control → out, against 30 minutes and 24 hours), updated as the
times are typed. Qt lives only in this module."""

from __future__ import annotations

from datetime import UTC, datetime

from ui.hazard_panel import SummaryPanel

from .clock import fire_clock


def _duration(minutes: float) -> str:
    if minutes < 120:
        return f"{minutes:.0f} 分钟"
    return f"{minutes / 60:.3g} 小时"


def clock_text(values: dict) -> str:
    """The clock as rich text (red when a target passed, green when met)."""
    stages = fire_clock(values, datetime.now(UTC))
    if not stages:
        return "<span style='color:#666'>填写发现时间后显示“打早、打小、打了”用时。</span>"
    lines = ["<b>打早、打小、打了</b>"]
    for stage in stages:
        if stage.out_of_order:
            text, colour = "时间早于上一环节，请核对", "#c0392b"
        elif stage.minutes is None:
            text = "尚未" + ("（已超时）" if stage.late else "")
            colour = "#c0392b" if stage.late else "#666666"
        else:
            text = _duration(stage.minutes)
            colour = "#c0392b" if stage.late else "#27ae60"
        target = f"（目标 {_duration(stage.target_minutes)} 内）" if stage.target_minutes else ""
        lines.append(f"发现 → {stage.label}：<span style='color:{colour}'>{text}</span>{target}")
    return "<br>".join(lines)


def panel(hazard, values, zone_name, parent=None):
    widget = SummaryPanel(hazard, values, zone_name, clock_text, parent)
    widget.setObjectName("forestFirePanel")
    return widget
