"""The hazard's own fields on an incident (灾种信息): a generic panel built from the
plugin's field specs, or the plugin's own panel from its ``ui.py``, in a dialog.

A plugin may ship ``ui.py`` next to its ``__init__.py`` with::

    def panel(hazard, values, zone_name, parent=None) -> QWidget   # with .values() -> dict

usually a :class:`HazardFieldsPanel` with something added (the forest-fire clock, a rain
gauge summary). Qt lives only there: the plugin's ``__init__`` stays Qt-free, so the core
and the CLI load it without a display. A ``ui.py`` that fails to import or build is logged
and the generic panel is used, so a broken panel never hides the fields.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from commandcentre.errors import CommandCentreError
from commandcentre.i18n import tr
from commandcentre.timeutil import to_local, zone

log = logging.getLogger(__name__)


def _label(spec) -> str:
    return f"{spec.label()}（{spec.unit}）" if spec.unit else spec.label()


class HazardFieldsPanel(QWidget):
    """One row per field of ``hazard``: choices as lists, numbers and text as line edits
    (an empty box means "not known", never 0), times in the workstation's zone."""

    def __init__(self, hazard, values: dict[str, Any] | None = None, zone_name: str = "",
                 parent=None):
        super().__init__(parent)
        self.hazard, self.zone_name = hazard, zone_name
        self.widgets: dict[str, QWidget] = {}
        self.form = QFormLayout(self)
        for spec in hazard.fields:
            if spec.type in ("choice", "bool"):
                widget = QComboBox(objectName=f"field_{spec.key}")
                widget.addItem("", None)
                options = spec.choices if spec.type == "choice" else (tr("是"), tr("否"))
                for option, value in zip(options, spec.choices or (True, False), strict=True):
                    widget.addItem(option, value)
            else:
                widget = QLineEdit(objectName=f"field_{spec.key}")
                widget.setMinimumWidth(240 if spec.type == "text" else 160)
                if spec.type == "datetime":
                    widget.setPlaceholderText("2026-05-01 08:30")
                elif spec.minimum is not None or spec.maximum is not None:
                    low = "" if spec.minimum is None else f"{spec.minimum:g}"
                    high = "" if spec.maximum is None else f"{spec.maximum:g}"
                    widget.setPlaceholderText(f"{low}–{high} {spec.unit}".strip())
            tip = spec.help_zh or ""
            widget.setToolTip(tip)
            self.widgets[spec.key] = widget
            self.form.addRow(_label(spec), widget)
        self.set_values(values or {})

    def set_values(self, values: dict[str, Any]) -> None:
        for spec in self.hazard.fields:
            widget, value = self.widgets[spec.key], values.get(spec.key)
            if isinstance(widget, QComboBox):
                widget.setCurrentIndex(max(widget.findData(value), 0) if value is not None
                                       else 0)
            elif spec.type == "datetime" and value:
                local = to_local(datetime.fromisoformat(value), self.zone_name)
                widget.setText(local.strftime("%Y-%m-%d %H:%M"))
            else:
                widget.setText("" if value is None else
                               f"{value:g}" if isinstance(value, float) else str(value))

    def values(self) -> dict[str, Any]:
        """What was entered, for ``HazardType.validate_fields`` (which names a bad field)."""
        out: dict[str, Any] = {}
        for spec in self.hazard.fields:
            widget = self.widgets[spec.key]
            if isinstance(widget, QComboBox):
                out[spec.key] = widget.currentData()
                continue
            text = widget.text().strip()
            if spec.type == "datetime" and text:
                try:
                    parsed = datetime.fromisoformat(text)
                except ValueError:
                    out[spec.key] = text  # the field's own check names the problem
                    continue
                if parsed.tzinfo is None:
                    parsed = parsed.replace(tzinfo=zone(self.zone_name))
                out[spec.key] = parsed.isoformat()
            else:
                out[spec.key] = text
        return out


class SummaryPanel(QWidget):
    """The generic fields with a line under them that a plugin computes from what is typed
    (``summarise(values) -> rich text``): 超警戒水位 0.35 米, 三要素齐全, the fire clock …
    Most plugin panels are this with their own ``summarise``."""

    def __init__(self, hazard, values: dict[str, Any] | None, zone_name: str,
                 summarise: Callable[[dict[str, Any]], str], parent=None):
        super().__init__(parent)
        self.summarise = summarise
        self.fields = HazardFieldsPanel(hazard, values, zone_name, self)
        self.summary = QLabel(objectName="hazardSummary", wordWrap=True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.fields)
        layout.addWidget(self.summary)
        for widget in self.fields.widgets.values():
            signal = (widget.currentIndexChanged if isinstance(widget, QComboBox)
                      else widget.textChanged)
            signal.connect(self.update_summary)
        self.update_summary()

    def values(self) -> dict[str, Any]:
        return self.fields.values()

    def update_summary(self, *_args) -> None:
        try:
            text = self.summarise(self.values())
        except Exception:  # plugin code: a broken summary must not break the form
            log.exception("hazard summary of %s failed", self.fields.hazard)
            text = ""
        self.summary.setText(text)
        self.summary.setVisible(bool(text))


def build_panel(registry, hazard, values: dict[str, Any], zone_name: str,
                parent=None) -> QWidget:
    """The plugin's own panel when its ``ui.py`` has one, else the generic panel."""
    module = registry.module(registry.owner(hazard.id)) if hazard.id in registry else ""
    if module:
        try:
            ui = importlib.import_module(f"{module}.ui")
        except ModuleNotFoundError as err:
            if err.name != f"{module}.ui":
                log.exception("plugin panel %s.ui failed to import", module)
            ui = None
        except Exception:  # plugin code: its fields must still be editable
            log.exception("plugin panel %s.ui failed to import", module)
            ui = None
        if ui is not None and hasattr(ui, "panel"):
            try:
                widget = ui.panel(hazard, values, zone_name, parent)
                if callable(getattr(widget, "values", None)):
                    return widget
                log.error("plugin panel %s.ui returned no values(); using the generic one",
                          module)
            except Exception:  # plugin code
                log.exception("plugin panel %s.ui failed; using the generic one", module)
    return HazardFieldsPanel(hazard, values, zone_name, parent)


class HazardFieldsDialog(QDialog):
    """灾种信息 of one incident; ``submit(values)`` saves, an operator error keeps it open."""

    def __init__(self, registry, hazard, values: dict[str, Any], zone_name: str,
                 submit: Callable[[dict[str, Any]], Any], parent=None):
        super().__init__(parent)
        self.setObjectName("hazardFieldsDialog")
        self.setWindowTitle(tr("灾种信息：{hazard}", hazard=hazard.name()))
        self.submit = submit
        self.panel = build_panel(registry, hazard, values, zone_name, self)
        self.error = QLabel(objectName="formError", wordWrap=True)
        self.error.setProperty("role", "error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def accept(self) -> None:
        try:
            self.submit(self.panel.values())
        except CommandCentreError as err:
            self.error.setText(str(err))
            return
        super().accept()
