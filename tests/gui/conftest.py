"""GUI fixtures: a private copy of the demo store, sessions for its accounts."""

from __future__ import annotations

import pytest

from commandcentre.accounts import AccountService
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.i18n import set_language
from commandcentre.storage import Store


@pytest.fixture
def demo_store(demo_db, tmp_path):
    path = tmp_path / "demo.db"
    with Store.open(demo_db) as src:
        src.backup(path)
    store = Store.open(path)
    yield store
    store.close()


@pytest.fixture
def login_as(demo_store):
    def login(username: str):
        return AccountService(demo_store).authenticate(username, DEMO_PASSWORD)

    return login


@pytest.fixture(autouse=True)
def _chinese():
    set_language("zh")
    yield
    set_language("zh")
