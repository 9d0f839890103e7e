"""Shared fixtures. Qt runs offscreen; nothing touches the user's real data or log folders."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.pop("COMMANDCENTRE_USER", None)
os.environ.pop("COMMANDCENTRE_PASSWORD", None)

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from commandcentre.accounts import AccountService, Role, system_session  # noqa: E402
from commandcentre.storage import Store  # noqa: E402

PASSWORD = "secret2026"


@pytest.fixture(autouse=True)
def _isolated_dirs(tmp_path_factory, monkeypatch):
    """Keep logs and the default store inside the test's temporary folder."""
    base = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("COMMANDCENTRE_LOG_DIR", str(base / "logs"))
    monkeypatch.setenv("COMMANDCENTRE_DB", str(base / "default.db"))
    monkeypatch.setenv("XDG_DATA_HOME", str(base / "data"))
    monkeypatch.delenv("COMMANDCENTRE_USER", raising=False)
    monkeypatch.delenv("COMMANDCENTRE_PASSWORD", raising=False)


@pytest.fixture(autouse=True)
def _source_language():
    """Each test starts and ends in Chinese, whatever a --lang en test left behind."""
    from commandcentre.i18n import set_language

    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "cc.db"


@pytest.fixture
def store(db_path):
    s = Store.open(db_path)
    yield s
    s.close()


ROLE_USERS = {Role.ADMINISTRATOR: "admin", Role.LEADER: "leader", Role.OPERATOR: "op",
              Role.OBSERVER: "watcher"}


@pytest.fixture(scope="session")
def _people_template(tmp_path_factory) -> Path:
    """A store with one account per role, built once (argon2 hashing is slow on purpose)."""
    path = tmp_path_factory.mktemp("people") / "people.db"
    with Store.open(path) as s:
        service = AccountService(s)
        for role, name in ROLE_USERS.items():
            service.create(system_session("test"), username=name,
                           display_name=f"测试{name}", role=role, password=PASSWORD)
    return path


@pytest.fixture
def people(store, _people_template):
    """Fill ``store`` with one account per role; return {role: Session} (password PASSWORD)."""
    src = sqlite3.connect(_people_template)
    try:
        src.backup(store.conn)  # the template's pages replace the empty store's
    finally:
        src.close()
    service = AccountService(store)
    return {role: AccountService._as_self(service.find(name))
            for role, name in ROLE_USERS.items()}


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A demo county store built once per session (read it; copy it before changing it)."""
    from commandcentre.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path)
    return path


@pytest.fixture(scope="session")
def demo_db_without_plans(tmp_path_factory) -> Path:
    """The demo county with an empty plan library, for tests that import plans themselves."""
    from commandcentre.demo import build_demo

    path = tmp_path_factory.mktemp("demo-no-plans") / "demo.db"
    build_demo(path, plans=False)
    return path


@pytest.fixture
def demo_copy(demo_db, tmp_path) -> Path:
    """A private copy of the demo county store, free to change."""
    path = tmp_path / "demo.db"
    with Store.open(demo_db) as s:
        s.backup(path)
    return path


@pytest.fixture
def demo_store(demo_copy):
    """The private demo copy, open."""
    store = Store.open(demo_copy)
    yield store
    store.close()
