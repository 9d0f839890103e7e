"""Duty commands: ``commandcentre duty shifts|add|correct|step|list|show``."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timedelta

from ...duty.intake import CHANNELS, KINDS, STATES, IntakeInput, IntakeService, as_json, parse_time
from ...errors import EXIT_OK, ValidationError
from ...i18n import tr
from ...settings import Settings
from ...timeutil import format_local, zone
from ..context import Context
from .records import cmd_shift_list

FIELDS = ("content", "channel", "kind", "received_at", "caller_unit", "caller_name",
          "caller_title", "caller_phone", "location", "township", "caller_notified")


def _add_record_options(p) -> None:
    p.add_argument("--content", help=tr("内容（不给出时从标准输入读一个 JSON 对象）"))
    p.add_argument("--channel", choices=CHANNELS)
    p.add_argument("--kind", choices=KINDS)
    p.add_argument("--received-at", dest="received_at", metavar="TIME",
                   help=tr("接报时间，如 2026-12-02 08:30（默认：现在）"))
    for name, text in (("caller-unit", tr("来电单位")), ("caller-name", tr("来电人")),
                       ("caller-title", tr("职务")), ("caller-phone", tr("电话")),
                       ("location", tr("地点")), ("township", tr("乡镇")),
                       ("caller-notified", tr("来电方已告知的单位"))):
        p.add_argument(f"--{name}", dest=name.replace("-", "_"), help=text)
    p.add_argument("--important", action="store_true", default=None, help=tr("要情"))


def register(sub, common) -> None:
    duty = sub.add_parser("duty", parents=[common], help=tr("值班：排班与接报记录"))
    ds = duty.add_subparsers(dest="duty_command", required=True, metavar="ACTION")
    p = ds.add_parser("shifts", parents=[common], help=tr("列出班次"))
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    p.add_argument("--days", type=int, default=7)
    p.set_defaults(handler=cmd_shift_list)
    p = ds.add_parser("add", parents=[common], help=tr("登记一条接报记录"))
    _add_record_options(p)
    p.set_defaults(handler=cmd_add)
    p = ds.add_parser("correct", parents=[common], help=tr("更正一条记录（生成新版本）"))
    p.add_argument("record", help=tr("记录 id 或接报编号"))
    p.add_argument("--reason", required=True, help=tr("更正原因"))
    _add_record_options(p)
    p.set_defaults(handler=cmd_correct)
    p = ds.add_parser("step", parents=[common], help=tr("登记办理环节：报 / 传 / 跟 / 办结"))
    p.add_argument("record", help=tr("记录 id 或接报编号"))
    p.add_argument("step", choices=STATES[1:])
    p.add_argument("--target", default="", help=tr("报给谁 / 传给谁"))
    p.add_argument("--note", default="", help=tr("办理情况"))
    p.add_argument("--at", metavar="TIME", help=tr("办理时间（默认：现在）"))
    p.set_defaults(handler=cmd_step)
    p = ds.add_parser("link", parents=[common], help=tr("把接报记录关联到事件"))
    p.add_argument("record", help=tr("记录 id 或接报编号"))
    p.add_argument("incident", help=tr("事件 id"))
    p.set_defaults(handler=cmd_link)
    p = ds.add_parser("list", parents=[common], help=tr("查询接报记录"))
    p.add_argument("--text", default="", help=tr("全文检索（中文单字、词均可）"))
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD", help=tr("截止日期（含当天）"))
    p.add_argument("--channel", choices=CHANNELS)
    p.add_argument("--state", choices=STATES)
    p.add_argument("--open", action="store_true", help=tr("只看未办结"))
    p.add_argument("--caller", default="", help=tr("来电单位、姓名或电话"))
    p.add_argument("--important", action="store_true", default=None, help=tr("只看要情"))
    p.add_argument("--limit", type=int, default=200)
    p.set_defaults(handler=cmd_list)
    p = ds.add_parser("show", parents=[common], help=tr("显示一条记录及其版本和办理环节"))
    p.add_argument("record", help=tr("记录 id 或接报编号"))
    p.set_defaults(handler=cmd_show)
    p = ds.add_parser("handover", parents=[common], help=tr("交接班：生成交接单并由交接双方签字"))
    p.add_argument("action", choices=("prepare", "sign", "show"))
    p.add_argument("handover", nargs="?", help=tr("交接单 id（sign、show；默认最近一张）"))
    p.add_argument("--equipment", default="", help=tr("设备与通信链路状态"))
    p.add_argument("--notes", default="", help=tr("备注"))
    p.add_argument("--instructions", default="", help=tr("上级交办事项"))
    p.add_argument("--incoming", metavar="NAME",
                   help=tr("接班人用户名（sign；密码取自 $COMMANDCENTRE_INCOMING_PASSWORD"
                           " 或提示输入）"))
    p.set_defaults(handler=cmd_handover)
    p = ds.add_parser("report", parents=[common], help=tr("导出值班日报（PDF 与 / 或 xlsx）"))
    p.add_argument("--date", metavar="YYYY-MM-DD", help=tr("日期（默认今天）"))
    p.add_argument("--pdf", metavar="PATH")
    p.add_argument("--xlsx", metavar="PATH")
    p.set_defaults(handler=cmd_report)


def _zone(ctx: Context) -> str:
    return Settings(ctx.store()).get("ui.timezone")


def _input(ctx: Context) -> IntakeInput:
    args = ctx.args
    given = {k: getattr(args, k) for k in FIELDS if getattr(args, k, None) is not None}
    if args.important is not None:
        given["important"] = True
    if args.content is None:
        if sys.stdin.isatty():
            raise ValidationError(tr("请用 --content 给出内容，或从标准输入传入一个 JSON 对象。"))
        try:
            data = json.loads(sys.stdin.read())
        except ValueError as err:
            raise ValidationError(tr("标准输入不是有效的 JSON：{error}", error=str(err))) from None
        if not isinstance(data, dict):
            raise ValidationError(tr("标准输入应是一个 JSON 对象。"))
        data.update(given)
        given = data
    return IntakeInput.from_mapping(given, zone_name=_zone(ctx))


def _service(ctx: Context) -> IntakeService:
    return IntakeService(ctx.store(), zone_name=_zone(ctx))


def _emit_view(ctx: Context, view, text: str) -> None:
    ctx.emit(as_json(view), text=text)


def cmd_add(ctx: Context) -> int:
    session = ctx.login()
    view = _service(ctx).record(session, _input(ctx))
    _emit_view(ctx, view, tr("已保存：接报编号 {serial}", serial=view.record["serial"]))
    return EXIT_OK


def cmd_correct(ctx: Context) -> int:
    session = ctx.login()
    service = _service(ctx)
    latest = service.get(ctx.args.record).record
    view = service.correct(session, latest["id"], _input(ctx), ctx.args.reason)
    _emit_view(ctx, view, tr("已更正：接报编号 {serial}（第 {n} 版）",
                             serial=view.record["serial"], n=len(view.versions)))
    return EXIT_OK


def cmd_step(ctx: Context) -> int:
    session = ctx.login()
    service = _service(ctx)
    at = parse_time(ctx.args.at, _zone(ctx)) if ctx.args.at else None
    root = service.get(ctx.args.record).root_id
    view = service.advance(session, root, ctx.args.step, target=ctx.args.target,
                           note=ctx.args.note, at=at)
    _emit_view(ctx, view, tr("接报编号 {serial} 当前环节：{state}",
                             serial=view.record["serial"], state=view.state))
    return EXIT_OK


def cmd_link(ctx: Context) -> int:
    session = ctx.login()
    service = _service(ctx)
    view = service.link_incident(session, service.get(ctx.args.record).root_id,
                                 ctx.args.incident)
    _emit_view(ctx, view, tr("接报编号 {serial} 已关联事件 {incident}",
                             serial=view.record["serial"], incident=view.incident_id))
    return EXIT_OK


def _day(text: str | None, tz) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.combine(datetime.strptime(text, "%Y-%m-%d").date(),
                                datetime.min.time(), tz)
    except ValueError:
        raise ValidationError(tr("日期格式应为 YYYY-MM-DD：{text}", text=text)) from None


def cmd_list(ctx: Context) -> int:
    from ...accounts import Permission

    ctx.login().require(Permission.READ)
    args = ctx.args
    tz = zone(_zone(ctx))
    end = _day(args.end, tz)
    rows = _service(ctx).list(
        text=args.text, start=_day(args.start, tz),
        end=end + timedelta(days=1) if end else None, channel=args.channel, state=args.state,
        open_only=args.open, caller=args.caller, important=args.important, limit=args.limit)
    if ctx.as_json:
        ctx.emit(rows)
        return EXIT_OK
    for r in rows:
        r["when"] = format_local(r["received_at"], _zone(ctx))
        r["flag"] = tr("要情") if r["important"] else ""
        r["caller"] = " ".join(x for x in (r["caller_unit"], r["caller_name"]) if x)
        r["summary"] = r["content"][:40] + ("…" if len(r["content"]) > 40 else "")
    ctx.table(rows, [("serial", tr("编号")), ("when", tr("接报时间")), ("channel", tr("渠道")),
                     ("caller", tr("来电方")), ("state", tr("环节")), ("flag", tr("要情")),
                     ("summary", tr("内容"))])
    return EXIT_OK


def cmd_show(ctx: Context) -> int:
    from ...accounts import Permission

    ctx.login().require(Permission.READ)
    view = _service(ctx).get(ctx.args.record)
    if ctx.as_json:
        ctx.emit(as_json(view))
        return EXIT_OK
    zone_name = _zone(ctx)
    r = view.record
    lines = [tr("接报编号 {serial}｜{when}｜{channel}｜{kind}｜环节：{state}",
                serial=r["serial"], when=format_local(r["received_at"], zone_name),
                channel=r["channel"], kind=r["kind"], state=view.state),
             tr("来电方：{unit} {name} {title} {phone}", unit=r["caller_unit"],
                name=r["caller_name"], title=r["caller_title"], phone=r["caller_phone"]),
             tr("内容：{content}", content=r["content"])]
    for n, v in enumerate(view.versions[1:], start=2):
        lines.append(tr("第 {n} 版（{when}，{user}）更正原因：{reason}", n=n,
                        when=format_local(v["recorded_at"], zone_name), user=v["recorded_by"],
                        reason=v["correction_reason"]))
    for s in view.steps:
        lines.append(tr("{when} {step} {target} {note}（{user}）",
                        when=format_local(s["at"], zone_name), step=s["step"],
                        target=s["target"], note=s["note"], user=s["by_name"]))
    print("\n".join(lines))
    return EXIT_OK


def _handover_text(sheet, zone_name: str) -> str:
    lines = [tr("交接单 {id}（{when}）", id=sheet.id,
                when=format_local(sheet.created_at, zone_name)),
             tr("交班人：{name}　签字：{signed}", name=sheet.outgoing["display_name"],
                signed=format_local(sheet.outgoing_signed_at, zone_name) or tr("未签")),
             tr("接班人：{name}　签字：{signed}",
                name=sheet.incoming["display_name"] if sheet.incoming else "—",
                signed=format_local(sheet.incoming_signed_at, zone_name) or tr("未签")),
             tr("未办结事项 {n} 件：", n=len(sheet.open_items))]
    lines += [f"  {r['serial']} [{r['state']}] {r['content'][:50]}" for r in sheet.open_items]
    lines += [tr("设备与链路：{text}", text=sheet.equipment or "—"),
              tr("上级交办：{text}", text=sheet.instructions or "—"),
              tr("备注：{text}", text=sheet.notes or "—")]
    return "\n".join(lines)


def _sheet_json(sheet) -> dict:
    return {"id": sheet.id, "complete": sheet.complete,
            "outgoing": sheet.outgoing["username"],
            "incoming": sheet.incoming["username"] if sheet.incoming else None,
            "open_items": [r["serial"] for r in sheet.open_items],
            "instructions_open": [r["serial"] for r in sheet.instructions_open],
            "equipment": sheet.equipment, "notes": sheet.notes,
            "outgoing_signed_at": sheet.outgoing_signed_at,
            "incoming_signed_at": sheet.incoming_signed_at}


def cmd_handover(ctx: Context) -> int:
    import getpass
    import os

    from ...duty.handover import HandoverService

    session = ctx.login()
    service = HandoverService(ctx.store(), zone_name=_zone(ctx))
    args = ctx.args
    if args.action == "prepare":
        sheet = service.prepare(session, equipment=args.equipment, notes=args.notes,
                                instructions=args.instructions)
    else:
        sheet = service.get(args.handover) if args.handover else service.latest()
        if sheet is None:
            raise ValidationError(tr("还没有交接单。"))
        if args.action == "sign":
            if not sheet.outgoing_signed_at:
                password = os.environ.get("COMMANDCENTRE_PASSWORD") or getpass.getpass(
                    tr("交班人 {user} 的密码：", user=session.username))
                sheet = service.sign_outgoing(session, sheet.id, password)
            if args.incoming:
                password = os.environ.get("COMMANDCENTRE_INCOMING_PASSWORD")
                if password is None:
                    if not sys.stdin.isatty():
                        raise ValidationError(tr("需要接班人密码：请设置 {env} 或在终端中运行。",
                                                 env="COMMANDCENTRE_INCOMING_PASSWORD"))
                    password = getpass.getpass(tr("接班人 {user} 的密码：", user=args.incoming))
                sheet = service.sign_incoming(session, sheet.id, args.incoming, password)
    ctx.emit(_sheet_json(sheet), text=_handover_text(sheet, _zone(ctx)))
    return EXIT_OK


def cmd_report(ctx: Context) -> int:
    from ...duty.daily import export_daily

    session = ctx.login()
    args = ctx.args
    if not args.pdf and not args.xlsx:
        raise ValidationError(tr("请用 --pdf 和 / 或 --xlsx 指定输出文件。"))
    tz = zone(_zone(ctx))
    day = _day(args.date, tz).date() if args.date else ctx.store().clock.now().astimezone(
        tz).date()
    written = export_daily(ctx.store(), session, day, pdf=args.pdf, xlsx=args.xlsx)
    ctx.emit({"written": [str(p) for p in written], "date": day.isoformat()},
             text=tr("已生成值班日报：{files}", files="、".join(str(p) for p in written)))
    return EXIT_OK
