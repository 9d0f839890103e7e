"""The facade a hazard plugin gets (插件接口): ``register(api)`` receives a :class:`HazardApi`.

Through it a plugin registers hazard types, logs under its own name, reads its own settings
(``plugin.<id>.<name>``) and declares migrations for its own tables (``plg_<id>_*``). It never
sees the store, the registry or any other internal: what it registers is staged here and
only becomes visible when ``register`` returns without error (see :mod:`.loader`).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from ..i18n import tr
from .grading import PluginError
from .registers import RegisterSpec
from .schema import HazardType

if TYPE_CHECKING:
    from ..storage import Store

API_VERSIONS: tuple[str, ...] = ("1.0", "1.1")  # plugin API versions this program provides
# 1.1 adds api.add_register (plugin registers on the plugin's own tables).

_SETTING_NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_QUOTED = r"(?:\"([^\"]+)\"|\[([^\]]+)\]|`([^`]+)`|([A-Za-z_][A-Za-z0-9_$]*))"
_NAME = rf"(?:{_QUOTED}\s*\.\s*)?{_QUOTED}"  # optional schema, then the object's name
# Places where a statement names an object it creates, changes or writes. The check is a
# quick early refusal with a clear reason; the SQLite authorizer in registry.py enforces the
# same rule on whatever SQLite actually does when the step runs.
_TARGETS = tuple(re.compile(p + _NAME, re.IGNORECASE | re.DOTALL) for p in (
    r"\bCREATE\s+(?:TEMP\s+|TEMPORARY\s+)?(?:UNIQUE\s+)?(?:VIRTUAL\s+)?"
    r"(?:TABLE|INDEX|VIEW|TRIGGER)(?:\s+IF\s+NOT\s+EXISTS)?\s+",
    r"\bCREATE\s+(?:UNIQUE\s+)?INDEX\b.*?\bON\s+",            # the indexed table
    r"\bCREATE\s+(?:TEMP\s+|TEMPORARY\s+)?TRIGGER\b.*?\bON\s+",  # the watched table
    r"\bALTER\s+TABLE\s+", r"\bRENAME\s+TO\s+",
    r"\bDROP\s+(?:TABLE|INDEX|VIEW|TRIGGER)(?:\s+IF\s+EXISTS)?\s+",
    r"\bINSERT(?:\s+OR\s+\w+)?\s+INTO\s+", r"\bDELETE\s+FROM\s+",
    r"(?:^|;|\bBEGIN\b)\s*(?:REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?)\s+",
))
_FORBIDDEN = (re.compile(r"\b(PRAGMA|ATTACH|DETACH|VACUUM)\b", re.IGNORECASE),
              re.compile(r"^\s*(BEGIN|COMMIT|END|ROLLBACK|SAVEPOINT|RELEASE)\b", re.IGNORECASE))


def table_prefix(plugin_id: str) -> str:
    """The prefix every table, index, view and trigger of plugin ``plugin_id`` must carry."""
    return f"plg_{plugin_id}_"


def _strip_literals(sql: str) -> str:
    """SQL without string literals and comments, so words inside them are not mistaken."""
    sql = re.sub(r"'(?:[^']|'')*'", "''", sql)
    sql = re.sub(r"--[^\n]*", " ", sql)
    return re.sub(r"/\*.*?\*/", " ", sql, flags=re.DOTALL)


def check_statement(plugin_id: str, sql: str) -> None:
    """Refuse a plugin migration statement that names an object outside ``plg_<id>_*``."""
    prefix = table_prefix(plugin_id)
    text = _strip_literals(sql)
    for pattern in _FORBIDDEN:
        bad = pattern.search(text)
        if bad:
            raise PluginError(tr("插件 {plugin} 的迁移语句不能使用 {word}。", plugin=plugin_id,
                                 word=bad[1].upper()))
    for pattern in _TARGETS:
        for match in pattern.finditer(text):
            name = next(g for g in match.groups()[-4:] if g)
            if not name.lower().startswith(prefix):
                raise PluginError(tr("插件 {plugin} 的数据表必须以 {prefix} 开头：{name}",
                                     plugin=plugin_id, prefix=prefix, name=name))


@dataclass(frozen=True)
class PluginMigration:
    """One schema step of a plugin's own tables; ``version`` counts 1, 2, 3 … per plugin."""

    plugin_id: str
    version: int
    statements: tuple[str, ...]


class PluginSettings:
    """A plugin's own settings, ``plugin.<id>.<name>`` in the ``setting`` table.

    Defaults live in memory (declared with :meth:`default`); a value a county stored in the
    ``setting`` table overrides them. Writing plugin settings is not part of API 1.0.
    """

    def __init__(self, plugin_id: str, store: Store | None):
        self.plugin_id = plugin_id
        self._store = store
        self._defaults: dict[str, Any] = {}

    def key(self, name: str) -> str:
        """The full setting id of ``name``: ``plugin.<id>.<name>``."""
        if not isinstance(name, str) or not _SETTING_NAME.match(name):
            raise PluginError(tr("插件设置名无效：{name}", name=str(name)))
        return f"plugin.{self.plugin_id}.{name}"

    def default(self, name: str, value: Any) -> None:
        """Declare the default of setting ``name`` (a JSON-serialisable value)."""
        full = self.key(name)
        try:
            json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):
            raise PluginError(tr("插件设置 {key} 的默认值无法保存为 JSON。", key=full)) from None
        self._defaults[name] = value

    @property
    def defaults(self) -> Mapping[str, Any]:
        """The declared defaults by short name (read-only)."""
        return MappingProxyType(self._defaults)

    def get(self, name: str, default: Any = None) -> Any:
        """The stored value of ``name``, else ``default``, else the declared default."""
        full = self.key(name)
        stored = self._stored(full)
        if stored is not _MISSING:
            return stored
        return default if default is not None else self._defaults.get(name)

    def _stored(self, full: str) -> Any:
        if self._store is None:
            return _MISSING
        row = self._store.one("SELECT value_json FROM setting WHERE id = ?", (full,))
        if row is None:
            return _MISSING
        try:
            return json.loads(row["value_json"])
        except ValueError:
            logging.getLogger(__name__).warning("setting %s holds no JSON; using default", full)
            return _MISSING


_MISSING = object()


class HazardApi:
    """What ``register(api)`` receives; one per plugin, valid for that plugin only.

    Attributes: ``plugin_id``; ``api_version`` (the highest version both sides speak);
    ``log`` (logger ``commandcentre.plugins.<id>``); ``settings`` (:class:`PluginSettings`).
    """

    def __init__(self, plugin_id: str, *, api_version: str = API_VERSIONS[-1],
                 store: Store | None = None):
        self.plugin_id = plugin_id
        self.api_version = api_version
        self.log = logging.getLogger(f"commandcentre.plugins.{plugin_id}")
        self.settings = PluginSettings(plugin_id, store)
        self._hazards: list[HazardType] = []
        self._migrations: list[PluginMigration] = []
        self._registers: list[RegisterSpec] = []
        self._errors: list[str] = []

    def register_hazard(self, hazard: HazardType) -> None:
        """Offer a hazard type; it is kept only if the whole plugin loads."""
        try:
            if not isinstance(hazard, HazardType):
                raise PluginError(tr("register_hazard 需要一个 HazardType。"))
            if any(h.id == hazard.id for h in self._hazards):
                raise PluginError(tr("灾种 id 重复：{id}", id=hazard.id))
            for season in hazard.seasons:
                prefix = f"plugin.{self.plugin_id}."
                if season.setting and not season.setting.startswith(prefix):
                    raise PluginError(tr("时段“{name}”的设置项必须以 {prefix} 开头：{key}",
                                         name=season.name_zh, prefix=prefix,
                                         key=season.setting))
        except PluginError as err:
            # Remembered as well as raised: a plugin that catches the error still fails.
            self._errors.append(str(err))
            raise
        self._hazards.append(hazard)

    def add_migration(self, version: int, statements: tuple[str, ...]) -> None:
        """Declare schema step ``version`` (1, 2, 3 … in order) for the plugin's own tables.

        Every table, index, view and trigger must be named ``plg_<id>_*``; other statements
        (PRAGMA, ATTACH, transactions) are refused. Steps run once per store, each in its own
        transaction, and ``plugin_schema`` records how far the plugin's tables got.
        """
        try:
            expected = len(self._migrations) + 1
            if not isinstance(version, int) or isinstance(version, bool) or version != expected:
                raise PluginError(tr("插件 {plugin} 的迁移版本应依次为 1、2、3……，"
                                     "此处应为 {expected}：{version}", plugin=self.plugin_id,
                                     expected=expected, version=str(version)))
            if isinstance(statements, str) or not statements or not all(
                    isinstance(s, str) and s.strip() for s in statements):
                raise PluginError(tr("插件 {plugin} 的迁移 {version} 需要一组 SQL 语句。",
                                     plugin=self.plugin_id, version=version))
            for sql in statements:
                check_statement(self.plugin_id, sql)
        except PluginError as err:
            self._errors.append(str(err))
            raise
        self._migrations.append(PluginMigration(self.plugin_id, version, tuple(statements)))

    def add_register(self, spec: RegisterSpec) -> None:
        """Offer a register kept in the plugin's own table (API 1.1).

        The table is ``plg_<id>_<key>``; one of the plugin's migrations must create it
        (``spec.create_sql(plugin_id)``), and the loader checks, once the migrations ran,
        that it has a column for every field.
        """
        try:
            if not isinstance(spec, RegisterSpec):
                raise PluginError(tr("add_register 需要一个 RegisterSpec。"))
            if any(r.key == spec.key for r in self._registers):
                raise PluginError(tr("台账键重复：{key}", key=spec.key))
        except PluginError as err:
            self._errors.append(str(err))
            raise
        self._registers.append(spec)

    def add_registers(self, version: int, specs: tuple[RegisterSpec, ...]) -> None:
        """Shorthand: migration ``version`` creates the tables of ``specs``, then each is
        offered with :meth:`add_register` (a later version adds later registers)."""
        self.add_migration(version, tuple(spec.create_sql(self.plugin_id) for spec in specs))
        for spec in specs:
            self.add_register(spec)
