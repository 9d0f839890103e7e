"""``commandcentre``: the command-line entry point.

Every command takes ``--db PATH`` (default: ``$COMMANDCENTRE_DB`` or the per-user store) and
``--json``. Commands that read or change records log in with ``--user`` (or
``$COMMANDCENTRE_USER``) and the password from ``$COMMANDCENTRE_PASSWORD`` or a prompt. Bad
input gives one line on stderr and a non-zero exit code (see :mod:`commandcentre.errors`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from .. import __version__
from ..errors import EXIT_OK, EXIT_USAGE, CommandCentreError
from ..i18n import set_language, tr
from ..logsetup import configure
from . import commands
from .context import Context

log = logging.getLogger(__name__)

GuiLauncher = Callable[[Context], int]
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug; the details are in the log


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, like every other failure
        self.exit(EXIT_USAGE, f"{self.prog}: {tr('参数错误')}: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The full command-line grammar."""
    # The global options may stand before or after the sub-command; SUPPRESS keeps a
    # sub-command's copy from overwriting a value given before it with its default.
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--db", metavar="PATH", help=tr("数据库文件（默认：用户数据目录）"))
    common.add_argument("--user", metavar="NAME", help=tr("登录用户名"))
    common.add_argument("--json", action="store_true", help=tr("以 JSON 输出"))
    common.add_argument("--lang", choices=("zh", "en"), help=tr("界面语言"))

    parser = _Parser(prog="commandcentre", parents=[common],
                     description=tr("应急值守指挥台：值班、事件、预案、队伍与资源、通信、报告"))
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None, *, gui: GuiLauncher | None = None) -> int:
    """Run one command; return its exit code. ``gui`` starts the window (injected by ui/)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # Help texts are built in the chosen language, so look for --lang before building them.
    for n, arg in enumerate(argv):
        if arg == "--lang" and n + 1 < len(argv) and argv[n + 1] in ("zh", "en"):
            set_language(argv[n + 1])
        elif arg.startswith("--lang=") and arg[7:] in ("zh", "en"):
            set_language(arg[7:])
    parser = build_parser()
    args = parser.parse_args(argv)
    # Not set_defaults(): the option objects are shared with every sub-command's parser.
    for name, default in (("db", None), ("user", None), ("json", False), ("lang", None)):
        if not hasattr(args, name):
            setattr(args, name, default)
    if args.lang:
        set_language(args.lang)
    log_path = configure()
    ctx = Context(args)
    try:
        if args.command in (None, "gui"):
            if gui is None:
                print(tr("图形界面未安装；请用 commandcentre 命令启动，或指定一个子命令。"),
                      file=sys.stderr)
                return EXIT_USAGE
            return gui(ctx)
        return int(args.handler(ctx) or EXIT_OK)
    except CommandCentreError as err:
        print(f"{tr('错误')}: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print(tr("已中断。"), file=sys.stderr)
        return 130
    except Exception:
        log.exception("internal error in %s", args.command)
        print(tr("内部错误，已记录到日志：{path}", path=str(log_path or "-")), file=sys.stderr)
        return EXIT_INTERNAL
    finally:
        ctx.close()


def run() -> None:  # pragma: no cover - console-script shim for a headless install
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

