"""The login window (登录): user name and password, with the demo accounts shown on a demo store."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from commandcentre.accounts import AccountService, Role, Session
from commandcentre.errors import AuthenticationFailed, StorageUnavailable
from commandcentre.i18n import tr
from commandcentre.settings import Settings
from commandcentre.storage import Store


class LoginWindow(QWidget):
    """Asks for credentials; emits ``logged_in`` with the session on success."""

    logged_in = Signal(object)

    def __init__(self, store: Store, *, demo_password: str | None = None, parent=None):
        super().__init__(parent)
        self.store = store
        self.accounts = AccountService(store)
        settings = Settings(store)
        county = settings.get("county.name")
        self.setWindowTitle(tr("应急值守指挥台 — 登录"))
        title = QLabel(tr("应急值守指挥台"), alignment=Qt.AlignmentFlag.AlignCenter)
        title.setProperty("role", "title")
        place = QLabel(county or "", alignment=Qt.AlignmentFlag.AlignCenter)
        self.username = QLineEdit(objectName="username")
        self.username.setPlaceholderText(tr("用户名"))
        self.password = QLineEdit(objectName="password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(tr("密码"))
        self.password.returnPressed.connect(self.submit)
        self.username.returnPressed.connect(self.password.setFocus)
        self.button = QPushButton(tr("登录"), objectName="loginButton")
        self.button.setDefault(True)
        self.button.clicked.connect(self.submit)
        self.error = QLabel("", objectName="loginError", wordWrap=True)
        self.error.setProperty("role", "error")
        form = QFormLayout()
        form.addRow(tr("用户名"), self.username)
        form.addRow(tr("密码"), self.password)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(36, 28, 36, 28)
        layout.addWidget(title)
        layout.addWidget(place)
        layout.addSpacing(12)
        layout.addLayout(form)
        layout.addWidget(self.button)
        layout.addWidget(self.error)
        if settings.get("demo"):
            hint = QLabel(self._demo_hint(demo_password), objectName="demoHint", wordWrap=True)
            hint.setProperty("role", "hint")
            layout.addWidget(hint)
        self.setMinimumWidth(440)
        self.username.setFocus()

    def _demo_hint(self, password: str | None) -> str:
        # The first account of each role in the order the demo created them.
        rows = self.store.query("SELECT username, role FROM account WHERE active = 1"
                                " ORDER BY CASE role WHEN 'operator' THEN 0 WHEN 'leader' THEN 1"
                                " WHEN 'administrator' THEN 2 ELSE 3 END, rowid")
        seen: dict[str, str] = {}
        for r in rows:
            seen.setdefault(r["role"], r["username"])
        names = "、".join(tr("{user}（{role}）", user=u, role=Role(role).label)
                         for role, u in seen.items())
        text = tr("这是演示县数据库，数据均为虚构。演示账号：{names}", names=names)
        if password:
            text += tr("；密码均为 {password}", password=password)
        return text

    def submit(self) -> None:
        name, password = self.username.text().strip(), self.password.text()
        if not name:
            self.error.setText(tr("请输入用户名。"))
            self.username.setFocus()
            return
        try:
            session: Session = self.accounts.authenticate(name, password)
        except (AuthenticationFailed, StorageUnavailable) as err:
            self.error.setText(str(err))
            self.password.clear()
            self.password.setFocus()
            return
        self.error.clear()
        self.password.clear()
        self.logged_in.emit(session)
