"""灾种台账 in 队伍与资源: a plugin's register listed with its checks, a row added through the
field panel, an office sheet imported after its preview; findings join 合规检查."""

from __future__ import annotations

import pytest

from commandcentre.hazards import load_hazards, user_plugin_dir
from tests.core.test_plugin_registers import sheet, write_plugin
from tests.gui.typing import type_text
from ui.pages.rosters import RostersPage

pytestmark = pytest.mark.gui


@pytest.fixture
def page(qtbot, demo_store, login_as):
    write_plugin(user_plugin_dir(), "geo_gui")
    registry = load_hazards(demo_store)[0]
    widget = RostersPage(demo_store, login_as("admin"), registry)
    qtbot.addWidget(widget)
    return widget


def test_add_a_row_and_see_its_finding(qtbot, page, demo_store):
    tab = page.hazard_registers
    tab.chooser.setCurrentIndex(tab.chooser.findData("geo_gui.points"))
    assert tab.model.rowCount() == 0 and "seed" not in tab.source.text()
    dialog = tab.open_add()
    type_text(dialog.panel.widgets["name"], "后山滑坡")
    kind = dialog.panel.widgets["kind"]
    kind.setCurrentIndex(kind.findData("滑坡"))
    type_text(dialog.panel.widgets["threatened"], "-3")
    dialog.accept()
    assert "威胁人数" in dialog.error.text() and dialog.isVisible()
    dialog.panel.widgets["threatened"].clear()
    type_text(dialog.panel.widgets["threatened"], "45")
    dialog.township.setCurrentIndex(1)
    dialog.accept()
    assert not dialog.isVisible()
    row = tab.model.row(0)
    assert row["name"] == "后山滑坡" and row["township"] == dialog.township.itemText(1)
    assert row["problems"] == "威胁 30 人以上，应纳入专业监测"
    page.refresh_findings()
    subjects = [page.findings_model.row(n)["subject"]
                for n in range(page.findings_model.rowCount())]
    assert "后山滑坡" in subjects


def test_import_shows_the_preview_then_writes(qtbot, page, demo_store, tmp_path):
    tab = page.hazard_registers
    tab.chooser.setCurrentIndex(tab.chooser.findData("geo_gui.points"))
    bad = sheet(tmp_path / "bad.xlsx", [["前山崩塌", "地震", 3, "否", None, ""]])
    dialog = tab.import_file(str(bad))
    assert not dialog.ok.isEnabled() and dialog.rejects.rowCount() == 1
    dialog.reject()
    good = sheet(tmp_path / "good.xlsx", [["前山崩塌", "崩塌", 3, "否", None, ""],
                                          ["黑泥沟泥石流", "泥石流", 60, "是", None, ""]])
    dialog = tab.import_file(str(good))
    assert dialog.ok.isEnabled()
    dialog.accept()
    assert tab.model.rowCount() == 2 and "新增 2 条" in tab.message.text()
