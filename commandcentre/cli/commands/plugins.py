"""Plugin commands: ``commandcentre plugins list`` shows every hazard plugin found and its fate.

No login: it reads no records, only the plugin folders and entry points (and no store).
"""

from __future__ import annotations

from ...errors import EXIT_OK
from ...hazards import load_hazards
from ...i18n import tr
from ..context import Context


def register(sub, common) -> None:
    pl = sub.add_parser("plugins", parents=[common], help=tr("灾种插件"))
    pls = pl.add_subparsers(dest="plugins_command", required=True, metavar="ACTION")
    p = pls.add_parser("list", parents=[common], help=tr("列出已发现的插件及其加载结果"))
    p.add_argument("--dir", dest="plugin_dirs", action="append", default=[], metavar="PATH",
                   help=tr("另外搜索的插件文件夹（可重复）"))
    p.set_defaults(handler=cmd_plugins_list)


def _state_label(state: str) -> str:
    return {"loaded": tr("已加载"), "refused": tr("已拒绝"), "failed": tr("加载失败")}[state]


def cmd_plugins_list(ctx: Context) -> int:
    _registry, report = load_hazards(None, extra_dirs=ctx.args.plugin_dirs)
    if ctx.as_json:
        ctx.emit(report.as_dicts())
        return EXIT_OK
    rows = [{"id": s.id, "name": s.name, "version": s.version, "state": _state_label(s.state),
             "reason": s.reason, "hazards": "、".join(s.hazards)} for s in report.plugins]
    ctx.table(rows, [("id", tr("插件")), ("name", tr("名称")), ("version", tr("版本")),
                     ("state", tr("状态")), ("reason", tr("原因")), ("hazards", tr("灾种"))])
    return EXIT_OK
