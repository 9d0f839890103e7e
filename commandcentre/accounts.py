"""Accounts, roles and permissions (账号与权限), enforced in the core.

Four roles: 值班员 operator, 带班领导 leader, 管理员 administrator, 观察员 observer. Every
service that writes asks the session for a :class:`Permission` before it opens a transaction,
so an observer cannot write through the GUI, the CLI or any other path. Passwords are hashed
with argon2id; repeated failures lock the account for a while, and every login, failure and
lockout is in the audit trail.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from .errors import AccountLocked, AuthenticationFailed, NotFound, PermissionDenied, ValidationError
from .i18n import tr
from .settings import Settings
from .storage import Store
from .timeutil import format_local, from_storage, to_storage

log = logging.getLogger(__name__)


class Role(enum.StrEnum):
    """A duty-room role; the value is what the database stores."""

    OPERATOR = "operator"
    LEADER = "leader"
    ADMINISTRATOR = "administrator"
    OBSERVER = "observer"

    @property
    def label(self) -> str:
        """The role's name in the UI language."""
        return {
            Role.OPERATOR: tr("值班员"),
            Role.LEADER: tr("带班领导"),
            Role.ADMINISTRATOR: tr("管理员"),
            Role.OBSERVER: tr("观察员"),
        }[self]


class Permission(enum.StrEnum):
    """Something a role may do."""

    READ = "read"
    DUTY_WRITE = "duty.write"  # intake records, handover notes
    INCIDENT_WRITE = "incident.write"  # incidents, timeline entries, snapshots
    RESPONSE_DECIDE = "response.decide"  # response-level decisions, grade assessments
    REPORT_SIGN = "report.sign"  # 签发 a report
    REGISTER_WRITE = "register.write"  # county units, rosters, resources, plans, rota
    SETTINGS_WRITE = "settings.write"
    ACCOUNT_ADMIN = "account.admin"
    BACKUP = "store.backup"

    @property
    def label(self) -> str:
        """What the permission allows, as a verb phrase for error messages."""
        return {
            Permission.READ: tr("查看数据"),
            Permission.DUTY_WRITE: tr("登记值班记录"),
            Permission.INCIDENT_WRITE: tr("登记事件信息"),
            Permission.RESPONSE_DECIDE: tr("决定响应级别"),
            Permission.REPORT_SIGN: tr("签发报告"),
            Permission.REGISTER_WRITE: tr("修改基础数据"),
            Permission.SETTINGS_WRITE: tr("修改系统设置"),
            Permission.ACCOUNT_ADMIN: tr("管理账号"),
            Permission.BACKUP: tr("备份数据库"),
        }[self]


_OPERATOR = {Permission.READ, Permission.DUTY_WRITE, Permission.INCIDENT_WRITE}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OBSERVER: frozenset({Permission.READ}),
    Role.OPERATOR: frozenset(_OPERATOR),
    Role.LEADER: frozenset(_OPERATOR | {Permission.RESPONSE_DECIDE, Permission.REPORT_SIGN}),
    Role.ADMINISTRATOR: frozenset(Permission),
}


@dataclass(frozen=True)
class Session:
    """Who is acting: a logged-in account (or the program itself, for set-up work)."""

    account_id: str | None
    username: str
    display_name: str
    role: Role | None  # None only for the internal system session
    system: bool = False

    def can(self, permission: Permission) -> bool:
        """Whether this session holds ``permission``."""
        if self.system:
            return True
        return self.role is not None and permission in ROLE_PERMISSIONS[self.role]

    def require(self, permission: Permission) -> None:
        """Raise :class:`PermissionDenied` unless this session holds ``permission``."""
        if not self.can(permission):
            role = self.role.label if self.role else "?"
            raise PermissionDenied(tr("当前账号（{user}，{role}）无权{action}，未做任何改动。",
                                      user=self.username, role=role, action=permission.label))


def system_session(purpose: str = "system") -> Session:
    """The program acting for itself (creating a new store, loading the demo county).

    Never handed to code that acts on a person's input; the audit trail names it ``purpose``.
    """
    return Session(None, purpose, purpose, None, system=True)


MIN_PASSWORD_LENGTH = 8
_hasher = PasswordHasher()
# Verifying against this keeps an unknown user name as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def _check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(tr("密码至少需要 {n} 个字符。", n=MIN_PASSWORD_LENGTH))
    if password.isdigit() or password.isalpha():
        raise ValidationError(tr("密码需同时包含字母和数字。"))


def _check_username(username: str) -> str:
    name = username.strip()
    if not name or len(name) > 32 or not all(c.isalnum() or c in "._-" for c in name):
        raise ValidationError(tr("用户名只能包含字母、数字和 . _ -，长度 1–32。"))
    return name


class AccountService:
    """Creating accounts, logging in, changing passwords, unlocking."""

    def __init__(self, store: Store):
        self.store = store
        self.settings = Settings(store)

    def count(self) -> int:
        """How many accounts exist (0 means the store still needs its first administrator)."""
        return self.store.scalar("SELECT count(*) FROM account")

    def list(self, session: Session) -> list[dict]:
        """All accounts without their password hashes."""
        session.require(Permission.READ)
        return self.store.query(
            "SELECT id, username, display_name, role, unit, phone, active, failed_logins,"
            " locked_until, last_login_at FROM account ORDER BY role, username")

    def find(self, username: str) -> dict | None:
        """The account row for ``username`` (case-insensitive), or None."""
        return self.store.one("SELECT * FROM account WHERE username = ?", (username.strip(),))

    def create(self, session: Session, *, username: str, display_name: str, role: Role | str,
               password: str, unit: str = "", phone: str = "") -> str:
        """Create an account; only an administrator (or the program at set-up) may."""
        session.require(Permission.ACCOUNT_ADMIN)
        username = _check_username(username)
        try:
            role = Role(role)
        except ValueError:
            raise ValidationError(tr("未知角色：{role}", role=str(role))) from None
        if not display_name.strip():
            raise ValidationError(tr("姓名不能为空。"))
        _check_password_rules(password)
        if self.find(username):
            raise ValidationError(tr("用户名已存在：{user}", user=username))
        now = to_storage(self.store.clock.now())
        password_hash = _hasher.hash(password)
        with self.store.write(session, Permission.ACCOUNT_ADMIN) as w:
            return w.insert("account", {
                "username": username, "display_name": display_name.strip(), "role": role.value,
                "unit": unit, "phone": phone, "password_hash": password_hash,
                "password_changed_at": now, "created_at": now,
            }, action="account.create")

    def authenticate(self, username: str, password: str) -> Session:
        """Check a password and return a session; failures are counted and audited."""
        row = self.find(username)
        now = self.store.clock.now()
        if row is None:
            try:
                _hasher.verify(_DUMMY_HASH, password)
            except VerificationError:
                pass
            with self.store.record_as(username.strip()[:32] or "?") as w:
                w.event("account.login_unknown", table="account")
            raise AuthenticationFailed(tr("用户名或密码错误。"))
        if not row["active"]:
            raise AuthenticationFailed(tr("账号已停用：{user}", user=row["username"]))
        if row["locked_until"] and from_storage(row["locked_until"]) > now:
            raise AccountLocked(
                tr("连续登录失败次数过多，账号已锁定至 {until}。请稍后再试或联系管理员解锁。",
                   until=format_local(row["locked_until"])),
                until=from_storage(row["locked_until"]))
        actor = self._as_self(row)
        try:
            _hasher.verify(row["password_hash"], password)
        except (VerifyMismatchError, InvalidHashError):
            self._record_failure(row, actor, now)
        changes = {"failed_logins": 0, "locked_until": None, "last_login_at": to_storage(now)}
        if _hasher.check_needs_rehash(row["password_hash"]):
            changes["password_hash"] = _hasher.hash(password)
        with self.store.record_as(row["username"]) as w:
            w.update("account", row["id"], changes, action="account.login")
        return actor

    def _record_failure(self, row: dict, actor: Session, now) -> None:
        limit = int(self.settings.get("security.max_failed_logins"))
        minutes = int(self.settings.get("security.lockout_minutes"))
        failures = row["failed_logins"] + 1
        changes: dict = {"failed_logins": failures}
        locked = failures >= limit
        if locked:
            changes["locked_until"] = to_storage(now + timedelta(minutes=minutes))
            changes["failed_logins"] = 0
        with self.store.record_as(row["username"]) as w:
            w.update("account", row["id"], changes,
                     action="account.lockout" if locked else "account.login_failed")
        if locked:
            raise AccountLocked(
                tr("连续 {n} 次密码错误，账号已锁定 {minutes} 分钟。", n=limit, minutes=minutes),
                until=from_storage(changes["locked_until"]))
        raise AuthenticationFailed(tr("用户名或密码错误。"))

    @staticmethod
    def _as_self(row: dict) -> Session:
        return Session(row["id"], row["username"], row["display_name"], Role(row["role"]))

    def change_password(self, session: Session, username: str, new_password: str,
                        *, old_password: str | None = None) -> None:
        """Set a new password: one's own (with the old one) or anyone's as administrator."""
        row = self.find(username)
        if row is None:
            raise NotFound(tr("没有此账号：{user}", user=username))
        own = session.account_id == row["id"]
        if own:
            if old_password is None:
                raise ValidationError(tr("修改本人密码需要输入原密码。"))
            try:
                _hasher.verify(row["password_hash"], old_password)
            except (VerifyMismatchError, InvalidHashError):
                raise AuthenticationFailed(tr("原密码错误。")) from None
            permission = Permission.READ
        else:
            permission = Permission.ACCOUNT_ADMIN
        _check_password_rules(new_password)
        with self.store.write(session, permission) as w:
            w.update("account", row["id"], {
                "password_hash": _hasher.hash(new_password),
                "password_changed_at": to_storage(self.store.clock.now()),
            }, action="account.password")

    def unlock(self, session: Session, username: str) -> None:
        """Clear a lockout (administrator)."""
        row = self.find(username)
        if row is None:
            raise NotFound(tr("没有此账号：{user}", user=username))
        with self.store.write(session, Permission.ACCOUNT_ADMIN) as w:
            w.update("account", row["id"], {"failed_logins": 0, "locked_until": None},
                     action="account.unlock")

    def set_active(self, session: Session, username: str, active: bool) -> None:
        """Disable or re-enable an account (administrator); accounts are never deleted."""
        row = self.find(username)
        if row is None:
            raise NotFound(tr("没有此账号：{user}", user=username))
        if not active and row["id"] == session.account_id:
            raise ValidationError(tr("不能停用当前登录的账号。"))
        with self.store.write(session, Permission.ACCOUNT_ADMIN) as w:
            w.update("account", row["id"], {"active": 1 if active else 0},
                     action="account.enable" if active else "account.disable")

    def verify_password(self, session: Session, password: str) -> bool:
        """Re-check the session's own password (screen unlock, signing)."""
        if session.account_id is None:
            return False
        try:
            self.authenticate(session.username, password)
        except AuthenticationFailed:
            return False
        return True
