"""Reports in the window: the 信息报送 dialog on an incident (review the draft, preview it,
sign it) and the 报告 page listing every signed report. Rendering runs in a worker thread
behind a progress dialog; the store is only touched on the GUI thread."""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from commandcentre.accounts import Permission, Session
from commandcentre.errors import CommandCentreError
from commandcentre.i18n import tr
from commandcentre.reports.sitrep import SitrepDraft, render_sitrep_pdf
from commandcentre.reports.sitrep_service import SitrepService
from commandcentre.storage import Store
from commandcentre.timeutil import format_local

from ..models import RecordTableModel, record_table

LINE_FIELDS = ("title", "doc_number", "source", "commander", "contact")
TEXT_FIELDS = ("situation", "casualties", "measures", "deployed", "next_steps", "requests")


def field_labels() -> dict[str, str]:
    """The draft's fields as the form names them (in the UI language)."""
    return {"title": tr("标题"), "doc_number": tr("文号 / 期号"), "source": tr("信息来源"),
            "commander": tr("现场指挥负责人及联系方式"), "contact": tr("联系人及电话"),
            "situation": tr("基本情况 / 新情况"), "casualties": tr("人员伤亡和财产损失"),
            "measures": tr("已采取的措施"), "deployed": tr("投入的救援力量和物资"),
            "next_steps": tr("下一步工作"), "requests": tr("请求事项和工作建议")}


def _run_in_worker(fn, done: Signal) -> None:
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cc-render")
    future = pool.submit(fn)
    future.add_done_callback(lambda f: done.emit(f))
    pool.shutdown(wait=False)


class SitrepDialog(QDialog):
    """Review, preview and sign one report for an incident."""

    signed = Signal(dict)
    _rendered = Signal(object)  # from the worker: a Future

    def __init__(self, service: SitrepService, session: Session, incident_id: str,
                 parent=None):
        super().__init__(parent)
        self.setObjectName("sitrepDialog")
        self.setWindowTitle(tr("信息报送"))
        self.service, self.session, self.incident_id = service, session, incident_id
        self.draft: SitrepDraft | None = None
        self.kind = QComboBox(objectName="reportKind")
        self.kind.addItems(["首报", "续报", "终报", "补报"])
        self.number = QSpinBox(objectName="reportNumber")
        self.number.setRange(0, 999)
        load = QPushButton(tr("按记录生成草稿"), objectName="loadDraft")
        load.clicked.connect(self.load)
        self.lines: dict[str, QLineEdit] = {k: QLineEdit(objectName=k) for k in LINE_FIELDS}
        self.texts: dict[str, QPlainTextEdit] = {}
        for key in TEXT_FIELDS:
            edit = QPlainTextEdit(objectName=key)
            edit.setTabChangesFocus(True)
            edit.setMaximumHeight(80)
            self.texts[key] = edit
        self.recipient = QLineEdit(objectName="recipient")
        self.recipient.setPlaceholderText(tr("如：县人民政府、市应急管理局"))
        self.password = QLineEdit(objectName="signPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("签发人密码"))
        self.preview_button = QPushButton(tr("预览草稿"), objectName="previewDraft")
        self.preview_button.clicked.connect(self.preview)
        self.sign_button = QPushButton(tr("签发并存档"), objectName="signReport")
        self.sign_button.clicked.connect(self.sign)
        can_sign = session.can(Permission.REPORT_SIGN)
        for w in (self.password, self.sign_button, self.recipient):
            w.setEnabled(can_sign)
        self.message = QLabel(objectName="sitrepMessage", wordWrap=True)
        top = QHBoxLayout()
        for w in (QLabel(tr("报告")), self.kind, QLabel(tr("编号")), self.number, load):
            top.addWidget(w)
        top.addStretch(1)
        form = QFormLayout()
        labels = field_labels()
        for key in LINE_FIELDS:
            form.addRow(labels[key], self.lines[key])
        for key in TEXT_FIELDS:
            form.addRow(labels[key], self.texts[key])
        form.addRow(tr("报送对象"), self.recipient)
        sign_row = QHBoxLayout()
        for w in (self.preview_button, self.password, self.sign_button):
            sign_row.addWidget(w)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addLayout(sign_row)
        layout.addWidget(self.message)
        self.progress: QProgressDialog | None = None
        self._pending = None
        self._rendered.connect(self._after_render)
        self.resize(820, 760)
        self.load()

    def load(self) -> None:
        try:
            number = self.number.value() or None
            self.draft = self.service.draft(self.incident_id, self.kind.currentText(), number)
        except CommandCentreError as err:
            self.message.setText(str(err))
            return
        self.number.setValue(self.draft.number)
        for key, edit in self.lines.items():
            edit.setText(getattr(self.draft, key))
        for key, edit in self.texts.items():
            edit.setPlainText(getattr(self.draft, key))
        self.message.setText(tr("草稿已按记录生成，请核对修改后签发。"))

    def _collect(self) -> SitrepDraft:
        assert self.draft is not None
        for key, edit in self.lines.items():
            setattr(self.draft, key, edit.text())
        for key, edit in self.texts.items():
            setattr(self.draft, key, edit.toPlainText())
        return self.draft

    def _start(self, label: str, fn, then) -> None:
        self.progress = QProgressDialog(label, None, 0, 0, self)
        self.progress.setObjectName("renderProgress")
        self.progress.setMinimumDuration(0)
        self.progress.show()
        for w in (self.preview_button, self.sign_button):
            w.setEnabled(False)
        self._pending = then
        _run_in_worker(fn, self._rendered)

    def _after_render(self, future) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress = None
        self.preview_button.setEnabled(True)
        self.sign_button.setEnabled(self.session.can(Permission.REPORT_SIGN))
        error = future.exception()
        if error is not None:
            if not isinstance(error, (OSError, CommandCentreError)):
                raise error
            self.message.setText(tr("报告未能生成：{error}", error=str(error)))
            return
        then, self._pending = self._pending, None
        then(future.result())

    def preview(self) -> None:
        """Render the draft (marked 草稿) and open it in the system viewer."""
        draft = self._collect()
        self.service.apply_drill_flag(draft)
        folder = Path(tempfile.mkdtemp(prefix="cc-draft-"))
        when = self.service.store.clock.now()

        def render():
            return render_sitrep_pdf(draft, folder / f"{draft.kind_title}-草稿.pdf",
                                     generated_at=when)

        def show(path):
            self.last_preview = path
            self.message.setText(tr("草稿已生成：{path}", path=str(path)))
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

        self._start(tr("正在生成草稿…"), render, show)

    def sign(self) -> None:
        """Check the password, render the signed PDF in the worker, then store it."""
        draft = self._collect()
        try:
            self.service.authorize_signing(self.session, self.password.text())
            self.service.check_draft(draft)
        except CommandCentreError as err:
            self.message.setText(str(err))
            self.password.clear()
            return
        self.password.clear()
        when = self.service.store.clock.now()

        def render():
            return self.service.render_signed(self.session, draft, when)

        def keep(pdf: bytes):
            try:
                result = self.service.store_signed(self.session, draft, pdf, when,
                                                   recipient=self.recipient.text())
            except CommandCentreError as err:
                self.message.setText(str(err))
                return
            self.message.setText(tr("已签发并存档（SHA-256 {digest}…）。",
                                    digest=result["sha256"][:16]))
            self.signed.emit(result)

        self._start(tr("正在生成签发文本…"), render, keep)


class ReportsPage(QWidget):
    """报告: every signed report, newest first; export a verified copy."""

    def __init__(self, store: Store, session: Session, hazards, zone_name: str, parent=None):
        super().__init__(parent)
        self.setObjectName("reportsPage")
        self.store, self.service = store, SitrepService(store, hazards)
        title = QLabel(tr("报告"))
        title.setProperty("role", "title")
        hint = QLabel(tr("已签发的信息报送文书（原件存于数据库，导出时校验哈希）。在事件页点“报告…”"
                         "起草与签发；值班日报在“值班 → 值班概况”。"), wordWrap=True)
        hint.setProperty("role", "hint")
        self.model = RecordTableModel(
            [("signed_at", tr("签发时间")), ("incident_title", tr("事件")), ("title", tr("标题")),
             ("signer_name", tr("签发人")), ("drill", tr("演练"))],
            {"signed_at": lambda v: format_local(v, zone_name),
             "drill": lambda v: tr("演练") if v else ""}, self)
        self.view = record_table(self.model, name="reportList", stretch=2)
        self.export_button = QPushButton(tr("导出副本…"), objectName="exportReport")
        self.export_button.clicked.connect(self._export_chosen)
        self.status = QLabel(objectName="reportsStatus", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(hint)
        layout.addWidget(self.view, 1)
        row = QHBoxLayout()
        row.addWidget(self.export_button)
        row.addWidget(self.status, 1)
        layout.addLayout(row)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(self.store.query(
            "SELECT d.id, d.title, d.signer_name, d.signed_at, d.drill, i.title AS incident_title"
            " FROM report_document d JOIN incident i ON i.id = d.incident_id"
            " ORDER BY d.signed_at DESC LIMIT 500"))

    def _export_chosen(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        rows = self.view.selectionModel().selectedRows()
        if not rows:
            self.status.setText(tr("请先选中一份报告。"))
            return
        title = self.model.row(rows[0].row())["title"]
        path, _ = QFileDialog.getSaveFileName(self, tr("导出副本"), f"{title}.pdf", "PDF (*.pdf)")
        if path:
            try:
                self.export(rows[0].row(), path)
            except (OSError, CommandCentreError) as err:
                self.status.setText(str(err))
                return
            self.status.setText(tr("已导出（哈希校验通过）：{path}", path=path))

    def export(self, row: int, path: str | Path) -> Path:
        """Write a verified copy of the signed PDF in ``row``."""
        data = self.service.pdf(self.model.row(row)["id"])
        Path(path).write_bytes(data)
        return Path(path)
