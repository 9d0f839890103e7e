"""The 通信 page with a simulated BeiDou terminal on a real pty: send with status, an incoming
message filed as 接报 with one key, a position on the map, read-only users cannot send."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from commandcentre.accounts import system_session
from commandcentre.comms.service import CommsService
from commandcentre.comms.simulator import CardSettings, PtyTerminal, SimulatedTerminal
from commandcentre.duty.intake import IntakeService
from tests.gui.typing import type_text
from ui.main_window import MainWindow
from ui.pages.comms import CommsPage

pytestmark = pytest.mark.gui


@pytest.fixture
def terminal(demo_store):
    sim = PtyTerminal(SimulatedTerminal(CardSettings(interval_s=0)))
    CommsService(demo_store).add_device(system_session("t"), name="北斗指挥机", protocol="beidou",
                                        port=sim.path, address="0875001",
                                        team="青峪县森林草原专业扑火队")
    yield sim
    sim.close()


@pytest.fixture
def page(qtbot, demo_store, login_as, terminal):
    widget = CommsPage(demo_store, login_as("zhiban"), "Asia/Shanghai")
    qtbot.addWidget(widget)
    yield widget
    widget.shutdown()


def member_with_card(store) -> dict:
    return store.one("SELECT m.name, m.beidou_card, t.name AS team FROM member m JOIN team t"
                     " ON t.id = m.team_id WHERE m.beidou_card IS NOT NULL ORDER BY m.name"
                     " LIMIT 1")


def test_link_connects_and_a_message_goes_out_with_its_status(qtbot, page, terminal,
                                                              demo_store):
    qtbot.waitUntil(lambda: "已连接" in page.links_model.row(0)["state"], timeout=5000)
    member = member_with_card(demo_store)
    labels = [page.to_box.itemText(n) for n in range(page.to_box.count())]
    pick = next(n for n, t in enumerate(labels) if member["beidou_card"] in t)
    page.to_box.setCurrentIndex(pick)
    type_text(page.text_edit, "请报告北线火头位置")
    qtbot.keyClick(page.text_edit, Qt.Key.Key_Return)
    assert "已进入发信队列" in page.send_status.text()
    qtbot.waitUntil(lambda: bool(terminal.terminal.sent), timeout=5000)
    assert terminal.terminal.sent[0] == (member["beidou_card"],
                                         "请报告北线火头位置".encode("gbk"))
    qtbot.waitUntil(lambda: "终端已受理" in page.conversation.toPlainText(), timeout=5000)
    assert page.threads_model.row(0)["who"] == f"{member['team']} {member['name']}"


def test_incoming_message_waits_and_enter_files_it_as_intake(qtbot, page, terminal,
                                                            demo_store):
    qtbot.waitUntil(lambda: "已连接" in page.links_model.row(0)["state"], timeout=5000)
    member = member_with_card(demo_store)
    terminal.write(SimulatedTerminal.message(member["beidou_card"], "老鹰岩方向发现烟点"))
    qtbot.waitUntil(lambda: page.unfiled_list.count() == 1, timeout=5000)
    assert page.unfiled_title.text() == "待确认来报（1）"
    assert "老鹰岩方向发现烟点" in page.unfiled_list.item(0).text()
    assert member["name"] in page.unfiled_list.item(0).text()
    page.unfiled_list.setFocus()
    qtbot.keyClick(page.unfiled_list, Qt.Key.Key_Return)
    assert page.unfiled_list.count() == 0
    (record,) = IntakeService(demo_store).list(text="老鹰岩方向发现烟点")
    assert record["channel"] == "北斗" and record["caller_name"] == member["name"]
    assert "已登记为接报" in page.send_status.text()


def test_a_position_appears_on_the_map(qtbot, page, terminal):
    qtbot.waitUntil(lambda: "已连接" in page.links_model.row(0)["state"], timeout=5000)
    terminal.write(SimulatedTerminal.position(25.86, 99.52))
    qtbot.waitUntil(lambda: len(page.map.dots) == 1, timeout=5000)
    (dot,) = page.map.dots
    assert dot["team"] == "青峪县森林草原专业扑火队" and not dot["stale"]
    assert abs(dot["lat"] - 25.86) < 1e-6


def test_an_observer_reads_but_cannot_send(qtbot, demo_store, login_as, terminal):
    widget = CommsPage(demo_store, login_as("guancha"), "Asia/Shanghai", autostart=False)
    qtbot.addWidget(widget)
    assert not widget.send_button.isEnabled() and not widget.file_button.isEnabled()
    assert "未连接" in widget.links_model.row(0)["state"]
    widget.shutdown()


def test_main_window_counts_unfiled_messages_in_the_navigation(qtbot, demo_store, login_as,
                                                               terminal):
    window = MainWindow(demo_store, login_as("zhiban"))
    qtbot.addWidget(window)
    try:
        qtbot.waitUntil(lambda: "已连接" in window.comms.links_model.row(0)["state"],
                        timeout=5000)
        window.comms.poll()
        assert window.status.link_label.text() == "通信链路：1/1 已连接"
        terminal.write(SimulatedTerminal.message("0999999", "陌生卡号来报"))
        row = window.sections.index("通信")
        qtbot.waitUntil(lambda: window.nav.item(row).text() == "通信（1）", timeout=5000)
    finally:
        window.close()
    assert not window.comms.hub.runners  # closing the window closed the link


def test_the_periodic_refresh_leaves_what_the_operator_reads_alone(qtbot, page, terminal,
                                                                   demo_store, monkeypatch):
    qtbot.waitUntil(lambda: "已连接" in page.links_model.row(0)["state"], timeout=5000)
    member = member_with_card(demo_store)
    terminal.write(SimulatedTerminal.message(member["beidou_card"], "一号点已到达") +
                   SimulatedTerminal.message("0999999", "陌生卡号"))
    qtbot.waitUntil(lambda: page.unfiled_list.count() == 2, timeout=5000)
    page.unfiled_list.setCurrentRow(1)
    page.threads_view.selectRow(0)
    renders = []
    monkeypatch.setattr(page.conversation, "setHtml", lambda html: renders.append(html))
    monkeypatch.setattr(page.map, "set_positions", lambda *a: renders.append("map"))
    page.refresh()
    page.refresh()
    assert renders == [] and page.unfiled_list.currentRow() == 1
    terminal.write(SimulatedTerminal.message(page.peer, "补充：二号点也已到达"))
    # A new message in the open conversation is shown at once.
    qtbot.waitUntil(lambda: any("补充：二号点也已到达" in r for r in renders), timeout=5000)
