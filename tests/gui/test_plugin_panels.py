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
