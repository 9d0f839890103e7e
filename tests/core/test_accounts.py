"""Accounts and roles: argon2, lockout, permissions enforced in the core."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from commandcentre.accounts import (
    ROLE_PERMISSIONS,
    AccountService,
    Permission,
    Role,
    system_session,
)
from commandcentre.county import CountyService
from commandcentre.errors import (
    AccountLocked,
    AuthenticationFailed,
    PermissionDenied,
    ValidationError,
)
from commandcentre.settings import Settings
from commandcentre.storage import Store
from commandcentre.timeutil import FixedClock
from tests.conftest import PASSWORD

SYSTEM = system_session("test")


def test_password_is_stored_as_argon2id(store, people):
    row = store.one("SELECT password_hash FROM account WHERE username = 'op'")
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in row["password_hash"]


def test_audit_holds_a_fingerprint_not_the_hash(store, people):
    hashes = [r["password_hash"] for r in store.query("SELECT password_hash FROM account")]
    text = " ".join(r["after_json"] or "" for r in store.query("SELECT after_json FROM audit_log"))
    assert "sha256:" in text
    assert not any(h in text for h in hashes)


def test_login_returns_a_session_with_the_role(store, people):
    session = AccountService(store).authenticate("OP", PASSWORD)  # user names ignore case
    assert session.role is Role.OPERATOR and session.username == "op"
    assert store.one("SELECT last_login_at FROM account WHERE username='op'")["last_login_at"]


def test_wrong_password_and_unknown_user_give_the_same_message(store, people):
    service = AccountService(store)
    with pytest.raises(AuthenticationFailed) as wrong:
        service.authenticate("op", "wrong-password1")
    with pytest.raises(AuthenticationFailed) as unknown:
        service.authenticate("nobody", "wrong-password1")
    assert str(wrong.value) == str(unknown.value)
    actions = [r["action"] for r in store.query("SELECT action FROM audit_log ORDER BY seq")]
    assert "account.login_failed" in actions and "account.login_unknown" in actions


def test_lockout_after_repeated_failures_then_expiry(db_path):
    clock = FixedClock(datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    store = Store.open(db_path, clock=clock)
    service = AccountService(store)
    service.create(SYSTEM, username="op", display_name="值班员", role="operator",
                   password=PASSWORD)
    for _ in range(4):
        with pytest.raises(AuthenticationFailed) as info:
            service.authenticate("op", "bad-password1")
        assert not isinstance(info.value, AccountLocked)
    with pytest.raises(AccountLocked):
        service.authenticate("op", "bad-password1")
    # Even the right password is refused while locked.
    with pytest.raises(AccountLocked):
        service.authenticate("op", PASSWORD)
    clock.advance(timedelta(minutes=16))
    assert service.authenticate("op", PASSWORD).username == "op"
    store.close()


def test_administrator_unlocks(store, people):
    service = AccountService(store)
    Settings(store).set(people[Role.ADMINISTRATOR], "security.max_failed_logins", 2)
    for _ in range(2):
        with pytest.raises(AuthenticationFailed):
            service.authenticate("op", "bad-password1")
    with pytest.raises(AccountLocked):
        service.authenticate("op", PASSWORD)
    with pytest.raises(PermissionDenied):
        service.unlock(people[Role.LEADER], "op")
    service.unlock(people[Role.ADMINISTRATOR], "op")
    assert service.authenticate("op", PASSWORD).role is Role.OPERATOR


def test_disabled_account_cannot_log_in(store, people):
    service = AccountService(store)
    service.set_active(people[Role.ADMINISTRATOR], "op", False)
    with pytest.raises(AuthenticationFailed, match="停用"):
        service.authenticate("op", PASSWORD)
    with pytest.raises(ValidationError):
        service.set_active(people[Role.ADMINISTRATOR], "admin", False)


@pytest.mark.parametrize("password", ["short1", "onlyletters", "1234567890"])
def test_weak_passwords_are_refused(store, people, password):
    with pytest.raises(ValidationError):
        AccountService(store).create(people[Role.ADMINISTRATOR], username="new",
                                     display_name="新人", role="operator", password=password)
    assert AccountService(store).find("new") is None


def test_change_own_password_needs_the_old_one(store, people):
    service = AccountService(store)
    me = people[Role.OPERATOR]
    with pytest.raises(AuthenticationFailed):
        service.change_password(me, "op", "newpass2026", old_password="wrong-pass1")
    service.change_password(me, "op", "newpass2026", old_password=PASSWORD)
    assert service.authenticate("op", "newpass2026")
    with pytest.raises(PermissionDenied):
        service.change_password(me, "leader", "newpass2026")


def test_role_matrix():
    assert ROLE_PERMISSIONS[Role.OBSERVER] == {Permission.READ}
    assert Permission.REPORT_SIGN in ROLE_PERMISSIONS[Role.LEADER]
    assert Permission.REPORT_SIGN not in ROLE_PERMISSIONS[Role.OPERATOR]
    assert Permission.ACCOUNT_ADMIN not in ROLE_PERMISSIONS[Role.LEADER]
    assert set(Permission) == ROLE_PERMISSIONS[Role.ADMINISTRATOR]


WRITES = {
    "setting": lambda store, s: Settings(store).set(s, "ui.idle_lock_minutes", 3),
    "township": lambda store, s: CountyService(store).add_unit(s, kind="township", name="新镇"),
    "account": lambda store, s: AccountService(store).create(
        s, username="x1", display_name="某人", role="operator", password="abcd12345"),
    "unlock": lambda store, s: AccountService(store).unlock(s, "op"),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_observer_cannot_write_through_any_service(store, people, write):
    before = store.scalar("SELECT count(*) FROM audit_log")
    with pytest.raises(PermissionDenied) as info:
        WRITES[write](store, people[Role.OBSERVER])
    assert "观察员" in str(info.value)
    assert store.scalar("SELECT count(*) FROM audit_log") == before


def test_observer_cannot_use_the_raw_writer(store, people):
    with pytest.raises(PermissionDenied), \
            store.write(people[Role.OBSERVER], Permission.DUTY_WRITE) as w:
        w.insert("setting", {"id": "x", "value_json": "1", "updated_at": "t"})
    assert store.get("setting", "x") is None
