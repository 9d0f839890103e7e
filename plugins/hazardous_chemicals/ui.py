"""The hazardous-chemicals incident panel: the fields, and the evacuation the first call needs
— how far, and to which side of the wind (upwind, 上风向)."""

from __future__ import annotations

from ui.hazard_panel import SummaryPanel

RED = "#c0392b"


def summary(values: dict) -> str:
    lines = []
    distance, wind = values.get("evacuation_m"), values.get("wind_direction")
    if distance:
        side = f"，向上风向（{wind}方向）撤离" if wind else "，向上风向撤离"
        lines.append(f"<b style='color:{RED}'>疏散半径 {distance} 米{side}</b>")
    if values.get("major_hazard") is True:
        level = values.get("major_hazard_level") or "级别未填"
        lines.append(f"涉及重大危险源（{level}），核对“重大危险源”台账的储量和监测")
    if values.get("substance") and not values.get("quantity_t"):
        lines.append(f"<span style='color:{RED}'>尚缺：涉及数量</span>")
    return "<br>".join(lines)


def panel(hazard, values, zone_name, parent=None):
    widget = SummaryPanel(hazard, values, zone_name, summary, parent)
    widget.setObjectName("hazardousChemicalsPanel")
    return widget
