"""Incident commands: ``commandcentre incident create|list|show|note|decide|casualties|grade|
obligations|report|close``."""

from __future__ import annotations

import json
from datetime import datetime

from ...duty.intake import parse_time
from ...errors import EXIT_OK, ValidationError
from ...i18n import tr
from ...incidents.model import FIGURES, RESPONSE_LEVELS, Casualties, IncidentInput
from ...incidents.service import IncidentService
from ...reporting.service import CHANNELS, KINDS, ReportingService
from ...settings import Settings
from ...timeutil import format_local
from ..context import Context


def register(sub, common) -> None:
    inc = sub.add_parser("incident", parents=[common], help=tr("事件：登记、时间线、报送时限"))
    s = inc.add_subparsers(dest="incident_command", required=True, metavar="ACTION")
    p = s.add_parser("create", parents=[common], help=tr("新建事件（可由接报记录转入）"))
    p.add_argument("--title", required=True)
    p.add_argument("--hazard", required=True, help=tr("灾种插件 id，如 forest_fire"))
    p.add_argument("--occurred-at", dest="occurred_at", metavar="TIME", required=True)
    p.add_argument("--received-at", dest="received_at", metavar="TIME")
    p.add_argument("--township", default="")
    p.add_argument("--place", default="")
    p.add_argument("--from-intake", dest="from_intake", metavar="SERIAL",
                   help=tr("由此接报记录转为事件"))
    p.add_argument("--field", action="append", default=[], metavar="KEY=VALUE",
                   help=tr("灾种字段，可重复"))
    p.add_argument("--sensitive", action="store_true")
    p.add_argument("--drill", action="store_true", help=tr("演练"))
    p.set_defaults(handler=cmd_create)
    p = s.add_parser("list", parents=[common], help=tr("列出事件"))
    p.add_argument("--open", action="store_true")
    p.set_defaults(handler=cmd_list)
    p = s.add_parser("show", parents=[common], help=tr("事件详情与时间线"))
    p.add_argument("incident")
    p.set_defaults(handler=cmd_show)
    p = s.add_parser("note", parents=[common], help=tr("追加时间线记录"))
    p.add_argument("incident")
    p.add_argument("text")
    p.add_argument("--kind", default="note", choices=("note", "dispatch", "radio"))
    p.add_argument("--at", metavar="TIME")
    p.add_argument("--corrects", metavar="ENTRY", help=tr("更正的记录 id"))
    p.set_defaults(handler=cmd_note)
    p = s.add_parser("decide", parents=[common], help=tr("登记响应级别决定"))
    p.add_argument("incident")
    p.add_argument("level", choices=RESPONSE_LEVELS)
    p.add_argument("--by", required=True, dest="decided_by", help=tr("决定人或机构"))
    p.add_argument("--reason", default="")
    p.add_argument("--at", metavar="TIME")
    p.set_defaults(handler=cmd_decide)
    p = s.add_parser("casualties", parents=[common], help=tr("登记伤亡统计（累计数）"))
    p.add_argument("incident")
    for key in FIGURES:
        p.add_argument(f"--{key.replace('_', '-')}", dest=key,
                       type=float if key == "direct_loss_wan" else int, default=0)
    p.add_argument("--source", required=True, help=tr("核实单位"))
    p.add_argument("--at", metavar="TIME")
    p.set_defaults(handler=cmd_casualties)
    p = s.add_parser("grade", parents=[common], help=tr("定级：按灾种标准自动定级，或人工改判"))
    p.add_argument("incident")
    p.add_argument("--auto", action="store_true")
    p.add_argument("--set", dest="grade", choices=("特别重大", "重大", "较大", "一般", "未定级"))
    p.add_argument("--reason", default="")
    p.set_defaults(handler=cmd_grade)
    p = s.add_parser("obligations", parents=[common], help=tr("报送时限：应报、已报、逾期"))
    p.add_argument("incident", nargs="?", help=tr("不给出时列出所有事件的待报事项"))
    p.set_defaults(handler=cmd_obligations)
    p = s.add_parser("report", parents=[common], help=tr("登记报告已报送"))
    p.add_argument("incident")
    p.add_argument("kind", choices=KINDS)
    p.add_argument("--channel", choices=CHANNELS, default="书面")
    p.add_argument("--number", type=int, default=0, help=tr("续报、补报的编号"))
    p.add_argument("--to", dest="recipient", default="", help=tr("报送对象"))
    p.add_argument("--signer", default="", help=tr("签发人（书面报告必填）"))
    p.add_argument("--at", metavar="TIME")
    p.set_defaults(handler=cmd_report)
    p = s.add_parser("stats", parents=[common], help=tr("灾种统计（如 24 小时森林火灾扑灭率）"))
    p.add_argument("--hazard", required=True, help=tr("灾种 id，如 forest_fire"))
    p.add_argument("--since", metavar="TIME", help=tr("只统计此时间以后接报的事件"))
    p.set_defaults(handler=cmd_stats)
    p = s.add_parser("close", parents=[common], help=tr("处置结束"))
    p.add_argument("incident")
    p.add_argument("--at", metavar="TIME")
    p.add_argument("--summary", default="")
    p.set_defaults(handler=cmd_close)


def _zone(ctx: Context) -> str:
    return Settings(ctx.store()).get("ui.timezone")


def _time(ctx: Context, text: str | None) -> datetime | None:
    return parse_time(text, _zone(ctx)) if text else None


def _incidents(ctx: Context) -> IncidentService:
    return IncidentService(ctx.store(), ctx.hazards())


def _fields(pairs: list[str]) -> dict:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValidationError(tr("字段应写成 KEY=VALUE：{text}", text=pair))
        out[key.strip()] = value.strip()
    return out


def cmd_create(ctx: Context) -> int:
    session = ctx.login()
    a = ctx.args
    data = IncidentInput(title=a.title, hazard=a.hazard, occurred_at=_time(ctx, a.occurred_at),
                         received_at=_time(ctx, a.received_at), township=a.township,
                         place=a.place, sensitive=a.sensitive, drill=a.drill,
                         fields=_fields(a.field))
    iid = _incidents(ctx).create(session, data, from_intake=a.from_intake)
    ctx.emit({"id": iid}, text=tr("已新建事件 {id}", id=iid))
    return EXIT_OK


def cmd_stats(ctx: Context) -> int:
    ctx.login()
    figures = _incidents(ctx).statistics(ctx.args.hazard, since=_time(ctx, ctx.args.since))
    ctx.table([{"figure": k, "value": v} for k, v in figures],
              [("figure", tr("指标")), ("value", tr("数值"))])
    return EXIT_OK


def cmd_list(ctx: Context) -> int:
    ctx.login()
    rows = _incidents(ctx).list(open_only=ctx.args.open)
    for r in rows:
        r["received"] = format_local(r["received_at"], _zone(ctx))
        r["grade_label"] = r["grade"] or tr("未定级")
        r["drill_label"] = tr("演练") if r["drill"] else ""
    ctx.table(rows, [("id", "id"), ("received", tr("接报时间")), ("title", tr("事件")),
                     ("hazard", tr("灾种")), ("grade_label", tr("等级")), ("status", tr("状态")),
                     ("drill_label", tr("演练"))])
    return EXIT_OK


def _obligation_row(o, now, zone_name: str, incident: dict | None = None) -> dict:
    row = {"key": o.key, "title": o.title, "due_at": o.due_at.isoformat(),
           "due": format_local(o.due_at, zone_name), "status": o.status(now),
           "basis": o.basis, "done_at": o.done_at.isoformat() if o.done_at else None,
           "grade": o.grade}
    if incident is not None:
        row.update({"incident": incident["id"], "incident_title": incident["title"]})
    return row


STATUS = {"due": "待报", "overdue": "逾期", "done": "已报", "late": "逾期后补报"}


def cmd_obligations(ctx: Context) -> int:
    ctx.login()
    service = ReportingService(ctx.store(), ctx.hazards())
    now = ctx.store().clock.now()
    zone_name = _zone(ctx)
    if ctx.args.incident:
        rows = [_obligation_row(o, now, zone_name)
                for o in service.obligations(ctx.args.incident, now)]
    else:
        rows = [_obligation_row(o, now, zone_name, incident)
                for incident, o in service.pending(now)]
    if not ctx.as_json:
        for r in rows:
            r["status"] = tr(STATUS[r["status"]])
    ctx.table(rows, [*([("incident_title", tr("事件"))] if not ctx.args.incident else []),
                     ("title", tr("报告")), ("due", tr("时限")), ("status", tr("状态")),
                     ("basis", tr("依据"))])
    return EXIT_OK


def cmd_show(ctx: Context) -> int:
    ctx.login()
    service = _incidents(ctx)
    row = service.get(ctx.args.incident)
    timeline = service.timeline(row["id"])
    zone_name = _zone(ctx)
    if ctx.as_json:
        ctx.emit({"incident": {**row, "fields": json.loads(row["fields_json"])},
                  "timeline": [{"id": e.id, "at": e.at.isoformat(), "kind": e.kind,
                                "text": e.text, "by": e.by, "corrects": e.corrects}
                               for e in timeline]})
        return EXIT_OK
    print(tr("{title}｜{hazard}｜{grade}｜{status}", title=row["title"], hazard=row["hazard"],
             grade=row["grade"] or tr("未定级"), status=row["status"]))
    for e in timeline:
        print(f"{format_local(e.at, zone_name)}  [{e.kind}] {e.text}")
    return EXIT_OK


def cmd_note(ctx: Context) -> int:
    session = ctx.login()
    eid = _incidents(ctx).note(session, ctx.args.incident, ctx.args.text, kind=ctx.args.kind,
                               at=_time(ctx, ctx.args.at), corrects=ctx.args.corrects)
    ctx.emit({"id": eid}, text=tr("已记录 {id}", id=eid))
    return EXIT_OK


def cmd_decide(ctx: Context) -> int:
    session = ctx.login()
    did = _incidents(ctx).decide(session, ctx.args.incident, ctx.args.level,
                                 decided_by=ctx.args.decided_by, reason=ctx.args.reason,
                                 at=_time(ctx, ctx.args.at))
    ctx.emit({"id": did}, text=tr("已登记响应决定 {id}", id=did))
    return EXIT_OK


def cmd_casualties(ctx: Context) -> int:
    session = ctx.login()
    figures = Casualties(**{k: getattr(ctx.args, k) for k in FIGURES})
    sid = _incidents(ctx).record_casualties(session, ctx.args.incident, figures,
                                            source=ctx.args.source, at=_time(ctx, ctx.args.at))
    ctx.emit({"id": sid}, text=tr("已登记伤亡统计：{figures}", figures=figures.describe()))
    return EXIT_OK


def cmd_grade(ctx: Context) -> int:
    session = ctx.login()
    a = ctx.args
    if a.auto == (a.grade is not None):
        raise ValidationError(tr("请用 --auto 自动定级，或用 --set 与 --reason 人工定级。"))
    grade = None if a.grade in (None, "未定级") else a.grade
    result = _incidents(ctx).assess_grade(session, a.incident, grade=grade, reason=a.reason,
                                          auto=a.auto)
    ctx.emit(result, text=tr("定级：{grade}（{reason}）", grade=result["grade"] or tr("未定级"),
                             reason=result["reason"]))
    return EXIT_OK


def cmd_report(ctx: Context) -> int:
    session = ctx.login()
    a = ctx.args
    rid = ReportingService(ctx.store(), ctx.hazards()).mark_sent(
        session, a.incident, kind=a.kind, channel=a.channel, number=a.number,
        sent_at=_time(ctx, a.at), recipient=a.recipient, signer=a.signer)
    ctx.emit({"id": rid}, text=tr("已登记报送 {id}", id=rid))
    return EXIT_OK


def cmd_close(ctx: Context) -> int:
    session = ctx.login()
    _incidents(ctx).close(session, ctx.args.incident, at=_time(ctx, ctx.args.at),
                          summary=ctx.args.summary)
    ctx.emit({"closed": ctx.args.incident}, text=tr("事件已处置结束，请在时限内终报。"))
    return EXIT_OK
