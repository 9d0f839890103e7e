"""接报登记: the keyboard-first intake form, the record list with search, and record details.

The form follows a phone call: who is calling (unit, name, title, phone), what happened, where,
whom they have told, then how important it is. Ctrl+Enter saves; the "saved" message appears
only after the transaction committed. What is being typed is autosaved as a draft beside the
store, so a crash or a power cut loses nothing; the next start restores it.
"""

from __future__ import annotations

import itertools
import logging
from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
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
from commandcentre.duty.drafts import DraftStore
from commandcentre.duty.intake import CHANNELS, KINDS, STATES, IntakeInput, IntakeService
from commandcentre.errors import CommandCentreError
from commandcentre.i18n import tr
from commandcentre.storage import Store
from commandcentre.timeutil import format_local, zone

from ..models import RecordTableModel, record_table

log = logging.getLogger(__name__)
IMPORTANT_BACKGROUND = QColor("#fbdedb")
AUTOSAVE_MS = 500


def _text_fields() -> list[tuple[str, str]]:
    return [("caller_unit", tr("来电单位")), ("caller_name", tr("来电人")),
            ("caller_title", tr("职务")), ("caller_phone", tr("电话"))]


class IntakeForm(QWidget):
    """One intake record being typed (new, or a correction of an existing one)."""

    saved = Signal(object)  # the IntakeView, after the commit

    def __init__(self, store: Store, session: Session, service: IntakeService,
                 drafts: DraftStore, zone_name: str, parent=None):
        super().__init__(parent)
        self.setObjectName("intakeForm")
        self.setMaximumWidth(520)  # the list beside it needs the room more
        self.store, self.session, self.service, self.drafts = store, session, service, drafts
        self.zone_name = zone_name
        self.correcting: dict | None = None  # the version being corrected
        self._loading = False

        self.title = QLabel(tr("新接报"))
        self.title.setProperty("role", "title")
        self.channel = QComboBox(objectName="channel")
        self.channel.addItems(CHANNELS)
        self.kind = QComboBox(objectName="kind")
        self.kind.addItems(KINDS)
        self.received = QDateTimeEdit(objectName="receivedAt")
        self.received.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.received.setCalendarPopup(True)
        self.edits: dict[str, QLineEdit] = {}
        for key, _label in _text_fields():
            self.edits[key] = QLineEdit(objectName=key)
        self.edits["caller_phone"].setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        self.content = QPlainTextEdit(objectName="content")
        self.content.setTabChangesFocus(True)  # Tab moves on; the call goes on too
        self.content.setPlaceholderText(tr("来电内容：发生了什么、时间、地点、范围、已采取的措施、请求"))
        self.content.setMinimumHeight(110)
        self.location = QLineEdit(objectName="location")
        self.township = QComboBox(objectName="township")
        self.township.addItem("")
        self.township.addItems([r["name"] for r in store.query(
            "SELECT name FROM org_unit WHERE kind = 'township' ORDER BY sort, name")])
        self.notified = QLineEdit(objectName="callerNotified")
        self.notified.setPlaceholderText(tr("来电方已报告或通知的单位"))
        self.important = QCheckBox(tr("要情（重要紧急）"), objectName="important")
        self.reason = QLineEdit(objectName="correctionReason")
        self.reason.setPlaceholderText(tr("更正原因（必填）"))
        self.save_button = QPushButton(tr("保存（Ctrl+Enter）"), objectName="saveIntake")
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(tr("清空"), objectName="clearIntake")
        self.cancel_button.clicked.connect(self.discard)
        self.status = QLabel("", objectName="intakeStatus", wordWrap=True)

        form = QFormLayout()
        form.addRow(tr("渠道"), self.channel)
        for key, label in _text_fields():
            form.addRow(label, self.edits[key])
        form.addRow(tr("内容"), self.content)
        form.addRow(tr("地点"), self.location)
        form.addRow(tr("乡镇"), self.township)
        form.addRow(tr("已告知"), self.notified)
        form.addRow(tr("类型"), self.kind)
        form.addRow("", self.important)
        form.addRow(tr("接报时间"), self.received)
        self.reason_label = QLabel(tr("更正原因"))
        form.addRow(self.reason_label, self.reason)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addStretch(1)
        order = [self.channel, *self.edits.values(), self.content, self.location,
                 self.township, self.notified, self.kind, self.important, self.received,
                 self.reason, self.save_button]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)

        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.save)

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self.save_draft)
        for edit in (*self.edits.values(), self.location, self.notified, self.reason):
            edit.textChanged.connect(self._changed)
        self.content.textChanged.connect(self._changed)
        for combo in (self.channel, self.kind, self.township):
            combo.currentIndexChanged.connect(self._changed)
        self.important.toggled.connect(self._changed)
        self.received.dateTimeChanged.connect(self._changed)

        writable = session.can(Permission.DUTY_WRITE)
        self.setEnabled(writable)
        self.reset()
        draft = drafts.load(session.username) if writable else None
        if draft:
            self.set_values(draft)
            self.status.setText(tr("已恢复上次未保存的草稿，请核对后保存。"))
        if not writable:
            self.status.setText(tr("当前角色只能查看，不能登记。"))

    # -- values ----------------------------------------------------------------------------

    def values(self) -> dict:
        """The form's content as JSON-friendly data (what a draft holds)."""
        return {
            "channel": self.channel.currentText(), "kind": self.kind.currentText(),
            "received_at": self.received.dateTime().toString(Qt.DateFormat.ISODate),
            **{k: e.text() for k, e in self.edits.items()},
            "content": self.content.toPlainText(), "location": self.location.text(),
            "township": self.township.currentText(), "caller_notified": self.notified.text(),
            "important": self.important.isChecked(),
            "correcting": self.correcting["id"] if self.correcting else None,
            "reason": self.reason.text(),
        }

    def set_values(self, data: dict) -> None:
        self._loading = True
        try:
            self.channel.setCurrentText(data.get("channel") or CHANNELS[0])
            self.kind.setCurrentText(data.get("kind") or KINDS[0])
            when = QDateTime.fromString(data.get("received_at") or "", Qt.DateFormat.ISODate)
            if when.isValid():
                self.received.setDateTime(when)
            for key, edit in self.edits.items():
                edit.setText(data.get(key) or "")
            self.content.setPlainText(data.get("content") or "")
            self.location.setText(data.get("location") or "")
            self.township.setCurrentText(data.get("township") or "")
            self.notified.setText(data.get("caller_notified") or "")
            self.important.setChecked(bool(data.get("important")))
            self.reason.setText(data.get("reason") or "")
            correcting = data.get("correcting")
            self.correcting = self.store.get("intake_record", correcting) if correcting else None
            self._show_mode()
        finally:
            self._loading = False

    def _input(self) -> IntakeInput:
        local = self.received.dateTime().toPython()
        return IntakeInput(
            content=self.content.toPlainText(), channel=self.channel.currentText(),
            kind=self.kind.currentText(),
            received_at=local.replace(tzinfo=zone(self.zone_name)),
            caller_unit=self.edits["caller_unit"].text(),
            caller_name=self.edits["caller_name"].text(),
            caller_title=self.edits["caller_title"].text(),
            caller_phone=self.edits["caller_phone"].text(), location=self.location.text(),
            township=self.township.currentText(), caller_notified=self.notified.text(),
            important=self.important.isChecked())

    # -- actions ---------------------------------------------------------------------------

    def _changed(self, *_args) -> None:
        if not self._loading:
            self._autosave.start()

    def save_draft(self) -> None:
        """Write what is typed to the draft file now."""
        if not self.isEnabled():
            return
        try:
            self.drafts.save(self.session.username, self.values())
        except OSError as err:  # the record itself is not at risk; say so once
            log.warning("draft not saved: %s", err)
            self.status.setText(tr("草稿未能自动保存：{error}", error=str(err)))

    def save(self) -> None:
        """Save the record (or the correction); report only after the commit."""
        if not self.isEnabled():
            return
        self._autosave.stop()
        try:
            if self.correcting:
                view = self.service.correct(self.session, self.correcting["id"], self._input(),
                                            self.reason.text())
                message = tr("已保存更正：接报编号 {serial}（第 {n} 版）",
                             serial=view.record["serial"], n=len(view.versions))
            else:
                view = self.service.record(self.session, self._input())
                message = tr("已保存：接报编号 {serial}", serial=view.record["serial"])
        except CommandCentreError as err:
            self.save_draft()  # whatever went wrong, what was typed stays
            self.status.setProperty("role", "error")
            self.status.setText(str(err))
            self._repolish()
            return
        self.drafts.clear(self.session.username)
        self.reset()
        self.status.setProperty("role", "")
        self.status.setText(tr("{message}（{time}）", message=message,
                               time=format_local(view.record["recorded_at"], self.zone_name,
                                                 "%H:%M:%S")))
        self._repolish()
        self.saved.emit(view)

    def _repolish(self) -> None:
        self.status.style().unpolish(self.status)
        self.status.style().polish(self.status)

    def reset(self) -> None:
        """An empty form for the next call, its time set to now."""
        self._loading = True
        try:
            for edit in (*self.edits.values(), self.location, self.notified, self.reason):
                edit.clear()
            self.content.clear()
            self.channel.setCurrentIndex(0)
            self.kind.setCurrentIndex(0)
            self.township.setCurrentIndex(0)
            self.important.setChecked(False)
            now = self.store.clock.now().astimezone(zone(self.zone_name))
            self.received.setDateTime(QDateTime(now.replace(tzinfo=None)))
            self.correcting = None
            self._show_mode()
        finally:
            self._loading = False

    def discard(self) -> None:
        self._autosave.stop()
        self.drafts.clear(self.session.username)
        self.reset()
        self.status.setText("")

    def start_new(self) -> None:
        """Focus the form for a new call (keeps a half-typed one)."""
        if not self.content.toPlainText() and not self.edits["caller_unit"].text():
            self.reset()
        self.edits["caller_unit"].setFocus()

    def start_correction(self, record: dict) -> None:
        """Load the newest version of a record to correct it."""
        self.set_values({**record, "township": self._township_name(record["township_id"]),
                         "received_at": format_local(record["received_at"], self.zone_name,
                                                     "%Y-%m-%dT%H:%M:%S"),
                         "important": bool(record["important"]),
                         "correcting": record["id"], "reason": ""})
        self.reason.setFocus()

    def _township_name(self, township_id: str | None) -> str:
        if not township_id:
            return ""
        return self.store.scalar("SELECT name FROM org_unit WHERE id = ?", (township_id,)) or ""

    def _show_mode(self) -> None:
        correcting = self.correcting is not None
        self.reason.setVisible(correcting)
        self.reason_label.setVisible(correcting)
        self.title.setText(tr("更正接报 {serial}", serial=self.correcting["serial"])
                           if correcting else tr("新接报"))


class IntakeList(QWidget):
    """Records with search and filters; 要情 rows are highlighted."""

    open_record = Signal(str)  # root id

    def __init__(self, service: IntakeService, zone_name: str, *, today_only: bool = False,
                 parent=None):
        super().__init__(parent)
        self.service, self.zone_name, self.today_only = service, zone_name, today_only
        self.search = QLineEdit(objectName="intakeSearch")
        self.search.setPlaceholderText(tr("检索：单字、词、电话、地名均可"))
        self.channel = QComboBox(objectName="channelFilter")
        self.channel.addItems([tr("全部渠道"), *CHANNELS])
        self.state = QComboBox(objectName="stateFilter")
        self.state.addItems([tr("全部环节"), *STATES])
        self.open_only = QCheckBox(tr("未办结"), objectName="openOnly")
        self.important_only = QCheckBox(tr("要情"), objectName="importantOnly")
        self.count = QLabel(objectName="intakeCount")
        bar = QHBoxLayout()
        for w in (self.search, self.channel, self.state, self.open_only, self.important_only):
            bar.addWidget(w)
        bar.setStretch(0, 1)
        self.model = RecordTableModel(
            [("serial", tr("编号")), ("received_at", tr("接报时间")), ("channel", tr("渠道")),
             ("caller", tr("来电方")), ("content", tr("内容")), ("state", tr("环节")),
             ("flags", tr("标记"))],
            {"received_at": lambda v: format_local(v, zone_name, "%m-%d %H:%M"),
             "content": lambda v: (v or "").replace("\n", " ")[:80]},
            self, background=lambda r: IMPORTANT_BACKGROUND if r.get("important") else None)
        self.view = record_table(self.model, name="intakeTable", stretch=4)
        self.view.doubleClicked.connect(lambda index: self.open_record.emit(
            self.model.row(index.row())["root_id"]))
        self.view.activated.connect(lambda index: self.open_record.emit(
            self.model.row(index.row())["root_id"]))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(150)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(self._debounce.start)
        for combo in (self.channel, self.state):
            combo.currentIndexChanged.connect(self.refresh)
        for box in (self.open_only, self.important_only):
            box.toggled.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        start = None
        if self.today_only:
            now = self.service.store.clock.now().astimezone(zone(self.zone_name))
            start = datetime.combine(now.date(), datetime.min.time(), now.tzinfo)
        rows = self.service.list(
            text=self.search.text(), start=start,
            channel=self.channel.currentText() if self.channel.currentIndex() else None,
            state=self.state.currentText() if self.state.currentIndex() else None,
            open_only=self.open_only.isChecked(),
            important=True if self.important_only.isChecked() else None, limit=500)
        for r in rows:
            r["caller"] = " ".join(x for x in (r["caller_unit"], r["caller_name"]) if x)
            flags = [tr("要情")] if r["important"] else []
            if r["corrected"]:
                flags.append(tr("已更正"))
            r["flags"] = "、".join(flags)
        self.model.set_rows(rows)
        self.count.setText(tr("{n} 条", n=len(rows)))


class IntakeDetail(QDialog):
    """One record: all versions, the handling steps, and the next step to record."""

    correct_requested = Signal(dict)
    promote_requested = Signal(dict)
    changed = Signal()

    def __init__(self, service: IntakeService, session: Session, root_id: str,
                 zone_name: str, parent=None):
        super().__init__(parent)
        self.setObjectName("intakeDetail")
        self.service, self.session, self.root_id, self.zone_name = (service, session, root_id,
                                                                   zone_name)
        self.text = QLabel(objectName="detailText", wordWrap=True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.step = QComboBox(objectName="stepChoice")
        self.target = QLineEdit(objectName="stepTarget")
        self.target.setPlaceholderText(tr("报给谁 / 传给谁"))
        self.note = QLineEdit(objectName="stepNote")
        self.note.setPlaceholderText(tr("办理情况"))
        self.add_step = QPushButton(tr("登记环节"), objectName="addStep")
        self.add_step.clicked.connect(self.record_step)
        self.correct = QPushButton(tr("更正…"), objectName="correctRecord")
        self.correct.clicked.connect(self._correct)
        self.promote = QPushButton(tr("转为事件…"), objectName="promoteRecord")
        self.promote.clicked.connect(self._promote)
        self.error = QLabel(objectName="detailError", wordWrap=True)
        self.error.setProperty("role", "error")
        row = QHBoxLayout()
        for w in (self.step, self.target, self.note, self.add_step):
            row.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text, 1)
        layout.addLayout(row)
        layout.addWidget(self.error)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.promote)
        bottom.addWidget(self.correct)
        layout.addLayout(bottom)
        writable = session.can(Permission.DUTY_WRITE)
        for w in (self.step, self.target, self.note, self.add_step, self.correct):
            w.setEnabled(writable)
        self.promote.setEnabled(session.can(Permission.INCIDENT_WRITE))
        self.resize(760, 520)
        self.refresh()

    def refresh(self) -> None:
        view = self.service.get(self.root_id)
        self.view = view
        r = view.record
        self.setWindowTitle(tr("接报 {serial}", serial=r["serial"]))
        lines = [tr("<b>接报编号 {serial}</b>　{when}　{channel}　{kind}　当前环节：<b>{state}</b>",
                    serial=r["serial"], when=format_local(r["received_at"], self.zone_name),
                    channel=r["channel"], kind=r["kind"], state=view.state)]
        if r["important"]:
            lines.append(tr("<span style='color:#c0392b'><b>要情</b></span>"))
        lines += [tr("来电方：{unit} {name} {title} {phone}", unit=_esc(r["caller_unit"]),
                     name=_esc(r["caller_name"]), title=_esc(r["caller_title"]),
                     phone=_esc(r["caller_phone"])),
                  tr("地点：{place}", place=_esc(r["location"])),
                  tr("内容：{content}", content=_esc(r["content"])),
                  tr("已告知：{who}", who=_esc(r["caller_notified"]))]
        for n, v in enumerate(view.versions[1:], start=2):
            lines.append(tr("第 {n} 版（{when}，{user}）更正原因：{reason}", n=n,
                            when=format_local(v["recorded_at"], self.zone_name),
                            user=v["recorded_by"], reason=_esc(v["correction_reason"])))
        if view.corrected:
            lines.append(tr("原始记录内容：{content}", content=_esc(view.versions[0]["content"])))
        lines.append(tr("<b>办理过程</b>"))
        for s in view.steps:
            lines.append(tr("{when} {step} {target} {note}（{user}）",
                            when=format_local(s["at"], self.zone_name), step=s["step"],
                            target=_esc(s["target"]), note=_esc(s["note"]), user=s["by_name"]))
        self.text.setText("<br>".join(lines))
        self.promote.setVisible(view.incident_id is None)
        index = STATES.index(view.state)
        choices = [s for s in STATES[1:] if STATES.index(s) > index or s == "跟"]
        if view.state == "办结":
            choices = []
        self.step.clear()
        self.step.addItems(choices)
        self.add_step.setEnabled(bool(choices) and self.session.can(Permission.DUTY_WRITE))

    def record_step(self) -> None:
        try:
            self.service.advance(self.session, self.root_id, self.step.currentText(),
                                 target=self.target.text(), note=self.note.text())
        except CommandCentreError as err:
            self.error.setText(str(err))
            return
        self.error.clear()
        self.target.clear()
        self.note.clear()
        self.refresh()
        self.changed.emit()

    def _correct(self) -> None:
        self.correct_requested.emit(self.view.record)
        self.accept()

    def _promote(self) -> None:
        self.promote_requested.emit(self.view.record)
        self.accept()


def _esc(text: str | None) -> str:
    from html import escape

    return escape(text or "")
