"""The meteorological incident panel: the fields, the chosen signal in its own colour, and the
colours that signal can have (中国气象局令第16号 第三条) so a wrong pair shows at once."""

from __future__ import annotations

from ui.hazard_panel import SummaryPanel

from .hazard import SIGNAL_COLOURS

SHADES = {"蓝": "#1f5fbf", "黄": "#d4a000", "橙": "#e67e22", "红": "#c0392b"}


def summary(values: dict) -> str:
    signal, colour = values.get("signal_type"), values.get("signal_colour")
    if not signal:
        return ""
    allowed = SIGNAL_COLOURS.get(signal, ())
    choices = "、".join(f"<span style='color:{SHADES[c]}'>{c}色</span>" for c in allowed)
    if colour and colour not in allowed:
        return f"<b style='color:#c0392b'>{signal}预警信号没有{colour}色</b>（只有 {choices}）"
    if colour:
        return (f"<b style='color:{SHADES[colour]}'>■ {signal}{colour}色预警信号</b>"
                f"（{signal}可为 {choices}）")
    return f"{signal}预警信号可为 {choices}"


def panel(hazard, values, zone_name, parent=None):
    widget = SummaryPanel(hazard, values, zone_name, summary, parent)
    widget.setObjectName("meteorologicalPanel")
    return widget
