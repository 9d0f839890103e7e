"""The 队伍与资源 page: registers, search, compliance, import preview that blocks bad files."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from tests.gui.typing import type_text
from ui.pages.rosters import RostersPage

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, demo_store, login_as):
    widget = RostersPage(demo_store, login_as("admin"))
    qtbot.addWidget(widget)
    return widget


def test_every_register_is_filled_from_the_demo_county(page, demo_store):
    counts = {kind: tab.model.rowCount() for kind, tab in page.tabs.items()}
    assert counts["teams"] == demo_store.scalar("SELECT count(*) FROM team")
    assert counts["people"] == demo_store.scalar("SELECT count(*) FROM member")
    assert counts["stock"] == demo_store.scalar("SELECT count(*) FROM stock_item")
    assert all(counts.values())


def test_search_filters_and_low_stock_is_highlighted(qtbot, page):
    from PySide6.QtCore import Qt

    stock = page.tabs["stock"]
    type_text(stock.search, "方便食品")
    assert 0 < stock.proxy.rowCount() < stock.model.rowCount()
    colours = [stock.model.data(stock.model.index(n, 0), Qt.ItemDataRole.BackgroundRole)
               for n in range(stock.model.rowCount())]
    low = [stock.model.row(n)["item"] for n, c in enumerate(colours) if c is not None]
    assert "方便食品" in low


def test_compliance_view_lists_the_findings(page):
    labels = {page.findings_model.row(n)["label"] for n in range(page.findings_model.rowCount())}
    assert "库存低于下限" in labels and "发现" in page.findings_count.text()


def sheet(path, rows):
    wb = Workbook()
    ws = wb.active
    ws.merge_cells("A1:D1")
    ws["A1"] = "青峪县应急专家库（2026年）"
    ws.append([])
    ws.append(["姓名", "专业", "工作单位", "联系电话"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def test_import_preview_blocks_a_bad_file_and_imports_a_good_one(qtbot, page, demo_store,
                                                                 tmp_path):
    experts = page.tabs["experts"]
    before = experts.model.rowCount()
    bad = sheet(tmp_path / "bad.xlsx", [["赵工", "地质灾害", "县自然资源局", 13908750999.0],
                                        ["", "森林防火", "县林业局", "13908750998"]])
    dialog = experts.import_file(str(bad))
    assert dialog is not None and not dialog.ok.isEnabled()
    assert dialog.rejects.rowCount() == 1 and dialog.rejects.row(0)["row"] == 5
    dialog.reject()
    assert demo_store.scalar("SELECT count(*) FROM expert") == before
    good = sheet(tmp_path / "good.xlsx", [["赵工", "地质灾害", "县自然资源局", 13908750999.0]])
    dialog = experts.import_file(str(good))
    assert dialog.ok.isEnabled()
    dialog.ok.click()
    assert experts.model.rowCount() == before + 1
    phone = demo_store.scalar("SELECT phone FROM expert WHERE name = '赵工'")
    assert phone == "13908750999"  # a number stored by Excel comes back as the phone it was
    assert "已导入" in experts.message.text()


def test_export_writes_a_sheet(page, tmp_path):
    page.tabs["teams"].export_file(str(tmp_path / "teams.xlsx"))
    assert (tmp_path / "teams.xlsx").exists()
    assert "已导出" in page.tabs["teams"].message.text()


def test_observer_cannot_import(qtbot, demo_store, login_as):
    widget = RostersPage(demo_store, login_as("guancha"))
    qtbot.addWidget(widget)
    assert not widget.tabs["teams"].import_button.isEnabled()


def test_selecting_a_row_shows_every_field(qtbot, page):
    teams = page.tabs["teams"]
    teams.view.selectRow(0)
    teams.view.setCurrentIndex(teams.proxy.index(0, 0))
    assert "驻地" in teams.detail.text() and "专长" in teams.detail.text()
