"""The incidents page and the reporting alarm, with an injected clock (no sleeping)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QDateTime

from commandcentre.accounts import AccountService
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.hazards import load_hazards
from commandcentre.incidents.model import IncidentInput
from commandcentre.incidents.service import IncidentService
from commandcentre.reporting.service import ReportingService
from commandcentre.storage import Store
from commandcentre.timeutil import FixedClock
from tests.gui.typing import type_text
from ui.alarm import ReportingWatch
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui
START = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai


@pytest.fixture
def clocked(demo_copy):
    clock = FixedClock(START)
    store = Store.open(demo_copy, clock=clock)
    yield store, clock
    store.close()


@pytest.fixture(scope="module")
def hazards():
    return load_hazards()[0]


def open_fire(store, hazards, minutes_ago: int = 0) -> str:
    op = AccountService(store).authenticate("zhiban", DEMO_PASSWORD)
    now = store.clock.now()
    return IncidentService(store, hazards).create(op, IncidentInput(
        title="鹿子坪村山火", hazard="forest_fire",
        occurred_at=now - timedelta(minutes=minutes_ago + 5),
        received_at=now - timedelta(minutes=minutes_ago), township="竹箐乡"))


def test_alarm_fires_at_the_lead_time_and_at_the_deadline(qtbot, clocked, hazards):
    store, clock = clocked
    open_fire(store, hazards)  # forest fire: phone 首报 within 30 min
    watch = ReportingWatch(ReportingService(store, hazards), refresh_s=0)
    alarms, nearest = [], []
    watch.alarm.connect(lambda *a: alarms.append(a))
    watch.nearest_changed.connect(lambda text, state: nearest.append((text, state)))
    watch.tick()
    assert alarms == [] and "首报（电话）" in nearest[-1][0] and nearest[-1][1] == "due"
    clock.advance(timedelta(minutes=15))
    watch.tick()
    assert alarms == [("鹿子坪村山火", "首报（电话）", 15, "09:30")]
    assert nearest[-1][1] == "soon"
    clock.advance(timedelta(minutes=10))
    watch.tick()
    assert alarms[-1][2] == 5
    clock.advance(timedelta(minutes=5))
    watch.tick()
    assert alarms[-1][:3] == ("鹿子坪村山火", "首报（电话）", 0)
    clock.advance(timedelta(minutes=1))
    watch.tick()
    assert len(alarms) == 3  # each lead once, never repeated
    assert "已逾期" in nearest[-1][0] and nearest[-1][1] == "overdue"
    clock.advance(timedelta(minutes=14))  # 45 min: the written 首报 (60 min) reaches its lead
    watch.tick()
    assert alarms[-1] == ("鹿子坪村山火", "首报（书面）", 15, "10:00")


def test_main_window_shows_the_banner_and_the_deadline(qtbot, clocked, hazards, login_as):
    store, clock = clocked
    open_fire(store, hazards, minutes_ago=29)
    window = MainWindow(store, AccountService(store).authenticate("zhiban", DEMO_PASSWORD),
                        hazards=hazards)
    qtbot.addWidget(window)
    window.show()
    # Started one minute before the phone deadline: the 5-minute lead is the one reached.
    assert window.banner.isVisible() and "09:01 前报送（不足 5 分钟）" in window.banner.text()
    assert "首报（电话）" in window.status.deadline_label.text()
    clock.advance(timedelta(minutes=1))
    window.watch.invalidate()
    window.watch.tick()
    assert "已到报送时限" in window.banner.text()
    window.banner.click()
    assert not window.banner.isVisible()


def test_incident_page_records_casualties_and_a_report(qtbot, clocked, hazards):
    store, _clock = clocked
    iid = open_fire(store, hazards)
    window = MainWindow(store, AccountService(store).authenticate("zhiban", DEMO_PASSWORD),
                        hazards=hazards)
    qtbot.addWidget(window)
    window.show_section("事件")
    page = window.incidents
    assert page.model.rowCount() == 4
    page.detail.show_incident(iid)
    assert "森林草原火灾" in page.detail.header.text()
    assert page.detail.buttons["decide"].isEnabled() is False  # operators do not decide
    dialog = page.detail.open_action("casualties")
    dialog.set("injured", 2)
    dialog.ok.click()
    assert "来源" in dialog.error.text() and dialog.isVisible()  # nothing saved without a source
    type_text(dialog.widgets["source"][1], "竹箐乡卫生院")
    dialog.ok.click()
    assert not dialog.isVisible()
    kinds = [page.detail.entries.row(n)["kind"] for n in range(page.detail.entries.rowCount())]
    assert kinds == ["snapshot"]
    dialog = page.detail.open_action("report")
    dialog.set("kind", "首报")
    dialog.set("channel", "电话")
    type_text(dialog.widgets["to"][1], "市应急管理局")
    dialog.ok.click()
    statuses = {page.detail.obligations.row(n)["key"]: page.detail.obligations.row(n)["status"]
                for n in range(page.detail.obligations.rowCount())}
    assert statuses["首报/电话"] == "done" and statuses["首报/书面"] == "due"
    assert sum(page.detail.timeline.lane_counts().values()) == 2


def test_new_incident_dialog_from_the_page(qtbot, clocked, hazards):
    store, _clock = clocked
    window = MainWindow(store, AccountService(store).authenticate("zhiban", DEMO_PASSWORD),
                        hazards=hazards)
    qtbot.addWidget(window)
    dialog = window.incidents.new_incident()
    type_text(dialog.widgets["title"][1], "岚桥化工园区储罐泄漏")
    dialog.set("hazard", "生产安全事故")
    dialog.set("township", "岚桥镇")
    earlier = QDateTime(datetime(2026, 12, 2, 8, 50))
    dialog.set("occurred", earlier)
    dialog.set("received", earlier.addSecs(300))
    dialog.ok.click()
    assert not dialog.isVisible(), dialog.error.text()
    assert window.incidents.model.rowCount() == 4
    assert "岚桥化工园区储罐泄漏" in window.incidents.detail.header.text()


def test_intake_promoted_to_an_incident(qtbot, clocked, hazards):
    from commandcentre.duty.intake import IntakeInput, IntakeService

    store, _clock = clocked
    op = AccountService(store).authenticate("zhiban", DEMO_PASSWORD)
    intake = IntakeService(store).record(op, IntakeInput(content="杉坪镇大箐村后山起火，火势较大",
                                                         location="杉坪镇大箐村"))
    window = MainWindow(store, op, hazards=hazards)
    qtbot.addWidget(window)
    detail = window.duty.open_record(intake.root_id)
    assert detail.promote.isVisibleTo(detail)
    detail.promote.click()
    dialog = window.incidents.dialog
    assert window.pages.currentWidget() is window.incidents
    assert dialog.values()["place"] == "杉坪镇大箐村"
    dialog.set("hazard", "森林草原火灾")
    dialog.set("occurred", QDateTime(datetime(2026, 12, 2, 8, 0)))  # before the 09:00 call
    dialog.ok.click()
    assert not dialog.isVisible(), dialog.error.text()
    assert IntakeService(store).get(intake.root_id).incident_id is not None


def test_report_dialog_drafts_previews_and_signs(qtbot, clocked, hazards, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    store, _clock = clocked
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    iid = open_fire(store, hazards)
    leader = AccountService(store).authenticate("daiban", DEMO_PASSWORD)
    window = MainWindow(store, leader, hazards=hazards)
    qtbot.addWidget(window)
    window.show_section("事件")
    window.incidents.detail.show_incident(iid)
    dialog = window.incidents.detail.open_action("sitrep")
    assert "首报" in dialog.lines["title"].text() and "竹箐乡" in dialog.lines["title"].text()
    dialog.texts["next_steps"].setPlainText("继续组织扑救。")
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=20000)
    assert dialog.last_preview.exists()
    type_text(dialog.password, "wrong-password1")
    dialog.sign_button.click()
    assert "密码" in dialog.message.text() or "错误" in dialog.message.text()
    type_text(dialog.password, DEMO_PASSWORD)
    dialog.sign_button.click()
    assert "基本情况不能为空" in dialog.message.text()  # nothing is signed half-written
    type_text(dialog.texts["situation"], "竹箐乡鹿子坪村后山发生森林火灾，扑救力量已到场。")
    type_text(dialog.password, DEMO_PASSWORD)
    with qtbot.waitSignal(dialog.signed, timeout=20000) as done:
        dialog.sign_button.click()
    assert len(done.args[0]["sha256"]) == 64
    window.reports.refresh()
    assert window.reports.model.rowCount() == 1
    statuses = {window.incidents.detail.obligations.row(n)["key"]:
                window.incidents.detail.obligations.row(n)["status"]
                for n in range(window.incidents.detail.obligations.rowCount())}
    assert statuses["首报/书面"] == "done"


def test_print_dialog_renders_the_binder_off_the_gui_thread(qtbot, clocked, hazards,
                                                             monkeypatch):
    from PySide6.QtGui import QDesktopServices

    store, _clock = clocked
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    iid = open_fire(store, hazards)
    window = MainWindow(store, AccountService(store).authenticate("zhiban", DEMO_PASSWORD),
                        hazards=hazards)
    qtbot.addWidget(window)
    detail = window.incidents.detail
    detail.show_incident(iid)
    dialog = detail.open_action("print")
    dialog.set("what", "演练评估报告")
    dialog.ok.click()
    assert "只用于演练" in dialog.error.text()  # a real incident has no after-action report
    dialog.set("what", "应急处置卡（一页）")
    dialog.ok.click()
    qtbot.waitUntil(lambda: bool(opened), timeout=20000)
    assert detail.last_printed.exists() and "已生成" in detail.message.text()
