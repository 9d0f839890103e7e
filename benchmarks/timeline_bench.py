#!/usr/bin/env python3
"""Timeline view frame times with 100,000 events, against a naive pyqtgraph plot in the same run.

Events spread over 30 days (incident bursts over a diurnal background, lanes weighted as a
busy county duty room's log). Each frame changes the X range and then runs
``processEvents()``, in which Qt paints the view synchronously once (the paints are counted;
``viewport().repaint()`` is forced only if none happened: calling it on top of the pending
update would paint every frame twice). One window is on screen at a time (with two pyqtgraph
windows shown, a range change in one also repainted the other); the views take turns phase by
phase, so a busy machine slows them alike. We report median and p95 ms per frame for

- ours: :class:`ui.timeline.TimelineView` (one ``LaneItem`` per lane painting its on-screen
  events as 2 px ticks through one image row per lane);
- the candidates the design was chosen against, in the same view (same axes, keys, limits),
  with the lane item swapped: ``curve``: a ``PlotCurveItem`` per lane (``connect='pairs'``,
  drawLines), fed on every range change with only the on-screen ticks, one per pixel column;
  ``scatter``: the same feeding into a pxMode ``ScatterPlotItem`` per lane with a prebuilt bar
  symbol; ``uncut``: a ``PlotCurveItem`` per lane holding every event (no clipping, no merge);
- empty: our view with no events, the floor (axes, grid, bands) every variant pays;
- reference: the naive plot: the same axes, one ``pyqtgraph.ScatterPlotItem`` per lane holding
  all of that lane's events, constructed with default arguments (symbol 'o', size 7, pxMode).

Ratios are reference / ours. Run offscreen (default) or on a real/virtual X server::

    QT_QPA_PLATFORM=offscreen python benchmarks/timeline_bench.py [--events 100000]
    xvfb-run -a -s "-screen 0 1600x900x24" env QT_QPA_PLATFORM=xcb \
        python benchmarks/timeline_bench.py
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
import PySide6  # noqa: E402
from PySide6.QtCore import QEvent, QObject  # noqa: E402
from PySide6.QtGui import QFont, QPainterPath  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from ui import style  # noqa: E402
from ui.timeline import (  # noqa: E402
    LANE_COLOURS,
    LANE_KEYS,
    TICK_HALF_HEIGHT,
    LocalTimeAxis,
    TimelineEvent,
    TimelineView,
)

START = 1764547200.0  # 2025-12-01 08:00 Asia/Shanghai
DAYS = 30
LANE_WEIGHTS = (22, 18, 4, 3, 2, 3, 7, 14, 28, 2)  # intake … obligation, as LANE_KEYS
SIZE = (1400, 560)
LABELS = ("竹箐乡鹿子坪村后山烟点", "县消防救援大队出动", "首报已报送市应急局", "PDT 组呼9001",
          "转移群众 36 人", "启动Ⅳ级响应")


def make_events(n: int, seed: int = 2026) -> list[TimelineEvent]:
    rng = random.Random(seed)
    bursts = [(START + rng.random() * DAYS * 86400, rng.uniform(1800, 6 * 3600))
              for _ in range(40)]
    events = []
    for i in range(n):
        if rng.random() < 0.6:  # around an incident
            centre, spread = rng.choice(bursts)
            at = rng.gauss(centre, spread)
        else:  # background, busier by day
            while True:
                at = START + rng.random() * DAYS * 86400
                hour = (at / 3600 + 8) % 24
                if rng.random() < (1.0 if 8 <= hour < 22 else 0.35):
                    break
        at = min(max(at, START), START + DAYS * 86400)
        events.append(TimelineEvent(f"ev{i:06d}", at, rng.choices(LANE_KEYS, LANE_WEIGHTS)[0],
                                    rng.choice(LABELS)))
    return events


class _SwappedLanes(TimelineView):
    """Our view with its lane items taken out of the plot and others drawing the events."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        plot = self.plot.getPlotItem()
        for lane_item in self.lane_items:
            plot.removeItem(lane_item)
        self.alt_items = [self.make_item(i) for i in range(len(self.lanes))]
        for alt in self.alt_items:
            plot.addItem(alt)
        self.vb.sigXRangeChanged.connect(self.feed)

    def _update_limits(self) -> None:
        super()._update_limits()
        if hasattr(self, "alt_items"):
            self.feed()

    def shown(self, i: int) -> np.ndarray:
        """Lane ``i``'s on-screen events, at most one per pixel column."""
        (x0, x1), times, px = self.vb.viewRange()[0], self.lane_items[i].times, self._pixel()
        shown = times[np.searchsorted(times, x0 - 4 * px):np.searchsorted(times, x1 + 4 * px)]
        if len(shown) > 1:
            column = np.floor((shown - x0) / px + 0.5)
            shown = shown[np.concatenate(([True], column[1:] != column[:-1]))]
        return shown

    def feed(self, *_args) -> None:
        for i, alt in enumerate(self.alt_items):
            self.put(alt, i, self.shown(i))


class CurveLanes(_SwappedLanes):
    def make_item(self, i: int):
        curve = pg.PlotCurveItem(pen=pg.mkPen(LANE_COLOURS[i], width=2), connect="pairs",
                                 skipFiniteCheck=True, antialias=False)
        curve.setSegmentedLineMode("on")  # QPainter.drawLines, no path building
        return curve

    def put(self, curve, i: int, shown: np.ndarray) -> None:
        ys = np.tile([i - TICK_HALF_HEIGHT, i + TICK_HALF_HEIGHT], len(shown))
        curve.setData(np.repeat(shown, 2), ys, connect="pairs")


class ScatterLanes(_SwappedLanes):
    def make_item(self, i: int):
        bar = QPainterPath()
        bar.addRect(-0.06, -0.5, 0.12, 1.0)
        return pg.ScatterPlotItem(symbol=bar, size=34, pen=None, brush=LANE_COLOURS[i],
                                  pxMode=True)

    def put(self, scatter, i: int, shown: np.ndarray) -> None:
        scatter.setData(x=shown, y=np.full(len(shown), float(i)))


class UncutLanes(CurveLanes):
    def feed(self, *_args) -> None:
        if getattr(self, "_fed", -1) != sum(self.lane_counts().values()):
            self._fed = sum(self.lane_counts().values())
            for i, curve in enumerate(self.alt_items):
                self.put(curve, i, self.lane_items[i].times)


def reference_plot(events: list[TimelineEvent], font: QFont):
    """The naive plot: one default ScatterPlotItem per lane with every event of that lane."""
    from zoneinfo import ZoneInfo

    plot = pg.PlotWidget(background="w",
                         axisItems={"bottom": LocalTimeAxis(ZoneInfo("Asia/Shanghai"), font)})
    vb = plot.getPlotItem().getViewBox()
    vb.invertY(True)
    vb.setMouseEnabled(x=True, y=False)
    vb.disableAutoRange()
    vb.setYRange(-0.5, len(LANE_KEYS) - 0.5, padding=0)
    t0 = time.perf_counter()
    for i, key in enumerate(LANE_KEYS):
        xs = np.array([e.at for e in events if e.lane == key])
        plot.addItem(pg.ScatterPlotItem(x=xs, y=np.full(len(xs), float(i))))
    return plot, vb, time.perf_counter() - t0


def show(widget, app) -> None:
    widget.resize(*SIZE)
    widget.show()
    deadline = time.perf_counter() + 5
    while time.perf_counter() < deadline:
        app.processEvents()
        handle = widget.windowHandle()
        if handle is not None and handle.isExposed():
            break


class PaintCounter(QObject):
    def __init__(self):
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def frames(app, widget, viewport, vb, ranges) -> tuple[list[float], float]:
    """Show ``widget`` alone and time ``ranges``: ms per frame, and paints per frame."""
    show(widget, app)
    for x0, x1 in ranges[:5]:  # warm caches (fonts, glyphs, pixmap atlas)
        vb.setXRange(x0, x1, padding=0)
        app.processEvents()
    counter = PaintCounter()
    viewport.installEventFilter(counter)
    times = []
    for x0, x1 in ranges:
        before = counter.count
        t0 = time.perf_counter()
        vb.setXRange(x0, x1, padding=0)
        app.processEvents()
        if counter.count == before:
            viewport.repaint()
        times.append((time.perf_counter() - t0) * 1e3)
    viewport.removeEventFilter(counter)
    widget.hide()
    app.processEvents()
    return times, counter.count / len(ranges)


def scripts(lo: float, hi: float, steps: int) -> dict[str, list[tuple[float, float]]]:
    span, mid = hi - lo, (lo + hi) / 2
    window = 2 * 86400
    pan = [(lo + k * span / steps * 0.9, lo + k * span / steps * 0.9 + window)
           for k in range(steps)]
    half = steps // 2
    widths = [span * 0.9 ** k for k in range(half)] + [span * 0.9 ** (half - k)
                                                        for k in range(steps - half)]
    zoom = [(mid - w / 2, mid + w / 2) for w in widths]
    full = [(lo - k * 60.0, hi + k * 60.0) for k in range(steps)]  # 100k on screen
    return {"pan 2-day window across 30 days": pan, "zoom 30 days ⇄ 4 h": zoom,
            "whole 30 days on screen": full}


def p95(values: list[float]) -> float:
    return float(np.percentile(values, 95))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--steps", type=int, default=100)
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    style.apply(app)
    events = make_events(args.events)
    lo, hi = min(e.at for e in events), max(e.at for e in events)
    plan = scripts(lo, hi, args.steps)
    print(f"platform {app.platformName()}, {args.events:,} events over {DAYS} days, "
          f"widget {SIZE[0]}x{SIZE[1]}, pyqtgraph {pg.__version__}, PySide6 {PySide6.__version__}")

    ours = TimelineView()
    show(ours, app)
    loads = []
    for _ in range(5):
        t0 = time.perf_counter()
        ours.set_events(events)
        loads.append(time.perf_counter() - t0)
    t0 = time.perf_counter()
    ours.append_events([TimelineEvent("live", hi + 60, "intake", "新接报")])
    append = time.perf_counter() - t0
    print(f"set_events({args.events:,}): median {statistics.median(loads) * 1e3:.1f} ms "
          f"(of 5); append_events(1) on top: {append * 1e3:.2f} ms")

    views = {"ours": ours, "curve": CurveLanes(), "scatter": ScatterLanes(),
             "uncut": UncutLanes(), "empty": TimelineView()}
    ours.hide()
    for name, view in views.items():
        view.resize(*SIZE)
        if name == "empty":
            view.show_range(lo, hi)  # the same time axis, no events
        elif view is not ours:
            view.set_events(events)
    plot, vb, setup = reference_plot(events, QFont(app.font()))
    print(f"reference setup (ScatterPlotItem per lane, {args.events:,} points): "
          f"{setup * 1e3:.1f} ms")
    targets = {name: (view, view.plot.viewport(), view.vb) for name, view in views.items()}
    targets["reference"] = (plot, plot.viewport(), vb)
    results: dict[str, dict] = {name: {} for name in targets}
    for phase, ranges in plan.items():
        for name, target in targets.items():
            results[name][phase] = frames(app, *target, ranges)
    for view in views.values():
        view.close()
    plot.close()

    for phase in plan:
        row = {name: results[name][phase][0] for name in results}
        parts = [f"{name} {statistics.median(v):.1f}/{p95(v):.1f}" for name, v in row.items()]
        ratio = statistics.median(row["reference"]) / statistics.median(row["ours"])
        ratio95 = p95(row["reference"]) / p95(row["ours"])
        print(f"frame ms median/p95, {phase} (n={args.steps}): {', '.join(parts)}; "
              f"reference/ours {ratio:.1f}x median, {ratio95:.1f}x p95")
    paints = ", ".join(f"{name} {statistics.mean(r[1] for r in results[name].values()):.2f}"
                       for name in results)
    print(f"paints per frame (all phases): {paints}")
    print("ours = TimelineView (a LaneItem per lane: ticks through one image row); curve / "
          "scatter = PlotCurveItem pairs / pxMode ScatterPlotItem per lane fed the on-screen "
          "ticks; uncut = PlotCurveItem per lane with every event; empty = ours with no events; "
          "reference = "
          "pyqtgraph.ScatterPlotItem() defaults per lane holding every event")
    return 0


if __name__ == "__main__":
    sys.exit(main())
