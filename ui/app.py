"""The application: Qt set-up, the qasync loop, and the controller that takes the user from
start-up (opening or creating the store) through login to the main window."""

from __future__ import annotations

import asyncio
import logging
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QEvent, QLibraryInfo, QObject, Qt, QTranslator, Signal
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from commandcentre import APP_NAME
from commandcentre.accounts import AccountService
from commandcentre.errors import EXIT_OK, EXIT_STORAGE, CommandCentreError
from commandcentre.i18n import language, tr
from commandcentre.logsetup import configure
from commandcentre.storage import Store

from . import style
from .crash import CrashHandler
from .login import LoginWindow
from .main_window import MainWindow

log = logging.getLogger(__name__)


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with our name, font, style and Qt's own translations."""
    app = QApplication.instance() or QApplication(argv or [APP_NAME])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(tr("应急值守指挥台"))
    if language() == "zh":
        translator = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load("qtbase_zh_CN", folder):
            app.installTranslator(translator)
    style.apply(app)
    return app


class AppController(QObject):
    """Start-up → login → main window, and back to login on logout.

    ``finished`` carries the exit code. A store that does not exist yet is created as the demo
    county in a worker thread while a progress dialog shows; the connection itself is opened
    on the GUI thread, which is the store's single writer.
    """

    finished = Signal(int)
    _demo_built = Signal(object)  # emitted from the worker thread; delivered queued

    def __init__(self, db_path: Path, *, app: QApplication, idle_ms: int | None = None,
                 parent=None):
        super().__init__(parent)
        self.db_path = Path(db_path)
        self.app = app
        self.idle_ms = idle_ms
        self.store: Store | None = None
        self.login: LoginWindow | None = None
        self.window: MainWindow | None = None
        self.progress: QProgressDialog | None = None
        self.message: QMessageBox | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cc-startup")
        self._demo_built.connect(self._after_demo)
        self._demo_password: str | None = None
        self._relogin = False
        self.hazards = None
        self.plugin_problems: list = []

    # -- start-up ------------------------------------------------------------------------

    def start(self) -> None:
        if self.db_path.exists() and self.db_path.stat().st_size > 0:
            self._open()
            return
        from commandcentre.demo import DEMO_PASSWORD, build_demo

        self._demo_password = DEMO_PASSWORD
        self.progress = QProgressDialog(tr("首次启动：正在生成演示县数据库…"), None, 0, 0)
        self.progress.setObjectName("startupProgress")
        self.progress.setWindowTitle(tr("应急值守指挥台"))
        self.progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.progress.setMinimumDuration(0)
        self.progress.show()
        future = self._executor.submit(build_demo, self.db_path)
        future.add_done_callback(lambda f: self._demo_built.emit(f))

    def _after_demo(self, future) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress = None
        error = future.exception()
        if error is not None:
            if isinstance(error, CommandCentreError):
                self._fail(str(error), getattr(error, "exit_code", EXIT_STORAGE))
                return
            raise error
        self._open()

    def _open(self) -> None:
        try:
            self.store = Store.open(self.db_path)
            if AccountService(self.store).count() == 0:
                raise CommandCentreError(tr(
                    "数据库中还没有账号。请先用命令 commandcentre init --db {path} --admin 用户名"
                    " --name 姓名 创建管理员。", path=str(self.db_path)))
        except CommandCentreError as err:
            self._fail(str(err), getattr(err, "exit_code", EXIT_STORAGE))
            return
        self.show_login()

    def _fail(self, text: str, code: int) -> None:
        log.error("cannot start: %s", text)
        self.message = QMessageBox(QMessageBox.Icon.Critical, tr("无法打开数据库"), text)
        self.message.setObjectName("startupError")
        self.message.finished.connect(lambda _=0: self._finish(code))
        self.message.open()

    # -- login and main window -------------------------------------------------------------

    def show_login(self) -> None:
        assert self.store is not None
        if self.hazards is None:
            from commandcentre.hazards import load_hazards

            self.hazards, report = load_hazards(self.store)
            problems = [p for p in report.plugins if p.state != "loaded"]
            for p in problems:  # reported once; the app goes on without them
                log.warning("hazard plugin %s %s: %s", p.id, p.state, p.reason)
            self.plugin_problems = problems
        self.login = LoginWindow(self.store, demo_password=self._demo_password)
        self.login.logged_in.connect(self._logged_in)
        self.login.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self.login.show()
        self.login.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        # Closing the login window (not logging in) ends the program.
        if obj is self.login and event.type() == QEvent.Type.Close and self.window is None:
            self._finish(EXIT_OK)
        return False

    def _logged_in(self, session) -> None:
        assert self.store is not None and self.login is not None
        self.login.removeEventFilter(self)
        self.login.hide()
        self.window = MainWindow(self.store, session, idle_ms=self.idle_ms, app=self.app,
                                 hazards=self.hazards)
        self.window.logged_out.connect(self._logged_out)
        self.window.installEventFilter(_CloseWatcher(self.window, self._window_closed))
        self.window.show()

    def _logged_out(self) -> None:
        self._relogin = True

    def _window_closed(self) -> None:
        window, self.window = self.window, None
        if window is not None and self._relogin:
            self._relogin = False
            window.deleteLater()
            self.show_login()
            return
        self._finish(EXIT_OK)

    def _finish(self, code: int) -> None:
        self._executor.shutdown(wait=True)
        if self.store is not None:
            self.store.close()
            self.store = None
        self.finished.emit(code)


class _CloseWatcher(QObject):
    def __init__(self, target, callback):
        super().__init__(target)
        self._callback = callback

    def eventFilter(self, obj, event) -> bool:
        if event.type() == QEvent.Type.Close:
            self._callback()
        return False


def launch(ctx) -> int:
    """Run the GUI for the CLI context ``ctx`` (``--db``, ``--lang``); return the exit code."""
    import qasync

    log_path = configure()
    app = create_application(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    crash = CrashHandler(log_path)
    crash.install()
    controller = AppController(ctx.db_path, app=app)
    result: list[int] = []

    async def main() -> None:
        loop = asyncio.get_running_loop()
        loop.set_exception_handler(crash.asyncio_handler)
        done = asyncio.Event()

        def finished(code: int) -> None:
            result.append(code)
            done.set()

        controller.finished.connect(finished)
        controller.start()
        await done.wait()

    try:
        qasync.run(main())
    finally:
        crash.uninstall()
    return result[0] if result else EXIT_OK
