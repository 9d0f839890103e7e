"""Watching the reporting clock: the nearest deadline for the status bar, and alarms (visual
and audible) at the configured lead times and at each deadline.

The watch reads the store's clock, so tests drive it with a FixedClock and :meth:`tick`
instead of waiting. Obligations are re-planned every ``refresh_s`` seconds or at once after a
change (:meth:`invalidate`); alarms are checked on every tick against that plan.
"""

from __future__ import annotations

import logging
import sys
from datetime import timedelta

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from commandcentre.i18n import tr
from commandcentre.reporting.clock import AlarmTracker
from commandcentre.reporting.service import ReportingService
from commandcentre.timeutil import format_local

log = logging.getLogger(__name__)


def _duration(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    if minutes < 60:
        return tr("{n} 分钟", n=minutes)
    hours, rest = divmod(minutes, 60)
    return tr("{h} 小时 {m} 分", h=hours, m=rest)


def sound_alarm() -> None:
    """An audible alarm: the Windows warning sound, or the platform beep elsewhere."""
    if sys.platform == "win32":  # pragma: no cover - exercised on the duty-room machines
        import winsound

        winsound.MessageBeep(winsound.MB_ICONEXCLAMATION)
    else:
        QApplication.beep()


class ReportingWatch(QObject):
    """Emits the nearest deadline text and alarms for every clocked incident."""

    nearest_changed = Signal(str, str)  # text, state ('none'|'due'|'soon'|'overdue')
    # incident title, report title, lead minutes reached (0 = due now), local due time "HH:MM"
    alarm = Signal(str, str, int, str)

    def __init__(self, service: ReportingService, *, interval_ms: int = 1000,
                 refresh_s: int = 15, parent=None):
        super().__init__(parent)
        self.service = service
        self.tracker = AlarmTracker(service.alarm_leads())
        self.refresh_s = refresh_s
        self._plan: list[tuple[dict, object]] = []
        self._planned_at = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)

    def start(self) -> None:
        self.tick()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def invalidate(self) -> None:
        """Re-plan on the next tick (after a report, a grade change, a new incident)."""
        self._planned_at = None

    def tick(self) -> None:
        now = self.service.store.clock.now()
        if self._planned_at is None or (now - self._planned_at).total_seconds() >= \
                self.refresh_s:
            try:
                self._plan = self.service.pending(now)
            except Exception:
                log.exception("reporting clock could not plan")
                self.nearest_changed.emit(tr("报送时限：规则有误，请管理员检查"), "overdue")
                return
            self._planned_at = now
        by_incident: dict[str, list] = {}
        for incident, o in self._plan:
            by_incident.setdefault(incident["id"], []).append((incident, o))
        for incident_id, items in by_incident.items():
            for o, lead in self.tracker.check(incident_id, [o for _, o in items], now):
                title = items[0][0]["title"]
                self.alarm.emit(title, o.title, lead,
                                format_local(o.due_at, self.service.zone_name, "%H:%M"))
        self._show_nearest(now)

    def _show_nearest(self, now) -> None:
        if not self._plan:
            self.nearest_changed.emit(tr("报送时限：暂无待报"), "none")
            return
        incident, o = self._plan[0]
        left = o.due_at - now
        if left.total_seconds() < 0:
            text = tr("报送时限：{title}「{incident}」已逾期 {late}", title=o.title,
                      incident=incident["title"], late=_duration(left))
            state = "overdue"
        else:
            text = tr("报送时限：{title}「{incident}」{due}（剩 {left}）", title=o.title,
                      incident=incident["title"],
                      due=format_local(o.due_at, self.service.zone_name, "%H:%M"),
                      left=_duration(left))
            state = "soon" if left <= timedelta(minutes=max(self.tracker.leads)) else "due"
        self.nearest_changed.emit(text, state)
