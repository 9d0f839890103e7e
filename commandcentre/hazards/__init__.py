"""Hazard plugins (灾种插件): the public plugin API, grading, the registry and the loader.

Everything a plugin may use is exported here, and plugins import nothing else from the core::

    from commandcentre.hazards import Criterion, GradingTable, HazardType, ...

    def register(api):
        api.register_hazard(HazardType(...))

The core finds plugin folders by path and imports them with importlib at run time; it never
imports ``plugins`` itself (an import-linter contract checks it). See :mod:`.loader` for the
folder layout, the manifest and the entry point group.
"""

from .api import API_VERSIONS, HazardApi, PluginMigration, PluginSettings, table_prefix
from .grading import (
    GRADES,
    NUMERALS,
    Criterion,
    GradeResult,
    GradingTable,
    PluginError,
    Reason,
    from_numeral,
    grade,
    severity,
    to_numeral,
)
from .loader import (
    ENTRY_POINT_GROUP,
    LoadReport,
    PluginStatus,
    builtin_plugin_dir,
    load_hazards,
    load_plugins,
    user_plugin_dir,
)
from .registers import RegisterSpec, RowCheck
from .registry import HazardRegistry, apply_plugin_migrations
from .schema import (
    CATEGORIES,
    FIELD_TYPES,
    LEVELS,
    WARNING_COLOURS,
    ChecklistItem,
    FieldSpec,
    HazardType,
    Season,
)
from .standards import SOURCE_493, regulation_493

__all__ = [
    "API_VERSIONS",
    "CATEGORIES",
    "ENTRY_POINT_GROUP",
    "FIELD_TYPES",
    "GRADES",
    "LEVELS",
    "NUMERALS",
    "SOURCE_493",
    "WARNING_COLOURS",
    "ChecklistItem",
    "Criterion",
    "FieldSpec",
    "GradeResult",
    "GradingTable",
    "HazardApi",
    "HazardRegistry",
    "HazardType",
    "LoadReport",
    "PluginError",
    "PluginMigration",
    "PluginSettings",
    "PluginStatus",
    "Reason",
    "RegisterSpec",
    "RowCheck",
    "Season",
    "apply_plugin_migrations",
    "builtin_plugin_dir",
    "from_numeral",
    "grade",
    "load_hazards",
    "load_plugins",
    "regulation_493",
    "severity",
    "table_prefix",
    "to_numeral",
    "user_plugin_dir",
]
