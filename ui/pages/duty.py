"""值班 page: the shift on duty, the coming week's rota, and the county at a glance."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from commandcentre.accounts import Session
from commandcentre.duty.shifts import ShiftService
from commandcentre.i18n import tr
from commandcentre.overview import overview
from commandcentre.storage import Store
from commandcentre.timeutil import format_local

from ..models import RecordTableModel


def _card(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    heading = QLabel(title)
    heading.setProperty("role", "title")
    layout.addWidget(heading)
    return frame, layout


class DutyPage(QWidget):
    """The duty officer's home page."""

    def __init__(self, store: Store, session: Session, zone_name: str, parent=None):
        super().__init__(parent)
        self.store, self.session, self.zone_name = store, session, zone_name
        shift_card, shift_layout = _card(tr("当前班次"))
        self.shift_text = QLabel(objectName="currentShift", wordWrap=True)
        shift_layout.addWidget(self.shift_text)
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
        self.rota_view = QTableView(objectName="rotaTable")
        self.rota_view.setModel(self.rota)
        self.rota_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.rota_view.verticalHeader().setVisible(False)
        self.rota_view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.rota_view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
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
        self._fill_overview()

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
