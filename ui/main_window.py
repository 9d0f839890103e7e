"""The main window: navigation for 值班 / 事件 / 预案 / 队伍与资源 / 通信 / 报告, the status bar,
and the idle lock that hides everything until the user re-enters the password."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from commandcentre import __version__
from commandcentre.accounts import AccountService, Session
from commandcentre.i18n import tr
from commandcentre.reporting.service import ReportingService
from commandcentre.settings import Settings
from commandcentre.storage import Store

from .alarm import ReportingWatch, sound_alarm
from .lock import IdleWatcher, LockPage
from .pages.comms import CommsPage
from .pages.duty import DutyPage
from .pages.incidents import IncidentsPage
from .pages.plans import PlansPage
from .pages.reports import ReportsPage
from .pages.rosters import RostersPage
from .statusbar import DutyStatusBar


class MainWindow(QMainWindow):
    """One logged-in user's window on one store."""

    logged_out = Signal()

    def __init__(self, store: Store, session: Session, *, idle_ms: int | None = None,
                 app=None, hazards=None, comms_autostart: bool = True, parent=None):
        super().__init__(parent)
        self.store, self.session = store, session
        if hazards is None:
            from commandcentre.hazards import load_hazards

            hazards, _report = load_hazards(store)
        self.hazards = hazards
        settings = Settings(store)
        self.zone_name = settings.get("ui.timezone")
        county = settings.get("county.name")
        title = tr("应急值守指挥台 — {county}", county=county) if county else tr("应急值守指挥台")
        if settings.get("demo"):
            title += tr("（演示数据）")
        self.setWindowTitle(title)

        self.nav = QListWidget(objectName="nav")
        self.pages = QStackedWidget(objectName="pages")
        self._sections: list[str] = []
        self.duty = DutyPage(store, session, self.zone_name)
        self._add(tr("值班"), self.duty)
        self.incidents = IncidentsPage(store, session, hazards, self.zone_name)
        self._add(tr("事件"), self.incidents)
        self.duty.promote_requested.connect(self.promote_intake)
        self.plans = PlansPage(store, session, hazards)
        self._add(tr("预案"), self.plans)
        self.rosters = RostersPage(store, session, hazards)
        self._add(tr("队伍与资源"), self.rosters)
        self.comms = CommsPage(store, session, self.zone_name, autostart=comms_autostart)
        self._add(tr("通信"), self.comms)
        self.comms.unfiled_changed.connect(self._show_unfiled)
        self.comms.intake_filed.connect(self.duty._refresh_lists)
        self.reports = ReportsPage(store, session, hazards, self.zone_name)
        self._add(tr("报告"), self.reports)
        self.nav.setFixedWidth(168)
        self.nav.currentRowChanged.connect(self.pages.setCurrentIndex)
        self.nav.setCurrentRow(0)

        self.banner = QPushButton(objectName="alarmBanner")
        self.banner.setStyleSheet("QPushButton#alarmBanner { background: #c0392b; color: white;"
                                  " font-size: 16px; font-weight: bold; padding: 8px;"
                                  " border: none; text-align: left; }")
        self.banner.setToolTip(tr("点击确认提醒"))
        self.banner.clicked.connect(self.banner.hide)
        self.banner.hide()
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.banner)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.nav)
        row.addWidget(self.pages, 1)
        column.addLayout(row, 1)
        self.lock_page = LockPage(AccountService(store), session)
        self.lock_page.unlocked.connect(self.unlock)
        self.screen = QStackedWidget()
        self.screen.addWidget(content)
        self.screen.addWidget(self.lock_page)
        self.setCentralWidget(self.screen)

        self.status = DutyStatusBar(store, session, self.zone_name)
        self.setStatusBar(self.status)
        self.comms.links_changed.connect(self.status.show_links)
        self.comms.refresh_links()
        self.duty.handover.completed.connect(self.status.refresh_shift)
        self.watch = ReportingWatch(ReportingService(store, hazards, zone_name=self.zone_name),
                                    parent=self)
        self.watch.nearest_changed.connect(self.status.show_deadline)
        self.watch.alarm.connect(self.show_alarm)
        self.incidents.changed.connect(self.watch.invalidate)
        self.incidents.changed.connect(self.reports.refresh)
        self.watch.start()
        self._menus()

        minutes = settings.get("ui.idle_lock_minutes")
        interval = idle_ms if idle_ms is not None else minutes * 60_000
        self.idle = None
        if interval > 0 and app is not None:
            self.idle = IdleWatcher(app, interval, self)
            self.idle.idle.connect(self.lock)
        self.resize(1360, 860)

    def _add(self, name: str, page: QWidget) -> None:
        self._sections.append(name)
        self.nav.addItem(name)
        self.pages.addWidget(page)

    def _show_unfiled(self, count: int) -> None:
        """The 通信 entry in the navigation says how many messages wait to be filed."""
        row = self._sections.index(tr("通信"))
        self.nav.item(row).setText(tr("通信（{n}）", n=count) if count else tr("通信"))

    @property
    def sections(self) -> list[str]:
        return list(self._sections)

    def show_section(self, name: str) -> None:
        self.nav.setCurrentRow(self._sections.index(name))

    def _menus(self) -> None:
        menu = self.menuBar().addMenu(tr("系统"))
        new = QAction(tr("新接报"), self, shortcut=QKeySequence("Ctrl+N"))
        new.triggered.connect(self.new_intake)
        lock = QAction(tr("锁定屏幕"), self, shortcut=QKeySequence("Ctrl+L"))
        lock.triggered.connect(self.lock)
        logout = QAction(tr("注销"), self)
        logout.triggered.connect(self.logout)
        quit_ = QAction(tr("退出"), self, shortcut=QKeySequence("Ctrl+Q"))
        quit_.triggered.connect(self.close)
        for action in (new, lock, logout, quit_):
            menu.addAction(action)
            self.addAction(action)  # shortcuts work even where the menu bar is not native
        help_menu = self.menuBar().addMenu(tr("帮助"))
        about = QAction(tr("关于"), self)
        about.triggered.connect(self.about)
        help_menu.addAction(about)

    def show_alarm(self, incident: str, report: str, lead: int, due: str) -> None:
        """A deadline is near or here: a red banner over everything and a sound."""
        if lead:
            text = tr("【报送提醒】{incident}：{report} 须在 {due} 前报送（不足 {n} 分钟）",
                      incident=incident, report=report, due=due, n=lead)
        else:
            text = tr("【报送提醒】{incident}：{report} 已到报送时限！", incident=incident,
                      report=report)
        self.banner.setText(text)
        self.banner.show()
        self.alarms = [*getattr(self, "alarms", []), text]
        sound_alarm()

    def promote_intake(self, record: dict) -> None:
        """Open the 新建事件 dialog for an intake record (it is linked on save)."""
        self.show_section(tr("事件"))
        self.incidents.new_incident(from_intake=record)

    def new_intake(self) -> None:
        """Start a new intake record from anywhere in the window."""
        if self.locked:
            return
        self.show_section(tr("值班"))
        self.duty.new_intake()

    @property
    def locked(self) -> bool:
        return self.screen.currentWidget() is self.lock_page

    def lock(self) -> None:
        """Hide all content until the password is entered again."""
        if self.locked:
            return
        self.screen.setCurrentWidget(self.lock_page)
        self.menuBar().setEnabled(False)
        self.lock_page.prepare()

    def unlock(self) -> None:
        self.screen.setCurrentIndex(0)
        self.menuBar().setEnabled(True)
        if self.idle is not None:
            self.idle.restart()

    def logout(self) -> None:
        self.logged_out.emit()
        self.close()

    def about(self) -> None:
        QMessageBox.about(self, tr("关于"), tr(
            "应急值守指挥台 {version}\n数据库：{path}\n格式版本：{schema}",
            version=__version__, path=str(self.store.path),
            schema="{}.{}".format(*self.store.version)))

    def closeEvent(self, event) -> None:
        self.watch.stop()
        self.comms.shutdown()
        if self.idle is not None:
            self.idle.stop()
        super().closeEvent(event)
