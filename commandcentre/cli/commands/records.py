"""Register commands: settings, the county register, the rota, the audit trail."""

from __future__ import annotations

from datetime import datetime

from ...accounts import Permission
from ...county import TOWNSHIP_SUBKINDS, CountyService
from ...duty.shifts import ShiftService
from ...errors import EXIT_OK, ValidationError
from ...i18n import tr
from ...settings import Settings
from ...timeutil import format_local, zone
from ..context import Context


def register(sub, common) -> None:
    st = sub.add_parser("setting", parents=[common], help=tr("系统设置"))
    sts = st.add_subparsers(dest="setting_command", required=True, metavar="ACTION")
    p = sts.add_parser("list", parents=[common], help=tr("列出设置"))
    p.set_defaults(handler=cmd_setting_list)
    p = sts.add_parser("set", parents=[common], help=tr("修改设置（管理员）"))
    p.add_argument("key")
    p.add_argument("value")
    p.set_defaults(handler=cmd_setting_set)

    co = sub.add_parser("county", parents=[common], help=tr("县情：乡镇与部门"))
    cos = co.add_subparsers(dest="county_command", required=True, metavar="ACTION")
    p = cos.add_parser("show", parents=[common], help=tr("县概况"))
    p.set_defaults(handler=cmd_county_show)
    p = cos.add_parser("townships", parents=[common], help=tr("列出乡镇"))
    p.set_defaults(handler=cmd_townships)
    p = cos.add_parser("departments", parents=[common], help=tr("列出部门值班电话"))
    p.set_defaults(handler=cmd_departments)
    p = cos.add_parser("add-township", parents=[common], help=tr("添加乡镇"))
    p.add_argument("name")
    p.add_argument("--kind", default="镇", choices=TOWNSHIP_SUBKINDS)
    p.add_argument("--population", type=int)
    p.add_argument("--code", default="")
    p.set_defaults(handler=cmd_add_township)

    sh = sub.add_parser("shift", parents=[common], help=tr("值班排班"))
    shs = sh.add_subparsers(dest="shift_command", required=True, metavar="ACTION")
    p = shs.add_parser("current", parents=[common], help=tr("当前班次"))
    p.set_defaults(handler=cmd_shift_current)
    p = shs.add_parser("list", parents=[common], help=tr("列出班次"))
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD", help=tr("起始日期（默认今天）"))
    p.add_argument("--days", type=int, default=7)
    p.set_defaults(handler=cmd_shift_list)

    au = sub.add_parser("audit", parents=[common], help=tr("审计日志"))
    aus = au.add_subparsers(dest="audit_command", required=True, metavar="ACTION")
    p = aus.add_parser("tail", parents=[common], help=tr("最近的审计记录"))
    p.add_argument("-n", type=int, default=20)
    p.set_defaults(handler=cmd_audit_tail)


def cmd_setting_list(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    values = Settings(ctx.store()).all()
    ctx.table([{"key": k, "value": v} for k, v in values.items()],
              [("key", tr("设置项")), ("value", tr("值"))])
    return EXIT_OK


def cmd_setting_set(ctx: Context) -> int:
    session = ctx.login()
    settings = Settings(ctx.store())
    value = settings.parse(ctx.args.key, ctx.args.value)
    settings.set(session, ctx.args.key, value)
    ctx.emit({ctx.args.key: value}, text=tr("已设置 {key} = {value}", key=ctx.args.key,
                                            value=value))
    return EXIT_OK


def cmd_county_show(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    service = CountyService(ctx.store())
    county = service.county()
    if county is None:
        raise ValidationError(tr("本库尚未录入县情。"))
    townships = service.townships()
    info = {"name": county["name"], "code": county["code"], "population": county["population"],
            "townships": len(townships), "description": county["description"]}
    ctx.emit(info, text=tr("{name}（{code}）人口 {population}，{townships} 个乡镇（街道）。\n"
                           "{description}", **info))
    return EXIT_OK


def cmd_townships(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    rows = CountyService(ctx.store()).townships()
    ctx.table(rows, [("code", tr("代码")), ("name", tr("名称")), ("subkind", tr("类型")),
                     ("population", tr("人口"))])
    return EXIT_OK


def cmd_departments(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    rows = CountyService(ctx.store()).departments()
    ctx.table(rows, [("name", tr("单位")), ("duty_phone", tr("值班电话")),
                     ("contact", tr("联系人")), ("title", tr("职务"))])
    return EXIT_OK


def cmd_add_township(ctx: Context) -> int:
    session = ctx.login()
    new_id = CountyService(ctx.store()).add_unit(
        session, kind="township", name=ctx.args.name, subkind=ctx.args.kind,
        population=ctx.args.population, code=ctx.args.code)
    ctx.emit({"id": new_id, "name": ctx.args.name},
             text=tr("已添加乡镇 {name}。", name=ctx.args.name))
    return EXIT_OK


def _shift_row(view) -> dict:
    return {"id": view.id, "starts_at": format_local(view.starts_at),
            "ends_at": format_local(view.ends_at), "leader": view.leader_name,
            "operators": "、".join(p["display_name"] for p in view.operators),
            "enhanced": view.enhanced}


def cmd_shift_current(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    view = ShiftService(ctx.store()).current()
    if view is None:
        ctx.emit(None, text=tr("当前没有排班（值班空档）。"))
        return EXIT_OK
    row = _shift_row(view)
    ctx.emit(row, text=tr("{starts_at} – {ends_at}  带班领导：{leader}  值班员：{operators}",
                          **row))
    return EXIT_OK


def cmd_shift_list(ctx: Context) -> int:
    from datetime import timedelta

    ctx.login().require(Permission.READ)
    store = ctx.store()
    tz = zone(Settings(store).get("ui.timezone"))
    if ctx.args.start:
        try:
            day = datetime.strptime(ctx.args.start, "%Y-%m-%d").date()
        except ValueError:
            raise ValidationError(tr("日期格式应为 YYYY-MM-DD：{text}",
                                     text=ctx.args.start)) from None
    else:
        day = store.clock.now().astimezone(tz).date()
    start = datetime.combine(day, datetime.min.time(), tz)
    views = ShiftService(store).between(start, start + timedelta(days=ctx.args.days))
    ctx.table([_shift_row(v) for v in views],
              [("starts_at", tr("开始")), ("ends_at", tr("结束")), ("leader", tr("带班领导")),
               ("operators", tr("值班员")), ("enhanced", tr("加强值班"))])
    return EXIT_OK


def cmd_audit_tail(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    rows = ctx.store().query(
        "SELECT seq, at, actor, action, table_name, record_id FROM audit_log"
        " ORDER BY seq DESC LIMIT ?", (max(1, ctx.args.n),))
    for r in rows:
        r["at"] = format_local(r["at"], fmt="%Y-%m-%d %H:%M:%S")
    ctx.table(list(reversed(rows)), [("seq", "#"), ("at", tr("时间")), ("actor", tr("操作人")),
                                     ("action", tr("操作")), ("table_name", tr("表")),
                                     ("record_id", tr("记录"))])
    return EXIT_OK
