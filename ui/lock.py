"""Idle screen lock (闲置锁屏): after N idle minutes the window hides its content until the
logged-in user re-enters the password (failures count towards the account lockout)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from commandcentre.accounts import AccountService, Session
from commandcentre.errors import AccountLocked, AuthenticationFailed
from commandcentre.i18n import tr

_ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove,
             QEvent.Type.Wheel, QEvent.Type.TouchBegin}


class IdleWatcher(QObject):
    """Emits ``idle`` when no key or mouse input reached the application for ``interval_ms``."""

    idle = Signal()

    def __init__(self, app, interval_ms: int, parent=None):
        super().__init__(parent)
        self._app = app
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(max(1, interval_ms))
        self._timer.timeout.connect(self.idle)
        app.installEventFilter(self)
        self._timer.start()

    def eventFilter(self, obj, event) -> bool:
        if event.type() in _ACTIVITY:
            self._timer.start()
        return False

    def restart(self) -> None:
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()
        self._app.removeEventFilter(self)


class LockPage(QWidget):
    """What the locked window shows: who is logged in and a password field."""

    unlocked = Signal()

    def __init__(self, accounts: AccountService, session: Session, parent=None):
        super().__init__(parent)
        self.accounts = accounts
        self.session = session
        title = QLabel(tr("屏幕已锁定"), objectName="lockTitle",
                       alignment=Qt.AlignmentFlag.AlignCenter)
        who = QLabel(tr("当前登录：{name}（{user}）。请输入密码解锁。",
                        name=session.display_name, user=session.username),
                     alignment=Qt.AlignmentFlag.AlignCenter)
        self.password = QLineEdit(objectName="lockPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("密码"))
        self.password.setFixedWidth(320)
        self.password.returnPressed.connect(self.try_unlock)
        self.error = QLabel("", objectName="lockError", alignment=Qt.AlignmentFlag.AlignCenter)
        self.error.setProperty("role", "error")
        button = QPushButton(tr("解锁"), objectName="unlockButton")
        button.setFixedWidth(320)
        button.clicked.connect(self.try_unlock)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        for w in (title, who, self.password, button, self.error):
            layout.addWidget(w, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(3)

    def prepare(self) -> None:
        self.password.clear()
        self.error.clear()
        self.password.setFocus()

    def try_unlock(self) -> None:
        try:
            self.accounts.authenticate(self.session.username, self.password.text())
        except AccountLocked as err:
            self.error.setText(str(err))
        except AuthenticationFailed:
            self.error.setText(tr("密码错误。"))
        else:
            self.password.clear()
            self.unlocked.emit()
            return
        self.password.clear()
