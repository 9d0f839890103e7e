"""Read-only lists of what the store holds (teams) until their module lands."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from commandcentre import overview
from commandcentre.accounts import Session
from commandcentre.i18n import tr
from commandcentre.storage import Store

from ..models import RecordTableModel, record_table


class _ListPage(QWidget):
    def __init__(self, title: str, note: str, columns, formatters=None, parent=None):
        super().__init__(parent)
        heading = QLabel(title)
        heading.setProperty("role", "title")
        hint = QLabel(note, wordWrap=True)
        hint.setProperty("role", "hint")
        self.model = RecordTableModel(columns, formatters, parent=self)
        self.view = record_table(self.model)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addWidget(self.view, 1)


class TeamsPage(_ListPage):
    """队伍与资源: rescue teams with headcount and roster size."""

    def __init__(self, store: Store, session: Session, parent=None):
        super().__init__(
            tr("队伍与资源"),
            tr("队伍、物资、避难场所的维护与导入导出功能尚未提供；下表为库中已有队伍（只读）。"),
            [("name", tr("队伍")), ("category", tr("类别")), ("level", tr("层级")),
             ("township", tr("乡镇")), ("headcount", tr("编制人数")), ("members", tr("在册队员")),
             ("status", tr("状态")), ("contact_phone", tr("联系电话"))], None, parent)
        self.setObjectName("teamsPage")
        self.model.set_rows(overview.teams(store, session))
