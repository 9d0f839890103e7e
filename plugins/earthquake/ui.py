"""The earthquake incident panel: the fields, whether the 三要素 quick report (time, place,
magnitude, 003_f46a6e80e859aec0.txt:358) is complete, and which lifelines are down."""

from __future__ import annotations

from ui.hazard_panel import SummaryPanel

from .hazard import INFRASTRUCTURE

RED, GREEN = "#c0392b", "#27ae60"
THREE = (("origin_time", "时间"), ("epicentre", "地点"), ("magnitude", "震级"))


def summary(values: dict) -> str:
    marks = [f"{label}{'✓' if values.get(key) not in (None, '') else '✗'}"
             for key, label in THREE]
    complete = all(values.get(key) not in (None, "") for key, _ in THREE)
    colour = GREEN if complete else RED
    lines = [f"<span style='color:{colour}'>三要素：{' '.join(marks)}"
             f"{'，可以速报' if complete else ''}</span>"]
    down = [label for key, label, _en in INFRASTRUCTURE
            if values.get(key) in ("中断", "部分中断")]
    if down:
        lines.append(f"<span style='color:{RED}'>中断或部分中断：{'、'.join(down)}</span>")
    return "<br>".join(lines)


def panel(hazard, values, zone_name, parent=None):
    widget = SummaryPanel(hazard, values, zone_name, summary, parent)
    widget.setObjectName("earthquakePanel")
    return widget
