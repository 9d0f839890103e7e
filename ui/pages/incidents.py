"""事件 page: incidents on the left; on the right the chosen incident's timeline (pyqtgraph),
its entries as a filterable table, and its reporting obligations, with the actions a duty
officer takes: note, casualties, response decision, grade, report sent, close."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QDateTime, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from commandcentre.accounts import Permission, Session
from commandcentre.errors import CommandCentreError
from commandcentre.hazards.names import hazard_name
from commandcentre.i18n import tr
from commandcentre.incidents.model import (
    FIGURE_LABELS,
    FIGURES,
    RESPONSE_LEVELS,
    ROMAN,
    Casualties,
    IncidentInput,
)
from commandcentre.incidents.service import IncidentService
from commandcentre.plans import PlanService
from commandcentre.reporting.service import CHANNELS, KINDS, ReportingService
from commandcentre.reports.sitrep_service import SitrepService
from commandcentre.storage import Store
from commandcentre.timeutil import format_local, zone

from ..forms import FormDialog
from ..models import RecordTableModel, record_table
from ..timeline import TimelineEvent, TimelineView
from .incident_actions import IncidentActions
from .reports import SitrepDialog

STATUS_COLOURS = {"overdue": QColor("#f5c6c0"), "late": QColor("#fde9c8"),
                  "due": None, "done": QColor("#dff0d8")}


def status_label(status: str) -> str:
    return {"due": tr("待报"), "overdue": tr("逾期未报"), "done": tr("已报"),
            "late": tr("逾期后已报")}[status]


class IncidentDetail(IncidentActions, QWidget):
    """One incident: header, actions, and three views of its record."""

    changed = Signal()
    _printed = Signal(object)  # a Future from the print worker

    def __init__(self, store: Store, session: Session, hazards, zone_name: str, parent=None):
        super().__init__(parent)
        self.setObjectName("incidentDetail")
        self.store, self.session, self.zone_name = store, session, zone_name
        self.incidents = IncidentService(store, hazards)
        self.reporting = ReportingService(store, hazards, zone_name=zone_name)
        self.incident_id: str | None = None
        self.dialog: QDialog | None = None
        self.header = QLabel(objectName="incidentHeader", wordWrap=True)
        self.header.setProperty("role", "title")
        actions = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for key, text, permission in (
                ("note", tr("记录"), Permission.INCIDENT_WRITE),
                ("casualties", tr("伤亡统计"), Permission.INCIDENT_WRITE),
                ("fields", tr("灾种信息…"), Permission.INCIDENT_WRITE),
                ("decide", tr("响应决定"), Permission.RESPONSE_DECIDE),
                ("grade", tr("自动定级"), Permission.INCIDENT_WRITE),
                ("report", tr("登记报送"), Permission.INCIDENT_WRITE),
                ("close", tr("处置结束"), Permission.INCIDENT_WRITE),
                ("activate", tr("启动预案…"), Permission.INCIDENT_WRITE),
                ("dispatch", tr("调度…"), Permission.INCIDENT_WRITE),
                ("dispatch_status", tr("调度状态…"), Permission.INCIDENT_WRITE),
                ("sitrep", tr("报告…"), Permission.READ),
                ("print", tr("打印…"), Permission.READ)):
            button = QPushButton(text, objectName=f"action_{key}")
            button.clicked.connect(lambda _=False, k=key: self.open_action(k))
            button.setEnabled(session.can(permission))
            self.buttons[key] = button
            actions.addWidget(button)
        actions.addStretch(1)
        self.message = QLabel(objectName="incidentMessage", wordWrap=True)
        self.timeline = TimelineView(zone_name=zone_name)
        self.timeline.event_activated.connect(self._select_entry)
        self.kind_filter = QComboBox(objectName="kindFilter")
        self.kind_filter.addItem(tr("全部"), "")
        for key, title in self.timeline.lanes:
            self.kind_filter.addItem(title, key)
        self.kind_filter.currentIndexChanged.connect(self._fill_table)
        self.entries = RecordTableModel(
            [("at", tr("时间")), ("kind_title", tr("类别")), ("text", tr("内容")),
             ("by", tr("登记人"))],
            {"at": lambda v: format_local(v, zone_name, "%m-%d %H:%M")}, self)
        self.entries_view = record_table(self.entries, name="entriesTable", stretch=2)
        table_page = QWidget()
        tl = QVBoxLayout(table_page)
        tl.addWidget(self.kind_filter)
        tl.addWidget(self.entries_view, 1)
        self.obligations = RecordTableModel(
            [("title", tr("报告")), ("due", tr("时限")), ("status_text", tr("状态")),
             ("grade", tr("等级")), ("basis", tr("依据")), ("done", tr("报送时间"))],
            parent=self, background=lambda r: STATUS_COLOURS.get(r["status"]))
        self.obligations_view = record_table(self.obligations, name="obligationsTable",
                                             stretch=4)
        self.checklist = RecordTableModel(
            [("level", tr("级别")), ("owner_unit", tr("责任单位")), ("text", tr("措施")),
             ("due", tr("时限")), ("state_text", tr("状态")), ("done", tr("完成时间"))],
            parent=self, background=lambda r: STATUS_COLOURS.get(
                {"overdue": "overdue", "done": "done"}.get(r["state"], "due")))
        self.checklist_view = record_table(self.checklist, name="checklistTable", stretch=2)
        self.complete_button = QPushButton(tr("完成选中措施"), objectName="completeItem")
        self.complete_button.clicked.connect(self.complete_selected)
        checklist_page = QWidget()
        cl = QVBoxLayout(checklist_page)
        self.plan_label = QLabel(objectName="activePlan", wordWrap=True)
        cl.addWidget(self.plan_label)
        cl.addWidget(self.checklist_view, 1)
        cl.addWidget(self.complete_button)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.timeline, tr("时间线"))
        self.tabs.addTab(table_page, tr("记录表"))
        self.tabs.addTab(self.obligations_view, tr("报送时限"))
        self.tabs.addTab(checklist_page, tr("预案措施"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(actions)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        self._rows: list[dict] = []
        self.printing = False
        self._printed.connect(self._show_printed)
        self.show_incident(None)

    # -- showing ---------------------------------------------------------------------------

    def show_incident(self, incident_id: str | None) -> None:
        self.incident_id = incident_id
        for button in self.buttons.values():
            button.setVisible(incident_id is not None)
        if incident_id is None:
            self.header.setText(tr("请选择左侧的事件"))
            self.timeline.set_events([])
            self.entries.set_rows([])
            self.obligations.set_rows([])
            return
        self.refresh()

    def refresh(self) -> None:
        if self.incident_id is None:
            return
        row = self.incidents.get(self.incident_id)
        grade = row["grade"]
        parts = [row["title"], self._hazard_name(row["hazard"]),
                 tr("{grade}（{roman}）", grade=grade, roman=ROMAN[grade]) if grade
                 else tr("未定级"), row["status"]]
        if row["drill"]:
            parts.insert(0, tr("【演练】"))
        self.header.setText("｜".join(parts))
        closed = row["status"] == "已结束"
        for key in ("note", "decide", "grade", "close"):
            self.buttons[key].setEnabled(not closed and self._allowed(key))
        entries = self.incidents.timeline(self.incident_id)
        titles = dict(self.timeline.lanes)
        self._rows = [{"id": e.id, "at": e.at.isoformat(), "kind": e.kind,
                       "kind_title": titles.get(e.kind, e.kind),
                       "text": e.text + (tr("（更正）") if e.corrects else ""), "by": e.by}
                      for e in entries]
        self.timeline.set_events([TimelineEvent(e.id, e.at.timestamp(), e.kind, e.text)
                                  for e in entries])
        now = self.store.clock.now()
        obligations = self.reporting.obligations(self.incident_id, now)
        self.obligations.set_rows([
            {"key": o.key, "title": o.title, "due": format_local(o.due_at, self.zone_name),
             "status": o.status(now), "status_text": status_label(o.status(now)),
             "grade": o.grade or tr("未定级"), "basis": o.basis,
             "done": format_local(o.done_at, self.zone_name) if o.done_at else ""}
            for o in obligations])
        self.timeline.mark_deadlines([(o.due_at.timestamp(), o.title, o.status(now)
                                       if o.status(now) != "late" else "done")
                                      for o in obligations])
        self.timeline.set_now(now.timestamp())
        if entries:
            self.timeline.fit_all()
        self._fill_table()
        self._fill_checklist(now)

    def _fill_checklist(self, now) -> None:
        plans = PlanService(self.store, self.incidents.hazards)
        history = plans.activations(self.incident_id)
        items = plans.checklist(self.incident_id, now)
        self.checklist.set_rows([
            {"id": i.id, "level": i.level, "owner_unit": i.owner_unit, "text": i.text,
             "due": format_local(i.due_at, self.zone_name) if i.due_at else "—",
             "state": i.state, "state_text": {"open": tr("未完成"), "done": tr("已完成"),
                                              "overdue": tr("已超时")}[i.state],
             "done": format_local(i.done_at, self.zone_name) if i.done_at else ""}
            for i in items])
        if history:
            last = history[-1]
            self.plan_label.setText(tr("已启动：{plan} {level}响应（共 {n} 项措施）",
                                       plan=last.get("plan_title", ""), level=last["level"],
                                       n=len(items)))
        else:
            self.plan_label.setText(tr("尚未启动预案。"))
        self.complete_button.setEnabled(bool(items) and self.session.can(
            Permission.INCIDENT_WRITE))

    def complete_selected(self) -> None:
        rows = self.checklist_view.selectionModel().selectedRows()
        if not rows:
            self.message.setText(tr("请先选中一项措施。"))
            return
        plans = PlanService(self.store, self.incidents.hazards)
        for index in rows:
            item = self.checklist.row(index.row())
            if item["state"] != "done":
                try:
                    plans.complete_item(self.session, item["id"])
                except CommandCentreError as err:
                    self.message.setText(str(err))
                    return
        self._after_change()

    def _allowed(self, key: str) -> bool:
        permission = Permission.RESPONSE_DECIDE if key == "decide" else Permission.INCIDENT_WRITE
        return self.session.can(permission)

    def _hazard_name(self, hazard_id: str) -> str:
        return hazard_name(self.incidents.hazards, hazard_id)

    def _fill_table(self, *_args) -> None:
        kind = self.kind_filter.currentData()
        self.entries.set_rows([r for r in self._rows if not kind or r["kind"] == kind])

    def _select_entry(self, entry_id: str) -> None:
        self.tabs.setCurrentIndex(1)
        self.kind_filter.setCurrentIndex(0)
        for n, row in enumerate(self._rows):
            if row["id"] == entry_id:
                self.entries_view.selectRow(n)
                return

    # -- actions ---------------------------------------------------------------------------

    def _now_local(self) -> QDateTime:
        local = self.store.clock.now().astimezone(zone(self.zone_name))
        return QDateTime(local.replace(tzinfo=None))

    def _aware(self, value: datetime) -> datetime:
        return value.replace(tzinfo=zone(self.zone_name))

    def open_action(self, key: str) -> FormDialog | None:
        """Open the dialog for an action (or, for 自动定级, just do it)."""
        if self.incident_id is None:
            return None
        iid = self.incident_id
        if key == "sitrep":
            self.dialog = SitrepDialog(SitrepService(self.store, self.incidents.hazards),
                                       self.session, iid, self)
            self.dialog.signed.connect(lambda _r: self._after_change())
            self.dialog.open()
            return self.dialog
        if key == "grade":
            self._run(lambda: self.incidents.assess_grade(self.session, iid, auto=True))
            return None
        if key == "print":
            return self._print_dialog(iid)
        if key == "fields":
            return self._fields_dialog(iid)
        if key == "dispatch":
            return self._dispatch_dialog(iid)
        if key == "activate":
            return self._activate_dialog(iid)
        if key == "dispatch_status":
            return self._dispatch_status_dialog(iid)
        now = self._now_local()
        if key == "note":
            fields = [("text", tr("内容"), "multiline", ""),
                      ("kind", tr("类别"), "choice", [tr("记录"), tr("调度"), tr("通信")]),
                      ("at", tr("时间"), "datetime", now)]
            kinds = {tr("记录"): "note", tr("调度"): "dispatch", tr("通信"): "radio"}

            def submit(v):
                self.incidents.note(self.session, iid, v["text"], kind=kinds[v["kind"]],
                                    at=self._aware(v["at"]))
            title = tr("记录")
        elif key == "casualties":
            last = self.incidents.latest_casualties(iid) or Casualties()
            fields = [(k, tr(FIGURE_LABELS[k]), "float" if k == "direct_loss_wan" else "int",
                       getattr(last, k)) for k in FIGURES]
            fields += [("source", tr("核实来源"), "text", ""), ("at", tr("截至"), "datetime", now)]

            def submit(v):
                figures = Casualties(**{k: v[k] for k in FIGURES})
                self.incidents.record_casualties(self.session, iid, figures,
                                                 source=v["source"], at=self._aware(v["at"]))
            title = tr("伤亡统计（累计数，须经核实）")
        elif key == "decide":
            fields = [("level", tr("响应级别"), "choice", RESPONSE_LEVELS),
                      ("by", tr("决定人"), "text", ""), ("reason", tr("理由"), "multiline", ""),
                      ("at", tr("时间"), "datetime", now)]

            def submit(v):
                self.incidents.decide(self.session, iid, v["level"], decided_by=v["by"],
                                      reason=v["reason"], at=self._aware(v["at"]))
            title = tr("响应决定")
        elif key == "report":
            fields = [("kind", tr("报告"), "choice", KINDS),
                      ("number", tr("编号（续报、补报）"), "int", 0),
                      ("channel", tr("方式"), "choice", CHANNELS),
                      ("to", tr("报送对象"), "text", ""), ("signer", tr("签发人"), "text", ""),
                      ("at", tr("报送时间"), "datetime", now)]

            def submit(v):
                self.reporting.mark_sent(self.session, iid, kind=v["kind"], number=v["number"],
                                         channel=v["channel"], recipient=v["to"],
                                         signer=v["signer"], sent_at=self._aware(v["at"]))
            title = tr("登记报送")
        else:  # close
            fields = [("at", tr("结束时间"), "datetime", now),
                      ("summary", tr("处置情况"), "multiline", "")]

            def submit(v):
                self.incidents.close(self.session, iid, at=self._aware(v["at"]),
                                     summary=v["summary"])
            title = tr("处置结束")
        self.dialog = FormDialog(title, fields, self, submit=submit)
        self.dialog.accepted.connect(self._after_change)
        self.dialog.open()
        return self.dialog

    def _run(self, action) -> None:
        try:
            result = action()
        except CommandCentreError as err:
            self.message.setText(str(err))
            return
        if isinstance(result, dict) and "grade" in result:
            self.message.setText(tr("定级：{grade}（{reason}）",
                                    grade=result["grade"] or tr("未定级"),
                                    reason=result["reason"]))
        self._after_change()

    def _after_change(self) -> None:
        self.refresh()
        self.changed.emit()


class IncidentsPage(QWidget):
    """事件: the list, the detail, and 新建事件."""

    changed = Signal()

    def __init__(self, store: Store, session: Session, hazards, zone_name: str, parent=None):
        super().__init__(parent)
        self.setObjectName("incidentsPage")
        self.store, self.session, self.hazards, self.zone_name = (store, session, hazards,
                                                                  zone_name)
        self.service = IncidentService(store, hazards)
        self.model = RecordTableModel(
            [("received_at", tr("接报时间")), ("title", tr("事件")), ("grade", tr("等级")),
             ("status", tr("状态")), ("drill", tr("演练"))],
            {"received_at": lambda v: format_local(v, zone_name, "%Y-%m-%d %H:%M"),
             "drill": lambda v: tr("演练") if v else "",
             "grade": lambda v: v or tr("未定级")}, self)
        self.view = record_table(self.model, name="incidentList", stretch=1)
        self.view.clicked.connect(lambda index: self.detail.show_incident(
            self.model.row(index.row())["id"]))
        self.view.activated.connect(lambda index: self.detail.show_incident(
            self.model.row(index.row())["id"]))
        self.new_button = QPushButton(tr("新建事件"), objectName="newIncident")
        self.new_button.clicked.connect(lambda: self.new_incident())
        self.new_button.setEnabled(session.can(Permission.INCIDENT_WRITE))
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        title = QLabel(tr("事件"))
        title.setProperty("role", "title")
        ll.addWidget(title)
        ll.addWidget(self.new_button)
        ll.addWidget(self.view, 1)
        self.detail = IncidentDetail(store, session, hazards, zone_name)
        self.detail.changed.connect(self._changed)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.detail)
        split.setStretchFactor(1, 1)
        split.setSizes([380, 1000])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.dialog: FormDialog | None = None
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(self.service.list())

    def _changed(self) -> None:
        self.refresh()
        self.changed.emit()

    def new_incident(self, *, from_intake: dict | None = None) -> FormDialog:
        """The 新建事件 dialog (pre-filled when promoting an intake record)."""
        hazards = self.hazards.all()
        names = [h.name_zh for h in hazards]
        townships = [""] + [r["name"] for r in self.store.query(
            "SELECT name FROM org_unit WHERE kind = 'township' ORDER BY sort, name")]
        now = self.detail._now_local()
        fields = [("title", tr("事件名称"), "text", ""),
                  ("hazard", tr("灾种"), "choice", names),
                  ("township", tr("乡镇"), "choice", townships),
                  ("place", tr("地点"), "text", from_intake["location"] if from_intake else ""),
                  ("occurred", tr("发生时间"), "datetime", now),
                  ("received", tr("接报时间"), "datetime", now)]

        def submit(v):
            hazard = hazards[names.index(v["hazard"])]
            iid = self.service.create(self.session, IncidentInput(
                title=v["title"], hazard=hazard.id,
                occurred_at=self.detail._aware(v["occurred"]),
                received_at=self.detail._aware(v["received"]), township=v["township"],
                place=v["place"]), from_intake=from_intake["id"] if from_intake else None)
            self.refresh()
            self.detail.show_incident(iid)
            self.changed.emit()

        self.dialog = FormDialog(tr("新建事件"), fields, self, submit=submit)
        if from_intake:
            self.dialog.set("title", from_intake["content"][:30])
            when = datetime.fromisoformat(from_intake["received_at"]).astimezone(
                zone(self.zone_name))
            self.dialog.set("received", QDateTime(when.replace(tzinfo=None)))
        self.dialog.open()
        return self.dialog
