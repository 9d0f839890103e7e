"""Plugin registers (灾种台账): a hazard's own lists kept between incidents — reservoirs and
their 三个责任人, 地质灾害隐患点, 重大危险源 — declared by a plugin, stored in its own table.

A plugin describes a register with a :class:`RegisterSpec` (its fields are the same
:class:`~.schema.FieldSpec` the incident form uses, so a register row is validated the same
way), creates the table in one of its own migrations from :meth:`RegisterSpec.create_sql`, and
offers it with ``api.add_register(spec)`` (plugin API 1.1). The core then lists, adds, edits,
checks and imports rows (:mod:`.register_service`) through the audited writer; the plugin
never touches the store. :class:`RowCheck` rules turn a row into findings for the duty room
(e.g. ≥ 30 threatened people without professional monitoring, seed 003:338).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..i18n import language, tr
from .grading import PluginError
from .schema import FieldSpec

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,29}$")
_SQL_TYPES = {"int": "INTEGER", "float": "REAL", "bool": "INTEGER", "text": "TEXT",
              "choice": "TEXT", "datetime": "TEXT"}
# Columns every register table has besides its fields.
BASE_COLUMNS = ("id", "township_id", "created_at", "updated_at")


@dataclass(frozen=True)
class RowCheck:
    """A rule a register row should meet. ``failing(row)`` is True when the row breaks it;
    the row holds field values by key (None when empty). ``source`` cites the rule."""

    code: str
    message_zh: str
    failing: Callable[[Mapping[str, Any]], bool]
    source: str = ""

    def __post_init__(self) -> None:
        if not _KEY.match(str(self.code)):
            raise PluginError(tr("台账检查的代码无效：{code}", code=str(self.code)))
        if not callable(self.failing):
            raise PluginError(tr("台账检查 {code} 需要一个判断函数。", code=self.code))


@dataclass(frozen=True)
class RegisterSpec:
    """One register of a plugin: table ``plg_<plugin>_<key>``, one column per field.

    ``title`` is the field that names a row (水库名称, 隐患点名称); ``aliases`` maps a field
    key to other headers office sheets use for it; ``demo`` rows go into the demo county.
    """

    key: str
    name_zh: str
    name_en: str
    fields: tuple[FieldSpec, ...]
    title: str
    checks: tuple[RowCheck, ...] = ()
    aliases: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    source: str = ""
    demo: tuple[Mapping[str, Any], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "fields", tuple(self.fields))
        object.__setattr__(self, "checks", tuple(self.checks))
        object.__setattr__(self, "demo", tuple(dict(r) for r in self.demo))
        object.__setattr__(self, "aliases", {k: tuple(v) for k, v in self.aliases.items()})
        if not _KEY.match(str(self.key)):
            raise PluginError(tr("台账的键无效：{key}（小写字母开头，只含小写字母、数字和下划线）",
                                 key=str(self.key)))
        if not isinstance(self.name_zh, str) or not self.name_zh.strip():
            raise PluginError(tr("台账 {key} 缺少中文名称。", key=self.key))
        if not self.fields or not all(isinstance(f, FieldSpec) for f in self.fields):
            raise PluginError(tr("台账 {key} 需要一组表单字段。", key=self.key))
        keys = [f.key for f in self.fields]
        if len(set(keys)) != len(keys) or set(keys) & set(BASE_COLUMNS) or "township" in keys:
            raise PluginError(tr("台账 {key} 的字段键重复或与保留列（{reserved}）同名。",
                                 key=self.key, reserved="、".join((*BASE_COLUMNS, "township"))))
        if self.title not in keys:
            raise PluginError(tr("台账 {key} 的名称字段 {title} 不在字段中。", key=self.key,
                                 title=str(self.title)))
        if set(self.aliases) - set(keys):
            raise PluginError(tr("台账 {key} 的别名指向不存在的字段。", key=self.key))
        if len({c.code for c in self.checks}) != len(self.checks):
            raise PluginError(tr("台账 {key} 的检查代码有重复。", key=self.key))

    def name(self) -> str:
        """The register's name in the UI language."""
        return self.name_en if language() == "en" and self.name_en else self.name_zh

    def field(self, key: str) -> FieldSpec:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    def table(self, plugin_id: str) -> str:
        """The register's table: ``plg_<plugin>_<key>``."""
        return f"plg_{plugin_id}_{self.key}"

    def create_sql(self, plugin_id: str) -> str:
        """The ``CREATE TABLE`` for a plugin migration: base columns, then one per field."""
        columns = [f"    {f.key} {_SQL_TYPES[f.type]}" for f in self.fields]
        return (f"CREATE TABLE {self.table(plugin_id)} (\n"
                "    id TEXT PRIMARY KEY,\n"
                "    township_id TEXT,\n"
                + ",\n".join(columns) + ",\n"
                "    created_at TEXT NOT NULL,\n"
                "    updated_at TEXT NOT NULL\n)")

    def findings(self, row: Mapping[str, Any]) -> list[RowCheck]:
        """The checks ``row`` fails (a check that raises counts as failing: say so, not hide)."""
        out = []
        for check in self.checks:
            try:
                failing = bool(check.failing(row))
            except Exception:  # plugin code: a broken rule must not hide a row
                failing = True
            if failing:
                out.append(check)
        return out
