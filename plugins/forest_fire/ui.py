"""The forest-fire incident panel: the generic fields, and under them the 打早、打小、打了 clock
(detection → first force → control → out, against 30 minutes and 24 hours), updated as the
times are typed. Qt lives only in this module."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from ui.hazard_panel import HazardFieldsPanel

from .clock import fire_clock


def _duration(minutes: float) -> str:
    if minutes < 120:
        return f"{minutes:.0f} 分钟"
    return f"{minutes / 60:.1f} 小时"


class FireClockPanel(QWidget):
    """Fields plus the fire clock; ``values()`` is the fields' values."""

    def __init__(self, hazard, values, zone_name, parent=None):
        super().__init__(parent)
        self.setObjectName("forestFirePanel")
        self.fields = HazardFieldsPanel(hazard, values, zone_name, self)
        self.clock = QLabel(objectName="fireClock", wordWrap=True)
        self.clock.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.fields)
        layout.addWidget(self.clock)
        for widget in self.fields.widgets.values():
            if isinstance(widget, QLineEdit):
                widget.textChanged.connect(self.update_clock)
        self.update_clock()

    def values(self) -> dict:
        return self.fields.values()

    def update_clock(self, *_args) -> None:
        stages = fire_clock(self.values(), datetime.now(UTC))
        if not stages:
            self.clock.setText("<span style='color:#666'>填写发现时间后显示“打早、打小、打了”"
                               "用时。</span>")
            return
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
            target = (f"（目标 {_duration(stage.target_minutes)} 内）"
                      if stage.target_minutes else "")
            lines.append(f"发现 → {stage.label}：<span style='color:{colour}'>{text}</span>"
                         f"{target}")
        self.clock.setText("<br>".join(lines))


def panel(hazard, values, zone_name, parent=None):
    return FireClockPanel(hazard, values, zone_name, parent)
