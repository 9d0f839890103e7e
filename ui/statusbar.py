"""The status bar: current shift and leader, link state, nearest deadline, clock, user."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar

from commandcentre.accounts import Session
from commandcentre.duty.handover import HandoverService
from commandcentre.duty.shifts import ShiftService
from commandcentre.i18n import tr
from commandcentre.storage import Store
from commandcentre.timeutil import to_local


class DutyStatusBar(QStatusBar):
    """Always-visible facts a duty officer checks at a glance; refreshed by timers."""

    def __init__(self, store: Store, session: Session, zone_name: str, parent=None):
        super().__init__(parent)
        self.store = store
        self.zone_name = zone_name
        self.shift_label = QLabel(objectName="shiftLabel")
        self.link_label = QLabel(tr("通信链路：未配置"), objectName="linkLabel")
        self.deadline_label = QLabel(tr("报送时限：计算中…"), objectName="deadlineLabel")
        self.user_label = QLabel(tr("{name}（{role}）", name=session.display_name,
                                    role=session.role.label if session.role else ""),
                                 objectName="userLabel")
        self.clock_label = QLabel(objectName="clockLabel")
        self.addWidget(self.shift_label, 1)
        for widget in (self.link_label, self.deadline_label, self.user_label, self.clock_label):
            self.addPermanentWidget(widget)
        self._shift_end = None
        self.refresh_shift()
        self.tick()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick)
        self._timer.start()

    def refresh_shift(self) -> None:
        """Re-read the shift on duty now."""
        view, waiting = HandoverService(self.store, zone_name=self.zone_name).responsible_shift()
        if view is None:
            self.shift_label.setText(tr("当前无排班（值班空档）"))
            self.shift_label.setProperty("role", "error")
            self._shift_end = None
        else:
            names = "、".join(p["display_name"] for p in view.operators)
            text = tr("当班：带班领导 {leader}｜值班员 {operators}",
                      leader=view.leader_name or "—", operators=names)
            if waiting:
                # The rota's next shift is not answerable until the handover is signed.
                text += tr("（已到交班时间，尚未交接）")
            self.shift_label.setText(text)
            self.shift_label.setProperty("role", "error" if waiting else "")
            current = ShiftService(self.store).current()
            self._shift_end = current.ends_at if current else view.ends_at
        self.shift_label.style().unpolish(self.shift_label)
        self.shift_label.style().polish(self.shift_label)

    def show_links(self, connected: int, total: int) -> None:
        """How many registered comms links are up (from the comms page); red when not all."""
        if total == 0:
            self.link_label.setText(tr("通信链路：未配置"))
        else:
            self.link_label.setText(tr("通信链路：{up}/{total} 已连接", up=connected,
                                       total=total))
        self.link_label.setProperty("role", "error" if connected < total else "")
        self.link_label.style().unpolish(self.link_label)
        self.link_label.style().polish(self.link_label)

    def show_deadline(self, text: str, state: str) -> None:
        """The nearest reporting deadline (from the reporting watch)."""
        self.deadline_label.setText(text)
        self.deadline_label.setProperty("role", "error" if state in ("overdue", "soon") else "")
        self.deadline_label.style().unpolish(self.deadline_label)
        self.deadline_label.style().polish(self.deadline_label)

    def tick(self) -> None:
        """Advance the clock; at a shift boundary, re-read the rota."""
        now = self.store.clock.now()
        local = to_local(now, self.zone_name)
        stamp = local.strftime("%Y-%m-%d %H:%M:%S")
        weekday = (tr("星期一"), tr("星期二"), tr("星期三"), tr("星期四"), tr("星期五"),
                   tr("星期六"), tr("星期日"))[local.weekday()]
        self.clock_label.setText(tr("{time} {weekday}", time=stamp, weekday=weekday))
        if self._shift_end is None or now >= self._shift_end:
            if self._shift_end is not None or local.second == 0:
                self.refresh_shift()
