"""灾种信息: the hazard's own fields on an incident through the generic panel, a plugin's own
``ui.py`` panel, and a broken ``ui.py`` that falls back to the generic one."""

from __future__ import annotations

import json
import textwrap
from datetime import timedelta

import pytest

from commandcentre.accounts import AccountService
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.hazards import load_hazards, user_plugin_dir
from commandcentre.incidents.model import IncidentInput
from commandcentre.incidents.service import IncidentService
from tests.gui.typing import type_text
from ui.hazard_panel import HazardFieldsPanel, build_panel
from ui.pages.incidents import IncidentsPage

pytestmark = pytest.mark.gui


def open_incident(store, hazards, hazard: str) -> str:
    op = AccountService(store).authenticate("zhiban", DEMO_PASSWORD)
    return IncidentService(store, hazards).create(op, IncidentInput(
        title="测试事件", hazard=hazard, occurred_at=store.clock.now() - timedelta(minutes=5)))


@pytest.fixture
def page(qtbot, demo_store, login_as):
    hazards = load_hazards(demo_store)[0]
    widget = IncidentsPage(demo_store, login_as("zhiban"), hazards, "Asia/Shanghai")
    qtbot.addWidget(widget)
    return widget, hazards


def test_generic_panel_saves_fields_and_refuses_bad_values(qtbot, page, demo_store):
    widget, hazards = page
    iid = open_incident(demo_store, hazards, "forest_fire")
    widget.detail.show_incident(iid)
    dialog = widget.detail.open_action("fields")
    # The forest-fire plugin's own panel (its ui.py): the generic fields plus the fire clock.
    assert dialog.panel.objectName() == "forestFirePanel"
    panel = dialog.panel.fields
    assert isinstance(panel, HazardFieldsPanel)
    assert "填写发现时间" in dialog.panel.summary.text()
    type_text(panel.widgets["detected_at"], "2026-03-02 14:00")
    type_text(panel.widgets["first_force_at"], "2026-03-02 14:50")
    clock = dialog.panel.summary.text()
    assert "首支力量到场" in clock and "50 分钟" in clock
    panel.widgets["detected_at"].clear()
    panel.widgets["first_force_at"].clear()
    assert panel.form.labelForField(panel.widgets["damaged_forest_ha"]).text() == \
        "受害森林面积（公顷）"
    source = panel.widgets["detection_source"]
    source.setCurrentIndex(source.findData("卫星"))
    type_text(panel.widgets["damaged_forest_ha"], "12.5")
    type_text(panel.widgets["fire_danger_level"], "7")
    dialog.accept()
    assert "森林火险等级" in dialog.error.text() and dialog.isVisible()
    panel.widgets["fire_danger_level"].clear()
    type_text(panel.widgets["fire_danger_level"], "4")
    dialog.accept()
    assert not dialog.isVisible()
    stored = json.loads(IncidentService(demo_store, hazards).get(iid)["fields_json"])
    assert stored == {"detection_source": "卫星", "damaged_forest_ha": 12.5,
                      "fire_danger_level": 4}
    texts = [widget.detail.entries.row(n)["text"]
             for n in range(widget.detail.entries.rowCount())]
    assert any("灾种信息更新" in t and "受害森林面积 12.5公顷" in t for t in texts)
    assert widget.detail.message.text() == ""  # no commander given: nothing to warn of
    again = widget.detail.open_action("fields")  # reopened with what was stored
    assert again.panel.fields.widgets["damaged_forest_ha"].text() == "12.5"
    assert again.panel.fields.widgets["detection_source"].currentData() == "卫星"
    type_text(again.panel.fields.widgets["commander"], "王德明")
    again.accept()
    assert "无演练记录" in widget.detail.message.text()  # from the 扑火指挥员 register


PLUGIN_INIT = '''
from commandcentre.hazards import FieldSpec, HazardType


def register(api):
    api.register_hazard(HazardType("{id}", "测试灾种", "Test", "事故灾难", fields=(
        FieldSpec("trapped", "被困人数", "Trapped", "int", unit="人", minimum=0),)))
'''
PANEL = '''
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ui.hazard_panel import HazardFieldsPanel


class Panel(QWidget):
    def __init__(self, hazard, values, zone_name, parent=None):
        super().__init__(parent)
        self.setObjectName("pluginPanel")
        self.inner = HazardFieldsPanel(hazard, values, zone_name, self)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("被困人员优先搜救"))
        layout.addWidget(self.inner)

    def values(self):
        return self.inner.values()


def panel(hazard, values, zone_name, parent=None):
    return Panel(hazard, values, zone_name, parent)
'''


def install(plugin_id: str, ui_source: str | None) -> None:
    folder = user_plugin_dir() / plugin_id
    folder.mkdir(parents=True)
    (folder / "manifest.toml").write_text(
        f'id = "{plugin_id}"\nname = "测试"\nversion = "1.0.0"\napi = ["1.0"]\n',
        encoding="utf-8")
    (folder / "__init__.py").write_text(
        textwrap.dedent(PLUGIN_INIT).replace("{id}", plugin_id), encoding="utf-8")
    if ui_source is not None:
        (folder / "ui.py").write_text(textwrap.dedent(ui_source), encoding="utf-8")


def test_a_plugins_own_panel_is_used_and_a_broken_one_falls_back(qtbot, demo_store, caplog):
    install("panel_ok", PANEL)
    install("panel_broken", "raise RuntimeError('broken panel')\n")
    install("panel_none", None)
    registry = load_hazards(demo_store)[0]
    good = build_panel(registry, registry.get("panel_ok"), {"trapped": 3}, "Asia/Shanghai")
    qtbot.addWidget(good)
    assert good.objectName() == "pluginPanel" and good.values() == {"trapped": "3"}
    broken = build_panel(registry, registry.get("panel_broken"), {}, "Asia/Shanghai")
    qtbot.addWidget(broken)
    assert isinstance(broken, HazardFieldsPanel)
    assert "panel_broken" in caplog.text and "broken panel" in caplog.text
    plain = build_panel(registry, registry.get("panel_none"), {}, "Asia/Shanghai")
    qtbot.addWidget(plain)
    assert isinstance(plain, HazardFieldsPanel)  # no ui.py: the generic panel, no error

