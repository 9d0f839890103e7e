"""GUI fixtures: a private copy of the demo store, sessions for its accounts."""

from __future__ import annotations

import pytest

from commandcentre.accounts import AccountService
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.i18n import set_language


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
