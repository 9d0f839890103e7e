"""值班 page: 接报登记 (form and today's records), 值班记录 (all records, searchable) and
值班概况 (the shift on duty, the coming week's rota, the county at a glance)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from commandcentre.accounts import Session
from commandcentre.duty.daily import gather
from commandcentre.duty.drafts import DraftStore
from commandcentre.duty.intake import IntakeService
from commandcentre.duty.rota import coverage_gaps
from commandcentre.duty.shifts import ShiftService
from commandcentre.errors import CommandCentreError
from commandcentre.i18n import tr
from commandcentre.overview import overview
from commandcentre.paths import data_dir
from commandcentre.reports.daily import render_daily_pdf, render_daily_xlsx
from commandcentre.storage import Store
from commandcentre.timeutil import format_local, zone

from ..models import RecordTableModel, record_table
from .handover import HandoverPage
from .intake import IntakeDetail, IntakeForm, IntakeList


def _card(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    heading = QLabel(title)
    heading.setProperty("role", "title")
    layout.addWidget(heading)
    return frame, layout


class DutyOverview(QWidget):
    """The shift on duty, the coming week, the county at a glance, the daily report."""

    _report_done = Signal(object)  # from the worker thread: list of paths, or an exception

    def __init__(self, store: Store, session: Session, zone_name: str, parent=None):
        super().__init__(parent)
        self.store, self.session, self.zone_name = store, session, zone_name
        shift_card, shift_layout = _card(tr("当前班次"))
        self.shift_text = QLabel(objectName="currentShift", wordWrap=True)
        shift_layout.addWidget(self.shift_text)
        self.coverage = QLabel(objectName="coverageGaps", wordWrap=True)
        shift_layout.addWidget(self.coverage)
        shift_layout.addStretch(1)
        county_card, county_layout = _card(tr("县情概况"))
        self.county_grid = QGridLayout()
        county_layout.addLayout(self.county_grid)
        county_layout.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(shift_card, 1)
        top.addWidget(county_card, 1)
        self.rota = RecordTableModel([
            ("starts", tr("开始")), ("ends", tr("结束")), ("leader", tr("带班领导")),
            ("operators", tr("值班员")), ("enhanced", tr("加强值班"))], parent=self)
        self.rota_view = record_table(self.rota, name="rotaTable", fit=False)
        self.report_button = QPushButton(tr("生成今日值班日报（PDF 与 Excel）"),
                                         objectName="dailyReport")
        self.report_button.clicked.connect(self.export_daily)
        self.report_status = QLabel(objectName="dailyReportStatus", wordWrap=True)
        self._report_done.connect(self._daily_written)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        actions = QHBoxLayout()
        actions.addWidget(self.report_button)
        actions.addWidget(self.report_status, 1)
        layout.addLayout(actions)
        rota_title = QLabel(tr("未来七天排班"))
        rota_title.setProperty("role", "title")
        layout.addWidget(rota_title)
        layout.addWidget(self.rota_view, 1)
        self.refresh()

    def refresh(self) -> None:
        service = ShiftService(self.store)
        now = self.store.clock.now()
        view = service.at(now)
        if view is None:
            self.shift_text.setText(tr("当前没有排班（值班空档）。请管理员补排班次。"))
        else:
            self.shift_text.setText(tr(
                "{start} 至 {end}\n带班领导：{leader}\n值班员：{operators}{enhanced}",
                start=format_local(view.starts_at, self.zone_name),
                end=format_local(view.ends_at, self.zone_name),
                leader=view.leader_name or "—",
                operators="、".join(p["display_name"] for p in view.operators) or "—",
                enhanced=tr("\n加强值班：{period}", period=view.enhanced)
                if view.enhanced else ""))
        rows = []
        for v in service.between(now, now + timedelta(days=7)):
            rows.append({"starts": format_local(v.starts_at, self.zone_name),
                         "ends": format_local(v.ends_at, self.zone_name),
                         "leader": v.leader_name,
                         "operators": "、".join(p["display_name"] for p in v.operators),
                         "enhanced": v.enhanced})
        self.rota.set_rows(rows)
        self._show_coverage(now)
        self._fill_overview()

    def _show_coverage(self, now) -> None:
        gaps = coverage_gaps(self.store, now)
        if not gaps:
            self.coverage.setProperty("role", "hint")
            self.coverage.setText(tr("未来 30 天排班无空档。"))
        else:
            missing = {"leader": tr("无带班领导"), "operator": tr("无值班员"),
                       "both": tr("无人值班")}
            lines = [tr("{start} 至 {end} {what}",
                        start=format_local(g.start, self.zone_name),
                        end=format_local(g.end, self.zone_name), what=missing[g.missing])
                     for g in gaps[:5]]
            more = tr("等共 {n} 处", n=len(gaps)) if len(gaps) > 5 else ""
            self.coverage.setProperty("role", "error")
            self.coverage.setText(tr("未来 30 天排班空档：{gaps}{more}",
                                     gaps="；".join(lines), more=more))
        self.coverage.style().unpolish(self.coverage)
        self.coverage.style().polish(self.coverage)

    def export_daily(self, folder: Path | None = None) -> None:
        """Write today's report; gathering reads the store here, rendering runs in a worker."""
        day = self.store.clock.now().astimezone(zone(self.zone_name)).date()
        folder = folder or data_dir() / "reports"
        try:
            data = gather(self.store, self.session, day)
        except CommandCentreError as err:
            self.report_status.setText(str(err))
            return
        stem = folder / tr("值班日报-{day}", day=day.strftime("%Y%m%d"))
        self.report_button.setEnabled(False)
        self.report_status.setText(tr("正在生成值班日报…"))

        def work():
            folder.mkdir(parents=True, exist_ok=True)
            return [render_daily_pdf(data, stem.with_suffix(".pdf")),
                    render_daily_xlsx(data, stem.with_suffix(".xlsx"))]

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cc-report")
        future = pool.submit(work)
        future.add_done_callback(lambda f: self._report_done.emit(f))
        pool.shutdown(wait=False)  # the worker ends with its one job; no thread outlives it

    def _daily_written(self, future) -> None:
        self.report_button.setEnabled(True)
        error = future.exception()
        if error is not None:
            if not isinstance(error, (OSError, CommandCentreError)):
                raise error
            self.report_status.setText(tr("值班日报未能生成：{error}", error=str(error)))
            return
        self.last_report = future.result()
        self.report_status.setText(tr("已生成：{files}",
                                      files="；".join(str(p) for p in self.last_report)))

    def _fill_overview(self) -> None:
        while self.county_grid.count():
            item = self.county_grid.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        o = overview(self.store, self.session)
        facts = [
            (tr("乡镇（街道）"), str(o.townships)), (tr("村（社区）"), str(o.villages)),
            (tr("救援队伍"), str(o.teams)), (tr("队员"), str(o.members)),
            (tr("专家"), str(o.experts)), (tr("物资库"), str(o.warehouses)),
            (tr("避难场所"), tr("{n} 处，可容纳 {cap} 人", n=o.shelters, cap=o.shelter_capacity)),
            (tr("处置中事件"), str(o.incidents_open)),
            (tr("历史事件"), str(o.incidents_total)), (tr("演练"), str(o.drills)),
        ]
        for n, (label, value) in enumerate(facts):
            name = QLabel(label)
            name.setProperty("role", "hint")
            self.county_grid.addWidget(name, n // 2, (n % 2) * 2)
            self.county_grid.addWidget(QLabel(value), n // 2, (n % 2) * 2 + 1)


class DutyPage(QTabWidget):
    """Where a 值班员 spends the shift."""

    promote_requested = Signal(dict)  # an intake record to open as an incident

    def __init__(self, store: Store, session: Session, zone_name: str, parent=None):
        super().__init__(parent)
        self.setObjectName("dutyPage")
        self.store, self.session, self.zone_name = store, session, zone_name
        self.service = IntakeService(store, zone_name=zone_name)
        self.form = IntakeForm(store, session, self.service, DraftStore(store.path), zone_name)
        self.today = IntakeList(self.service, zone_name, today_only=True)
        intake = QSplitter()
        intake.addWidget(self.form)
        intake.addWidget(self.today)
        intake.setStretchFactor(1, 1)
        intake.setSizes([440, 900])
        self.records = IntakeList(self.service, zone_name)
        self.overview = DutyOverview(store, session, zone_name)
        self.handover = HandoverPage(store, session, zone_name)
        self.addTab(intake, tr("接报登记"))
        self.addTab(self.records, tr("值班记录"))
        self.addTab(self.handover, tr("交接班"))
        self.addTab(self.overview, tr("值班概况"))
        self.currentChanged.connect(self._tab_changed)
        self.form.saved.connect(self._refresh_lists)
        for listing in (self.today, self.records):
            listing.open_record.connect(self.open_record)
        self.details: list[IntakeDetail] = []

    def _refresh_lists(self, *_args) -> None:
        self.today.refresh()
        self.records.refresh()
        self.handover.refresh()

    def _tab_changed(self, index: int) -> None:
        if self.widget(index) is self.handover:
            self.handover.refresh()

    def new_intake(self) -> None:
        """Ctrl+N from anywhere: the intake tab, focus on the first field."""
        self.setCurrentIndex(0)
        self.form.start_new()

    def open_record(self, root_id: str) -> IntakeDetail:
        dialog = IntakeDetail(self.service, self.session, root_id, self.zone_name, self)
        dialog.changed.connect(self._refresh_lists)
        dialog.correct_requested.connect(self._correct)
        dialog.promote_requested.connect(self.promote_requested)
        dialog.finished.connect(lambda _=0, d=dialog: self.details.remove(d))
        self.details.append(dialog)
        dialog.open()
        return dialog

    def _correct(self, record: dict) -> None:
        self.setCurrentIndex(0)
        self.form.start_correction(record)
