"""The geological-hazard incident panel: the fields, and what the threatened people call for —
professional monitoring from 30 (003_f46a6e80e859aec0.txt:338) and whether they are out."""

from __future__ import annotations

from ui.hazard_panel import SummaryPanel

from .registers import PROFESSIONAL_FROM

RED = "#c0392b"


def summary(values: dict) -> str:
    try:
        threatened = int(values.get("threatened_people") or 0)
    except ValueError:
        return ""
    lines = []
    if threatened >= PROFESSIONAL_FROM and values.get("professional_monitoring") is not True:
        lines.append(f"<span style='color:{RED}'>威胁 {threatened} 人：须有专业监测设备"
                     f"（威胁 {PROFESSIONAL_FROM} 人以上全覆盖）</span>")
    if threatened and values.get("evacuation_done") is False:
        lines.append(f"<b style='color:{RED}'>受威胁群众 {threatened} 人尚未撤离</b>")
    return "<br>".join(lines)


def panel(hazard, values, zone_name, parent=None):
    widget = SummaryPanel(hazard, values, zone_name, summary, parent)
    widget.setObjectName("geologicalPanel")
    return widget
