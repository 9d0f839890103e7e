"""Read-only lists of what the store holds (incidents, teams) until their modules land."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from commandcentre import overview
from commandcentre.accounts import Session
from commandcentre.i18n import tr
from commandcentre.storage import Store
from commandcentre.timeutil import format_local

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


class IncidentsPage(_ListPage):
    """事件: the incidents on record, newest first."""

    def __init__(self, store: Store, session: Session, zone_name: str, parent=None):
        super().__init__(
            tr("事件"), tr("事件登记、时间线与报送时限功能尚未提供；下表为库中已有事件（只读）。"),
            [("received_at", tr("接报时间")), ("title", tr("事件")), ("hazard", tr("灾种")),
             ("township", tr("乡镇")), ("grade", tr("等级")), ("status", tr("状态")),
             ("drill", tr("演练")), ("events", tr("时间线条目"))],
            {"received_at": lambda v: format_local(v, zone_name),
             "drill": lambda v: tr("演练") if v else "",
             "grade": lambda v: v or tr("未定级")}, parent)
        self.setObjectName("incidentsPage")
        self.model.set_rows(overview.incidents(store, session))


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
