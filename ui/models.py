"""Qt item models over rows the core returns (dicts); the views never touch SQL."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableView

Index = QModelIndex | QPersistentModelIndex
Column = tuple[str, str]  # (key in the row dict, header text)


class RecordTableModel(QAbstractTableModel):
    """A read-only table of dict rows with fixed columns.

    ``formatters`` turn a raw value into display text per column key; ``background`` colours a
    whole row (e.g. 要情 in red); rows are replaced as a whole by :meth:`set_rows` when the
    view refreshes from a core query.
    """

    def __init__(self, columns: Sequence[Column],
                 formatters: dict[str, Callable[[Any], str]] | None = None, parent=None, *,
                 background: Callable[[dict], QColor | None] | None = None):
        super().__init__(parent)
        self._columns = list(columns)
        self._formatters = formatters or {}
        self._background = background
        self._rows: list[dict] = []

    def set_rows(self, rows: Sequence[dict]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, n: int) -> dict:
        return self._rows[n]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt signature
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.BackgroundRole and self._background is not None:
            return self._background(self._rows[index.row()])
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        key = self._columns[index.column()][0]
        value = self._rows[index.row()].get(key)
        fmt = self._formatters.get(key)
        if fmt is not None:
            return fmt(value)
        return "" if value is None else str(value)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section][1]
        return str(section + 1)


def record_table(model: RecordTableModel, *, name: str = "", stretch: int | None = None,
                 fit: bool = True) -> QTableView:
    """A read-only, row-selecting table over ``model``: columns fit their contents and the
    ``stretch`` column (default: the last) takes the remaining width; ``fit=False`` stretches
    every column evenly instead."""
    view = QTableView(objectName=name)
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    view.setWordWrap(False)
    header = view.horizontalHeader()
    if not fit:
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        return view
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view
