"""A plain page for a section whose module has not landed yet. It shows no data at all."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from commandcentre.i18n import tr


class NotAvailablePage(QWidget):
    """Says which section this is and that it is not available yet."""

    def __init__(self, section: str, what: str, parent=None):
        super().__init__(parent)
        title = QLabel(section)
        title.setProperty("role", "title")
        body = QLabel(tr("此功能尚未提供。"), objectName="notAvailable",
                      alignment=Qt.AlignmentFlag.AlignCenter)
        body.setProperty("role", "placeholder")
        detail = QLabel(what, wordWrap=True, alignment=Qt.AlignmentFlag.AlignCenter)
        detail.setProperty("role", "hint")
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addStretch(1)
        layout.addWidget(body)
        layout.addWidget(detail)
        layout.addStretch(2)
