"""Store commands: init, demo, verify, db info, db backup."""

from __future__ import annotations

import getpass
import os
import sys

from ...accounts import AccountService, Role, system_session
from ...errors import EXIT_FAILED, EXIT_OK, ValidationError
from ...i18n import tr
from ...storage import Store
from ...storage.verify import verify_store
from ..context import ENV_PASSWORD, Context


def register(sub, common) -> None:
    p = sub.add_parser("init", parents=[common], help=tr("新建空数据库并创建第一个管理员"))
    p.add_argument("--admin", required=True, metavar="NAME", help=tr("管理员用户名"))
    p.add_argument("--name", required=True, help=tr("管理员姓名"))
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", parents=[common], help=tr("生成演示县数据库"))
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("verify", parents=[common],
                       help=tr("检查数据库完整性与审计链"))
    p.set_defaults(handler=cmd_verify)

    db = sub.add_parser("db", parents=[common], help=tr("数据库信息与备份"))
    dbs = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    p = dbs.add_parser("info", parents=[common], help=tr("显示数据库版本与记录数"))
    p.set_defaults(handler=cmd_db_info)
    p = dbs.add_parser("backup", parents=[common], help=tr("在线备份到文件"))
    p.add_argument("--to", required=True, metavar="PATH", help=tr("备份文件路径"))
    p.set_defaults(handler=cmd_db_backup)


def _refuse_existing(ctx: Context) -> None:
    path = ctx.db_path
    if path.exists() and path.stat().st_size > 0:
        raise ValidationError(tr("文件已存在，未做任何改动：{path}", path=str(path)))


def _new_password(username: str) -> str:
    password = os.environ.get(ENV_PASSWORD)
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise ValidationError(tr("需要密码：请在终端中运行以便输入，或设置 {env}。",
                                 env=ENV_PASSWORD))
    first = getpass.getpass(tr("{user} 的新密码：", user=username))
    if getpass.getpass(tr("再输入一次：")) != first:
        raise ValidationError(tr("两次输入的密码不一致。"))
    return first


def cmd_init(ctx: Context) -> int:
    _refuse_existing(ctx)
    password = _new_password(ctx.args.admin)
    store = ctx.store(create=True)
    AccountService(store).create(system_session("init"), username=ctx.args.admin,
                                 display_name=ctx.args.name, role=Role.ADMINISTRATOR,
                                 password=password)
    ctx.emit({"path": str(ctx.db_path), "admin": ctx.args.admin},
             text=tr("已创建数据库 {path}，管理员 {user}。", path=str(ctx.db_path),
                     user=ctx.args.admin))
    return EXIT_OK


def cmd_demo(ctx: Context) -> int:
    from ...demo import DEMO_PASSWORD, build_demo

    _refuse_existing(ctx)
    summary = build_demo(ctx.db_path)
    ctx.emit({"path": str(ctx.db_path), **summary},
             text=tr("已生成演示县数据库 {path}：{county}，{townships} 个乡镇，{teams} 支队伍，"
                     "{members} 名队员。演示账号密码：{password}", path=str(ctx.db_path),
                     password=DEMO_PASSWORD, **summary))
    return EXIT_OK


def cmd_verify(ctx: Context) -> int:
    report = verify_store(ctx.db_path)
    if ctx.as_json:
        ctx.emit(report.as_dict())
    elif report.ok:
        print(tr("校验通过：{path}（格式 {version}，审计记录 {rows} 条，核对数据 {records} 条）",
                 path=report.path, version="{}.{}".format(*report.version),
                 rows=report.audit_rows, records=report.records_checked))
    else:
        for problem in report.problems:
            print(tr("校验失败：{message}", message=problem.message))
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_db_info(ctx: Context) -> int:
    store = Store.open(ctx.db_path, readonly=True, migrate=False)
    try:
        tables = [r["name"] for r in store.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        counts = {t: store.scalar(f'SELECT count(*) FROM "{t}"') for t in tables}
        info = {"path": str(ctx.db_path), "version": "{}.{}".format(*store.version),
                "journal_mode": store.scalar("PRAGMA journal_mode"), "tables": counts}
    finally:
        store.close()
    lines = [tr("数据库：{path}", path=info["path"]),
             tr("格式版本：{version}", version=info["version"]),
             *(f"  {t}: {n}" for t, n in counts.items())]
    ctx.emit(info, text="\n".join(lines))
    return EXIT_OK


def cmd_db_backup(ctx: Context) -> int:
    from ...backup import backup_store

    session = ctx.login()
    dest = backup_store(ctx.store(), session, ctx.args.to)
    ctx.emit({"backup": str(dest)}, text=tr("已备份到 {path}", path=str(dest)))
    return EXIT_OK
