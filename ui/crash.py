"""The crash dialog: an unexpected error is logged and shown; saved records are already safe
(every save is a committed transaction), and the operator may keep working."""

from __future__ import annotations

import logging
import sys
import traceback

from PySide6.QtWidgets import QApplication, QMessageBox

from commandcentre.errors import CommandCentreError
from commandcentre.i18n import tr

log = logging.getLogger(__name__)


class CrashHandler:
    """Installed as ``sys.excepthook`` (and the asyncio exception handler) while the GUI runs."""

    def __init__(self, log_path, *, show_dialog: bool = True):
        self.log_path = log_path
        self.show_dialog = show_dialog
        self.seen: list[BaseException] = []
        self.last_dialog: QMessageBox | None = None
        self._previous = sys.excepthook

    def install(self) -> None:
        sys.excepthook = self.excepthook

    def uninstall(self) -> None:
        sys.excepthook = self._previous

    def excepthook(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        self.seen.append(exc)
        if isinstance(exc, CommandCentreError):
            # An expected error that a view forgot to catch: show its one line, no traceback.
            log.warning("unhandled operator error: %s", exc)
            self._show(QMessageBox.Icon.Warning, tr("操作未完成"), str(exc), None)
            return
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error in the GUI\n%s", details)
        self._show(QMessageBox.Icon.Critical, tr("程序内部错误"),
                   tr("程序发生了内部错误，已写入日志：{path}\n已保存的记录不会丢失；"
                      "正在输入的内容请核对后再保存。", path=str(self.log_path or "-")), details)

    def asyncio_handler(self, loop, context) -> None:
        exc = context.get("exception")
        if exc is None:
            log.error("asyncio: %s", context.get("message"))
            return
        self.excepthook(type(exc), exc, exc.__traceback__)

    def _show(self, icon, title: str, text: str, details: str | None) -> None:
        if not self.show_dialog or QApplication.instance() is None:
            return
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok,
                          QApplication.activeWindow())
        box.setObjectName("crashDialog")
        if details:
            box.setDetailedText(details)
        box.open()  # not exec(): never start a nested event loop inside a handler
        self.last_dialog = box
