#!/usr/bin/env python3
"""Screenshot every loaded hazard plugin's incident panel (灾种信息 dialog), filled with sample
values, into OUTDIR (default screenshots/panels), to look at as a duty officer would: run under
a real X server (``xvfb-run -a .venv/bin/python scripts/panel_screenshots.py``)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtWidgets import QApplication  # noqa: E402

from commandcentre.hazards import load_hazards  # noqa: E402
from ui import style  # noqa: E402
from ui.hazard_panel import HazardFieldsDialog  # noqa: E402


def sample(spec):
    """A plausible value for a field, so the panel shows filled rows and its summary."""
    if spec.type == "choice":
        return spec.choices[min(1, len(spec.choices) - 1)]
    if spec.type == "bool":
        return False
    if spec.type in ("int", "float"):
        low = spec.minimum if spec.minimum is not None else 0
        high = spec.maximum if spec.maximum is not None else low + 100
        value = low + (high - low) / 3 if high - low < 1000 else low + 35
        return int(value) if spec.type == "int" else round(value, 1)
    if spec.type == "datetime":
        return "2026-12-02T01:30:00+00:00"
    return "示例" + spec.label_zh


def main() -> int:
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "screenshots/panels")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication([])
    style.apply(app)
    registry = load_hazards(entry_points=False)[0]
    for hazard in registry.all():
        values = {f.key: sample(f) for f in hazard.fields}
        dialog = HazardFieldsDialog(registry, hazard, values, "Asia/Shanghai", lambda v: None)
        dialog.show()
        dialog.adjustSize()
        app.processEvents()
        path = out / f"{hazard.id}.png"
        dialog.grab().save(str(path))
        print(path, dialog.width(), "x", dialog.height(), type(dialog.panel).__name__)
        dialog.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
