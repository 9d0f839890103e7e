"""The comms map (位置图): last known positions over the county's townships (pyqtgraph).

Townships are drawn from their seats (驻地) as sketched areas (:func:`commandcentre.geo.
township_cells`), labelled as a sketch; each reporting source is one dot in its team's colour,
labelled with team or person and the time of the report, so a commander sees at a glance who
is where and how old that knowledge is. Axes are degrees, with the aspect fixed for the
county's latitude so distances look right.
"""

from __future__ import annotations

import math
from datetime import datetime

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from commandcentre.geo import township_cells
from commandcentre.i18n import tr
from commandcentre.timeutil import format_local, from_storage

TEAM_COLOURS = ("#c0392b", "#1f77b4", "#27ae60", "#8e44ad", "#e67e22", "#17a2b8", "#7d6608",
                "#d35400")
STALE_MINUTES = 30  # an older fix is drawn hollow: the team may have moved on


class PositionMap(QWidget):
    """Township sketch plus one labelled dot per reporting source."""

    def __init__(self, zone_name: str, parent=None):
        super().__init__(parent)
        self.zone_name = zone_name
        self.plot = pg.PlotWidget(background="w", objectName="positionMap")
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.plot.showGrid(x=True, y=True, alpha=0.15)
        for side in ("left", "bottom"):
            self.plot.getAxis(side).setTextPen("#555555")
        self.caption = QLabel(wordWrap=True)
        self.caption.setProperty("role", "hint")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.caption)
        self.font = QFont(self.font())
        self.font.setPointSize(9)
        self._townships: list[dict] = []
        self._colours: dict[str, str] = {}
        self.dots: list[dict] = []  # what is drawn, for tests and tooltips

    def set_townships(self, townships: list[dict]) -> None:
        """Draw the township sketch (rows with name, lat, lon)."""
        self._townships = [t for t in townships if t.get("lat") is not None
                           and t.get("lon") is not None]
        self._redraw([])

    def set_positions(self, rows: list[dict], now: datetime) -> None:
        """Rows from ``CommsService.last_positions`` (newest first)."""
        self._redraw(rows, now)

    def _colour(self, team: str) -> str:
        if team not in self._colours:
            self._colours[team] = TEAM_COLOURS[len(self._colours) % len(TEAM_COLOURS)]
        return self._colours[team]

    def _redraw(self, rows: list[dict], now: datetime | None = None) -> None:
        plot = self.plot
        plot.clear()
        seats = [(t["lon"], t["lat"]) for t in self._townships]
        for township, cell in zip(self._townships, township_cells(seats), strict=True):
            xs = [p[0] for p in cell] + [cell[0][0]]
            ys = [p[1] for p in cell] + [cell[0][1]]
            plot.plot(xs, ys, pen=pg.mkPen("#b8c2cc", width=1))
            plot.plot([township["lon"]], [township["lat"]], pen=None, symbol="s", symbolSize=5,
                      symbolBrush="#8a97a6", symbolPen=None)
            label = pg.TextItem(township["name"], color="#5d6d7e", anchor=(0.5, -0.2))
            label.setFont(self.font)
            label.setPos(township["lon"], township["lat"])
            plot.addItem(label)
        self.dots = []
        xs = [p[0] for p in seats] + [r["lon"] for r in rows]
        middle = (min(xs) + max(xs)) / 2 if xs else 0.0
        for row in rows:
            team = row.get("team") or tr("未登记队伍")
            who = row.get("member") or team
            at = from_storage(row["received_at"])
            stale = now is not None and (now - at).total_seconds() > STALE_MINUTES * 60
            colour = self._colour(team)
            plot.plot([row["lon"]], [row["lat"]], pen=None, symbol="o", symbolSize=12,
                      symbolBrush=None if stale else colour,
                      symbolPen=pg.mkPen(colour, width=2))
            text = pg.TextItem(f"{who} {format_local(at, self.zone_name, '%H:%M')}",
                               # East of the middle the label goes left, so it stays inside.
                               color=colour, anchor=(1 if row["lon"] > middle else 0, 1.1))
            text.setFont(self.font)
            text.setPos(row["lon"], row["lat"])
            plot.addItem(text)
            self.dots.append({"who": who, "team": team, "lat": row["lat"], "lon": row["lon"],
                              "stale": stale})
        points = seats + [(r["lon"], r["lat"]) for r in rows]
        if points:
            mean_lat = sum(p[1] for p in points) / len(points)
            # One degree of longitude is cos(lat) degrees of latitude on the ground.
            plot.setAspectLocked(True, ratio=1 / max(math.cos(math.radians(mean_lat)), 0.1))
            plot.autoRange(padding=0.05)
        self.caption.setText(
            tr("位置 {n} 处（空心：超过 {minutes} 分钟未更新）；乡镇范围按驻地推算，仅供示意。",
               n=len(rows), minutes=STALE_MINUTES))
        self.caption.setAlignment(Qt.AlignmentFlag.AlignLeft)
