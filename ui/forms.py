"""A small keyboard-friendly form dialog for the incident actions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QVBoxLayout,
)

from commandcentre.errors import CommandCentreError
from commandcentre.i18n import tr


class FormDialog(QDialog):
    """Fields in a column, OK/Cancel; :meth:`values` reads them back.

    ``fields`` are (key, label, kind, options) with kind one of text, multiline, int, float,
    choice, datetime; options: choices for choice, the initial value otherwise. ``submit``
    receives the values on OK; if it raises an operator error, the dialog stays open.
    """

    def __init__(self, title: str, fields: Sequence[tuple[str, str, str, Any]], parent=None,
                 *, note: str = "", submit: Callable[[dict[str, Any]], None] | None = None):
        super().__init__(parent)
        self.submit = submit
        self.setWindowTitle(title)
        self.setObjectName("formDialog")
        self.widgets: dict[str, Any] = {}
        form = QFormLayout()
        for key, label, kind, option in fields:
            widget = self._make(kind, option)
            widget.setObjectName(key)
            self.widgets[key] = (kind, widget)
            form.addRow(label, widget)
        self.error = QLabel(objectName="formError", wordWrap=True)
        self.error.setProperty("role", "error")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("取消"))
        layout = QVBoxLayout(self)
        if note:
            hint = QLabel(note, wordWrap=True)
            hint.setProperty("role", "hint")
            layout.addWidget(hint)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    @staticmethod
    def _make(kind: str, option: Any):
        if kind == "multiline":
            w = QPlainTextEdit()
            w.setTabChangesFocus(True)
            w.setPlainText(option or "")
            w.setMaximumHeight(90)
            return w
        if kind == "int":
            w = QSpinBox()
            w.setRange(0, 10_000_000)
            w.setValue(int(option or 0))
            return w
        if kind == "float":
            w = QDoubleSpinBox()
            w.setRange(0, 1e9)
            w.setDecimals(2)
            w.setValue(float(option or 0))
            return w
        if kind == "choice":
            w = QComboBox()
            w.addItems([str(c) for c in option])
            return w
        if kind == "datetime":
            w = QDateTimeEdit()
            w.setDisplayFormat("yyyy-MM-dd HH:mm")
            w.setCalendarPopup(True)
            w.setDateTime(option if isinstance(option, QDateTime) else
                          QDateTime.currentDateTime())
            return w
        w = QLineEdit()
        w.setText(option or "")
        return w

    def accept(self) -> None:
        """Run ``submit``; an operator error stays in the dialog with what was typed."""
        if self.submit is not None:
            try:
                self.submit(self.values())
            except CommandCentreError as err:
                self.error.setText(str(err))
                return
        super().accept()

    def set(self, key: str, value: Any) -> None:
        kind, w = self.widgets[key]
        if kind == "multiline":
            w.setPlainText(value)
        elif kind in ("int", "float"):
            w.setValue(value)
        elif kind == "choice":
            w.setCurrentText(str(value))
        elif kind == "datetime":
            w.setDateTime(value)
        else:
            w.setText(value)

    def values(self) -> dict[str, Any]:
        out = {}
        for key, (kind, w) in self.widgets.items():
            if kind == "multiline":
                out[key] = w.toPlainText()
            elif kind in ("int", "float"):
                out[key] = w.value()
            elif kind == "choice":
                out[key] = w.currentText()
            elif kind == "datetime":
                out[key] = w.dateTime().toPython()
            else:
                out[key] = w.text()
        return out
