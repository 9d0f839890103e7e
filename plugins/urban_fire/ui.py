"""The urban-fire incident panel: the fields, and the people first — trapped persons in red,
and the building types where a fire spreads among many people (人员密集场所, 三合一场所)."""

from __future__ import annotations

from ui.hazard_panel import SummaryPanel

RED = "#c0392b"
CROWDED = ("人员密集场所", "三合一场所", "九小场所", "高层建筑")


def summary(values: dict) -> str:
    lines = []
    try:
        trapped = int(values.get("trapped") or 0)
    except ValueError:
        trapped = 0
    if trapped:
        lines.append(f"<b style='color:{RED}'>被困 {trapped} 人：救人第一</b>")
    if values.get("building_type") in CROWDED:
        lines.append(f"<span style='color:{RED}'>{values['building_type']}：人员疏散和"
                     "防止蔓延优先</span>")
    return "<br>".join(lines)


def panel(hazard, values, zone_name, parent=None):
    widget = SummaryPanel(hazard, values, zone_name, summary, parent)
    widget.setObjectName("urbanFirePanel")
    return widget
