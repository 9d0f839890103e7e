"""The hazard registry (灾种目录) and the migrations of plugins' own tables.

The registry holds what loaded plugins registered: hazard types by id, and each plugin's
schema steps. :func:`apply_plugin_migrations` brings a store's ``plg_<id>_*`` tables up to
date, one step per transaction, recording progress in ``plugin_schema``; a step that fails
is rolled back, its plugin is marked failed and its hazards leave the registry, and the
other plugins carry on.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from ..errors import NotFound
from ..i18n import tr
from ..storage.audit import register_table
from ..timeutil import to_storage
from .api import PluginMigration, table_prefix
from .registers import BASE_COLUMNS, RegisterSpec
from .schema import CATEGORIES, HazardType, Season

if TYPE_CHECKING:
    from ..storage import Store
    from .loader import LoadReport

log = logging.getLogger(__name__)


class HazardRegistry:
    """Hazard types by id, who registered them, and the plugins' schema steps."""

    def __init__(self) -> None:
        self._hazards: dict[str, HazardType] = {}
        self._owner: dict[str, str] = {}
        self._migrations: dict[str, tuple[PluginMigration, ...]] = {}
        self._registers: dict[str, tuple[RegisterSpec, ...]] = {}
        self._modules: dict[str, str] = {}

    def __contains__(self, hazard_id: object) -> bool:
        return hazard_id in self._hazards

    def __len__(self) -> int:
        return len(self._hazards)

    def get(self, hazard_id: str) -> HazardType:
        """The hazard type ``hazard_id``; :class:`NotFound` when no loaded plugin provides it."""
        try:
            return self._hazards[hazard_id]
        except KeyError:
            raise NotFound(tr("未找到灾种 {id}（提供它的插件未加载）。", id=hazard_id)) from None

    def find(self, hazard_id: str) -> HazardType | None:
        """The hazard type ``hazard_id``, or None when no loaded plugin provides it."""
        return self._hazards.get(hazard_id)

    def all(self) -> list[HazardType]:
        """Every registered hazard type, in registration order."""
        return list(self._hazards.values())

    def by_category(self) -> dict[str, list[HazardType]]:
        """Hazard types grouped by the four categories (every category present, maybe empty)."""
        out: dict[str, list[HazardType]] = {c: [] for c in CATEGORIES}
        for hazard in self._hazards.values():
            out[hazard.category].append(hazard)
        return out

    def owner(self, hazard_id: str) -> str:
        """The id of the plugin that registered ``hazard_id``."""
        self.get(hazard_id)
        return self._owner[hazard_id]

    def migrations(self, plugin_id: str) -> tuple[PluginMigration, ...]:
        """The schema steps plugin ``plugin_id`` declared (possibly none)."""
        return self._migrations.get(plugin_id, ())

    def plugins_with_migrations(self) -> list[str]:
        """Ids of plugins that declared schema steps, in load order."""
        return [p for p, steps in self._migrations.items() if steps]

    def duplicate(self, hazards: Iterable[HazardType]) -> tuple[str, str] | None:
        """(hazard id, owning plugin) of the first of ``hazards`` already registered."""
        for hazard in hazards:
            if hazard.id in self._hazards:
                return hazard.id, self._owner[hazard.id]
        return None

    def add_plugin(self, plugin_id: str, hazards: Iterable[HazardType],
                   migrations: Iterable[PluginMigration],
                   registers: Iterable[RegisterSpec] = (), module: str = "") -> None:
        """Take in everything one plugin registered (the loader checks duplicates first)."""
        hazards = list(hazards)
        clash = self.duplicate(hazards)
        if clash:
            raise ValueError(f"hazard {clash[0]} already registered by {clash[1]}")
        for hazard in hazards:
            self._hazards[hazard.id] = hazard
            self._owner[hazard.id] = plugin_id
        self._migrations[plugin_id] = tuple(migrations)
        self._registers[plugin_id] = tuple(registers)
        self._modules[plugin_id] = module
        for spec in self._registers[plugin_id]:
            # Written only through the audited writer, like every core register.
            register_table(spec.table(plugin_id))

    def module(self, plugin_id: str) -> str:
        """The Python module plugin ``plugin_id`` was imported as ("" if not known)."""
        return self._modules.get(plugin_id, "")

    def registers(self) -> list[tuple[str, RegisterSpec]]:
        """(plugin id, register) for every register of the loaded plugins, in load order."""
        return [(p, spec) for p, specs in self._registers.items() for spec in specs]

    def remove_plugin(self, plugin_id: str) -> list[str]:
        """Drop everything plugin ``plugin_id`` registered; return the hazard ids removed."""
        gone = [h for h, owner in self._owner.items() if owner == plugin_id]
        for hazard_id in gone:
            del self._hazards[hazard_id]
            del self._owner[hazard_id]
        self._migrations.pop(plugin_id, None)
        self._registers.pop(plugin_id, None)
        self._modules.pop(plugin_id, None)
        return gone

    def season_overrides(self, store: Store | None) -> dict[str, Any]:
        """The stored values of every season setting of the registered hazards."""
        keys = sorted({s.setting for h in self._hazards.values() for s in h.seasons
                       if s.setting})
        if store is None or not keys:
            return {}
        rows = store.query(f"SELECT id, value_json FROM setting WHERE id IN "
                           f"({', '.join('?' for _ in keys)})", keys)
        out = {}
        for row in rows:
            try:
                out[row["id"]] = json.loads(row["value_json"])
            except ValueError:
                log.warning("setting %s holds no JSON; season keeps its default", row["id"])
        return out

    def seasons_on(self, day: date, store: Store | None = None) -> list[tuple[str, Season]]:
        """(hazard id, season) for every season ``day`` falls in, after the county's dates."""
        overrides = self.season_overrides(store)
        return [(h.id, s) for h in self._hazards.values() for s in h.season_on(day, overrides)]

    def apply_migrations(self, store: Store, report: LoadReport) -> list[tuple[str, int]]:
        """Shorthand for :func:`apply_plugin_migrations` on this registry."""
        return apply_plugin_migrations(store, self, report)


# SQLite internals a CREATE or an AUTOINCREMENT insert writes on the plugin's behalf.
_INTERNAL = {"sqlite_master", "sqlite_temp_master", "sqlite_schema", "sqlite_temp_schema",
             "sqlite_sequence"}
_READ_PRAGMAS = {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo",
                 "foreign_key_list", "data_version"}  # fts5 reads data_version internally
_ALWAYS = {sqlite3.SQLITE_READ, sqlite3.SQLITE_SELECT, sqlite3.SQLITE_FUNCTION,
           sqlite3.SQLITE_RECURSIVE, sqlite3.SQLITE_ANALYZE}
# action -> which authorizer arguments name objects that must carry the plugin's prefix
_OWN_ARGS = {
    sqlite3.SQLITE_CREATE_TABLE: (0,), sqlite3.SQLITE_CREATE_TEMP_TABLE: (0,),
    sqlite3.SQLITE_CREATE_VIEW: (0,), sqlite3.SQLITE_CREATE_TEMP_VIEW: (0,),
    sqlite3.SQLITE_CREATE_VTABLE: (0,), sqlite3.SQLITE_DROP_VTABLE: (0,),
    sqlite3.SQLITE_DROP_TABLE: (0,), sqlite3.SQLITE_DROP_TEMP_TABLE: (0,),
    sqlite3.SQLITE_DROP_VIEW: (0,), sqlite3.SQLITE_DROP_TEMP_VIEW: (0,),
    sqlite3.SQLITE_CREATE_INDEX: (0, 1), sqlite3.SQLITE_CREATE_TEMP_INDEX: (0, 1),
    sqlite3.SQLITE_DROP_INDEX: (0, 1), sqlite3.SQLITE_DROP_TEMP_INDEX: (0, 1),
    sqlite3.SQLITE_CREATE_TRIGGER: (0, 1), sqlite3.SQLITE_CREATE_TEMP_TRIGGER: (0, 1),
    sqlite3.SQLITE_DROP_TRIGGER: (0, 1), sqlite3.SQLITE_DROP_TEMP_TRIGGER: (0, 1),
    sqlite3.SQLITE_INSERT: (0,), sqlite3.SQLITE_UPDATE: (0,), sqlite3.SQLITE_DELETE: (0,),
    sqlite3.SQLITE_ALTER_TABLE: (1,), sqlite3.SQLITE_REINDEX: (0,),
}


class _Guard:
    """An SQLite authorizer that lets a plugin's step touch only its own objects."""

    def __init__(self, plugin_id: str):
        self.prefix = table_prefix(plugin_id)
        self.denied: str | None = None

    def _own(self, name: str | None) -> bool:
        if name is None:
            return True
        lowered = name.lower()
        return (lowered.startswith(self.prefix) or lowered in _INTERNAL
                or lowered.startswith("sqlite_autoindex_" + self.prefix))

    def __call__(self, action: int, arg1: str | None, arg2: str | None, _db: str | None,
                 _source: str | None) -> int:
        if action in _ALWAYS:
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA and arg2 is None and arg1 in _READ_PRAGMAS:
            return sqlite3.SQLITE_OK
        names = _OWN_ARGS.get(action)
        if names is not None:
            args = (arg1, arg2)
            if all(self._own(args[i]) for i in names):
                return sqlite3.SQLITE_OK
            self.denied = self.denied or next(str(args[i]) for i in names if not self._own(
                args[i]))
        else:
            self.denied = self.denied or (arg1 or str(action))
        return sqlite3.SQLITE_DENY


def _ledger(store: Store) -> dict[str, int] | None:
    if not store.scalar("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                        "name = 'plugin_schema'"):
        return None
    return {r["plugin_id"]: r["version"]
            for r in store.query("SELECT plugin_id, version FROM plugin_schema")}


def apply_plugin_migrations(store: Store, registry: HazardRegistry,
                            report: LoadReport) -> list[tuple[str, int]]:
    """Run every pending schema step of the loaded plugins; return (plugin, version) applied.

    Each step runs in its own transaction (BEGIN IMMEDIATE … COMMIT) together with its row in
    ``plugin_schema``. The store is backed up first when it already holds records. A step
    that fails, touches anything but ``plg_<id>_*``, or a store whose tables are newer than
    the plugin, marks that plugin failed and removes its hazards; the rest go on.
    """
    ledger = _ledger(store)
    if ledger is None:
        log.warning("store %s has no plugin_schema table; plugin tables not migrated",
                    store.path)
        return []
    pending: list[tuple[str, list[PluginMigration]]] = []
    for plugin_id in registry.plugins_with_migrations():
        steps = registry.migrations(plugin_id)
        have = ledger.get(plugin_id, 0)
        status = report.get(plugin_id)
        if have > steps[-1].version:
            reason = tr("数据库中插件 {plugin} 的数据表版本为 {have}，"
                        "高于插件自带的 {ours}；请安装新版插件。",
                        plugin=plugin_id, have=have, ours=steps[-1].version)
            _fail(registry, report, plugin_id, reason, None)
            continue
        if status is not None:
            status.schema_version = have
        todo = [s for s in steps if s.version > have]
        if todo:
            pending.append((plugin_id, todo))
    if not pending:
        return []
    if store.readonly:
        log.info("store %s is read-only; %d plugin(s) have pending table steps", store.path,
                 len(pending))
        return []
    if store.scalar("SELECT count(*) FROM audit_log"):
        stamp = to_storage(store.clock.now())[:19].replace("-", "").replace(":", "") + "Z"
        dest = store.backup(store.path.with_name(
            f"{store.path.stem}.backup-plugins-{stamp}{store.path.suffix or '.db'}"))
        log.info("backed up %s to %s before plugin table steps", store.path, dest)
    applied: list[tuple[str, int]] = []
    for plugin_id, todo in pending:
        for step in todo:
            if not _apply_step(store, step, registry, report):
                break
            applied.append((plugin_id, step.version))
    return applied


def _apply_step(store: Store, step: PluginMigration, registry: HazardRegistry,
                report: LoadReport) -> bool:
    guard = _Guard(step.plugin_id)
    conn = store.conn
    try:
        with store.transaction():
            conn.set_authorizer(guard)
            try:
                for sql in step.statements:
                    conn.execute(sql)
            finally:
                conn.set_authorizer(None)
            conn.execute(
                "INSERT INTO plugin_schema (plugin_id, version, applied_at) VALUES (?, ?, ?)"
                " ON CONFLICT (plugin_id) DO UPDATE SET version = excluded.version,"
                " applied_at = excluded.applied_at",
                (step.plugin_id, step.version, to_storage(store.clock.now())))
    except sqlite3.Error as err:
        if guard.denied:
            reason = tr("插件 {plugin} 的迁移 {version} 试图改动不属于它的对象 {name}，已回滚。",
                        plugin=step.plugin_id, version=step.version, name=guard.denied)
        else:
            reason = tr("插件 {plugin} 的迁移 {version} 失败，已回滚：{error}",
                        plugin=step.plugin_id, version=step.version, error=str(err))
        _fail(registry, report, step.plugin_id, reason, err)
        return False
    status = report.get(step.plugin_id)
    if status is not None:
        status.schema_version = step.version
    log.info("plugin %s: tables at version %d", step.plugin_id, step.version)
    return True


def _fail(registry: HazardRegistry, report: LoadReport, plugin_id: str, reason: str,
          err: BaseException | None) -> None:
    registry.remove_plugin(plugin_id)
    status = report.get(plugin_id)
    if status is not None:
        status.state, status.reason, status.hazards = "failed", reason, []
        status.registers = []
    log.error("plugin %s failed: %s", plugin_id, reason, exc_info=err)


def check_register_tables(store: Store, registry: HazardRegistry, report: LoadReport) -> None:
    """Fail a plugin whose register has no table, or a table without a column per field."""
    for plugin_id, spec in registry.registers():
        table = spec.table(plugin_id)
        have = {r["name"] for r in store.query(f'PRAGMA table_info("{table}")')}
        missing = [c for c in (*BASE_COLUMNS, *(f.key for f in spec.fields)) if c not in have]
        if missing:
            reason = tr("插件 {plugin} 的台账 {register} 缺少数据表或列：{columns}",
                        plugin=plugin_id, register=spec.name_zh,
                        columns="、".join(missing) if have else table)
            _fail(registry, report, plugin_id, reason, None)
