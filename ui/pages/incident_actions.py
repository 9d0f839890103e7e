"""The incident page's longer actions: start a plan level, dispatch forces and move their
status, print records. Mixed into :class:`~ui.pages.incidents.IncidentDetail`, which provides
``store``, ``session``, ``zone_name``, ``incidents``, ``message``, ``dialog`` and
``_after_change``."""

from __future__ import annotations

import json
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from commandcentre.errors import CommandCentreError, ValidationError
from commandcentre.i18n import tr
from commandcentre.plans import PlanService
from commandcentre.reports.records import RecordReports

from ..forms import FormDialog
from ..hazard_panel import HazardFieldsDialog


class IncidentActions:
    """Dialog-driven actions on the shown incident."""

    def _fields_dialog(self, iid: str) -> HazardFieldsDialog | None:
        """The hazard's own fields (the plugin's panel), saved with a timeline entry."""
        incident = self.incidents.get(iid)
        registry = self.incidents.hazards
        hazard = registry.find(incident["hazard"])
        if hazard is None:  # its plugin was removed or failed: the record stays readable
            self.message.setText(tr("灾种插件 {hazard} 未加载，不能编辑灾种信息。",
                                    hazard=self._hazard_name(incident["hazard"])))
            return None
        values = json.loads(incident["fields_json"] or "{}")
        self.dialog = HazardFieldsDialog(
            registry, hazard, values, self.zone_name,
            lambda v: self.incidents.update_fields(self.session, iid, v), self)
        self.dialog.accepted.connect(self._after_change)
        self.dialog.accepted.connect(lambda: self._show_field_warnings(iid))
        self.dialog.open()
        return self.dialog

    def _activate_dialog(self, iid: str) -> FormDialog:
        """Pick the plan (suggested by hazard and grade) and the level; its actions become the
        checklist."""
        plans = PlanService(self.store, self.incidents.hazards)
        suggestions = plans.suggest(iid)
        others = [p for p in plans.list() if p["id"] not in {s.plan_id for s in suggestions}]
        choices = [(tr("{title}（推荐：{reason}）", title=s.title, reason=s.reason), s.plan_id,
                    s.level) for s in suggestions]
        choices += [(p["title"], p["id"], None) for p in others]
        labels = [c[0] for c in choices]
        default_level = next((c[2] for c in choices if c[2]), "Ⅳ")
        fields = [("plan", tr("预案"), "choice", labels),
                  ("level", tr("响应级别"), "choice", ["Ⅳ", "Ⅲ", "Ⅱ", "Ⅰ"]),
                  ("reason", tr("理由"), "text", "")]

        def submit(v):
            plan_id = choices[labels.index(v["plan"])][1]
            plans.activate(self.session, iid, plan_id, v["level"], reason=v["reason"])
        self.dialog = FormDialog(tr("启动预案"), fields, self, submit=submit,
                                 note=tr("所选级别的响应措施将成为本事件的任务清单。"))
        self.dialog.set("level", default_level)
        self.dialog.accepted.connect(self._after_change)
        self.dialog.open()
        return self.dialog

    def _show_field_warnings(self, iid: str) -> None:
        warnings = self.incidents.field_warnings(iid)
        if warnings:
            self.message.setText(tr("请注意：{warnings}", warnings="；".join(warnings)))

    def _resources(self) -> list[tuple[str, str, str]]:
        """(label, kind, id) of everything that can be sent: teams, experts, equipment, stock."""
        out = [(tr("队伍：{name}（{status}）", name=r["name"], status=r["status"]), "team", r["id"])
               for r in self.store.query("SELECT id, name, status FROM team ORDER BY name")]
        out += [(tr("专家：{name}（{field}）", name=r["name"], field=r["speciality"]), "expert",
                 r["id"]) for r in self.store.query("SELECT id, name, speciality FROM expert"
                                                    " ORDER BY name")]
        out += [(tr("装备：{name}", name=r["name"]), "equipment", r["id"])
                for r in self.store.query("SELECT id, name FROM equipment ORDER BY name")]
        out += [(tr("物资：{warehouse} {item}", warehouse=r["warehouse"], item=r["item"]), "stock",
                 r["id"]) for r in self.store.query(
                     "SELECT s.id, s.item, w.name AS warehouse FROM stock_item s JOIN warehouse w"
                     " ON w.id = s.warehouse_id ORDER BY w.name, s.item")]
        return out

    def _dispatch_dialog(self, iid: str) -> FormDialog:
        """Send a team, expert, vehicle or stock; it goes onto the timeline."""
        from commandcentre.rosters import DispatchService

        resources = self._resources()
        labels = [r[0] for r in resources]
        fields = [("what", tr("调派对象"), "choice", labels),
                  ("quantity", tr("数量（物资、装备）"), "float", 0),
                  ("destination", tr("前往地点"), "text", ""),
                  ("note", tr("备注"), "text", "")]

        def submit(v):
            _label, kind, rid = resources[labels.index(v["what"])]
            DispatchService(self.store).dispatch(
                self.session, iid, kind, rid, quantity=v["quantity"] or None,
                destination=v["destination"], note=v["note"])
        self.dialog = FormDialog(tr("调度"), fields, self, submit=submit)
        self.dialog.accepted.connect(self._after_change)
        self.dialog.open()
        return self.dialog

    def _dispatch_status_dialog(self, iid: str) -> FormDialog | None:
        """Move an active dispatch on: 在途 / 到场 / 归队 / 取消."""
        from commandcentre.rosters import DISPATCH_STATUSES, DispatchService

        service = DispatchService(self.store)
        active = service.list(incident_id=iid, active_only=True)
        if not active:
            self.message.setText(tr("此事件没有进行中的调度。"))
            return None
        labels = [tr("{what}（{status}）", what=d.get("resource_name") or d.get("label") or
                     d["id"][:8], status=d["status"]) for d in active]
        fields = [("which", tr("调度"), "choice", labels),
                  ("status", tr("新状态"), "choice", [s for s in DISPATCH_STATUSES
                                                      if s not in ("申请",)]),
                  ("note", tr("备注"), "text", "")]

        def submit(v):
            service.advance(self.session, active[labels.index(v["which"])]["id"], v["status"],
                            note=v["note"])
        self.dialog = FormDialog(tr("调度状态"), fields, self, submit=submit)
        self.dialog.accepted.connect(self._after_change)
        self.dialog.open()
        return self.dialog

    def _print_dialog(self, iid: str) -> FormDialog:
        """Printed records of the incident, rendered off the GUI thread, opened in the viewer."""
        choices = [tr("时间线清单"), tr("应急处置卡（一页）"), tr("演练评估报告")]
        records = RecordReports(self.store, self.incidents.hazards)
        folder = Path(tempfile.mkdtemp(prefix="cc-print-"))

        def submit(v):
            which = choices.index(v["what"])
            if which == 2 and not self.incidents.get(iid)["drill"]:
                raise ValidationError(tr("演练评估报告只用于演练事件。"))
            # Gather on this thread (the store's), render in the worker.
            make = (records.timeline_doc, records.binder_doc, records.after_action_doc)[which]
            doc = make(iid, folder / f"{v['what']}.pdf")
            self.printing = True
            self._print_pool(doc.build)

        self.dialog = FormDialog(tr("打印"), [("what", tr("文书"), "choice", choices)], self,
                                 submit=submit)
        self.dialog.open()
        return self.dialog

    def _print_pool(self, fn) -> None:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cc-print")
        future = pool.submit(fn)
        future.add_done_callback(lambda f: self._printed.emit(f))
        pool.shutdown(wait=False)

    def _show_printed(self, future) -> None:
        self.printing = False
        error = future.exception()
        if error is not None:
            if not isinstance(error, (OSError, CommandCentreError)):
                raise error
            self.message.setText(tr("未能生成：{error}", error=str(error)))
            return
        self.last_printed = future.result()
        self.message.setText(tr("已生成：{path}", path=str(self.last_printed)))
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.last_printed)))

