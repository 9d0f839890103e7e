"""Plan commands: ``commandcentre plans import|list|show|search|update|export|alerts|suggest|
activate|checklist``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from pathlib import Path

from ...duty.intake import parse_time
from ...errors import EXIT_OK, ValidationError
from ...hazards import load_hazards
from ...i18n import tr
from ...plans import PLAN_STATUSES, PLAN_TYPES, PlanFilter, PlanService
from ...plans.export import limit_text
from ...plans.service import read_plan
from ...settings import Settings
from ...timeutil import format_local, to_local
from ..context import Context

STATE_LABELS = {"open": "未完成", "done": "已完成", "overdue": "逾期"}


def register(sub, common) -> None:
    pl = sub.add_parser("plans", parents=[common], help=tr("应急预案库：导入、检索、启动"))
    s = pl.add_subparsers(dest="plans_command", required=True, metavar="ACTION")
    p = s.add_parser("import", parents=[common], help=tr("导入预案文件（.docx、.md、.txt）"))
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help=tr("只解析并报告，不保存"))
    p.set_defaults(handler=cmd_import)
    p = s.add_parser("list", parents=[common], help=tr("列出预案"))
    _filters(p)
    p.add_argument("--all", action="store_true", help=tr("包括已被新版本取代的预案"))
    p.set_defaults(handler=cmd_list)
    p = s.add_parser("show", parents=[common], help=tr("预案详情：分级响应与措施"))
    p.add_argument("plan", metavar="ID")
    p.add_argument("--sections", action="store_true", help=tr("列出全部章节"))
    p.set_defaults(handler=cmd_show)
    p = s.add_parser("search", parents=[common], help=tr("全文检索所有预案"))
    p.add_argument("query")
    _filters(p)
    p.add_argument("--limit", type=int, default=20)
    p.set_defaults(handler=cmd_search)
    p = s.add_parser("update", parents=[common], help=tr("修改预案登记信息（状态、日期等）"))
    p.add_argument("plan", metavar="ID")
    p.add_argument("fields", nargs="+", metavar="KEY=VALUE",
                   help=tr("如 status=废止 last_drill_on=2026-05-12"))
    p.set_defaults(handler=cmd_update)
    p = s.add_parser("export", parents=[common], help=tr("导出预案为 .docx 或 .pdf"))
    p.add_argument("plan", metavar="ID")
    p.add_argument("file", metavar="FILE")
    p.set_defaults(handler=cmd_export)
    p = s.add_parser("alerts", parents=[common], help=tr("预案管理提醒：评估、修订、演练逾期"))
    p.add_argument("--today", metavar="YYYY-MM-DD")
    p.set_defaults(handler=cmd_alerts)
    p = s.add_parser("suggest", parents=[common], help=tr("按事件灾种和等级推荐预案"))
    p.add_argument("incident")
    p.set_defaults(handler=cmd_suggest)
    p = s.add_parser("activate", parents=[common], help=tr("在事件上启动预案的某级响应"))
    p.add_argument("incident")
    p.add_argument("plan", metavar="PLAN")
    p.add_argument("level", metavar="LEVEL", help=tr("响应级别：Ⅰ Ⅱ Ⅲ Ⅳ（或 1-4）"))
    p.add_argument("--at", metavar="TIME")
    p.add_argument("--reason", default="")
    p.set_defaults(handler=cmd_activate)
    p = s.add_parser("checklist", parents=[common], help=tr("事件的响应措施清单；登记完成"))
    p.add_argument("incident")
    p.add_argument("--done", metavar="ITEM", help=tr("登记完成：序号或清单项 id"))
    p.add_argument("--undo", metavar="ITEM", help=tr("撤销完成：序号或清单项 id"))
    p.add_argument("--note", default="")
    p.add_argument("--at", metavar="TIME")
    p.set_defaults(handler=cmd_checklist)


def _filters(p) -> None:
    p.add_argument("--type", choices=PLAN_TYPES)
    p.add_argument("--hazard", metavar="ID", help=tr("灾种插件 id"))
    p.add_argument("--status", choices=PLAN_STATUSES)


def _filter(ctx: Context, *, include_superseded: bool = False) -> PlanFilter:
    a = ctx.args
    return PlanFilter(a.type, a.hazard, a.status, include_superseded)


def _service(ctx: Context) -> PlanService:
    return PlanService(ctx.store(), ctx.hazards())


def _zone(ctx: Context) -> str:
    return Settings(ctx.store()).get("ui.timezone")


def _time(ctx: Context, text: str | None) -> datetime | None:
    return parse_time(text, _zone(ctx)) if text else None


def cmd_import(ctx: Context) -> int:
    if ctx.args.dry_run:  # parsing needs no store and no login
        registry, _report = load_hazards(None)
        out = []
        for name in ctx.args.files:
            parsed = read_plan(name, registry)
            out.append({"file": name, "title": parsed.meta["title"], "type": parsed.meta["type"],
                        "sections": len(parsed.sections), "levels": [
                            {"level": lv.level, "actions": len(lv.actions)}
                            for lv in parsed.levels], "notes": parsed.notes})
        _print_imports(ctx, out)
        return EXIT_OK
    session = ctx.login()
    service = _service(ctx)
    ids = service.import_files(session, ctx.args.files)
    out = []
    for name, plan_id in zip(ctx.args.files, ids, strict=True):
        view = service.get(plan_id)
        out.append({"file": name, "id": plan_id, "title": view.title,
                    "type": view.plan["type"], "sections": len(view.sections),
                    "levels": [{"level": lv["level"], "actions": len(lv["actions"])}
                               for lv in view.levels], "notes": view.plan["notes"]})
    _print_imports(ctx, out)
    return EXIT_OK


def _print_imports(ctx: Context, out: list[dict]) -> None:
    if ctx.as_json:
        ctx.emit(out)
        return
    for item in out:
        levels = "、".join(tr("{level}级 {n} 项", level=lv["level"], n=lv["actions"])
                          for lv in item["levels"]) or tr("无")
        print(tr("{file}：{title}（{type}），{sections} 个章节；分级响应：{levels}",
                 file=item["file"], title=item["title"], type=item["type"],
                 sections=item["sections"], levels=levels)
              + (f"  [{item['id']}]" if "id" in item else ""))
        for note in item["notes"]:
            print("  - " + note)


def cmd_list(ctx: Context) -> int:
    ctx.login()
    rows = _service(ctx).list(_filter(ctx, include_superseded=ctx.args.all))
    for r in rows:
        r["hazard_ids"] = ", ".join(r["hazards"])
        r["level_list"] = "/".join(r["levels"])
    ctx.table(rows, [("id", "id"), ("title", tr("预案")), ("type", tr("类型")),
                     ("status", tr("状态")), ("version", tr("版本")),
                     ("hazard_ids", tr("灾种")), ("level_list", tr("响应级别"))])
    return EXIT_OK


def cmd_show(ctx: Context) -> int:
    ctx.login()
    view = _service(ctx).get(ctx.args.plan)
    if ctx.as_json:
        ctx.emit({"plan": view.plan, "sections": view.sections, "levels": view.levels,
                  "links": view.links, "superseded_by": view.superseded_by})
        return EXIT_OK
    p = view.plan
    print(tr("{title}（{type}，{status}）", title=p["title"], type=p["type"], status=p["status"]))
    print(tr("发布单位：{issuer}　牵头单位：{owner}　版本：{version}", issuer=p["issuer"] or "-",
             owner=p["owner"] or "-", version=p["version"] or "-"))
    print(tr("发布 {issued}　修订 {revised}　下次评估 {evaluation}　备案 {filed}　最近演练 {drill}",
             issued=p["issued_on"] or "-", revised=p["revised_on"] or "-",
             evaluation=p["next_evaluation_on"] or "-", filed=p["filed_on"] or "-",
             drill=p["last_drill_on"] or "-"))
    for link in view.links:
        print(tr("衔接（{relation}）：《{title}》", relation=link["relation"],
                 title=link["target_title"]))
    if view.superseded_by:
        print(tr("已被新版本取代：{id}", id=view.superseded_by))
    if ctx.args.sections:
        for s in view.sections:
            if s["marker"] != "preamble":
                print("  " * s["depth"] + s["number"] + s["title"])
    for level in view.levels:
        print(tr("【{level}级响应】启动条件：{trigger}", level=level["level"],
                 trigger=level["trigger_text"] or tr("（未找到）")))
        for a in level["actions"]:
            limit = limit_text(a["within_minutes"])
            print(f"  {a['ordinal']}. {a['owner_unit'] or '-'}：{a['text']}"
                  + (f"  [{limit}]" if limit else ""))
    for note in p["notes"]:
        print("  - " + note)
    return EXIT_OK


def cmd_search(ctx: Context) -> int:
    ctx.login()
    hits = _service(ctx).search(ctx.args.query, _filter(ctx), ctx.args.limit)
    rows = [{"plan_id": h.plan_id, "title": h.plan_title, "section_path": h.section_path,
             "snippet": h.snippet, "section_id": h.section_id, "type": h.plan_type,
             "status": h.status, "score": round(h.score, 4)} for h in hits]
    ctx.table(rows, [("title", tr("预案")), ("section_path", tr("章节")),
                     ("snippet", tr("摘要"))])
    return EXIT_OK


def cmd_update(ctx: Context) -> int:
    session = ctx.login()
    changes = {}
    for pair in ctx.args.fields:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValidationError(tr("字段应写成 KEY=VALUE：{text}", text=pair))
        changes[key.strip()] = value.strip()
    service = _service(ctx)
    plan = service.update(session, service.resolve(ctx.args.plan), changes)
    ctx.emit(plan, text=tr("已更新预案：{title}", title=plan["title"]))
    return EXIT_OK


def cmd_export(ctx: Context) -> int:
    ctx.login()
    path = Path(ctx.args.file)
    service = _service(ctx)
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise ValidationError(tr("导出文件应以 .docx 或 .pdf 结尾：{name}", name=path.name))
    out = (service.export_docx if suffix == ".docx" else service.export_pdf)(
        ctx.args.plan, path)
    ctx.emit({"file": str(out)}, text=tr("已导出：{path}", path=str(out)))
    return EXIT_OK


def cmd_alerts(ctx: Context) -> int:
    ctx.login()
    store = ctx.store()
    today = (date.fromisoformat(ctx.args.today) if ctx.args.today
             else to_local(store.clock.now(), _zone(ctx)).date())
    rows = [{**asdict(a), "due": a.due.isoformat() if a.due else ""}
            for a in _service(ctx).alerts(today)]
    ctx.table(rows, [("title", tr("预案")), ("due", tr("时限")), ("message", tr("提醒"))])
    return EXIT_OK


def cmd_suggest(ctx: Context) -> int:
    ctx.login()
    rows = [{**asdict(s), "level_list": "/".join(s.levels)}
            for s in _service(ctx).suggest(ctx.args.incident)]
    ctx.table(rows, [("plan_id", "id"), ("title", tr("预案")), ("type", tr("类型")),
                     ("level", tr("建议级别")), ("reason", tr("理由"))])
    return EXIT_OK


def _checklist_rows(ctx: Context, service: PlanService, incident: str) -> list[dict]:
    zone_name = _zone(ctx)
    rows = []
    for item in service.checklist(incident):
        row = asdict(item)
        row.update({"due_at": item.due_at.isoformat() if item.due_at else None,
                    "done_at": item.done_at.isoformat() if item.done_at else None,
                    "due": format_local(item.due_at, zone_name) if item.due_at else "",
                    "done_when": format_local(item.done_at, zone_name) if item.done_at else "",
                    "state_label": tr(STATE_LABELS[item.state])})
        rows.append(row)
    return rows


def _print_checklist(ctx: Context, rows: list[dict]) -> None:
    ctx.table(rows, [("ordinal", tr("序号")), ("owner_unit", tr("责任单位")),
                     ("text", tr("响应措施")), ("due", tr("时限")),
                     ("state_label", tr("状态")), ("done_by", tr("完成人")),
                     ("done_when", tr("完成时间"))])


def cmd_activate(ctx: Context) -> int:
    session = ctx.login()
    service = _service(ctx)
    a = ctx.args
    service.activate(session, a.incident, service.resolve(a.plan), a.level, _time(ctx, a.at),
                     reason=a.reason)
    _print_checklist(ctx, _checklist_rows(ctx, service, a.incident))
    return EXIT_OK


def cmd_checklist(ctx: Context) -> int:
    a = ctx.args
    if a.done and a.undo:
        raise ValidationError(tr("--done 与 --undo 只能选一个。"))
    session = ctx.login()
    service = _service(ctx)
    target = a.done or a.undo
    if target:
        items = service.checklist(a.incident)
        match = [i for i in items if i.id == target or str(i.ordinal) == target]
        if not match:
            raise ValidationError(tr("清单中没有此项：{item}", item=target))
        service.complete_item(session, match[0].id, a.note, done=bool(a.done),
                              at=_time(ctx, a.at))
    _print_checklist(ctx, _checklist_rows(ctx, service, a.incident))
    return EXIT_OK
