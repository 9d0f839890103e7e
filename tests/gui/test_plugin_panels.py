"""Every built-in hazard plugin's own incident panel (its ui.py): builds, carries every field,
computes its summary; screenshots of each are taken by scripts/plugin_panels.py."""

from __future__ import annotations

import pytest

from commandcentre.hazards import load_hazards
from ui.hazard_panel import build_panel

pytestmark = pytest.mark.gui


def test_every_built_in_hazard_has_its_own_panel(qtbot, caplog):
    registry = load_hazards(entry_points=False)[0]
    assert len(registry.all()) >= 9
    for hazard in registry.all():
        widget = build_panel(registry, hazard, {}, "Asia/Shanghai")
        qtbot.addWidget(widget)
        assert widget.objectName().endswith("Panel"), hazard.id  # not the generic fallback
        assert set(widget.values()) == {f.key for f in hazard.fields}
    assert "failed" not in caplog.text


def test_the_app_runs_without_one_plugin_folder(qtbot, tmp_path, demo_store, login_as):
    import shutil
    from datetime import timedelta

    from commandcentre.hazards import builtin_plugin_dir, load_plugins
    from commandcentre.incidents.model import IncidentInput
    from commandcentre.incidents.service import IncidentService
    from ui.main_window import MainWindow

    full = load_hazards(demo_store)[0]
    op = login_as("zhiban")
    iid = IncidentService(demo_store, full).create(op, IncidentInput(
        title="青龙潭水库漫坝险情", hazard="flood",
        occurred_at=demo_store.clock.now() - timedelta(minutes=5)))
    folder = tmp_path / "plugins"
    shutil.copytree(builtin_plugin_dir(), folder,
                    ignore=shutil.ignore_patterns("__pycache__", "flood"))
    registry, _report = load_plugins(store=demo_store, dirs=[folder], entry_points=False)
    window = MainWindow(demo_store, op, hazards=registry, comms_autostart=False)
    qtbot.addWidget(window)
    for name in window.sections:
        window.show_section(name)
    detail = window.incidents.detail
    detail.show_incident(iid)
    assert "防汛抗旱" in detail.header.text()  # the name without its plugin
    assert detail.open_action("fields") is None
    assert "未加载" in detail.message.text()
    window.close()
