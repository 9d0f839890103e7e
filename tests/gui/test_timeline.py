"""The incident timeline with 100,000 events: lanes, hit tests, real clicks, zoom keys, axis."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QWheelEvent
from PySide6.QtWidgets import QApplication

from ui.timeline import LANE_KEYS, TimelineEvent, TimelineView

pytestmark = pytest.mark.gui

START = datetime(2025, 12, 1, tzinfo=UTC).timestamp()
KNOWN_AT = START + 12 * 86400 + 3600  # 2025-12-13 09:00 in Shanghai
KNOWN = TimelineEvent("known", KNOWN_AT, "decision", "启动Ⅳ级应急响应")
QUIET = 2 * 3600  # no other decision within this of KNOWN


def busy_month(n: int = 100_000) -> list[TimelineEvent]:
    """``n`` events over 30 days, lanes weighted like a duty log, plus KNOWN in a quiet spell."""
    rng = np.random.default_rng(7)
    weights = np.array([22, 18, 4, 3, 2, 3, 7, 14, 28, 2], dtype=float)  # follows LANE_KEYS
    lanes = rng.choice(len(LANE_KEYS), size=n - 1, p=weights / weights.sum())
    times = START + rng.random(n - 1) * 30 * 86400
    quiet = (lanes == LANE_KEYS.index("decision")) & (np.abs(times - KNOWN_AT) < QUIET)
    times[quiet] += 3 * QUIET
    events = [TimelineEvent(f"e{i}", float(t), LANE_KEYS[k], f"记录 {i}")
              for i, (t, k) in enumerate(zip(times, lanes, strict=True))]
    return [*events, KNOWN]


@pytest.fixture(scope="module")
def month() -> list[TimelineEvent]:
    return busy_month()


@pytest.fixture
def view(qtbot):
    widget = TimelineView()
    qtbot.addWidget(widget)
    widget.resize(1200, 480)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def lane(key: str) -> int:
    return LANE_KEYS.index(key)


def viewport_pos(view: TimelineView, at: float, lane_index: int) -> QPoint:
    """The viewport pixel showing lane ``lane_index`` at time ``at`` (data → scene → view)."""
    return view.plot.mapFromScene(view.scene_point(at, lane_index))


def x_range(view: TimelineView) -> tuple[float, float]:
    x0, x1 = view.vb.viewRange()[0]
    return x0, x1


def test_100k_events_fill_one_item_per_lane(view, month):
    view.set_events(month)
    expected = Counter(e.lane for e in month)
    assert view.lane_counts() == {key: expected[key] for key in LANE_KEYS}
    assert sum(view.lane_counts().values()) == 100_000
    assert len(view.lane_items) == len(LANE_KEYS)
    for key, item in zip(LANE_KEYS, view.lane_items, strict=True):
        assert len(item.times) == len(item.ids) == expected[key]
        assert np.all(np.diff(item.times) >= 0)
    view.fit_all()
    view.grab()  # paint now
    width = view.vb.width()
    for item in view.lane_items:  # one tick per pixel column at most, and something drawn
        assert 0 < item.drawn <= width + 1


def test_zoomed_in_every_event_on_screen_is_drawn(view):
    times = [START + k * 600 for k in range(12)]  # every 10 minutes: far apart on screen
    view.set_events([TimelineEvent(f"r{k}", t, "radio", "组呼") for k, t in enumerate(times)])
    view.show_range(times[2] - 60, times[8] + 60)
    view.grab()
    assert view.lane_items[lane("radio")].drawn == 7
    assert view.lane_items[lane("intake")].drawn == 0


def test_event_at_finds_the_event_at_its_time_and_nothing_far_away(view, month):
    view.set_events(month)
    view.fit_all()
    assert view.event_at(KNOWN_AT, lane("decision")) == "known"
    assert view.event_at(KNOWN_AT + 60 * 86400, lane("decision")) is None
    assert view.event_at(KNOWN_AT, len(LANE_KEYS)) is None
    view.show_range(KNOWN_AT - 1800, KNOWN_AT + 1800)
    pixel = 3600 / view.vb.width()
    assert view.event_at(KNOWN_AT + 5 * pixel, lane("decision")) == "known"
    assert view.event_at(KNOWN_AT + 8 * pixel, lane("decision")) is None
    assert view.event_at(KNOWN_AT + 8 * pixel, lane("decision"), pixel_tolerance=10) == "known"
    assert view.event_at(KNOWN_AT + 1200, lane("decision")) is None


def test_a_real_click_on_an_event_opens_it_and_enter_opens_it_again(qtbot, view, month):
    view.set_events(month)
    view.show_range(KNOWN_AT - 3 * 3600, KNOWN_AT + 3 * 3600)
    pos = viewport_pos(view, KNOWN_AT, lane("decision"))
    assert view.plot.viewport().rect().contains(pos)
    with qtbot.waitSignal(view.event_activated, timeout=2000) as clicked:
        qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert clicked.args == ["known"]
    with qtbot.waitSignal(view.event_activated, timeout=2000) as entered:
        qtbot.keyClick(view.plot, Qt.Key.Key_Return)
    assert entered.args == ["known"]
    # A click on empty space in that quiet spell opens nothing.
    with qtbot.assertNotEmitted(view.event_activated):
        empty = viewport_pos(view, KNOWN_AT + 3600, lane("decision"))
        qtbot.mouseClick(view.plot.viewport(), Qt.MouseButton.LeftButton, pos=empty)


def test_hovering_an_event_shows_its_label_in_local_time(qtbot, view, month):
    view.set_events(month)
    view.show_range(KNOWN_AT - 3600, KNOWN_AT + 3600)
    qtbot.mouseMove(view.plot.viewport(), viewport_pos(view, KNOWN_AT, lane("decision")))
    qtbot.waitUntil(view.hover_text.isVisible, timeout=2000)
    assert view.hover_text.textItem.toPlainText() == "12-13 09:00:00  启动Ⅳ级应急响应"


def test_wheel_and_keys_zoom_and_pan_time_only_and_home_fits_all(qtbot, view, month):
    view.set_events(month)
    view.fit_all()
    fitted, lanes_shown = x_range(view), view.vb.viewRange()[1]
    centre = QPointF(view.plot.viewport().rect().center())
    wheel = QWheelEvent(centre, view.plot.viewport().mapToGlobal(centre), QPoint(0, 0),
                        QPoint(0, 120), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.plot.viewport(), wheel)
    wheeled = x_range(view)
    assert wheeled[1] - wheeled[0] < 0.9 * (fitted[1] - fitted[0])
    assert view.vb.viewRange()[1] == lanes_shown  # lanes never zoom
    qtbot.keyClick(view.plot, Qt.Key.Key_Plus)
    zoomed = x_range(view)
    assert zoomed[1] - zoomed[0] == pytest.approx((wheeled[1] - wheeled[0]) / 2)
    qtbot.keyClick(view.plot, Qt.Key.Key_Right)
    panned = x_range(view)
    assert panned[0] == pytest.approx(zoomed[0] + 0.1 * (zoomed[1] - zoomed[0]))
    qtbot.keyClick(view.plot, Qt.Key.Key_Minus)
    assert x_range(view)[1] - x_range(view)[0] == pytest.approx(2 * (zoomed[1] - zoomed[0]))
    qtbot.keyClick(view.plot, Qt.Key.Key_Home)
    assert x_range(view) == pytest.approx(fitted)
    assert view.vb.viewRange()[1] == lanes_shown


def test_keyboard_steps_through_a_lane_and_opens_the_event(qtbot, view):
    times = [START + k * 600 for k in range(5)]
    view.set_events([TimelineEvent(f"d{k}", t, "dispatch", "调度") for k, t in enumerate(times)])
    view.fit_all()
    for _ in range(lane("dispatch")):  # ↓ from the top lane to 调度
        qtbot.keyClick(view.plot, Qt.Key.Key_Down)
    qtbot.keyClick(view.plot, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(view.event_activated, timeout=2000) as opened:
        qtbot.keyClick(view.plot, Qt.Key.Key_Enter)
    assert opened.args == ["d3"]  # the middle one, then one later


def test_append_events_adds_without_replacing(view):
    view.set_events([TimelineEvent("a", START + 100, "intake", "首次接报"),
                     TimelineEvent("b", START + 900, "intake", "续报")])
    view.append_events([TimelineEvent("c", START + 500, "intake", "补录"),
                        TimelineEvent("d", START + 2000, "report", "报送"),
                        TimelineEvent("x", START + 50, "no-such-kind", "丢弃")])
    assert view.lane_counts()["intake"] == 3 and view.lane_counts()["report"] == 1
    assert list(view.lane_items[lane("intake")].ids) == ["a", "c", "b"]
    view.fit_all()
    for event_id, at, key in (("a", 100, "intake"), ("c", 500, "intake"), ("d", 2000, "report")):
        assert view.event_at(START + at, lane(key)) == event_id


def test_axis_labels_are_shanghai_local_time(view):
    instant = datetime(2025, 12, 2, 0, 30, tzinfo=UTC).timestamp()  # 08:30 in Shanghai
    assert view.axis.tickStrings([instant], 1.0, 3600) == ["12-02 08:30"]
    assert view.axis.tickStrings([instant], 1.0, 86400) == ["12-02"]
    view.show_range(instant - 2 * 3600, instant + 2 * 3600)
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        _axis, _ticks, texts = view.axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    labels = [text for _rect, _flags, text in texts]
    assert "12-02 08:30" in labels and "12-02 08:00" in labels
    step, values = view.axis.tickValues(instant - 7200, instant + 7200, view.axis.width())[0]
    assert all((v + 8 * 3600) % step == 0 for v in values)  # on local round times


def test_another_zone_labels_in_that_zone(qtbot):
    widget = TimelineView(zone_name="UTC", lanes=[("intake", "接报")])
    qtbot.addWidget(widget)
    instant = datetime(2025, 12, 2, 0, 30, tzinfo=UTC).timestamp()
    assert widget.axis.tickStrings([instant], 1.0, 60) == ["12-02 00:30"]
    assert [title for _key, title in widget.lanes] == ["接报"]


def test_mark_deadlines_draws_dashed_lines_in_the_obligation_lane(qtbot, view, month):
    view.set_events(month)
    view.mark_deadlines([(KNOWN_AT, "首报", "overdue"), (KNOWN_AT + 3600, "续报", "due"),
                         (KNOWN_AT + 7200, "核报", "due")])
    counts = {state: len(item.xData) // 2 for state, item in view.deadline_items.items()}
    assert counts == {"due": 2, "overdue": 1, "done": 0}
    ys = view.deadline_items["due"].yData
    assert np.all(np.abs(ys - lane("obligation")) < 0.5)
    assert view.deadline_items["due"].opts["pen"].style() == Qt.PenStyle.DashLine
    view.show_range(KNOWN_AT - 3600, KNOWN_AT + 3 * 3600)
    view.set_now(KNOWN_AT + 5400)
    qtbot.mouseMove(view.plot.viewport(), viewport_pos(view, KNOWN_AT + 3600, lane("obligation")))
    qtbot.waitUntil(view.hover_text.isVisible, timeout=2000)
    assert view.hover_text.textItem.toPlainText() == "时限：续报（待办）"
    view.mark_deadlines([])
    assert all(len(item.xData) == 0 for item in view.deadline_items.values())


def test_closing_leaves_no_timer_and_destroys_the_widget(qtbot, month):
    widget = TimelineView()
    widget.set_events(month[:1000])
    widget.show()
    qtbot.waitExposed(widget)
    widget.close()
    assert not [t for t in widget.findChildren(QTimer) if t.isActive()]
    with qtbot.waitSignal(widget.destroyed, timeout=2000):
        widget.deleteLater()
