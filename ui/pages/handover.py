"""交接班 tab: the open items the next shift inherits, the sheet, and both signatures."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from commandcentre.accounts import Permission, Session
from commandcentre.duty.handover import HandoverService
from commandcentre.errors import CommandCentreError
from commandcentre.i18n import tr
from commandcentre.storage import Store
from commandcentre.timeutil import format_local

from ..models import RecordTableModel, record_table


class HandoverPage(QWidget):
    """Prepare the sheet, then the outgoing and the incoming officer sign with passwords."""

    completed = Signal()

    def __init__(self, store: Store, session: Session, zone_name: str, parent=None):
        super().__init__(parent)
        self.setObjectName("handoverPage")
        self.session, self.zone_name = session, zone_name
        self.service = HandoverService(store, zone_name=zone_name)
        self.sheet = None
        self.responsible = QLabel(objectName="responsibleShift", wordWrap=True)
        self.items = RecordTableModel(
            [("serial", tr("编号")), ("received_at", tr("接报时间")), ("kind", tr("类型")),
             ("state", tr("环节")), ("content", tr("内容"))],
            {"received_at": lambda v: format_local(v, zone_name, "%m-%d %H:%M"),
             "content": lambda v: (v or "").replace("\n", " ")[:80]}, self)
        table = record_table(self.items, name="openItems")
        self.equipment = QLineEdit(objectName="equipment")
        self.equipment.setPlaceholderText(tr("如：PDT 基站正常，北斗指挥机正常，卫星电话电量满"))
        self.instructions = QPlainTextEdit(objectName="instructions")
        self.instructions.setTabChangesFocus(True)
        self.instructions.setMaximumHeight(70)
        self.notes = QPlainTextEdit(objectName="handoverNotes")
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(70)
        self.prepare_button = QPushButton(tr("生成交接单"), objectName="prepareHandover")
        self.prepare_button.clicked.connect(self.prepare)
        self.sheet_text = QLabel(objectName="sheetText", wordWrap=True)
        self.out_password = QLineEdit(objectName="outgoingPassword")
        self.out_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.out_password.setPlaceholderText(tr("交班人密码"))
        self.out_button = QPushButton(tr("交班签字"), objectName="signOutgoing")
        self.out_button.clicked.connect(self.sign_outgoing)
        self.in_user = QLineEdit(objectName="incomingUser")
        self.in_user.setPlaceholderText(tr("接班人用户名"))
        self.in_password = QLineEdit(objectName="incomingPassword")
        self.in_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.in_password.setPlaceholderText(tr("接班人密码"))
        self.in_button = QPushButton(tr("接班签字"), objectName="signIncoming")
        self.in_button.clicked.connect(self.sign_incoming)
        self.message = QLabel(objectName="handoverMessage", wordWrap=True)

        title = QLabel(tr("交接班"))
        title.setProperty("role", "title")
        form = QFormLayout()
        form.addRow(tr("设备与链路"), self.equipment)
        form.addRow(tr("上级交办"), self.instructions)
        form.addRow(tr("备注"), self.notes)
        sign = QHBoxLayout()
        for w in (self.out_password, self.out_button, self.in_user, self.in_password,
                  self.in_button):
            sign.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.responsible)
        layout.addWidget(QLabel(tr("未办结事项（接班后继续办理）")))
        layout.addWidget(table, 1)
        layout.addLayout(form)
        layout.addWidget(self.prepare_button)
        layout.addWidget(self.sheet_text)
        layout.addLayout(sign)
        layout.addWidget(self.message)
        self.setEnabled(session.can(Permission.DUTY_WRITE))
        self.refresh()

    def refresh(self) -> None:
        shift, waiting = self.service.responsible_shift()
        if shift is None:
            self.responsible.setText(tr("当前没有排班。"))
        else:
            text = tr("负责班次：{start} 至 {end}，带班领导 {leader}",
                      start=format_local(shift.starts_at, self.zone_name),
                      end=format_local(shift.ends_at, self.zone_name), leader=shift.leader_name)
            if waiting:
                text += tr("（该班次已到交班时间但尚未完成交接，仍由该班负责）")
            self.responsible.setText(text)
        self.items.set_rows(self.service.open_items())
        latest = self.service.latest()
        self.sheet = latest if latest is not None and not latest.complete else None
        self._show_sheet()

    def _show_sheet(self) -> None:
        sheet = self.sheet
        self.prepare_button.setEnabled(sheet is None)
        self.out_button.setEnabled(sheet is not None and sheet.outgoing_signed_at is None)
        self.out_password.setEnabled(self.out_button.isEnabled())
        ready = sheet is not None and sheet.outgoing_signed_at is not None
        for w in (self.in_user, self.in_password, self.in_button):
            w.setEnabled(ready)
        if sheet is None:
            self.sheet_text.setText(tr("尚未生成本班交接单。"))
            return
        self.sheet_text.setText(tr(
            "交接单（{when}）：未办结 {n} 件，其中上级交办 {m} 件；交班人 {out}：{out_state}；"
            "接班人：{in_state}",
            when=format_local(sheet.created_at, self.zone_name), n=len(sheet.open_items),
            m=len(sheet.instructions_open), out=sheet.outgoing["display_name"],
            out_state=tr("已签字") if sheet.outgoing_signed_at else tr("未签字"),
            in_state=tr("已签字") if sheet.incoming_signed_at else tr("未签字")))

    def _run(self, action) -> bool:
        try:
            action()
        except CommandCentreError as err:
            self.message.setProperty("role", "error")
            self.message.setText(str(err))
            return False
        self.message.setProperty("role", "")
        self.message.clear()
        return True

    def prepare(self) -> None:
        def act():
            self.sheet = self.service.prepare(
                self.session, equipment=self.equipment.text(),
                instructions=self.instructions.toPlainText(), notes=self.notes.toPlainText())
        if self._run(act):
            self._show_sheet()
            self.out_password.setFocus()

    def sign_outgoing(self) -> None:
        def act():
            self.sheet = self.service.sign_outgoing(self.session, self.sheet.id,
                                                    self.out_password.text())
        self._run(act)
        self.out_password.clear()
        self._show_sheet()
        if self.in_user.isEnabled():
            self.in_user.setFocus()

    def sign_incoming(self) -> None:
        def act():
            self.sheet = self.service.sign_incoming(self.session, self.sheet.id,
                                                    self.in_user.text().strip(),
                                                    self.in_password.text())
        ok = self._run(act)
        self.in_password.clear()
        if ok:
            self.message.setText(tr("交接完成：{name} 接班。",
                                    name=self.sheet.incoming["display_name"]))
            self.completed.emit()
            self.refresh()
        else:
            self._show_sheet()
