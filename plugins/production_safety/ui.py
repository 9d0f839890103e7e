"""The production-safety incident panel: the fields, and which of the report's required items
about the enterprise are known yet (国务院令第493号 第十二条: 事故发生单位概况 …)."""

from __future__ import annotations

from ui.hazard_panel import SummaryPanel

RED, GREEN = "#c0392b", "#27ae60"
ITEMS = (("enterprise", "事故发生单位"), ("sector", "行业领域"), ("accident_type", "事故类别"))


def summary(values: dict) -> str:
    missing = [label for key, label in ITEMS if values.get(key) in (None, "")]
    if not missing:
        return f"<span style='color:{GREEN}'>事故发生单位概况已齐（第十二条）</span>"
    return f"<span style='color:{RED}'>报告尚缺：{'、'.join(missing)}（第十二条）</span>"


def panel(hazard, values, zone_name, parent=None):
    widget = SummaryPanel(hazard, values, zone_name, summary, parent)
    widget.setObjectName("productionSafetyPanel")
    return widget
