"""Account commands: ``commandcentre user list|add|passwd|unlock|disable|enable``."""

from __future__ import annotations

from ...accounts import AccountService, Permission, Role
from ...errors import EXIT_OK
from ...i18n import tr
from ..context import Context
from .store import _new_password


def register(sub, common) -> None:
    user = sub.add_parser("user", parents=[common], help=tr("账号管理"))
    us = user.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    p = us.add_parser("list", parents=[common], help=tr("列出账号"))
    p.set_defaults(handler=cmd_list)
    p = us.add_parser("add", parents=[common], help=tr("新建账号（管理员）"))
    p.add_argument("username")
    p.add_argument("--name", required=True, help=tr("姓名"))
    p.add_argument("--role", required=True, choices=[r.value for r in Role])
    p.add_argument("--unit", default="")
    p.add_argument("--phone", default="")
    p.set_defaults(handler=cmd_add)
    p = us.add_parser("passwd", parents=[common], help=tr("修改密码"))
    p.add_argument("username")
    p.set_defaults(handler=cmd_passwd)
    for action, text in (("unlock", tr("解除锁定（管理员）")),
                         ("disable", tr("停用账号（管理员）")),
                         ("enable", tr("启用账号（管理员）"))):
        p = us.add_parser(action, parents=[common], help=text)
        p.add_argument("username")
        p.set_defaults(handler=cmd_state, action=action)


def cmd_list(ctx: Context) -> int:
    session = ctx.login()
    rows = AccountService(ctx.store()).list(session)
    for r in rows:
        r["role_label"] = Role(r["role"]).label
    ctx.table(rows, [("username", tr("用户名")), ("display_name", tr("姓名")),
                     ("role_label", tr("角色")), ("unit", tr("单位")), ("active", tr("启用")),
                     ("locked_until", tr("锁定至"))])
    return EXIT_OK


def cmd_add(ctx: Context) -> int:
    session = ctx.login()
    service = AccountService(ctx.store())
    # Check the permission before asking for a password the caller may not set.
    session.require(Permission.ACCOUNT_ADMIN)
    password = _new_password(ctx.args.username)
    service.create(session, username=ctx.args.username, display_name=ctx.args.name,
                   role=ctx.args.role, password=password, unit=ctx.args.unit,
                   phone=ctx.args.phone)
    ctx.emit({"created": ctx.args.username}, text=tr("已创建账号 {user}。",
                                                    user=ctx.args.username))
    return EXIT_OK


def cmd_passwd(ctx: Context) -> int:
    import getpass
    import os

    session = ctx.login()
    service = AccountService(ctx.store())
    old = None
    if session.username.lower() == ctx.args.username.lower():
        old = os.environ.get("COMMANDCENTRE_OLD_PASSWORD") or os.environ.get(
            "COMMANDCENTRE_PASSWORD") or getpass.getpass(tr("原密码："))
    new = os.environ.get("COMMANDCENTRE_NEW_PASSWORD") or _new_password(ctx.args.username)
    service.change_password(session, ctx.args.username, new, old_password=old)
    ctx.emit({"changed": ctx.args.username}, text=tr("已修改 {user} 的密码。",
                                                    user=ctx.args.username))
    return EXIT_OK


def cmd_state(ctx: Context) -> int:
    session = ctx.login()
    service = AccountService(ctx.store())
    if ctx.args.action == "unlock":
        service.unlock(session, ctx.args.username)
    else:
        service.set_active(session, ctx.args.username, ctx.args.action == "enable")
    ctx.emit({ctx.args.action: ctx.args.username},
             text=tr("已完成：{action} {user}", action=ctx.args.action, user=ctx.args.username))
    return EXIT_OK
