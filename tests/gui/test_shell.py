"""The app shell, driven like a user would: typing, clicking, waiting for the idle lock."""

from __future__ import annotations

import logging
import sqlite3

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox

from commandcentre.demo import DEMO_PASSWORD
from commandcentre.duty.handover import HandoverService
from commandcentre.duty.shifts import ShiftService
from commandcentre.i18n import set_language
from commandcentre.storage import Store, pack_version
from ui.app import AppController, create_application
from ui.crash import CrashHandler
from ui.login import LoginWindow
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def test_login_with_the_keyboard_emits_a_session(qtbot, demo_store):
    window = LoginWindow(demo_store, demo_password=DEMO_PASSWORD)
    qtbot.addWidget(window)
    window.show()
    assert "演示账号" in window.findChild(QLabel, "demoHint").text()
    qtbot.keyClicks(window.username, "zhiban")
    qtbot.keyClick(window.username, Qt.Key.Key_Return)
    qtbot.keyClicks(window.password, DEMO_PASSWORD)
    with qtbot.waitSignal(window.logged_in, timeout=5000) as blocker:
        qtbot.keyClick(window.password, Qt.Key.Key_Return)
    session = blocker.args[0]
    assert session.username == "zhiban" and session.role.value == "operator"


def test_wrong_password_shows_the_reason_and_clears_the_field(qtbot, demo_store):
    window = LoginWindow(demo_store)
    qtbot.addWidget(window)
    qtbot.keyClicks(window.username, "zhiban")
    qtbot.keyClicks(window.password, "wrong-password1")
    qtbot.mouseClick(window.button, Qt.MouseButton.LeftButton)
    assert window.error.text() == "用户名或密码错误。"
    assert window.password.text() == ""


def test_main_window_has_the_six_sections_and_real_status(qtbot, demo_store, login_as):
    window = MainWindow(demo_store, login_as("zhiban"))
    qtbot.addWidget(window)
    window.show()
    assert window.sections == ["值班", "事件", "预案", "队伍与资源", "通信", "报告"]
    assert "青峪县" in window.windowTitle() and "演示" in window.windowTitle()
    # The demo has no handover yet, so the shift that ended last is still answerable.
    shift, waiting = HandoverService(demo_store).responsible_shift()
    assert shift is not None and waiting
    assert shift.ends_at == ShiftService(demo_store).current().starts_at
    status = window.status.shift_label.text()
    assert "尚未交接" in status
    assert shift.leader_name in status
    assert all(p["display_name"] in status for p in shift.operators)
    assert "星期" in window.status.clock_label.text()  # e.g. 星期三
    assert "值班员" in window.status.user_label.text()


def test_every_section_is_a_real_page(qtbot, demo_store, login_as):
    window = MainWindow(demo_store, login_as("zhiban"))
    qtbot.addWidget(window)
    for name in window.sections:
        window.show_section(name)
        assert window.pages.currentWidget().findChild(QLabel, "notAvailable") is None


def test_incident_and_team_lists_show_the_demo_records(qtbot, demo_store, login_as):
    window = MainWindow(demo_store, login_as("guancha"))  # an observer may read
    qtbot.addWidget(window)
    window.show_section("事件")
    incidents = window.pages.currentWidget().model
    assert incidents.rowCount() == 3
    titles = [incidents.row(n)["title"] for n in range(3)]
    assert any("演练" in t for t in titles)
    window.show_section("队伍与资源")
    teams = window.pages.currentWidget().tabs["teams"].model
    count = demo_store.scalar("SELECT count(*) FROM team")
    assert teams.rowCount() == count
    first = teams.row(0)
    assert first["members"] == first["headcount"]


def test_idle_lock_hides_content_until_the_password(qtbot, qapp, demo_store, login_as):
    window = MainWindow(demo_store, login_as("zhiban"), idle_ms=150, app=qapp)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.locked, timeout=3000)
    assert not window.menuBar().isEnabled()
    qtbot.keyClicks(window.lock_page.password, "not-it-123")
    qtbot.keyClick(window.lock_page.password, Qt.Key.Key_Return)
    assert window.locked and window.lock_page.error.text() == "密码错误。"
    qtbot.keyClicks(window.lock_page.password, DEMO_PASSWORD)
    qtbot.keyClick(window.lock_page.password, Qt.Key.Key_Return)
    assert not window.locked and window.menuBar().isEnabled()


def test_ctrl_l_locks_at_once(qtbot, demo_store, login_as):
    window = MainWindow(demo_store, login_as("daiban"))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    # Through the window, as the platform delivers a real key press (shortcut map included).
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.locked, timeout=2000)


def test_english_interface(qtbot, demo_store, login_as):
    set_language("en")
    window = MainWindow(demo_store, login_as("zhiban"))
    qtbot.addWidget(window)
    assert window.sections == ["Duty", "Incidents", "Plans", "Teams & resources",
                               "Comms", "Reports"]
    assert "Command Centre" in window.windowTitle()
    assert "Leader on duty" in window.status.shift_label.text()


def test_first_start_creates_the_demo_county_and_shows_login(qtbot, qapp, tmp_path):
    controller = AppController(tmp_path / "new.db", app=qapp)
    controller.start()
    assert controller.progress is not None and controller.progress.isVisible()
    qtbot.waitUntil(lambda: controller.login is not None and controller.login.isVisible(),
                    timeout=30000)
    assert controller.progress is None
    assert "demo2026" in controller.login.findChild(QLabel, "demoHint").text()
    with qtbot.waitSignal(controller.finished, timeout=3000) as done:
        controller.login.close()
    assert done.args == [0]


def test_a_newer_file_is_refused_with_a_message_and_left_alone(qtbot, qapp, tmp_path):
    path = tmp_path / "future.db"
    Store.open(path).close()
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {pack_version(9, 0)}")
    raw.execute("PRAGMA journal_mode = DELETE")
    raw.close()
    before = path.read_bytes()
    controller = AppController(path, app=qapp)
    controller.start()
    box = controller.message
    assert box is not None and box.isVisible() and "更新版本" in box.text()
    with qtbot.waitSignal(controller.finished, timeout=3000) as done:
        box.button(QMessageBox.StandardButton.Ok).click()
    assert done.args == [4]
    assert path.read_bytes() == before


def test_login_then_logout_returns_to_login(qtbot, qapp, demo_store):
    path = demo_store.path
    demo_store.close()
    controller = AppController(path, app=qapp)
    controller.start()
    login = controller.login
    qtbot.keyClicks(login.username, "admin")
    qtbot.keyClicks(login.password, DEMO_PASSWORD)
    qtbot.mouseClick(login.button, Qt.MouseButton.LeftButton)
    assert controller.window is not None and controller.window.isVisible()
    controller.window.logout()
    qtbot.waitUntil(lambda: controller.login is not None and controller.login.isVisible())
    with qtbot.waitSignal(controller.finished, timeout=3000):
        controller.login.close()


def test_crash_handler_logs_and_shows_a_dialog(qtbot, qapp, tmp_path, caplog):
    handler = CrashHandler(tmp_path / "cc.log")
    try:
        raise ValueError("boom in a slot")
    except ValueError as err:
        with caplog.at_level(logging.ERROR):
            handler.excepthook(type(err), err, err.__traceback__)
    assert "boom in a slot" in caplog.text
    box = handler.last_dialog
    assert box is not None and box.isVisible() and box.objectName() == "crashDialog"
    assert "不会丢失" in box.text() and "boom in a slot" in box.detailedText()
    box.close()
    box.deleteLater()


def test_application_uses_a_cjk_font(qapp):
    app = create_application()
    assert app.font().family() in ("WenQuanYi Micro Hei", "Microsoft YaHei UI",
                                   "Microsoft YaHei", "Noto Sans CJK SC", "文泉驿微米黑")


def test_launch_runs_the_qasync_loop_until_the_login_window_closes(qapp, demo_store):
    """The real entry path: CLI context → launch() → qasync loop → login → close → exit 0."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from commandcentre.cli.context import Context
    from commandcentre.cli.main import build_parser
    from ui.app import launch

    path = demo_store.path
    demo_store.close()
    seen = []

    def close_login() -> None:
        logins = [w for w in QApplication.topLevelWidgets()
                  if isinstance(w, LoginWindow) and w.isVisible()]
        if not logins:
            QTimer.singleShot(50, close_login)
            return
        seen.append(logins[0].windowTitle())
        logins[0].close()

    QTimer.singleShot(50, close_login)
    args = build_parser().parse_args(["--db", str(path), "gui"])
    assert launch(Context(args)) == 0
    assert seen == ["应急值守指挥台 — 登录"]
