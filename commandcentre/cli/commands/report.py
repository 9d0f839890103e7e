"""Report commands: ``commandcentre report sitrep|timeline|handover|drill|binder|list|copy``."""

from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path

from ...accounts import Permission
from ...errors import EXIT_OK, ValidationError
from ...i18n import tr
from ...reports.records import RecordReports
from ...reports.sitrep import KIND_CODES, SitrepDraft
from ...reports.sitrep_service import SitrepService
from ..context import Context

EDITABLE = ("title", "doc_number", "source", "situation", "casualties", "measures", "deployed",
            "next_steps", "requests", "commander", "contact")


def register(sub, common) -> None:
    rep = sub.add_parser("report", parents=[common], help=tr("报告：信息报送文书与打印记录"))
    s = rep.add_subparsers(dest="report_command", required=True, metavar="ACTION")
    p = s.add_parser("sitrep", parents=[common], help=tr("首报、续报、终报、补报（草稿或签发）"))
    p.add_argument("incident")
    p.add_argument("--kind", required=True, choices=[*KIND_CODES, *KIND_CODES.values()])
    p.add_argument("--number", type=int, help=tr("续报、补报编号（默认下一个）"))
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--set", action="append", default=[], metavar="FIELD=TEXT",
                   help=tr("修改草稿字段，可重复：{fields}", fields=", ".join(EDITABLE)))
    p.add_argument("--draft-json", metavar="FILE", help=tr("从 JSON 文件读取整份草稿"))
    p.add_argument("--save-draft", metavar="FILE", help=tr("把草稿写成 JSON 以便修改"))
    p.add_argument("--sign", action="store_true",
                   help=tr("签发（带班领导；需再次输入密码，取自 $COMMANDCENTRE_PASSWORD 或提示）"))
    p.add_argument("--to", dest="recipient", default="", help=tr("报送对象"))
    p.set_defaults(handler=cmd_sitrep)
    p = s.add_parser("timeline", parents=[common], help=tr("事件时间线清单"))
    p.add_argument("incident")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--kinds", default="", help=tr("只列这些类别，逗号分隔，如 decision,report"))
    p.set_defaults(handler=cmd_timeline)
    p = s.add_parser("handover", parents=[common], help=tr("交接班记录"))
    p.add_argument("handover", nargs="?", help=tr("交接单 id（默认最近一张）"))
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(handler=cmd_handover)
    p = s.add_parser("drill", parents=[common], help=tr("演练评估报告（计划与实际时间对比）"))
    p.add_argument("incident")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(handler=cmd_drill)
    p = s.add_parser("binder", parents=[common], help=tr("一页应急处置卡（断网时使用）"))
    p.add_argument("incident")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(handler=cmd_binder)
    p = s.add_parser("list", parents=[common], help=tr("已签发的报告"))
    p.add_argument("incident")
    p.set_defaults(handler=cmd_list)
    p = s.add_parser("copy", parents=[common], help=tr("导出已签发报告的副本（校验哈希）"))
    p.add_argument("document")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.set_defaults(handler=cmd_copy)


def _sitreps(ctx: Context) -> SitrepService:
    return SitrepService(ctx.store(), ctx.hazards())


def _records(ctx: Context) -> RecordReports:
    return RecordReports(ctx.store(), ctx.hazards())


def cmd_sitrep(ctx: Context) -> int:
    session = ctx.login()
    session.require(Permission.READ)
    a = ctx.args
    service = _sitreps(ctx)
    if a.draft_json:
        try:
            data = json.loads(Path(a.draft_json).read_text(encoding="utf-8"))
            draft = SitrepDraft(**data)
        except (OSError, ValueError, TypeError) as err:
            raise ValidationError(tr("草稿文件无效：{error}", error=str(err))) from None
        if draft.incident_id != a.incident:
            raise ValidationError(tr("草稿属于另一个事件。"))
    else:
        draft = service.draft(a.incident, a.kind, a.number)
    for pair in a.set:
        key, sep, value = pair.partition("=")
        if not sep or key not in EDITABLE:
            raise ValidationError(tr("可修改的字段：{fields}", fields=", ".join(EDITABLE)))
        setattr(draft, key, value.replace("\\n", "\n"))
    if a.save_draft:
        Path(a.save_draft).write_text(json.dumps(draft.as_dict(), ensure_ascii=False, indent=2),
                                      encoding="utf-8")
    if a.sign:
        password = os.environ.get("COMMANDCENTRE_PASSWORD")
        if password is None:
            if not sys.stdin.isatty():
                raise ValidationError(tr("签发需要密码：请设置 {env} 或在终端中运行。",
                                         env="COMMANDCENTRE_PASSWORD"))
            password = getpass.getpass(tr("签发人 {user} 的密码：", user=session.username))
        result = service.sign(session, draft, password, recipient=a.recipient,
                              copy_to=a.output)
        ctx.emit(result, text=tr("已签发并存档：{title}（SHA-256 {digest}），副本 {path}",
                                 title=draft.title, digest=result["sha256"][:16],
                                 path=a.output))
    else:
        service.preview(draft, a.output)
        ctx.emit({"draft": a.output, "title": draft.title},
                 text=tr("已生成草稿（未签发）：{path}", path=a.output))
    return EXIT_OK


def cmd_timeline(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    kinds = {k.strip() for k in ctx.args.kinds.split(",") if k.strip()} or None
    path = _records(ctx).timeline(ctx.args.incident, ctx.args.output, kinds=kinds)
    ctx.emit({"written": str(path)}, text=tr("已生成：{path}", path=str(path)))
    return EXIT_OK


def cmd_handover(ctx: Context) -> int:
    from ...duty.handover import HandoverService

    ctx.login().require(Permission.READ)
    hid = ctx.args.handover
    if not hid:
        latest = HandoverService(ctx.store()).latest()
        if latest is None:
            raise ValidationError(tr("还没有交接单。"))
        hid = latest.id
    path = _records(ctx).handover(hid, ctx.args.output)
    ctx.emit({"written": str(path)}, text=tr("已生成：{path}", path=str(path)))
    return EXIT_OK


def cmd_drill(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    path = _records(ctx).after_action(ctx.args.incident, ctx.args.output)
    ctx.emit({"written": str(path)}, text=tr("已生成：{path}", path=str(path)))
    return EXIT_OK


def cmd_binder(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    path = _records(ctx).binder(ctx.args.incident, ctx.args.output)
    ctx.emit({"written": str(path)}, text=tr("已生成：{path}", path=str(path)))
    return EXIT_OK


def cmd_list(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    rows = _sitreps(ctx).documents(ctx.args.incident)
    ctx.table(rows, [("id", "id"), ("kind", tr("种类")), ("number", tr("编号")),
                     ("title", tr("标题")), ("signer_name", tr("签发人")),
                     ("signed_at", tr("签发时间"))])
    return EXIT_OK


def cmd_copy(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    data = _sitreps(ctx).pdf(ctx.args.document)
    Path(ctx.args.output).write_bytes(data)
    ctx.emit({"written": ctx.args.output, "bytes": len(data)},
             text=tr("已导出（哈希校验通过）：{path}", path=ctx.args.output))
    return EXIT_OK
