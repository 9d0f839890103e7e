"""Rota commands (排班): plan from a template, check coverage, export and import 值班表 files."""

from __future__ import annotations

import sys
from datetime import date, datetime, time, timedelta

from ...accounts import Permission
from ...duty.rota import (
    EnhancedPeriod,
    PlannedShift,
    RotaRejected,
    coverage_gaps,
    day_night,
    plan_rota,
    rota_zone,
    twenty_four_hour,
)
from ...duty.rota_io import export_rota, import_rota
from ...errors import EXIT_FAILED, EXIT_INVALID, EXIT_OK, ValidationError
from ...i18n import tr
from ...timeutil import format_local
from ..context import Context


def register(sub, common) -> None:
    ro = sub.add_parser("rota", parents=[common],
                        help=tr("排班：按模板排班、检查空档、导入导出值班表"))
    ros = ro.add_subparsers(dest="rota_command", required=True, metavar="ACTION")

    p = ros.add_parser("plan", parents=[common], help=tr("按班次模板排班（管理员）"))
    p.add_argument("--template", choices=("24h", "day-night"), default="24h",
                   help=tr("24h：24 小时班；day-night：白班与夜班"))
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD",
                   help=tr("第一天"))
    p.add_argument("--days", type=int, required=True, help=tr("排班天数"))
    p.add_argument("--handover", default="08:00", metavar="HH:MM",
                   help=tr("交接班时间（夜班结束时间）"))
    p.add_argument("--night", default="20:00", metavar="HH:MM", help=tr("夜班开始时间"))
    p.add_argument("--leaders", required=True, metavar="A,B",
                   help=tr("轮流带班的领导（用户名或姓名，逗号分隔）"))
    p.add_argument("--group", action="append", required=True, metavar="A,B", dest="groups",
                   help=tr("一组值班员，主班在前；可重复，各组轮流值班"))
    p.add_argument("--enhanced", action="append", default=[], metavar="NAME:FROM:TO[:A,B]",
                   help=tr("加强值班期：名称、起止日期和加派人员；可重复"))
    p.add_argument("--leader-per-shift", action="store_true",
                   help=tr("领导按班次轮换（默认按天）"))
    p.add_argument("--dry-run", action="store_true", help=tr("只列出，不写入"))
    p.set_defaults(handler=cmd_plan)

    p = ros.add_parser("coverage", parents=[common],
                       help=tr("检查值班空档（无带班领导或无值班员）"))
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help=tr("起始日期（默认现在）"))
    p.add_argument("--days", type=int, default=30)
    p.set_defaults(handler=cmd_coverage)

    p = ros.add_parser("export", parents=[common], help=tr("导出值班表（.xlsx 或 .csv）"))
    p.add_argument("path")
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help=tr("起始日期（默认今天）"))
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--title", help=tr("表格标题"))
    p.set_defaults(handler=cmd_export)

    p = ros.add_parser("import", parents=[common], help=tr("导入值班表（.xlsx 或 .csv，管理员）"))
    p.add_argument("path")
    p.add_argument("--year", type=int, help=tr("日期未写年份时使用的年份"))
    p.add_argument("--check", action="store_true", help=tr("只检查，不写入"))
    p.set_defaults(handler=cmd_import)


def _day(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise ValidationError(tr("日期格式应为 YYYY-MM-DD：{text}", text=text)) from None


def _clock(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ValidationError(tr("时间格式应为 HH:MM：{text}", text=text)) from None


def _list(text: str) -> list[str]:
    return [t.strip() for t in text.replace("，", ",").replace("、", ",").split(",") if t.strip()]


def _period(text: str) -> EnhancedPeriod:
    parts = text.split(":")
    if len(parts) not in (3, 4) or not parts[0].strip():
        raise ValidationError(tr("加强值班期应写成 名称:起始日期:结束日期[:人员,人员]：{text}",
                                 text=text))
    extra = _list(parts[3]) if len(parts) == 4 else []
    return EnhancedPeriod(parts[0].strip(), _day(parts[1]), _day(parts[2]), tuple(extra))


def _shift_row(shift: PlannedShift, zone_name: str) -> dict:
    return {"starts_at": format_local(shift.starts_at, zone_name),
            "ends_at": format_local(shift.ends_at, zone_name), "leader": shift.leader,
            "operators": "、".join(shift.operators), "enhanced": shift.enhanced}


def _shift_columns() -> list[tuple[str, str]]:
    return [("starts_at", tr("开始")), ("ends_at", tr("结束")), ("leader", tr("带班领导")),
            ("operators", tr("值班员")), ("enhanced", tr("加强值班"))]


def _rejected(ctx: Context, err: RotaRejected) -> int:
    """Every problem on its own line (or as JSON), so a long sheet's report stays readable."""
    if ctx.as_json:
        ctx.emit({"ok": False, "problems": err.problems})
    else:
        print(tr("排班有 {n} 处问题，未写入任何班次：", n=len(err.problems)), file=sys.stderr)
        for problem in err.problems:
            print(f"  {problem}", file=sys.stderr)
    return EXIT_INVALID


def cmd_plan(ctx: Context) -> int:
    session = ctx.login()
    session.require(Permission.REGISTER_WRITE)
    store = ctx.store()
    a = ctx.args
    handover = _clock(a.handover)
    template = twenty_four_hour(handover) if a.template == "24h" else \
        day_night(handover, _clock(a.night))
    try:
        shifts = plan_rota(store, session, template, first_day=_day(a.start), days=a.days,
                           leaders=_list(a.leaders), operator_groups=[_list(g) for g in a.groups],
                           enhanced=[_period(e) for e in a.enhanced],
                           leader_per_shift=a.leader_per_shift, dry_run=a.dry_run)
    except RotaRejected as err:
        return _rejected(ctx, err)
    tz_name = str(rota_zone(store))
    rows = [_shift_row(s, tz_name) for s in shifts]
    if a.dry_run or ctx.as_json:
        ctx.table(rows, _shift_columns())
    if not a.dry_run and not ctx.as_json:
        print(tr("已排班 {n} 个班次：{first} 至 {last}。", n=len(rows),
                 first=rows[0]["starts_at"], last=rows[-1]["ends_at"]))
    return EXIT_OK


def _missing(what: str) -> str:
    return {"leader": tr("无带班领导"), "operator": tr("无值班员"), "both": tr("无人值班")}[what]


def cmd_coverage(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    store = ctx.store()
    tz = rota_zone(store)
    if ctx.args.start:
        start = datetime.combine(_day(ctx.args.start), time(0), tz)
    else:
        start = store.clock.now().astimezone(tz).replace(minute=0, second=0, microsecond=0)
    if ctx.args.days < 1:
        raise ValidationError(tr("天数至少为 1。"))
    gaps = coverage_gaps(store, start, hours=ctx.args.days * 24)
    rows = [{"start": format_local(g.start, str(tz)), "end": format_local(g.end, str(tz)),
             "hours": round(g.hours, 2), "missing": g.missing,
             "what": _missing(g.missing)} for g in gaps]
    if not rows and not ctx.as_json:
        print(tr("{first} 起 {days} 天内没有值班空档。", first=format_local(start, str(tz)),
                 days=ctx.args.days))
    else:
        ctx.table(rows, [("start", tr("开始")), ("end", tr("结束")), ("hours", tr("小时")),
                         ("what", tr("缺少"))])
    return EXIT_FAILED if gaps else EXIT_OK


def cmd_export(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    store = ctx.store()
    tz = rota_zone(store)
    day = _day(ctx.args.start) if ctx.args.start else store.clock.now().astimezone(tz).date()
    if ctx.args.days < 1:
        raise ValidationError(tr("天数至少为 1。"))
    start = datetime.combine(day, time(0), tz)
    n = export_rota(store, ctx.args.path, start, start + timedelta(days=ctx.args.days),
                    title=ctx.args.title)
    ctx.emit({"path": ctx.args.path, "shifts": n},
             text=tr("已导出 {n} 个班次到 {path}", n=n, path=ctx.args.path))
    return EXIT_OK


def cmd_import(ctx: Context) -> int:
    session = ctx.login()
    store = ctx.store()
    try:
        result = import_rota(store, session, ctx.args.path, year=ctx.args.year,
                             check_only=ctx.args.check)
    except RotaRejected as err:
        return _rejected(ctx, err)
    tz_name = str(rota_zone(store))
    data = {"ok": True, "written": not ctx.args.check, "shifts": len(result.shifts),
            "ids": result.ids}
    if ctx.args.check:
        text = tr("检查通过：{n} 个班次，未写入。", n=len(result.shifts))
    else:
        text = tr("已导入 {n} 个班次：{first} 至 {last}。", n=len(result.shifts),
                  first=format_local(min(s.starts_at for s in result.shifts), tz_name),
                  last=format_local(max(s.ends_at for s in result.shifts), tz_name))
    ctx.emit(data, text=text)
    return EXIT_OK
