"""队伍与资源 page: every register as a sortable, searchable table, the compliance view, and
import (preview first, then all or nothing) / export of the office sheets."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from commandcentre.accounts import Permission, Session
from commandcentre.errors import CommandCentreError
from commandcentre.i18n import tr
from commandcentre.rosters import (
    ContactService,
    EquipmentService,
    ExpertService,
    ImportRejected,
    MemberService,
    ShelterService,
    StockService,
    TeamService,
    check,
    export_register,
    import_register,
    preview_import,
)
from commandcentre.rosters.compliance import kind_label
from commandcentre.settings import Settings
from commandcentre.storage import Store
from commandcentre.timeutil import format_local

from ..models import RecordTableModel, record_table

WARN = QColor("#fbdedb")


def _registers() -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(kind, tab title, columns) for each register, in the UI language."""
    return [
        ("teams", tr("队伍"), [("name", tr("队伍")), ("category", tr("类别")),
                              ("level", tr("层级")),
                              ("township", tr("乡镇")), ("headcount", tr("编制人数")),
                              ("members", tr("在册队员")), ("required_min", tr("最低要求")),
                              ("status", tr("状态")), ("last_position", tr("最新位置")),
                              ("contact_phone", tr("联系电话"))]),
        ("people", tr("队员"), [("name", tr("姓名")), ("team", tr("队伍")), ("role", tr("职务")),
                               ("phone", tr("电话")), ("pdt_id", tr("PDT 号")),
                               ("beidou_card", tr("北斗卡号")), ("sat_phone", tr("卫星电话"))]),
        ("experts", tr("专家"), [("name", tr("姓名")), ("speciality", tr("专业")),
                                ("employer", tr("单位")), ("title", tr("职称")),
                                ("phone", tr("电话")), ("on_call", tr("值守"))]),
        ("contacts", tr("通讯录"), [("unit", tr("单位")), ("name", tr("姓名")),
                                   ("title", tr("职务")), ("duty_phone", tr("值班电话")),
                                   ("mobile", tr("手机")), ("office_phone", tr("办公电话"))]),
        ("stock", tr("物资"), [("warehouse", tr("物资库")), ("item", tr("物资")),
                              ("spec", tr("规格")), ("balance", tr("库存")), ("unit", tr("单位")),
                              ("min_quantity", tr("最低库存")), ("batch", tr("批次")),
                              ("expiry", tr("有效期至"))]),
        ("shelters", tr("避难场所"), [("name", tr("名称")), ("type", tr("类型")),
                                     ("township", tr("乡镇")), ("capacity", tr("容量（人）")),
                                     ("occupancy", tr("安置人数")), ("status", tr("状态")),
                                     ("manager", tr("管理人")), ("phone", tr("电话"))]),
        ("equipment", tr("装备"), [("name", tr("名称")), ("kind", tr("类别")),
                                  ("model", tr("型号")), ("owner_unit", tr("所属单位")),
                                  ("location", tr("存放地点")), ("status", tr("状态")),
                                  ("requisitionable", tr("可征用")), ("quantity", tr("数量"))]),
    ]


def _extra_labels() -> dict[str, str]:
    """Names for the fields a detail pane shows beyond the table's columns."""
    return {"base": tr("驻地"), "specialities": tr("专长"), "equipment": tr("装备"),
            "owner_unit": tr("所属单位"), "fulltime": tr("专职"), "rule": tr("依据"),
            "lat": tr("纬度"), "lon": tr("经度"), "hazards": tr("灾种"), "party": tr("党员"),
            "militia": tr("民兵"), "drilled": tr("参加演练"), "address": tr("地址"),
            "area_m2": tr("面积（平方米）"), "facilities_json": tr("设施"), "grade": tr("等级"),
            "reserve_type": tr("储备方式"), "warehouse_level": tr("物资库层级"),
            "fax": tr("传真"), "note": tr("备注"), "source": tr("来源"), "plate": tr("车牌"),
            "out": tr("已调出"), "id_key": tr("身份标识"), "public_post": tr("公益性岗位")}


def _rows(store: Store, kind: str) -> list[dict]:
    if kind == "teams":
        rows = TeamService(store).list(limit=5000)
        zone_name = Settings(store).get("ui.timezone")
        for r in rows:
            if r["last_position_at"]:
                r["last_position"] = "{} {:.4f}, {:.4f}".format(
                    format_local(r["last_position_at"], zone_name, "%m-%d %H:%M"), r["last_lat"],
                    r["last_lon"])
        return rows
    if kind == "people":
        return MemberService(store).list(limit=5000)
    if kind == "experts":
        return ExpertService(store).list()
    if kind == "contacts":
        return ContactService(store).directory()
    if kind == "stock":
        return StockService(store).items(limit=5000)
    if kind == "shelters":
        return ShelterService(store).list(limit=5000)
    return EquipmentService(store).list(limit=5000)


def _warn(kind: str, row: dict) -> bool:
    if kind == "teams":
        return bool(row.get("required_min")) and (row.get("members") or 0) < row["required_min"]
    if kind == "stock":
        return row.get("balance") is not None and row["balance"] < (row.get("min_quantity") or 0)
    return False


class RegisterTab(QWidget):
    """One register: search box, sortable table, import and export."""

    def __init__(self, store: Store, session: Session, kind: str, columns, parent=None):
        super().__init__(parent)
        self.store, self.session, self.kind = store, session, kind
        self.columns = list(columns)
        self.search = QLineEdit(objectName=f"search_{kind}")
        self.search.setPlaceholderText(tr("筛选：任意列包含的文字"))
        self.model = RecordTableModel(
            columns, {"on_call": lambda v: tr("是") if v else "",
                      "requisitionable": lambda v: tr("是") if v else "",
                      "balance": lambda v: "" if v is None else f"{v:g}"}, self,
            background=lambda r: WARN if _warn(kind, r) else None)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterKeyColumn(-1)  # every column
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = record_table(self.model, name=f"table_{kind}")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.import_button = QPushButton(tr("导入…"), objectName=f"import_{kind}")
        self.import_button.clicked.connect(self.choose_import)
        self.import_button.setEnabled(session.can(Permission.REGISTER_WRITE))
        self.export_button = QPushButton(tr("导出…"), objectName=f"export_{kind}")
        self.export_button.clicked.connect(self.choose_export)
        self.count = QLabel(objectName=f"count_{kind}")
        self.message = QLabel(objectName=f"message_{kind}", wordWrap=True)
        bar = QHBoxLayout()
        for w in (self.search, self.import_button, self.export_button, self.count):
            bar.addWidget(w)
        bar.setStretch(0, 1)
        self.detail = QLabel(objectName=f"detail_{kind}", wordWrap=True)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setMinimumWidth(260)
        self.view.selectionModel().currentRowChanged.connect(self._show_detail)
        split = QSplitter()
        split.addWidget(self.view)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 1)
        split.setSizes([900, 320])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        self.refresh()

    def _show_detail(self, current, _previous=None) -> None:
        """Every field of the selected record, not only the table's columns."""
        if not current.isValid():
            self.detail.clear()
            return
        row = self.model.row(self.proxy.mapToSource(current).row())
        labels = {**_extra_labels(), **dict(self.columns)}
        lines = [f"<b>{escape(labels.get(k, k))}</b>：{escape('' if v is None else str(v))}"
                 for k, v in row.items() if k != "id" and not k.endswith("_id")]
        self.detail.setText("<br>".join(lines))

    def refresh(self) -> None:
        rows = _rows(self.store, self.kind)
        self.model.set_rows(rows)
        self.count.setText(tr("{n} 条", n=len(rows)))

    def choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("导入"), "", tr("表格 (*.xlsx *.csv)"))
        if path:
            self.import_file(path)

    def import_file(self, path: str) -> QDialog | None:
        """Preview the file; write only if the user confirms and every row is good."""
        try:
            preview = preview_import(self.store, self.session, self.kind, path)
        except CommandCentreError as err:
            self.message.setText(str(err))
            return None
        dialog = ImportPreviewDialog(preview, self)
        dialog.accepted.connect(lambda: self._write(path))
        dialog.open()
        self.preview_dialog = dialog
        return dialog

    def _write(self, path: str) -> None:
        try:
            done = import_register(self.store, self.session, self.kind, path)
        except ImportRejected as err:
            self.message.setText(str(err))
            return
        except CommandCentreError as err:
            self.message.setText(str(err))
            return
        counts = done.counts
        self.message.setText(tr("已导入：新增 {insert} 条，更新 {update} 条，未变 {unchanged} 条。",
                                **counts))
        self.refresh()

    def choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("导出"), f"{self.kind}.xlsx",
                                              tr("表格 (*.xlsx *.csv)"))
        if path:
            self.export_file(path)

    def export_file(self, path: str) -> None:
        try:
            written = export_register(self.store, self.session, self.kind, path)
        except CommandCentreError as err:
            self.message.setText(str(err))
            return
        self.message.setText(tr("已导出：{path}", path=str(written)))


class ImportPreviewDialog(QDialog):
    """What the file would do, and every rejected row with its reason, before anything."""

    def __init__(self, preview, parent=None):
        super().__init__(parent)
        self.setObjectName("importPreview")
        self.setWindowTitle(tr("导入预览"))
        counts = preview.counts
        summary = QLabel(tr("工作表 {sheet}，表头在第 {row} 行。"
                            "将新增 {insert} 条、更新 {update} 条，未变 {unchanged} 条；"
                            "拒收 {rejects} 行。",
                            sheet=preview.sheet, row=preview.header_row,
                            rejects=len(preview.rejects), **counts), wordWrap=True)
        self.rejects = RecordTableModel([("row", tr("行")), ("reason", tr("原因"))], parent=self)
        self.rejects.set_rows([{"row": r.row, "reason": "；".join(r.reasons)}
                               for r in preview.rejects])
        table = record_table(self.rejects, name="rejects")
        buttons = QDialogButtonBox()
        self.ok = buttons.addButton(tr("全部导入"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.ok.setEnabled(preview.ok)  # all or nothing: a bad row blocks the whole file
        cancel = buttons.addButton(tr("取消"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        cancel.setDefault(not preview.ok)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        if preview.rejects:
            note = QLabel(tr("文件中有被拒收的行，修改后重新导入；本次不会写入任何数据。"),
                          wordWrap=True)
            note.setProperty("role", "error")
            layout.addWidget(note)
            layout.addWidget(table, 1)
        layout.addWidget(buttons)
        self.resize(640, 420)


class RostersPage(QTabWidget):
    """The registers and the compliance view."""

    def __init__(self, store: Store, session: Session, hazards=None, parent=None):
        super().__init__(parent)
        self.setObjectName("rostersPage")
        self.store, self.session, self.hazards = store, session, hazards
        self.tabs: dict[str, RegisterTab] = {}
        self.findings_model = RecordTableModel(
            [("label", tr("问题")), ("subject", tr("对象")), ("message", tr("说明")),
             ("basis", tr("依据"))], parent=self)
        compliance = QWidget()
        cl = QVBoxLayout(compliance)
        self.findings_count = QLabel(objectName="findingsCount")
        cl.addWidget(self.findings_count)
        cl.addWidget(record_table(self.findings_model, name="findings"), 1)
        self.addTab(compliance, tr("合规检查"))
        for kind, title, columns in _registers():
            tab = RegisterTab(store, session, kind, columns)
            self.tabs[kind] = tab
            self.addTab(tab, title)
        self.hazard_registers = None
        if hazards is not None and hazards.registers():
            from .hazard_registers import HazardRegistersTab

            self.hazard_registers = HazardRegistersTab(store, session, hazards)
            self.addTab(self.hazard_registers, tr("灾种台账"))
        self.refresh_findings()

    def refresh_findings(self) -> None:
        findings = [{**f.as_dict(), "label": kind_label(f.kind)} for f in check(self.store)]
        if self.hazards is not None:
            from commandcentre.hazards.register_service import PluginRegisterService

            findings += [{"label": f["name"], "subject": f["row"], "message": f["message"],
                          "basis": f["source"]}
                         for f in PluginRegisterService(self.store, self.hazards).findings()]
        self.findings_model.set_rows(findings)
        self.findings_count.setText(tr("发现 {n} 项问题", n=len(findings)) if findings
                                    else tr("未发现问题"))
