"""Plugin registers (灾种台账): ``commandcentre registers list|show|add|import|check``."""

from __future__ import annotations

from ...accounts import Permission
from ...errors import EXIT_FAILED, EXIT_OK, ValidationError
from ...hazards.register_service import PluginRegisterService
from ...i18n import tr
from ..context import Context
from .importing import show_import


def register(sub, common) -> None:
    p = sub.add_parser("registers", parents=[common], help=tr("灾种台账（由灾种插件提供）"))
    rs = p.add_subparsers(dest="registers_command", required=True, metavar="ACTION")
    q = rs.add_parser("list", parents=[common], help=tr("列出已加载插件的台账"))
    q.set_defaults(handler=cmd_list)
    q = rs.add_parser("show", parents=[common], help=tr("显示一个台账的条目"))
    q.add_argument("register", help=tr("台账，如 flood.reservoirs 或“水库”"))
    q.add_argument("--search", default="")
    q.set_defaults(handler=cmd_show)
    q = rs.add_parser("add", parents=[common], help=tr("在台账中添加一条"))
    q.add_argument("register")
    q.add_argument("--set", dest="values", action="append", default=[], metavar="字段=值",
                   help=tr("字段值，可重复；乡镇用 township=名称"))
    q.set_defaults(handler=cmd_add)
    q = rs.add_parser("import", parents=[common], help=tr("从 .xlsx / .csv 导入台账（先预览）"))
    q.add_argument("register")
    q.add_argument("path")
    q.add_argument("--dry-run", action="store_true", help=tr("只预览，不写入"))
    q.set_defaults(handler=cmd_import)
    q = rs.add_parser("check", parents=[common], help=tr("检查所有台账；有问题时退出码为 1"))
    q.set_defaults(handler=cmd_check)


def _service(ctx: Context) -> PluginRegisterService:
    return PluginRegisterService(ctx.store(), ctx.hazards())


def cmd_list(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    service = _service(ctx)
    rows = [{"register": ref.id, "name": ref.spec.name(), "table": ref.table,
             "rows": ctx.store().scalar(f"SELECT count(*) FROM {ref.table}"),
             "source": ref.spec.source} for ref in service.registers()]
    ctx.table(rows, [("register", tr("台账")), ("name", tr("名称")), ("rows", tr("条数")),
                     ("source", tr("依据"))])
    return EXIT_OK


def cmd_show(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    service = _service(ctx)
    ref = service.get(ctx.args.register)
    rows = service.rows(ref, text=ctx.args.search)
    columns = [(f.key, f.label()) for f in ref.spec.fields]
    columns.insert(1, ("township", tr("乡镇")))
    if not ctx.as_json:
        for row in rows:
            row["findings"] = "；".join(row["findings"])
    ctx.table(rows, [*columns, ("findings", tr("问题"))])
    return EXIT_OK


def _values(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ValidationError(tr("应写作 字段=值：{text}", text=pair))
        out[key.strip()] = value
    return out


def cmd_add(ctx: Context) -> int:
    session = ctx.login()
    service = _service(ctx)
    ref = service.get(ctx.args.register)
    rid = service.add(session, ref, _values(ctx.args.values))
    ctx.emit({"id": rid}, text=tr("已添加到{name}：{id}", name=ref.spec.name(), id=rid))
    return EXIT_OK


def cmd_import(ctx: Context) -> int:
    session = ctx.login()
    service = _service(ctx)
    ref = service.get(ctx.args.register)

    def run():
        if ctx.args.dry_run:
            return service.preview(session, ref, ctx.args.path)
        return service.import_file(session, ref, ctx.args.path)

    return show_import(ctx, run, dry_run=ctx.args.dry_run)


def cmd_check(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    findings = _service(ctx).findings()
    ctx.table(findings, [("name", tr("台账")), ("row", tr("条目")), ("message", tr("问题")),
                         ("source", tr("依据"))])
    if not findings and not ctx.as_json:
        print(tr("所有台账均未发现问题。"))
    return EXIT_FAILED if findings else EXIT_OK
