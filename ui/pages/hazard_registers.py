"""灾种台账 tab of 队伍与资源: the registers hazard plugins provide (水库, 隐患点, 重大危险源 …),
with their checks, adding a row and importing an office sheet (preview first, all or nothing).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from commandcentre.accounts import Permission, Session
from commandcentre.county import CountyService
from commandcentre.errors import CommandCentreError
from commandcentre.hazards.register_service import PluginRegisterService
from commandcentre.i18n import tr
from commandcentre.storage import Store

from ..hazard_panel import HazardFieldsPanel
from ..models import RecordTableModel, record_table

FINDING = QColor("#fbdedb")


class HazardRegistersTab(QWidget):
    """One register at a time, chosen from every loaded plugin's registers."""

    def __init__(self, store: Store, session: Session, registry, parent=None):
        super().__init__(parent)
        self.store, self.session = store, session
        self.service = PluginRegisterService(store, registry)
        self.chooser = QComboBox(objectName="registerChooser")
        for ref in self.service.registers():
            hazard = next((h for h in registry.all()
                           if registry.owner(h.id) == ref.plugin_id), None)
            owner = hazard.name() if hazard else ref.plugin_id
            self.chooser.addItem(f"{ref.spec.name()}（{owner}）", ref.id)
        self.chooser.currentIndexChanged.connect(self.refresh)
        self.search = QLineEdit(objectName="registerSearch")
        self.search.setPlaceholderText(tr("筛选：名称或乡镇"))
        self.search.textChanged.connect(self.refresh)
        can_write = session.can(Permission.REGISTER_WRITE)
        self.add_button = QPushButton(tr("添加…"), objectName="registerAdd", enabled=can_write)
        self.add_button.clicked.connect(self.open_add)
        self.import_button = QPushButton(tr("导入…"), objectName="registerImport",
                                         enabled=can_write)
        self.import_button.clicked.connect(self.choose_import)
        self.count = QLabel(objectName="registerCount")
        bar = QHBoxLayout()
        for widget in (self.chooser, self.search, self.add_button, self.import_button,
                       self.count):
            bar.addWidget(widget)
        bar.setStretch(1, 1)
        self.source = QLabel(objectName="registerSource", wordWrap=True)
        self.source.setProperty("role", "hint")
        self.model = RecordTableModel([], parent=self)
        self.view = record_table(self.model, name="registerTable")
        self.message = QLabel(objectName="registerMessage", wordWrap=True)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.source)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)
        self.dialog: QDialog | None = None
        self.refresh()

    @property
    def ref(self):
        rid = self.chooser.currentData()
        return self.service.get(rid) if rid else None

    def refresh(self, *_args) -> None:
        ref = self.ref
        if ref is None:
            self.count.setText(tr("没有已加载的灾种台账。"))
            return
        columns = [(f.key, f.label()) for f in ref.spec.fields]
        columns.insert(1, ("township", tr("乡镇")))
        columns.append(("problems", tr("问题")))
        formatters = {f.key: (lambda v: "" if v is None else tr("是") if v else tr("否"))
                      for f in ref.spec.fields if f.type == "bool"}
        self.model = RecordTableModel(columns, formatters, self,
                                      background=lambda r: FINDING if r["findings"] else None)
        self.view.setModel(self.model)
        rows = self.service.rows(ref, text=self.search.text())
        for row in rows:
            row["problems"] = "；".join(row["findings"])
        self.model.set_rows(rows)
        self.count.setText(tr("{n} 条", n=len(rows)))
        self.source.setText(tr("依据：{source}", source=ref.spec.source) if ref.spec.source
                            else "")

    def open_add(self) -> QDialog | None:
        ref = self.ref
        if ref is None:
            return None
        self.dialog = RegisterRowDialog(self.store, ref, self.service, self.session, self)
        self.dialog.accepted.connect(self.refresh)
        self.dialog.open()
        return self.dialog

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("导入"), "", tr("表格 (*.xlsx *.csv)"))
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> QDialog | None:
        from .rosters import ImportPreviewDialog

        ref = self.ref
        try:
            preview = self.service.preview(self.session, ref, path)
        except CommandCentreError as err:
            self.message.setText(str(err))
            return None
        dialog = ImportPreviewDialog(preview, self)
        dialog.accepted.connect(lambda: self._write(ref, path))
        dialog.open()
        self.dialog = dialog
        return dialog

    def _write(self, ref, path: str) -> None:
        try:
            done = self.service.import_file(self.session, ref, path)
        except CommandCentreError as err:
            self.message.setText(str(err))
            return
        self.message.setText(tr("已导入：新增 {insert} 条，更新 {update} 条，未变 {unchanged} 条。",
                                **done.counts))
        self.refresh()


class RegisterRowDialog(QDialog):
    """A new row: the register's fields (the same panel as an incident's) and its township."""

    def __init__(self, store: Store, ref, service, session: Session, parent=None):
        super().__init__(parent)
        self.setObjectName("registerRowDialog")
        self.setWindowTitle(tr("添加到{name}", name=ref.spec.name()))
        self.ref, self.service, self.session = ref, service, session
        self.panel = HazardFieldsPanel(ref.spec, {}, "", self)
        self.township = QComboBox(objectName="field_township")
        self.township.addItem("", None)
        for t in CountyService(store).townships():
            self.township.addItem(t["name"], t["name"])
        self.panel.form.insertRow(1, tr("乡镇"), self.township)
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
        self.error.setAlignment(Qt.AlignmentFlag.AlignLeft)

    def accept(self) -> None:
        values = self.panel.values()
        if self.township.currentData():
            values["township"] = self.township.currentData()
        try:
            self.service.add(self.session, self.ref, values)
        except CommandCentreError as err:
            self.error.setText(str(err))
            return
        super().accept()
