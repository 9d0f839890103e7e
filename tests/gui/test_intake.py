"""The intake form driven with the keyboard only; drafts survive a kill; corrections show."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from commandcentre.demo import DEMO_PASSWORD
from commandcentre.duty.drafts import DraftStore
from commandcentre.duty.intake import IntakeInput, IntakeService
from tests.conftest import ROOT
from tests.gui.typing import type_text
from ui.main_window import MainWindow

pytestmark = pytest.mark.gui


def type_keys(qtbot, text: str) -> None:
    """Type into whatever has the keyboard focus, then press Tab."""
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    if text:
        type_text(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Tab)


@pytest.fixture
def window(qtbot, demo_store, login_as):
    win = MainWindow(demo_store, login_as("zhiban"))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    return win


def test_keyboard_only_intake_saves_a_durable_record(qtbot, window, demo_store):
    window.show_section("预案")  # start somewhere else: Ctrl+N works from anywhere
    qtbot.keyClick(window.windowHandle(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    form = window.duty.form
    assert window.pages.currentWidget() is window.duty
    qtbot.waitUntil(lambda: QApplication.focusWidget() is form.edits["caller_unit"])
    for text in ("竹箐乡人民政府", "李明", "副乡长", "13908751234",
                 "鹿子坪村后山发现烟点，护林员已上山查看。", "鹿子坪村后山"):
        type_keys(qtbot, text)
    # 乡镇 combo: type to pick, then on through 已告知, 类型 to the 要情 box.
    township = QApplication.focusWidget()
    assert township is form.township
    qtbot.keyClick(township, Qt.Key.Key_Down)  # combo boxes take arrow keys
    while township.currentText() != "竹箐乡":
        qtbot.keyClick(township, Qt.Key.Key_Down)
    qtbot.keyClick(township, Qt.Key.Key_Tab)
    type_keys(qtbot, "乡森林防火办")
    type_keys(qtbot, "")  # 类型: keep 突发事件
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)  # 要情
    assert form.important.isChecked()
    with qtbot.waitSignal(form.saved, timeout=5000) as saved:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return,
                       Qt.KeyboardModifier.ControlModifier)
    view = saved.args[0]
    row = demo_store.get("intake_record", view.record["id"])
    assert row["caller_unit"] == "竹箐乡人民政府" and row["caller_phone"] == "13908751234"
    assert row["content"] == "鹿子坪村后山发现烟点，护林员已上山查看。"
    assert row["location"] == "鹿子坪村后山" and row["important"] == 1
    assert row["caller_notified"] == "乡森林防火办"
    assert demo_store.scalar("SELECT name FROM org_unit WHERE id = ?",
                             (row["township_id"],)) == "竹箐乡"
    assert "已保存" in form.status.text() and view.record["serial"] in form.status.text()
    assert form.content.toPlainText() == ""  # ready for the next call
    assert window.duty.today.model.rowCount() == 1
    assert DraftStore(demo_store.path).load("zhiban") is None


def test_invalid_save_keeps_the_text_and_says_why(qtbot, window, demo_store):
    form = window.duty.form
    form.edits["caller_unit"].setText("某单位")
    form.save()
    assert "内容不能为空" in form.status.text()
    assert form.edits["caller_unit"].text() == "某单位"
    assert demo_store.scalar("SELECT count(*) FROM intake_record") == 0
    assert DraftStore(demo_store.path).load("zhiban")["caller_unit"] == "某单位"


def test_important_records_are_highlighted(qtbot, window, demo_store, login_as):
    service = IntakeService(demo_store)
    service.record(login_as("zhiban"), IntakeInput(content="要情测试", important=True))
    service.record(login_as("zhiban"), IntakeInput(content="一般事项"))
    window.duty.today.refresh()
    model = window.duty.today.model
    colours = [model.data(model.index(n, 0), Qt.ItemDataRole.BackgroundRole)
               for n in range(model.rowCount())]
    important = [model.row(n)["important"] for n in range(model.rowCount())]
    assert [c is not None for c in colours] == [bool(i) for i in important]


def test_search_box_filters_while_typing(qtbot, window, demo_store, login_as):
    service = IntakeService(demo_store)
    for text in ("森林火灾报告", "道路塌方", "危化品车辆侧翻"):
        service.record(login_as("zhiban"), IntakeInput(content=text))
    listing = window.duty.records
    listing.refresh()
    assert listing.model.rowCount() == 3
    type_text(listing.search, "火")
    qtbot.waitUntil(lambda: listing.model.rowCount() == 1, timeout=2000)
    assert "1 条" in listing.count.text()


def test_correction_from_the_detail_dialog_keeps_both_versions(qtbot, window, demo_store,
                                                               login_as):
    service = IntakeService(demo_store)
    first = service.record(login_as("zhiban"), IntakeInput(content="鹿子坪村报火情",
                                                           caller_phone="13900000000"))
    window.duty.records.refresh()
    dialog = window.duty.open_record(first.root_id)
    qtbot.mouseClick(dialog.correct, Qt.MouseButton.LeftButton)
    form = window.duty.form
    assert form.correcting["id"] == first.record["id"] and form.reason.isVisible()
    form.edits["caller_phone"].setText("13900000001")
    form.save()
    assert "原因" in form.status.text()  # a correction must say why
    form.reason.setText("电话记错一位")
    with qtbot.waitSignal(form.saved):
        form.save()
    view = service.get(first.root_id)
    assert len(view.versions) == 2 and view.record["caller_phone"] == "13900000001"
    assert demo_store.get("intake_record", first.record["id"])["caller_phone"] == "13900000000"
    flags = [window.duty.records.model.row(n)["flags"]
             for n in range(window.duty.records.model.rowCount())]
    assert any("已更正" in f for f in flags)


def test_steps_from_the_detail_dialog(qtbot, window, demo_store, login_as):
    service = IntakeService(demo_store)
    view = service.record(login_as("zhiban"), IntakeInput(content="群众报告路灯杆倾斜"))
    dialog = window.duty.open_record(view.root_id)
    dialog.step.setCurrentText("报")
    dialog.add_step.click()
    assert "对象" in dialog.error.text()
    type_text(dialog.target, "带班领导")
    dialog.add_step.click()
    assert service.get(view.root_id).state == "报"
    dialog.step.setCurrentText("办结")
    type_text(dialog.note, "已转城管")
    dialog.add_step.click()
    assert service.get(view.root_id).state == "办结" and not dialog.add_step.isEnabled()


def test_observer_sees_records_but_cannot_type(qtbot, demo_store, login_as):
    win = MainWindow(demo_store, login_as("guancha"))
    qtbot.addWidget(win)
    assert not win.duty.form.isEnabled()
    assert "只能查看" in win.duty.form.status.text()


CHILD = textwrap.dedent("""
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    sys.path.insert(0, {root!r})
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication
    from commandcentre.accounts import AccountService
    from commandcentre.storage import Store
    from ui.app import create_application
    from ui.main_window import MainWindow
    from tests.gui.typing import type_text
    app = create_application()
    store = Store.open({db!r})
    win = MainWindow(store, AccountService(store).authenticate("zhiban", {pw!r}))
    win.show()
    form = win.duty.form
    form.content.setPlainText("第一条：已保存的记录")
    form.save()
    type_text(form.edits["caller_unit"], "县水务局")
    type_text(form.content, "第二条：正在输入还没保存的内容")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
        if os.path.exists({draft!r}):
            print("READY", flush=True)
            break
    time.sleep(60)  # wait to be killed
""")


def test_killed_app_keeps_saved_records_and_restores_the_draft(qtbot, demo_store, login_as):
    path = demo_store.path
    demo_store.close()
    drafts = DraftStore(path)
    draft_file = drafts.folder / "zhiban.intake.json"
    code = CHILD.format(root=str(ROOT), db=str(path), pw=DEMO_PASSWORD, draft=str(draft_file))
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert line.strip() == "READY", proc.stderr.read() if proc.poll() is not None else line
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    from commandcentre.storage import Store

    store = Store.open(path)
    try:
        contents = [r["content"] for r in store.query("SELECT content FROM intake_record")]
        assert contents == ["第一条：已保存的记录"]
        from commandcentre.accounts import AccountService

        win = MainWindow(store, AccountService(store).authenticate("zhiban", DEMO_PASSWORD))
        qtbot.addWidget(win)
        form = win.duty.form
        assert form.content.toPlainText() == "第二条：正在输入还没保存的内容"
        assert form.edits["caller_unit"].text() == "县水务局"
        assert "恢复" in form.status.text()
    finally:
        store.close()


def test_handover_tab_lists_open_items_and_needs_both_passwords(qtbot, window, demo_store,
                                                                login_as):
    service = IntakeService(demo_store)
    open_one = service.record(login_as("zhiban"), IntakeInput(content="待办：核实鹿子坪村烟点"))
    closed = service.record(login_as("zhiban"), IntakeInput(content="已答复的咨询", kind="咨询"))
    service.advance(login_as("zhiban"), closed.root_id, "办结", note="已答复")
    page = window.duty.handover
    window.duty.setCurrentWidget(page)
    assert "尚未完成交接" in page.responsible.text()
    assert [page.items.row(n)["serial"] for n in range(page.items.rowCount())] == [
        open_one.record["serial"]]
    type_text(page.equipment, "PDT 基站正常")
    page.prepare_button.click()
    assert "未办结 1 件" in page.sheet_text.text()
    type_text(page.out_password, "wrong-password1")
    page.out_button.click()
    assert page.message.text() and page.sheet.outgoing_signed_at is None
    type_text(page.out_password, DEMO_PASSWORD)
    page.out_button.click()
    assert page.sheet.outgoing_signed_at is not None and page.in_button.isEnabled()
    type_text(page.in_user, "heyu")
    type_text(page.in_password, "wrong-password1")
    page.in_button.click()
    assert "接班人签字失败" in page.message.text()
    type_text(page.in_password, DEMO_PASSWORD)
    with qtbot.waitSignal(page.completed):
        page.in_button.click()
    assert "交接完成" in page.message.text()
    assert "尚未完成交接" not in page.responsible.text()
    assert demo_store.scalar("SELECT status FROM handover") == "已交接"


def test_daily_report_button_writes_pdf_and_xlsx(qtbot, window, demo_store, login_as, tmp_path):
    from pypdf import PdfReader

    IntakeService(demo_store).record(login_as("zhiban"), IntakeInput(
        content="鹿子坪村后山冒烟，已核实为烧荒", important=True))
    overview = window.duty.overview
    overview.export_daily(tmp_path)
    qtbot.waitUntil(lambda: overview.report_button.isEnabled(), timeout=20000)
    pdf, xlsx = overview.last_report
    assert pdf.exists() and xlsx.exists()
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "值守日报" in text and "鹿子坪村后山冒烟" in text
    assert "已生成" in overview.report_status.text()


def test_overview_reports_rota_gaps(qtbot, window, demo_store):
    from commandcentre.accounts import Permission, system_session

    overview = window.duty.overview
    assert overview.coverage.text() == "未来 30 天排班无空档。"
    # Take the operators off a shift three days ahead, as if they had been reassigned.
    shift = demo_store.one("SELECT id FROM duty_shift WHERE starts_at > ? ORDER BY starts_at"
                           " LIMIT 1 OFFSET 2", (demo_store.scalar(
                               "SELECT max(starts_at) FROM duty_shift WHERE starts_at <= ?",
                               (demo_store.clock.now().isoformat(),)),))
    members = demo_store.query("SELECT id FROM duty_shift_member WHERE shift_id = ? AND"
                               " duty_role != 'leader'", (shift["id"],))
    with demo_store.write(system_session("test"), Permission.REGISTER_WRITE) as w:
        for m in members:
            w.delete("duty_shift_member", m["id"])
    overview.refresh()
    assert "排班空档" in overview.coverage.text() and "无值班员" in overview.coverage.text()
