"""The 预案 page and plan activation on an incident, on the demo county's twelve plans."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commandcentre.accounts import AccountService
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.hazards import load_hazards
from commandcentre.incidents.model import IncidentInput
from commandcentre.incidents.service import IncidentService
from tests.gui.typing import type_text
from ui.main_window import MainWindow
from ui.pages.plans import PlansPage

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def hazards():
    return load_hazards()[0]


def test_library_lists_the_demo_plans_and_their_alerts(qtbot, demo_store, login_as, hazards):
    page = PlansPage(demo_store, login_as("zhiban"), hazards)
    qtbot.addWidget(page)
    assert page.results.count() == 12 and "12 部预案" in page.count.text()
    assert page.alerts.isVisibleTo(page) and "评估" in page.alerts.text()
    page.type.setCurrentText("企业现场处置方案")
    assert page.results.count() == 1


def test_search_while_typing_opens_the_matching_section(qtbot, demo_store, login_as, hazards):
    page = PlansPage(demo_store, login_as("zhiban"), hazards)
    qtbot.addWidget(page)
    type_text(page.search, "液氯")
    qtbot.waitUntil(lambda: "处匹配" in page.count.text(), timeout=2000)
    assert page.results.count() > 0
    page.results.setCurrentRow(0)
    assert page.view is not None and page.tree.topLevelItemCount() > 0
    assert "background:#ffe08a" in page.reader.toHtml() or "液氯" in page.reader.toPlainText()
    page.search.clear()
    type_text(page.search, "火")  # one character finds every occurrence too
    qtbot.waitUntil(lambda: "处匹配" in page.count.text(), timeout=2000)
    assert page.results.count() > 5


def test_activation_builds_the_checklist_and_completion_shows_on_the_timeline(
        qtbot, demo_store, hazards):
    op = AccountService(demo_store).authenticate("zhiban", DEMO_PASSWORD)
    now = demo_store.clock.now()
    iid = IncidentService(demo_store, hazards).create(op, IncidentInput(
        title="老鹰岩森林火灾", hazard="forest_fire", occurred_at=now - timedelta(minutes=40),
        received_at=now - timedelta(minutes=30), township="竹箐乡"))
    window = MainWindow(demo_store, op, hazards=hazards)
    qtbot.addWidget(window)
    detail = window.incidents.detail
    detail.show_incident(iid)
    dialog = detail.open_action("activate")
    labels = [dialog.widgets["plan"][1].itemText(n)
              for n in range(dialog.widgets["plan"][1].count())]
    assert "森林草原火灾" in labels[0] and "推荐" in labels[0]
    dialog.set("level", "Ⅳ")
    dialog.ok.click()
    assert not dialog.isVisible(), dialog.error.text()
    assert detail.checklist.rowCount() > 3
    assert "Ⅳ" in detail.plan_label.text()
    detail.tabs.setCurrentIndex(3)
    detail.checklist_view.selectRow(0)
    detail.complete_selected()
    assert detail.checklist.row(0)["state"] == "done"
    kinds = [detail.entries.row(n)["kind"] for n in range(detail.entries.rowCount())]
    assert kinds.count("plan") >= 2  # the activation and the completed item
