"""The road-traffic incident panel: the fields, and which 两客一危一货 (and 校车) vehicles are
involved — the cases the duty room escalates — with a dangerous-goods leak in red."""

from __future__ import annotations

from ui.hazard_panel import SummaryPanel

from .hazard import KEY_VEHICLES

RED = "#c0392b"


def summary(values: dict) -> str:
    flagged = [label for key, label in KEY_VEHICLES.items() if values.get(key) is True]
    lines = []
    if flagged:
        lines.append(f"<b style='color:{RED}'>涉及重点车辆：{'、'.join(flagged)}</b>")
    if values.get("hazmat_leak") is True:
        lines.append(f"<b style='color:{RED}'>危险货物泄漏：按危险化学品事故同步处置</b>")
    return "<br>".join(lines)


def panel(hazard, values, zone_name, parent=None):
    widget = SummaryPanel(hazard, values, zone_name, summary, parent)
    widget.setObjectName("roadTrafficPanel")
    return widget
