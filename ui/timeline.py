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

LANE_KEYS = ("intake", "note", "decision", "grade", "snapshot", "report", "dispatch", "radio",
             "obligation")
# Readable on white, distinct in hue; the order follows LANE_KEYS.
LANE_COLOURS = ("#1f77b4", "#5d6d7e", "#c0392b", "#8e44ad", "#8c564b", "#27ae60", "#e67e22",
                "#17a2b8", "#7d6608")
DEADLINE_COLOURS = {"due": "#e67e22", "overdue": "#c0392b", "done": "#27ae60"}
TICK_HALF_HEIGHT = 0.34  # of a lane (lanes are 1.0 apart)
MIN_SPAN = 60.0  # seconds: the deepest zoom
_DAY = 86400
_LABEL_STEPS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
                43200, _DAY, 2 * _DAY, 7 * _DAY, 14 * _DAY, 28 * _DAY, 91 * _DAY, 364 * _DAY)
_EPOCH = datetime(1970, 1, 1)
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
    titles = (tr("接报"), tr("记录"), tr("决策"), tr("定级"), tr("伤亡"), tr("报送"), tr("调度"),
              tr("通信"), tr("时限"))
    return list(zip(LANE_KEYS, titles, strict=True))


def _deadline_states() -> dict[str, str]:
    return {"due": tr("待办"), "overdue": tr("已超时"), "done": tr("已完成")}


class LocalTimeAxis(pg.AxisItem):
    """A time axis labelled in a display zone ("12-02 08:30"), ticks on local round times."""

    def __init__(self, zone: ZoneInfo, font: QFont, **kwargs):
        super().__init__("bottom", **kwargs)
        self.zone = zone
        self.setTickFont(font)
        self._metrics = QFontMetrics(font)
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
        for step in _LABEL_STEPS:
            width = self._metrics.horizontalAdvance(_SAMPLE.strftime(self._format(step))) + 24
            if step >= width * per_px:
                break
        # Count in local wall-clock seconds so ticks fall on local round times (and midnight).
        start = datetime.fromtimestamp(minVal, self.zone).replace(tzinfo=None)
        first = math.ceil((start - _EPOCH).total_seconds() / step) * step
        ticks = []
        for k in range(min(int((maxVal - minVal) / step) + 2, 500)):
            local = _EPOCH + timedelta(seconds=first + k * step)
            at = local.replace(tzinfo=self.zone).timestamp()
            if at > maxVal:
                break
            ticks.append(at)
        return [(step, ticks)]

    def tickStrings(self, values, scale, spacing):
        fmt = self._format(spacing)
        return [datetime.fromtimestamp(v, self.zone).strftime(fmt) for v in values]


class LaneItem(pg.GraphicsObject):
    """One lane: its events (sorted POSIX seconds in :attr:`times`) as ticks, band optional."""

    def __init__(self, index: int, colour: str, *, band: bool):
        super().__init__()
        self.index = index
        self.times = np.empty(0)
        self.drawn = 0  # pixel columns that held a tick at the last paint
        self._rgb = np.array(QColor(colour).getRgb()[:3], dtype=np.float64)
        self._band = QColor("#f2f4f7") if band else None
        self._bounds = QRectF()

    def set_times(self, times: np.ndarray, lo: float, hi: float) -> None:
        """Hold ``times`` (sorted); ``lo``..``hi`` is the most the view can ever show."""
        self.prepareGeometryChange()
        self.times = times
        self._bounds = QRectF(lo, self.index - 0.5, hi - lo, 1.0)
        self.update()

    def boundingRect(self) -> QRectF:
        return self._bounds

    def paint(self, p: QPainter, *_args) -> None:
        view = self.viewRect()
        tr = p.transform()  # item (seconds, lanes) to device pixels; no rotation here
        sx, ox = tr.m11(), tr.m31()
        if view is None or sx <= 0:
            return
        left = math.floor(sx * view.left() + ox)
        width = math.ceil(sx * view.right() + ox) - left + 1
        ys = sorted(tr.map(QPointF(0, self.index + d)).y() for d in (-0.5, 0.5))
        p.save()
        p.resetTransform()
        if self._band is not None:
            p.fillRect(QRectF(left, ys[0], width, ys[1] - ys[0]), self._band)
        margin = 2 / sx
        lo = np.searchsorted(self.times, view.left() - margin)
        hi = np.searchsorted(self.times, view.right() + margin, "right")
        if width > 0 and hi > lo:
            column = np.floor(self.times[lo:hi] * sx + (ox - left - 0.5)).astype(np.int64)
            count = np.bincount(np.clip(column, 0, width), minlength=width + 1)[:width]
            self.drawn = int(np.count_nonzero(count))
            cover = count.copy()
            cover[1:] += count[:-1]  # a tick is two pixels wide
            # 1 event: the lane colour; 256 or more in a column: half as bright.
            shade = 1 - 0.5 * np.clip(np.log2(np.maximum(cover, 1)) / 8, 0, 1)
            rgb = (shade[:, None] * self._rgb).astype(np.uint32)
            row = (0xFF000000 | rgb[:, 0] << 16 | rgb[:, 1] << 8 | rgb[:, 2]).astype(np.uint32)
            row[cover == 0] = 0
            image = QImage(row.data, width, 1, 4 * width, QImage.Format.Format_ARGB32_Premultiplied)
            h = (ys[1] - ys[0]) * TICK_HALF_HEIGHT
            mid = (ys[0] + ys[1]) / 2
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
            p.drawImage(QRectF(left, mid - h, width, 2 * h), image)
        else:
            self.drawn = 0
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
        self._times = [np.empty(0) for _ in range(n)]
        self._ids = [np.empty(0, dtype=object) for _ in range(n)]
        self._labels = [np.empty(0, dtype=object) for _ in range(n)]
        self._deadlines = np.empty(0)
        self._deadline_text: list[str] = []
        self._now: float | None = None
        self._current: tuple[int, float, str] | None = None  # (lane, at, id) highlighted
        self._cursor = 0  # the lane ↑/↓ and Ctrl+←/→ work in

        font = QFont(self.font())
        self.axis = LocalTimeAxis(self.zone, font)
        self.plot = pg.PlotWidget(background="w", axisItems={"bottom": self.axis})
        self.plot.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocusProxy(self.plot)
        item = self.plot.getPlotItem()
        item.setMenuEnabled(False)
        item.hideButtons()
        item.showGrid(x=True, y=False, alpha=0.25)
        self.vb = item.getViewBox()
        self.vb.invertY(True)  # lane 0 on top
        self.vb.setMouseEnabled(x=True, y=False)
        self.vb.disableAutoRange()
        self.vb.setLimits(yMin=-0.5, yMax=n - 0.5, minXRange=MIN_SPAN)
        self.vb.setYRange(-0.5, n - 0.5, padding=0)
        left = item.getAxis("left")
        left.setTicks([[(i, title) for i, (_key, title) in enumerate(self.lanes)], []])
        left.setTickFont(font)
        for axis in (left, self.axis):
            axis.setPen("#8a8f98")
            axis.setTextPen("#222222")
        self.lane_items: list[LaneItem] = []
        for i, (key, _title) in enumerate(self.lanes):
            colour = LANE_COLOURS[LANE_KEYS.index(key) if key in LANE_KEYS else i % 9]
            lane_item = LaneItem(i, colour, band=i % 2 == 1)  # every other lane on a band
            item.addItem(lane_item, ignoreBounds=True)
            self.lane_items.append(lane_item)
        self.deadline_items: dict[str, pg.PlotCurveItem] = {}
        for state, colour in DEADLINE_COLOURS.items():
            curve = pg.PlotCurveItem(pen=pg.mkPen(colour, width=3, style=Qt.PenStyle.DashLine),
                                     shadowPen=pg.mkPen("w", width=7), connect="pairs",
                                     skipFiniteCheck=True)  # the halo keeps it off the ticks
            curve.setZValue(5)
            item.addItem(curve)
            self.deadline_items[state] = curve
        self.now_line = pg.InfiniteLine(angle=90, movable=False, pen=pg.mkPen("#c0392b", width=2),
                                        label=tr("现在"),
                                        labelOpts={"position": 0.0, "color": "#c0392b",
                                                   "anchors": [(1, 0), (1, 0)],
                                                   "fill": (255, 255, 255, 220)})
        self.now_line.setVisible(False)
        self.now_line.setZValue(20)
        item.addItem(self.now_line, ignoreBounds=True)
        self.highlight = pg.PlotCurveItem(pen=pg.mkPen("#111111", width=4), connect="pairs")
        self.highlight.setZValue(10)
        item.addItem(self.highlight)
        self.hover_text = pg.TextItem(color="#111111", fill=pg.mkBrush(255, 255, 240, 235),
                                      border=pg.mkPen("#8a8f98"))
        self.hover_text.textItem.setFont(font)
        self.hover_text.setZValue(30)
        self.hover_text.setVisible(False)
        item.addItem(self.hover_text, ignoreBounds=True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        scene = self.plot.scene()
        scene.sigMouseMoved.connect(self._hover)
        self.vb.sigXRangeChanged.connect(lambda *_args: self.hover_text.setVisible(False))
        scene.sigMouseClicked.connect(self._clicked)
        self.plot.installEventFilter(self)
        self._update_limits()

    # ---- data -------------------------------------------------------------------------------
    def set_events(self, events: Sequence[TimelineEvent]) -> None:
        """Replace every event on the timeline (100,000 take well under a second)."""
        self._current = None
        self.highlight.setData([], [])
        self._store(events, replace=True)

    def append_events(self, events: Iterable[TimelineEvent]) -> None:
        """Add events (live updates); existing ones stay."""
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
        for i in range(len(self.lanes)):
            s, e = bounds[i], bounds[i + 1]
            if replace:
                self._times[i], self._ids[i], self._labels[i] = at[s:e], ids[s:e], labels[s:e]
            elif e > s:
                later = not len(self._times[i]) or at[s] >= self._times[i][-1]
                times = np.concatenate((self._times[i], at[s:e]))
                keep = slice(None) if later else np.argsort(times, kind="stable")
                self._times[i] = times[keep]
                self._ids[i] = np.concatenate((self._ids[i], ids[s:e]))[keep]
                self._labels[i] = np.concatenate((self._labels[i], labels[s:e]))[keep]
        self._update_limits()

    def lane_counts(self) -> dict[str, int]:
        """How many events each lane holds (whether on screen or not)."""
        return {key: len(self._times[i]) for i, (key, _title) in enumerate(self.lanes)}

    def _extent(self) -> tuple[float, float] | None:
        firsts = [t[0] for t in self._times if len(t)] + [t[-1] for t in self._times if len(t)]
        if self._now is not None:
            firsts.append(self._now)
        firsts.extend(self._deadlines.tolist())
        return (min(firsts), max(firsts)) if firsts else None

    def _update_limits(self) -> None:
        extent = self._extent()
        lo, hi = extent if extent else (datetime.now().timestamp(),) * 2
        span = max(hi - lo, float(_DAY))
        self.vb.setLimits(xMin=lo - span * 0.5, xMax=hi + span * 0.5, maxXRange=span * 2)
        for i, lane_item in enumerate(self.lane_items):
            lane_item.set_times(self._times[i], lo - span, hi + span)

    # ---- view -------------------------------------------------------------------------------
    def show_range(self, start: float, end: float) -> None:
        """Show the instants from ``start`` to ``end`` (POSIX seconds)."""
        self.vb.setXRange(start, end, padding=0)

    def fit_all(self) -> None:
        """Show every event, deadline and the now line, with a small margin."""
        extent = self._extent()
        if extent is None:
            return
        lo, hi = extent
        pad = max((hi - lo) * 0.02, MIN_SPAN / 2)
        self.show_range(lo - pad, hi + pad)

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
        states = _deadline_states()
        ordered = sorted(items)
        self._deadlines = np.array([at for at, _label, _s in ordered], dtype=np.float64)
        self._deadline_text = [tr("时限：{label}（{state}）", label=label, state=states.get(s, s))
                               for _at, label, s in ordered]
        self._update_limits()

    def _pixel(self) -> float:
        """Seconds per screen pixel along the time axis."""
        (x0, x1), width = self.vb.viewRange()[0], self.vb.width()
        return (x1 - x0) / width if width > 0 else (x1 - x0) / 640

    # ---- hit testing and input ---------------------------------------------------------------
    def _nearest(self, x: float, lane_index: int, pixel_tolerance: float) -> int | None:
        if not 0 <= lane_index < len(self.lanes):
            return None
        times = self._times[lane_index]
        j = int(np.searchsorted(times, x))
        best = min((k for k in (j - 1, j) if 0 <= k < len(times)),
                   key=lambda k: abs(times[k] - x), default=None)
        if best is None or abs(times[best] - x) > pixel_tolerance * self._pixel():
            return None
        return best

    def event_at(self, x: float, lane_index: int, pixel_tolerance: float = 6) -> str | None:
        """The id of the event in lane ``lane_index`` nearest to time ``x``, if it is within
        ``pixel_tolerance`` screen pixels at the current zoom; else None."""
        k = self._nearest(x, lane_index, pixel_tolerance)
        return None if k is None else str(self._ids[lane_index][k])

    def _view_point(self, scene_pos) -> tuple[float, int] | None:
        if not self.vb.sceneBoundingRect().contains(scene_pos):
            return None
        point = self.vb.mapSceneToView(scene_pos)
        return point.x(), math.floor(point.y() + 0.5)

    def _hover(self, scene_pos) -> None:
        where = self._view_point(scene_pos)
        text, at, lane = None, 0.0, 0
        if where is not None:
            x, lane = where
            k = self._nearest(x, lane, 6)
            if k is not None:
                at = float(self._times[lane][k])
                text = self._event_text(lane, k)
            j = self._nearest_deadline(x) if lane == self._lane_of.get("obligation") else None
            if j is not None and (text is None or abs(self._deadlines[j] - x) <= abs(at - x)):
                at, text = float(self._deadlines[j]), self._deadline_text[j]
        self.hover_text.setVisible(text is not None)
        if text is None:
            return
        self.hover_text.setText(text)
        x0, x1 = self.vb.viewRange()[0]
        below = lane == 0  # no room above the top lane
        self.hover_text.setAnchor((1.0 if at > (x0 + x1) / 2 else 0.0, 0.0 if below else 1.0))
        self.hover_text.setPos(at, lane + (0.4 if below else -0.4))

    def _nearest_deadline(self, x: float) -> int | None:
        if not len(self._deadlines):
            return None
        j = int(np.argmin(np.abs(self._deadlines - x)))
        return j if abs(self._deadlines[j] - x) <= 6 * self._pixel() else None

    def _event_text(self, lane: int, k: int) -> str:
        times = self._times[lane]
        when = datetime.fromtimestamp(times[k], self.zone).strftime("%m-%d %H:%M:%S")
        text = f"{when}  {self._labels[lane][k]}"
        tol = 6 * self._pixel()
        near = int(np.searchsorted(times, times[k] + tol, "right")
                   - np.searchsorted(times, times[k] - tol, "left")) - 1
        if near > 0:
            text += "\n" + tr("附近另有 {n} 条，放大查看", n=near)
        return text

    def _select(self, lane: int, k: int) -> None:
        at = float(self._times[lane][k])
        self._current, self._cursor = (lane, at, str(self._ids[lane][k])), lane
        h = TICK_HALF_HEIGHT + 0.1
        self.highlight.setData([at, at], [lane - h, lane + h], connect="pairs")

    def _clicked(self, ev) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        where = self._view_point(ev.scenePos())
        if where is None:
            return
        k = self._nearest(where[0], where[1], 6)
        if k is not None:
            self._select(where[1], k)
            ev.accept()
            self.event_activated.emit(self._current[2])

    def zoom(self, factor: float) -> None:
        """Zoom the time axis by ``factor`` (< 1 zooms in) about the centre of the view."""
        x0, x1 = self.vb.viewRange()[0]
        mid, half = (x0 + x1) / 2, (x1 - x0) / 2 * factor
        self.show_range(mid - half, mid + half)

    def pan(self, fraction: float) -> None:
        """Move the view by ``fraction`` of its width (positive: later)."""
        x0, x1 = self.vb.viewRange()[0]
        shift = (x1 - x0) * fraction
        self.show_range(x0 + shift, x1 + shift)

    def _step(self, lane: int, direction: int) -> None:
        """Highlight the next (+1) or previous (-1) event in ``lane``, or (0) the one nearest
        the middle of the view, and keep it in view."""
        self._cursor = lane
        times = self._times[lane]
        if not len(times):
            return
        if direction and self._current is not None and self._current[0] == lane:
            j = np.searchsorted(times, self._current[1], "right" if direction > 0 else "left")
            k = int(j if direction > 0 else j - 1)
        else:
            x0, x1 = self.vb.viewRange()[0]
            k = int(np.searchsorted(times, (x0 + x1) / 2))
        k = min(max(k, 0), len(times) - 1)
        self._select(lane, k)
        x0, x1 = self.vb.viewRange()[0]
        if not x0 <= times[k] <= x1:
            self.show_range(times[k] - (x1 - x0) / 2, times[k] + (x1 - x0) / 2)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.plot and event.type() == QEvent.Type.KeyPress:
            return self._key(event)
        return super().eventFilter(watched, event)

    def _key(self, event) -> bool:
        key, ctrl = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom(0.5)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom(2.0)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            sign = 1 if key == Qt.Key.Key_Right else -1
            if ctrl:
                self._step(self._cursor, sign)
            else:
                self.pan(0.1 * sign)
        elif key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
            self._step((self._cursor + (1 if key == Qt.Key.Key_Down else -1)) % len(self.lanes), 0)
        elif key == Qt.Key.Key_Home:
            self.fit_all()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self._current is not None:
                self.event_activated.emit(self._current[2])
        else:
            return False
        return True

    def scene_point(self, at: float, lane_index: int) -> QPointF:
        """Where the centre of lane ``lane_index`` at time ``at`` is in scene coordinates."""
        return self.vb.mapViewToScene(QPointF(at, lane_index))
