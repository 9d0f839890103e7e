"""Reporting rule commands: ``commandcentre rules list|show|save`` (saving: administrators)."""

from __future__ import annotations

import json
from pathlib import Path

from ...accounts import Permission
from ...errors import EXIT_OK, ValidationError
from ...i18n import tr
from ...reporting.rules import rule_to_dict
from ...reporting.service import ReportingService
from ...settings import Settings
from ..context import Context


def register(sub, common) -> None:
    rules = sub.add_parser("rules", parents=[common], help=tr("报送时限规则集"))
    s = rules.add_subparsers(dest="rules_command", required=True, metavar="ACTION")
    p = s.add_parser("list", parents=[common], help=tr("列出规则集"))
    p.set_defaults(handler=cmd_list)
    p = s.add_parser("show", parents=[common], help=tr("以 JSON 显示一个规则集"))
    p.add_argument("id")
    p.set_defaults(handler=cmd_show)
    p = s.add_parser("save", parents=[common], help=tr("从 JSON 文件新增或修改规则集（管理员）"))
    p.add_argument("file", help=tr("规则集 JSON 文件（格式同 rules show 的输出）"))
    p.set_defaults(handler=cmd_save)


def _service(ctx: Context) -> ReportingService:
    return ReportingService(ctx.store(), ctx.hazards())


def cmd_list(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    current = Settings(ctx.store()).get("reporting.rule_set")
    rows = [{"id": rs.id, "name": rs.name, "rules": len(rs.rules),
             "in_use": "✓" if rs.id == current else ""}
            for rs in _service(ctx).rule_sets().values()]
    rows.append({"id": "hazard", "name": tr("各灾种插件的默认规则"), "rules": "",
                 "in_use": "✓" if current == "hazard" else ""})
    ctx.table(rows, [("id", "id"), ("name", tr("名称")), ("rules", tr("条数")),
                     ("in_use", tr("使用中"))])
    return EXIT_OK


def cmd_show(ctx: Context) -> int:
    ctx.login().require(Permission.READ)
    sets = _service(ctx).rule_sets()
    if ctx.args.id not in sets:
        raise ValidationError(tr("没有此报送规则集：{id}", id=ctx.args.id))
    rs = sets[ctx.args.id]
    print(json.dumps({"id": rs.id, "name": rs.name,
                      "rules": [rule_to_dict(r) for r in rs.rules]}, ensure_ascii=False,
                     indent=2))
    return EXIT_OK


def cmd_save(ctx: Context) -> int:
    session = ctx.login()
    session.require(Permission.SETTINGS_WRITE)
    try:
        data = json.loads(Path(ctx.args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise ValidationError(tr("无法读取规则集文件：{error}", error=str(err))) from None
    rs = _service(ctx).save_rule_set(session, data)
    ctx.emit({"saved": rs.id}, text=tr("已保存报送规则集 {id}（{name}）", id=rs.id, name=rs.name))
    return EXIT_OK
