"""Other printed records: the incident timeline listing, the handover sheet (交接班记录), the
drill after-action report (planned against actual times) and the one-page grid-down binder."""

from __future__ import annotations

import json
from pathlib import Path

from ..duty.handover import HandoverService
from ..errors import ValidationError
from ..i18n import tr
from ..incidents.model import ROMAN
from ..incidents.service import IncidentService
from ..reporting.service import ReportingService
from ..settings import Settings
from ..storage import Store
from ..timeutil import format_local
from .document import OfficialDocument

KIND_TITLES = {"intake": "接报", "note": "记录", "decision": "决策", "grade": "定级",
               "snapshot": "伤亡", "report": "报送", "dispatch": "调度", "radio": "通信",
               "plan": "预案"}


class RecordReports:
    """PDFs built from what the store already holds."""

    def __init__(self, store: Store, hazards, *, extra_timeline=None):
        self.store = store
        self.hazards = hazards
        self.incidents = IncidentService(store, hazards)
        self.zone = Settings(store).get("ui.timezone")
        county = Settings(store).get("county.name")
        self.issuer = f"{county}应急管理局值班室" if county else "应急管理局值班室"
        # A callable incident_id -> more TimelineEntry (plan checklists, comms) when present.
        self.extra_timeline = extra_timeline

    def _doc(self, path, title: str, *, drill: bool = False) -> OfficialDocument:
        return OfficialDocument(path, title=title, issuer=self.issuer,
                                generated_at=self.store.clock.now(), zone=self.zone,
                                drill=drill)

    def _entries(self, incident_id: str):
        entries = self.incidents.timeline(incident_id)
        if self.extra_timeline is not None:
            entries = sorted([*entries, *self.extra_timeline(incident_id)],
                             key=lambda e: (e.at, e.source, e.id))
        return entries

    def timeline(self, incident_id: str, path: str | Path, *,
                 kinds: set[str] | None = None) -> Path:
        """The incident's timeline as a table, optionally only some kinds."""
        return self.timeline_doc(incident_id, path, kinds=kinds).build()

    def timeline_doc(self, incident_id: str, path: str | Path, *,
                     kinds: set[str] | None = None) -> OfficialDocument:
        """The timeline listing, gathered but not rendered (``build()`` may run anywhere)."""
        inc = self.incidents.get(incident_id)
        rows = [[format_local(e.at, self.zone, "%m-%d %H:%M"), KIND_TITLES.get(e.kind, e.kind),
                 e.text + ("（更正）" if e.corrects else ""), e.by]
                for e in self._entries(incident_id) if not kinds or e.kind in kinds]
        doc = self._doc(path, f"{inc['title']}时间线", drill=bool(inc["drill"]))
        doc.add_key_values([("接报时间", format_local(inc["received_at"], self.zone)),
                            ("状态", inc["status"]), ("等级", inc["grade"] or "未定级"),
                            ("条目", str(len(rows)))])
        doc.add_table(["时间", "类别", "内容", "登记人"], rows, widths=[22, 12, 100, 18])
        return doc

    def handover(self, handover_id: str, path: str | Path) -> Path:
        """The 交接班记录 with both signatures."""
        return self.handover_doc(handover_id, path).build()

    def handover_doc(self, handover_id: str, path: str | Path) -> OfficialDocument:
        """The handover record, gathered but not rendered."""
        sheet = HandoverService(self.store, zone_name=self.zone).get(handover_id)
        doc = self._doc(path, "交接班记录")
        shift = sheet.shift
        doc.add_key_values([
            ("班次", f"{format_local(shift.starts_at, self.zone)} 至 "
                     f"{format_local(shift.ends_at, self.zone)}" if shift else "—"),
            ("带班领导", shift.leader_name if shift else "—"),
            ("交班人", sheet.outgoing["display_name"]),
            ("交班签字", format_local(sheet.outgoing_signed_at, self.zone) or "未签"),
            ("接班人", sheet.incoming["display_name"] if sheet.incoming else "—"),
            ("接班签字", format_local(sheet.incoming_signed_at, self.zone) or "未签")])
        doc.add_heading("一、未办结事项")
        doc.add_table(["编号", "接报时间", "类型", "环节", "内容"],
                      [[r["serial"], format_local(r["received_at"], self.zone, "%m-%d %H:%M"),
                        r["kind"], r["state"], r["content"]] for r in sheet.open_items],
                      widths=[26, 20, 16, 10, 80])
        doc.add_heading("二、上级交办事项")
        doc.add_paragraph(sheet.instructions or "无。")
        doc.add_heading("三、设备与通信链路")
        doc.add_paragraph(sheet.equipment or "无异常记录。")
        doc.add_heading("四、其他事项")
        doc.add_paragraph(sheet.notes or "无。")
        doc.add_signature([f"交班人：{sheet.outgoing['display_name']}",
                           "接班人：" + (sheet.incoming["display_name"] if sheet.incoming
                                        else "（未接班）")])
        return doc

    def _checklist(self, incident_id: str) -> list[dict]:
        """The active plan level's checklist, as the printed tables show it."""
        from ..plans import PlanService

        return [{"text": i.text, "owner": i.owner_unit,
                 "due": format_local(i.due_at, self.zone) if i.due_at else "—",
                 "done": format_local(i.done_at, self.zone) if i.done_at else ""}
                for i in PlanService(self.store, self.hazards).checklist(incident_id)]

    def after_action(self, incident_id: str, path: str | Path, *, checklist=None) -> Path:
        """A drill's after-action report: every deadline and checklist item, planned vs actual."""
        return self.after_action_doc(incident_id, path, checklist=checklist).build()

    def after_action_doc(self, incident_id: str, path: str | Path, *,
                         checklist=None) -> OfficialDocument:
        """The after-action report, gathered but not rendered."""
        inc = self.incidents.get(incident_id)
        if not inc["drill"]:
            raise ValidationError(tr("演练评估报告只用于演练事件。"))
        reporting = ReportingService(self.store, self.hazards)
        obligations = reporting.obligations(incident_id)
        if checklist is None:
            checklist = self._checklist(incident_id)
        doc = self._doc(path, f"{inc['title']}演练评估报告", drill=True)
        doc.add_key_values([("接报时间", format_local(inc["received_at"], self.zone)),
                            ("结束时间", format_local(inc["closed_at"], self.zone) or "—"),
                            ("等级", inc["grade"] or "未定级"), ("状态", inc["status"])])
        doc.add_heading("一、信息报送时限")
        rows, late = [], 0
        for o in obligations:
            actual = format_local(o.done_at, self.zone) if o.done_at else "未报送"
            minutes = ""
            if o.done_at:
                delta = int((o.done_at - o.due_at).total_seconds() // 60)
                minutes = f"{delta:+d} 分钟"
                late += delta > 0
            else:
                late += 1
            rows.append([o.title, format_local(o.due_at, self.zone), actual, minutes])
        doc.add_table(["报告", "计划时限", "实际报送", "偏差"], rows)
        doc.add_paragraph(f"共 {len(rows)} 项时限，其中逾期或未报 {late} 项。")
        if checklist:
            doc.add_heading("二、预案响应措施完成情况")
            doc.add_table(["措施", "责任单位", "计划完成", "实际完成"],
                          [[i["text"], i["owner"], i["due"], i["done"] or "未完成"]
                           for i in checklist])
        notes = [e for e in self._entries(incident_id) if e.kind == "note"]
        doc.add_heading("三、评估记录" if checklist else "二、评估记录")
        for e in notes:
            doc.add_paragraph(f"{format_local(e.at, self.zone, '%H:%M')} {e.text}")
        if not notes:
            doc.add_paragraph("无。")
        return doc

    def binder(self, incident_id: str, path: str | Path, *, actions=None) -> Path:
        """One printable page to work from when the network is down: plan actions, contacts,
        radio channels and the last report."""
        return self.binder_doc(incident_id, path, actions=actions).build()

    def binder_doc(self, incident_id: str, path: str | Path, *,
                   actions=None) -> OfficialDocument:
        """The binder page, gathered but not rendered."""
        inc = self.incidents.get(incident_id)
        grade = inc["grade"]
        if actions is None:
            actions = [a for a in self._checklist(incident_id) if not a["done"]]
        doc = self._doc(path, f"{inc['title']}应急处置卡", drill=bool(inc["drill"]))
        doc.add_key_values([("接报时间", format_local(inc["received_at"], self.zone)),
                            ("等级", f"{grade}（{ROMAN[grade]}）" if grade else "未定级"),
                            ("地点", inc["place"] or "—"), ("状态", inc["status"])])
        doc.add_heading("一、当前响应措施")
        if actions:
            doc.add_table(["措施", "责任单位", "时限"], [[a["text"], a["owner"], a["due"]]
                                                  for a in actions], widths=[90, 40, 24])
        else:
            doc.add_paragraph("尚未启动预案响应。")
        doc.add_heading("二、重要联系方式")
        contacts = self.store.query("SELECT name, duty_phone FROM org_unit WHERE kind ="
                                    " 'department' AND duty_phone != '' ORDER BY sort LIMIT 16")
        doc.add_table(["单位", "值班电话"], [[c["name"], c["duty_phone"]] for c in contacts])
        doc.add_heading("三、通信频道")
        channels = self.store.query("SELECT name, kind, address, use FROM radio_channel"
                                    " ORDER BY kind, name")
        doc.add_table(["名称", "类型", "频率/号码", "用途"],
                      [[c["name"], c["kind"], c["address"], c["use"]] for c in channels])
        last = self.store.one("SELECT title, kind, number, signed_at, signer_name, draft_json"
                              " FROM report_document WHERE incident_id = ?"
                              " ORDER BY signed_at DESC LIMIT 1", (incident_id,))
        doc.add_heading("四、最近一次报告")
        if last:
            draft = json.loads(last["draft_json"])
            doc.add_paragraph(f"{last['title']}（{format_local(last['signed_at'], self.zone)}，"
                              f"签发人 {last['signer_name']}）")
            doc.add_paragraph(draft.get("casualties", ""))
        else:
            doc.add_paragraph("尚无已签发报告。")
        return doc
