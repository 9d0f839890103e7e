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
