"""What every CLI command gets: the parsed options, the store, the logged-in session, output."""

from __future__ import annotations

import getpass
import json
import os
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..accounts import AccountService, Session
from ..errors import AuthenticationFailed
from ..i18n import tr
from ..paths import default_db_path
from ..storage import Store

ENV_USER = "COMMANDCENTRE_USER"
ENV_PASSWORD = "COMMANDCENTRE_PASSWORD"


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


@dataclass
class Context:
    """Options and lazily opened resources for one CLI invocation."""

    args: Any
    _store: Store | None = field(default=None, repr=False)

    @property
    def db_path(self) -> Path:
        return Path(self.args.db) if self.args.db else default_db_path()

    @property
    def as_json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    def store(self, *, create: bool = False) -> Store:
        """The store named by ``--db`` (opened once, migrated if needed)."""
        if self._store is None:
            self._store = Store.open(self.db_path, create=create)
        return self._store

    def hazards(self):
        """The hazard registry (plugins loaded once per command; failures are reported by
        ``commandcentre plugins list`` and never stop a command)."""
        if getattr(self, "_hazards", None) is None:
            from ..hazards import load_hazards

            self._hazards, self._plugin_report = load_hazards(self.store())
        return self._hazards

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def login(self) -> Session:
        """Log in as ``--user`` / $COMMANDCENTRE_USER with $COMMANDCENTRE_PASSWORD or a prompt."""
        store = self.store()  # a store we cannot use is the first thing to report
        username = self.args.user or os.environ.get(ENV_USER)
        if not username:
            raise AuthenticationFailed(
                tr("此命令需要登录：请用 --user 指定用户名（或设置 {env}）。", env=ENV_USER))
        password = os.environ.get(ENV_PASSWORD)
        if password is None:
            if not sys.stdin.isatty():
                raise AuthenticationFailed(
                    tr("需要密码：请在终端中运行以便输入，或设置 {env}。", env=ENV_PASSWORD))
            password = getpass.getpass(tr("{user} 的密码：", user=username))
        return AccountService(store).authenticate(username, password)

    # -- output ------------------------------------------------------------------------

    def emit(self, data: Any, *, text: str | None = None) -> None:
        """Print ``data`` as JSON with ``--json``, else ``text`` (or a plain rendering)."""
        if self.as_json:
            print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        elif text is not None:
            print(text)
        else:
            print(data)

    def table(self, rows: Sequence[dict], columns: Sequence[tuple[str, str]]) -> None:
        """Print rows as an aligned table (``columns`` = (key, heading)), or JSON."""
        if self.as_json:
            print(json.dumps(list(rows), ensure_ascii=False, indent=2, default=str))
            return
        cells = [[("" if r.get(k) is None else str(r.get(k))) for k, _ in columns]
                 for r in rows]
        heads = [h for _, h in columns]
        widths = [max([_width(h)] + [_width(c[i]) for c in cells]) for i, h in enumerate(heads)]
        print("  ".join(_pad(h, w) for h, w in zip(heads, widths, strict=True)).rstrip())
        for c in cells:
            print("  ".join(_pad(v, w) for v, w in zip(c, widths, strict=True)).rstrip())
