"""The incident timeline (事件时间轴): one lane per record kind, zoom and pan, click to open.

Events live in per-lane sorted numpy arrays. Each lane is ONE graphics item that paints its
on-screen events as 2-pixel ticks through a single one-pixel-high image row, so the cost of a
frame follows the width of the view, not the number of events (measured against
PlotCurveItem and ScatterPlotItem lanes in benchmarks/timeline_bench.py). Where many events
share a pixel column the tick is darker, so bursts stay visible when zoomed out. Hit tests
are ``numpy.searchsorted`` lookups.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QVBoxLayout, QWidget

from commandcentre.i18n import tr
from commandcentre.timeutil import DEFAULT_ZONE

LANE_KEYS = ("intake", "note", "decision", "plan", "grade", "snapshot", "report", "dispatch",
             "radio", "obligation")
# Readable on white, distinct in hue; the order follows LANE_KEYS.
LANE_COLOURS = ("#1f77b4", "#5d6d7e", "#c0392b", "#b03a2e", "#8e44ad", "#8c564b", "#27ae60",
                "#e67e22", "#17a2b8", "#7d6608")
DEADLINE_COLOURS = {"due": "#e67e22", "overdue": "#c0392b", "done": "#27ae60"}
TICK_HALF_HEIGHT = 0.34  # of a lane (lanes are 1.0 apart)
MIN_SPAN = 60.0  # seconds: the deepest zoom
HIT_PIXELS = 6  # how near the pointer must be to an event, in screen pixels
_DAY = 86400
_LABEL_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
                43200, _DAY, 2 * _DAY, 7 * _DAY, 14 * _DAY, 28 * _DAY, 91 * _DAY, 364 * _DAY)
_EPOCH = datetime(1970, 1, 5)  # a Monday: week ticks fall on Mondays, the rest as from 1 Jan
_SAMPLE = datetime(2000, 12, 28, 23, 58, 58)  # widest digits, for measuring labels


@dataclass(frozen=True)
class TimelineEvent:
    """One entry on the timeline as the core reports it; ``at`` is POSIX seconds (UTC)."""

    id: str
    at: float
    lane: str
    label: str


def default_lanes() -> list[tuple[str, str]]:
    """The standard lanes (key, Chinese title) in display order, top to bottom."""
    titles = (tr("接报"), tr("记录"), tr("决策"), tr("预案"), tr("定级"), tr("伤亡"), tr("报送"),
              tr("调度"), tr("通信"), tr("时限"))
    return list(zip(LANE_KEYS, titles, strict=True))


class LocalTimeAxis(pg.AxisItem):
    """A time axis labelled in a display zone ("12-02 08:30"), ticks on local round times."""

    def __init__(self, zone: ZoneInfo, font: QFont, **kwargs):
        super().__init__("bottom", **kwargs)
        self.zone = zone
        self.setTickFont(font)
        metrics = QFontMetrics(font)  # label widths, measured once per format
        self._room = {step: metrics.horizontalAdvance(_SAMPLE.strftime(self._format(step))) + 24
                      for step in _LABEL_STEPS}
        self.autoSIPrefix = False

    @staticmethod
    def _format(spacing: float) -> str:
        if spacing < 60:
            return "%H:%M:%S"
        if spacing < _DAY:
            return "%m-%d %H:%M"
        return "%m-%d" if spacing < 28 * _DAY else "%Y-%m-%d"

    def tickValues(self, minVal, maxVal, size):
        if size <= 0 or not maxVal > minVal:
            return []
        per_px = (maxVal - minVal) / size
        for step in _LABEL_STEPS:  # the finest step whose labels do not collide
            if step >= self._room[step] * per_px:
                break
        # Count in local wall-clock seconds so ticks fall on local round times (and midnight).
        start = datetime.fromtimestamp(minVal, self.zone).replace(tzinfo=None)
        first = math.ceil((start - _EPOCH).total_seconds() / step) * step
        ticks = []
        for k in range(min(int((maxVal - minVal) / step) + 2, 500)):
            at = (_EPOCH + timedelta(seconds=first + k * step)).replace(tzinfo=self.zone)
            if at.timestamp() > maxVal:
                break
            ticks.append(at.timestamp())
        return [(step, ticks)]

    def tickStrings(self, values, scale, spacing):
        fmt = self._format(spacing)
        return [datetime.fromtimestamp(v, self.zone).strftime(fmt) for v in values]


class LaneItem(pg.GraphicsObject):
    """One lane's events: sorted POSIX seconds (:attr:`times`) with their ids and labels."""

    def __init__(self, index: int, colour: str, *, band: bool):
        super().__init__()
        self.index = index
        self.times = np.empty(0)
        self.ids = self.labels = np.empty(0, dtype=object)
        self.drawn = 0  # pixel columns that held a tick at the last paint
        self._rgb = np.array(QColor(colour).getRgb()[:3], dtype=np.float64)
        self._band = QColor("#f2f4f7") if band else None
        self._bounds = QRectF()

    def set_span(self, lo: float, hi: float) -> None:
        """``lo``..``hi``: the most of the time axis the view can ever show."""
        self.prepareGeometryChange()
        self._bounds = QRectF(lo, self.index - 0.5, hi - lo, 1.0)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, p: QPainter, *_args) -> None:
        view, tr = self.viewRect(), p.transform()  # item (seconds, lanes) to device pixels
        sx, ox = tr.m11(), tr.m31()
        if view is None or sx <= 0:
            return
        left = math.floor(sx * view.left() + ox)
        width = math.ceil(sx * view.right() + ox) - left + 1
        top, bottom = sorted(tr.map(QPointF(0, self.index + d)).y() for d in (-0.5, 0.5))
        p.save()
        p.resetTransform()
        if self._band is not None:
            p.fillRect(QRectF(left, top, width, bottom - top), self._band)
        lo = np.searchsorted(self.times, view.left() - 2 / sx)
        hi = np.searchsorted(self.times, view.right() + 2 / sx, "right")
        # Tick k covers pixels column[k] and column[k] + 1; shifted by one so -1 is kept.
        column = np.floor(self.times[lo:hi] * sx + (ox - left + 0.5)).astype(np.int64)
        count = np.bincount(column[(column >= 0) & (column <= width)], minlength=width + 1)
        self.drawn = int(np.count_nonzero(count[1:]))
        cover = count[1:] + count[:-1]
        if self.drawn:
            # 1 event: the lane colour; 256 or more in a column: half as bright.
            shade = 1 - 0.5 * np.clip(np.log2(np.maximum(cover, 1)) / 8, 0, 1)
            rgb = (shade[:, None] * self._rgb).astype(np.uint32)
            row = (0xFF000000 | rgb[:, 0] << 16 | rgb[:, 1] << 8 | rgb[:, 2]).astype(np.uint32)
            row[cover == 0] = 0
            image = QImage(row.data, width, 1, 4 * width, QImage.Format.Format_ARGB32_Premultiplied)
            h = (bottom - top) * TICK_HALF_HEIGHT
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            p.drawImage(QRectF(left, (top + bottom) / 2 - h, width, 2 * h), image)
        p.restore()


class TimelineView(QWidget):
    """The incident timeline: lanes by kind, a local time axis, wheel/drag/keyboard zoom and pan.

    Keys: +/- zoom, ←/→ pan, Home fits all, ↑/↓ pick a lane, Ctrl+←/→ step through its events,
    Enter opens the highlighted event (as a left click does) through :attr:`event_activated`.
    """

    event_activated = Signal(str)

    def __init__(self, *, zone_name: str = DEFAULT_ZONE,
                 lanes: list[tuple[str, str]] | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.zone = ZoneInfo(zone_name)
        self.lanes = list(lanes) if lanes is not None else default_lanes()
        self._lane_of = {key: i for i, (key, _title) in enumerate(self.lanes)}
        n = len(self.lanes)
        self._deadlines = np.empty(0)
        self._deadline_text: list[str] = []
        self._now: float | None = None
        self._asked: list[float] = []  # the range show_range was last given stays reachable
        self._current: tuple[int, float, str] | None = None  # (lane, at, id) highlighted
        self._cursor = 0  # the lane ↑/↓ and Ctrl+←/→ work in

        font = QFont(self.font())
        self.axis = LocalTimeAxis(self.zone, font)
        self.plot = pg.PlotWidget(background="w", axisItems={"bottom": self.axis})
        self.plot.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocusProxy(self.plot)
        plot = self.plot.getPlotItem()
        plot.setMenuEnabled(False)  # its menu is English-only and offers y zoom
        plot.hideButtons()
        plot.showGrid(x=True, y=False, alpha=0.25)
        self.vb = plot.getViewBox()
        self.vb.invertY(True)  # lane 0 on top
        self.vb.setMouseEnabled(x=True, y=False)
        self.vb.disableAutoRange()
        self.vb.setLimits(yMin=-0.5, yMax=n - 0.5, minXRange=MIN_SPAN)
        self.vb.setYRange(-0.5, n - 0.5, padding=0)
        left = plot.getAxis("left")
        left.setTicks([[(i, title) for i, (_key, title) in enumerate(self.lanes)], []])
        left.setTickFont(font)
        for axis in (left, self.axis):
            axis.setPen("#8a8f98")
            axis.setTextPen("#222222")

        def add(item, z: float):
            item.setZValue(z)
            plot.addItem(item, ignoreBounds=True)
            return item

        self.lane_items = [
            add(LaneItem(i, LANE_COLOURS[LANE_KEYS.index(key) if key in LANE_KEYS else i % 9],
                         band=i % 2 == 1), 0)
            for i, (key, _title) in enumerate(self.lanes)]
        self.deadline_items = {  # the white halo keeps a deadline apart from the ticks
            state: add(pg.PlotCurveItem(pen=pg.mkPen(colour, width=3, style=Qt.PenStyle.DashLine),
                                        shadowPen=pg.mkPen("w", width=7), connect="pairs"), 5)
            for state, colour in DEADLINE_COLOURS.items()}
        self.highlight = add(pg.PlotCurveItem(pen=pg.mkPen("#111111", width=4)), 10)
        self.now_line = add(pg.InfiniteLine(
            angle=90, movable=False, pen=pg.mkPen("#c0392b", width=2), label=tr("现在"),
            labelOpts={"position": 0.0, "color": "#c0392b", "anchors": [(1, 0), (1, 0)],
                       "fill": (255, 255, 255, 220)}), 20)
        self.now_line.setVisible(False)
        self.hover_text = add(pg.TextItem(color="#111111", fill=pg.mkBrush(255, 255, 240, 235),
                                          border=pg.mkPen("#8a8f98")), 30)
        self.hover_text.textItem.setFont(font)
        self.hover_text.setVisible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        scene = self.plot.scene()
        scene.sigMouseMoved.connect(self._hover)
        scene.sigMouseClicked.connect(self._clicked)
        self.vb.sigXRangeChanged.connect(lambda *_args: self.hover_text.setVisible(False))
        self.plot.installEventFilter(self)
        self._update_limits()

    # ---- data -------------------------------------------------------------------------------
    def set_events(self, events: Sequence[TimelineEvent]) -> None:
        """Replace every event on the timeline (100,000 take a few tens of milliseconds)."""
        self._current, self._asked = None, []
        self.highlight.setData([], [])
        self._store(events, replace=True)

    def append_events(self, events: Iterable[TimelineEvent]) -> None:
        """Add events (live updates); those already shown stay."""
        self._store(events, replace=False)

    def _store(self, events: Iterable[TimelineEvent], *, replace: bool) -> None:
        events = list(events)
        lane = np.fromiter((self._lane_of.get(e.lane, -1) for e in events), np.int64, len(events))
        at = np.fromiter((e.at for e in events), np.float64, len(events))
        ids = np.array([e.id for e in events], dtype=object)
        labels = np.array([e.label for e in events], dtype=object)
        order = np.lexsort((at, lane))  # by lane, then time; unknown kinds (-1) drop out
        lane, at, ids, labels = lane[order], at[order], ids[order], labels[order]
        bounds = np.searchsorted(lane, np.arange(len(self.lanes) + 1))
        for item, s, e in zip(self.lane_items, bounds[:-1], bounds[1:], strict=True):
            if replace:
                item.times, item.ids, item.labels = at[s:e], ids[s:e], labels[s:e]
            elif e > s:
                later = not len(item.times) or at[s] >= item.times[-1]
                times = np.concatenate((item.times, at[s:e]))
                keep = slice(None) if later else np.argsort(times, kind="stable")
                item.times = times[keep]
                item.ids = np.concatenate((item.ids, ids[s:e]))[keep]
                item.labels = np.concatenate((item.labels, labels[s:e]))[keep]
        self._update_limits()

    def lane_counts(self) -> dict[str, int]:
        """How many events each lane holds (on screen or not)."""
        return {key: len(self.lane_items[i].times) for i, (key, _t) in enumerate(self.lanes)}

    def _extent(self) -> tuple[float, float] | None:
        ends = [t for item in self.lane_items if len(item.times)
                for t in (item.times[0], item.times[-1])]
        ends += self._deadlines.tolist() + ([self._now] if self._now is not None else [])
        return (min(ends), max(ends)) if ends else None

    def _update_limits(self) -> None:
        lo, hi = self._extent() or (time.time(),) * 2
        span = max(hi - lo, float(_DAY))
        lo, hi = min([lo - span / 2, *self._asked]), max([hi + span / 2, *self._asked])
        self.vb.setLimits(xMin=lo, xMax=hi, maxXRange=hi - lo)
        for item in self.lane_items:
            item.set_span(lo, hi)

    # ---- view -------------------------------------------------------------------------------
    def show_range(self, start: float, end: float) -> None:
        """Show the instants from ``start`` to ``end`` (POSIX seconds)."""
        if self._asked != [start, end]:
            self._asked = [start, end]
            self._update_limits()
        self.vb.setXRange(start, end, padding=0)

    def fit_all(self) -> None:
        """Show every event, deadline and the now line, with a small margin."""
        if (extent := self._extent()) is not None:
            pad = max((extent[1] - extent[0]) * 0.02, MIN_SPAN / 2)
            self.show_range(extent[0] - pad, extent[1] + pad)

    def zoom(self, factor: float) -> None:
        """Zoom the time axis by ``factor`` (< 1 zooms in) about the middle of the view."""
        x0, x1 = self.vb.viewRange()[0]
        mid, half = (x0 + x1) / 2, (x1 - x0) / 2 * factor
        self.vb.setXRange(mid - half, mid + half, padding=0)

    def pan(self, fraction: float) -> None:
        """Move the view by ``fraction`` of its width (positive: later)."""
        x0, x1 = self.vb.viewRange()[0]
        self.vb.setXRange(x0 + (x1 - x0) * fraction, x1 + (x1 - x0) * fraction, padding=0)

    def set_now(self, t: float) -> None:
        """Draw the vertical "now" line at ``t``."""
        self._now = float(t)
        self.now_line.setValue(self._now)
        self.now_line.setVisible(True)
        self._update_limits()

    def mark_deadlines(self, items: list[tuple[float, str, str]]) -> None:
        """Draw reporting deadlines (due time, label, 'due' | 'overdue' | 'done') as dashed lines
        in the 时限 lane (across every lane if there is none); replaces earlier marks."""
        lane = self._lane_of.get("obligation")
        y0, y1 = (-0.5, len(self.lanes) - 0.5) if lane is None else (lane - 0.48, lane + 0.48)
        for state, curve in self.deadline_items.items():
            xs = np.array([at for at, _label, s in items if s == state], dtype=np.float64)
            curve.setData(np.repeat(xs, 2), np.tile([y0, y1], len(xs)), connect="pairs")
        names = {"due": tr("待办"), "overdue": tr("已超时"), "done": tr("已完成")}
        ordered = sorted(items)
        self._deadlines = np.array([at for at, _label, _s in ordered], dtype=np.float64)
        self._deadline_text = [tr("时限：{label}（{state}）", label=label, state=names.get(s, s))
                               for _at, label, s in ordered]
        self._update_limits()

    # ---- hit testing and input ---------------------------------------------------------------
    def _pixel(self) -> float:
        """Seconds per screen pixel along the time axis."""
        (x0, x1), width = self.vb.viewRange()[0], self.vb.width()
        return (x1 - x0) / (width if width > 0 else 640)

    def _nearest(self, x: float, lane_index: int, pixel_tolerance: float) -> int | None:
        if not 0 <= lane_index < len(self.lane_items):
            return None
        times = self.lane_items[lane_index].times
        j = int(np.searchsorted(times, x))
        best = min((k for k in (j - 1, j) if 0 <= k < len(times)),
                   key=lambda k: abs(times[k] - x), default=None)
        if best is None or abs(times[best] - x) > pixel_tolerance * self._pixel():
            return None
        return best

    def event_at(self, x: float, lane_index: int, pixel_tolerance: float = HIT_PIXELS
                 ) -> str | None:
        """The id of the event in lane ``lane_index`` nearest to time ``x``, if it is within
        ``pixel_tolerance`` screen pixels at the current zoom; else None."""
        k = self._nearest(x, lane_index, pixel_tolerance)
        return None if k is None else str(self.lane_items[lane_index].ids[k])

    def scene_point(self, at: float, lane_index: int) -> QPointF:
        """Where the middle of lane ``lane_index`` at time ``at`` is, in scene coordinates."""
        return self.vb.mapViewToScene(QPointF(at, lane_index))

    def _view_point(self, scene_pos) -> tuple[float, int] | None:
        if not self.vb.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.vb.mapSceneToView(scene_pos)
        return point.x(), math.floor(point.y() + 0.5)

    def _hover(self, scene_pos) -> None:
        text, at, (x, lane) = None, 0.0, self._view_point(scene_pos) or (0.0, -1)
        if (k := self._nearest(x, lane, HIT_PIXELS)) is not None:
            at, text = float(self.lane_items[lane].times[k]), self._event_text(lane, k)
        if lane == self._lane_of.get("obligation") and len(self._deadlines):
            j = int(np.argmin(np.abs(self._deadlines - x)))
            gap = abs(self._deadlines[j] - x)
            if gap <= HIT_PIXELS * self._pixel() and (text is None or gap <= abs(at - x)):
                at, text = float(self._deadlines[j]), self._deadline_text[j]
        self.hover_text.setVisible(text is not None)
        if text is not None:
            self.hover_text.setText(text)
            x0, x1 = self.vb.viewRange()[0]
            below = lane == 0  # no room above the top lane
            self.hover_text.setAnchor((1.0 if at > (x0 + x1) / 2 else 0.0, 0.0 if below else 1.0))
            self.hover_text.setPos(at, lane + (0.4 if below else -0.4))

    def _event_text(self, lane: int, k: int) -> str:
        item = self.lane_items[lane]
        when = datetime.fromtimestamp(item.times[k], self.zone).strftime("%m-%d %H:%M:%S")
        text = f"{when}  {item.labels[k]}"
        tol = HIT_PIXELS * self._pixel()
        near = int(np.searchsorted(item.times, item.times[k] + tol, "right")
                   - np.searchsorted(item.times, item.times[k] - tol)) - 1
        return text + ("\n" + tr("附近另有 {n} 条，放大查看", n=near) if near > 0 else "")

    def _select(self, lane: int, k: int) -> None:
        item = self.lane_items[lane]
        at = float(item.times[k])
        self._current, self._cursor = (lane, at, str(item.ids[k])), lane
        h = TICK_HALF_HEIGHT + 0.1
        self.highlight.setData([at, at], [lane - h, lane + h])

    def _clicked(self, ev) -> None:
        where = self._view_point(ev.scenePos())
        if ev.button() != Qt.MouseButton.LeftButton or where is None:
            return
        if (k := self._nearest(*where, HIT_PIXELS)) is not None:
            self._select(where[1], k)
            ev.accept()
            self.event_activated.emit(self._current[2])

    def _step(self, lane: int, direction: int) -> None:
        """Highlight the next (+1) or previous (-1) event in ``lane``, or (0) the one nearest
        the middle of the view, and bring it into view."""
        self._cursor, times = lane, self.lane_items[lane].times
        if not len(times):
            return
        x0, x1 = self.vb.viewRange()[0]
        if direction and self._current is not None and self._current[0] == lane:
            j = np.searchsorted(times, self._current[1], "right" if direction > 0 else "left")
            k = int(j if direction > 0 else j - 1)
        else:
            k = int(np.searchsorted(times, (x0 + x1) / 2))
        k = min(max(k, 0), len(times) - 1)
        self._select(lane, k)
        if not x0 <= times[k] <= x1:
            self.vb.setXRange(times[k] - (x1 - x0) / 2, times[k] + (x1 - x0) / 2, padding=0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.plot and event.type() == QEvent.Type.KeyPress:
            return self._key(event)
        return super().eventFilter(watched, event)

    def _key(self, event) -> bool:
        key, ctrl = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        later = 1 if key in (Qt.Key.Key_Right, Qt.Key.Key_Down) else -1
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal, Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom(0.5 if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal) else 2.0)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            if ctrl:
                self._step(self._cursor, later)
            else:
                self.pan(0.1 * later)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._step((self._cursor + later) % len(self.lanes), 0)
        elif key == Qt.Key.Key_Home:
            self.fit_all()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._current is not None:
                self.event_activated.emit(self._current[2])
        else:
            return False
        return True
