"""The flood incident panel: the fields, and the water level against the section's warning and
guaranteed levels (超警戒 / 超保证) and the rain intensity, as they are typed."""

from __future__ import annotations

from ui.hazard_panel import SummaryPanel

RED, GREEN = "#c0392b", "#27ae60"


def _number(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def summary(values: dict) -> str:
    level = _number(values.get("water_level_m"))
    warning = _number(values.get("warning_level_m"))
    guarantee = _number(values.get("guarantee_level_m"))
    lines = []
    if level is not None and guarantee is not None and level >= guarantee:
        lines.append(f"<b style='color:{RED}'>超保证水位 {level - guarantee:.2f} 米</b>")
    elif level is not None and warning is not None:
        over = level - warning
        lines.append(f"<span style='color:{RED}'>超警戒水位 {over:.2f} 米</span>" if over >= 0
                     else f"<span style='color:{GREEN}'>低于警戒水位 {-over:.2f} 米</span>")
    rain, hours = _number(values.get("rainfall_mm")), _number(values.get("rainfall_hours"))
    if rain is not None and hours:
        lines.append(f"降雨强度约 {rain / hours:.1f} 毫米/小时（{hours:g} 小时 {rain:g} 毫米）")
    return "<br>".join(lines)


def panel(hazard, values, zone_name, parent=None):
    widget = SummaryPanel(hazard, values, zone_name, summary, parent)
    widget.setObjectName("floodPanel")
    return widget
