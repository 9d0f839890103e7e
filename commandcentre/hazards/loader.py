"""Finding and loading hazard plugins (插件加载), so that a broken plugin never stops the app.

A plugin is a folder holding ``manifest.toml`` and ``__init__.py``::

    id = "forest_fire"            # lower-case letters, digits, _ ; also the table prefix
    name = "森林草原火灾"
    name_en = "Forest and grassland fire"
    version = "1.0.0"
    api = ["1.0"]                 # plugin API versions it was written for
    min_app = "0.1.0"             # optional: oldest program version it runs on

and ``__init__.py`` defines ``register(api)``. Folders are searched in order: the program's
own ``plugins/`` (next to ``resources/``, also inside a PyInstaller bundle), the user folder
``data_dir()/plugins``, any extra folders, then the entry points of group
``commandcentre.hazards``. A third-party package declares one in its ``pyproject.toml``::

    [project.entry-points."commandcentre.hazards"]
    county_flood = "cc_county_flood:register"

The entry point's name is the plugin id and the distribution gives the name and version; the
module holding ``register`` must say which API it speaks with ``PLUGIN_API = ("1.0",)`` and
may set ``PLUGIN_NAME`` / ``PLUGIN_NAME_EN``.

Outcomes: *loaded*; *refused* (no common API version, program too old, an id already taken:
the first plugin with an id wins), never imported; *failed* (bad manifest, the import or
``register`` raised, or what it registered is invalid), logged once with the traceback.
Nothing a refused or failed plugin registered is kept.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import logging
import re
import sys
import tomllib
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..errors import CommandCentreError
from ..i18n import tr
from ..paths import data_dir, resources_dir
from .api import API_VERSIONS, HazardApi
from .registry import HazardRegistry, apply_plugin_migrations, check_register_tables
from .schema import valid_id

if TYPE_CHECKING:
    from ..storage import Store

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "commandcentre.hazards"
STATES = ("loaded", "refused", "failed")


@dataclass
class PluginStatus:
    """How one plugin fared: ``state`` is 'loaded', 'refused' or 'failed', with the reason."""

    id: str
    name: str
    version: str
    source: str  # the folder, or "entry point <name> = <value> (<distribution>)"
    state: str = "loaded"
    reason: str = ""
    hazards: list[str] = field(default_factory=list)
    registers: list[str] = field(default_factory=list)  # register keys (API 1.1)
    module: str = ""  # the Python module it was imported as (the UI finds ``<module>.ui``)
    name_en: str = ""
    schema_version: int | None = None  # plugin_schema version once migrations ran

    def as_dict(self) -> dict[str, Any]:
        """A JSON-friendly form for ``--json``."""
        return asdict(self)


@dataclass
class LoadReport:
    """Every plugin found, in the order it was found."""

    plugins: list[PluginStatus] = field(default_factory=list)

    def get(self, plugin_id: str) -> PluginStatus | None:
        """The status of the plugin that holds ``plugin_id`` (the one that won the id)."""
        for status in self.plugins:
            if status.id == plugin_id and status.state == "loaded":
                return status
        return next((s for s in self.plugins if s.id == plugin_id), None)

    def in_state(self, state: str) -> list[PluginStatus]:
        """The plugins in ``state``."""
        return [s for s in self.plugins if s.state == state]

    def as_dicts(self) -> list[dict[str, Any]]:
        return [s.as_dict() for s in self.plugins]


def builtin_plugin_dir() -> Path:
    """The program's own ``plugins/`` folder (found by path, never imported as a package)."""
    return resources_dir().parent / "plugins"


def user_plugin_dir() -> Path:
    """Where a county drops plugins of its own."""
    return data_dir() / "plugins"


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(n) for n in re.findall(r"\d+", text)[:3])


def _api_choice(wanted: object) -> str | None:
    """The highest API version both sides speak, or None."""
    if not isinstance(wanted, list | tuple):
        return None
    common = [v for v in API_VERSIONS if v in wanted]
    return common[-1] if common else None


def _refusal(wanted: object, min_app: object = None) -> str | None:
    if _api_choice(wanted) is None:
        shown = "、".join(map(str, wanted)) if isinstance(wanted, list | tuple) else "?"
        return tr("需要插件接口 {wanted}，本程序支持 {ours}", wanted=shown or "?",
                  ours="、".join(API_VERSIONS))
    if isinstance(min_app, str) and _version_tuple(min_app) > _version_tuple(__version__):
        return tr("需要本程序 {need} 或更新版本，当前为 {ours}", need=min_app, ours=__version__)
    return None


def _read_manifest(folder: Path) -> dict[str, Any]:
    """The checked manifest of ``folder``; raises ValueError with an operator message."""
    try:
        data = tomllib.loads((folder / "manifest.toml").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ValueError(tr("manifest.toml 无法读取：{error}", error=str(err))) from None
    if not valid_id(data.get("id")):
        raise ValueError(tr("manifest.toml 的 id 无效：{id}", id=str(data.get("id"))))
    for key in ("name", "version"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise ValueError(tr("manifest.toml 缺少 {key}。", key=key))
    if not isinstance(data.get("api"), list):
        raise ValueError(tr("manifest.toml 缺少 api（插件接口版本列表，如 [\"1.0\"]）。"))
    if not (folder / "__init__.py").is_file():
        raise ValueError(tr("插件文件夹缺少 __init__.py。"))
    return data


def _forget_module(name: str) -> None:
    for key in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
        del sys.modules[key]


def _import_folder(plugin_id: str, folder: Path) -> Callable[[HazardApi], Any]:
    """Import the plugin package under its own name and return its ``register``."""
    name = f"cc_plugin_{plugin_id}"  # unique per id, so two plugin folders never clash
    _forget_module(name)
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)])
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {folder}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # relative imports inside the plugin need it registered
    try:
        spec.loader.exec_module(module)
    except BaseException:
        _forget_module(name)
        raise
    register = getattr(module, "register", None)
    if not callable(register):
        _forget_module(name)
        raise AttributeError(tr("插件没有定义 register(api) 函数。"))
    return register


class _Loader:
    def __init__(self, store: Store | None):
        self.store = store
        self.registry = HazardRegistry()
        self.report = LoadReport()

    def _taken(self, plugin_id: str) -> PluginStatus | None:
        return next((s for s in self.report.plugins
                     if s.id == plugin_id and s.state == "loaded"), None)

    def folder(self, folder: Path) -> None:
        source = str(folder)
        try:
            manifest = _read_manifest(folder)
        except ValueError as err:
            self._finish(PluginStatus(folder.name, folder.name, "", source), None,
                         str(err), None)
            return
        status = PluginStatus(manifest["id"], manifest["name"], manifest["version"], source,
                              name_en=str(manifest.get("name_en", "")))
        if self._refused(status, manifest["api"], manifest.get("min_app")):
            return
        status.module = f"cc_plugin_{status.id}"
        self._run(status, _api_choice(manifest["api"]) or "",
                  lambda: _import_folder(status.id, folder), module=f"cc_plugin_{status.id}")

    def entry_point(self, ep: importlib.metadata.EntryPoint) -> None:
        dist = getattr(ep, "dist", None)
        dist_name = dist.metadata["Name"] if dist is not None else ""
        status = PluginStatus(ep.name, dist_name or ep.name, dist.version if dist else "",
                              f"entry point {ep.name} = {ep.value} ({dist_name})")
        if not valid_id(ep.name):
            self._finish(status, None, tr("入口点名称不能作为插件 id：{id}", id=ep.name), None)
            return
        if self._taken(ep.name):  # refuse before importing anything
            self._refused(status, API_VERSIONS)
            return
        try:
            register = ep.load()
            module = sys.modules.get(ep.module)
            wanted = getattr(module, "PLUGIN_API", None)
            status.name = str(getattr(module, "PLUGIN_NAME", status.name))
            status.name_en = str(getattr(module, "PLUGIN_NAME_EN", ""))
        except (Exception, SystemExit) as err:  # a broken plugin must not stop the app
            self._finish(status, None, tr("导入失败：{error}", error=_brief(err)), err)
            return
        if self._refused(status, wanted):
            return
        status.module = ep.module
        self._run(status, _api_choice(wanted) or "", lambda: register)

    def _refused(self, status: PluginStatus, wanted: object, min_app: object = None) -> bool:
        owner = self._taken(status.id)
        if owner is not None:
            reason = tr("插件 id {id} 已由 {source} 使用", id=status.id, source=owner.source)
        else:
            reason = _refusal(wanted, min_app)
        if reason is None:
            return False
        status.state, status.reason = "refused", reason
        self.report.plugins.append(status)
        log.warning("plugin %s (%s) refused: %s", status.id, status.source, reason)
        return True

    def _run(self, status: PluginStatus, version: str,
             importer: Callable[[], Callable[[HazardApi], Any]], *, module: str = "") -> None:
        api = HazardApi(status.id, api_version=version, store=self.store)
        stage = tr("导入失败")
        try:
            register = importer()
            stage = tr("register() 出错")
            register(api)
        except (Exception, SystemExit) as err:  # a broken plugin must not stop the app
            if module:
                _forget_module(module)
            self._finish(status, None, tr("{stage}：{error}", stage=stage, error=_brief(err)),
                         err)
            return
        problem = api._errors[0] if api._errors else None
        if problem is None:
            clash = self.registry.duplicate(api._hazards)
            if clash:
                problem = tr("灾种 id {hazard} 已由插件 {owner} 注册", hazard=clash[0],
                             owner=clash[1])
        if problem is None and not api._hazards:
            problem = tr("插件没有注册任何灾种。")
        own = {r.key for r in api._registers}
        for hazard in api._hazards if problem is None else ():
            missing = sorted(set(hazard.register_links.values()) - own)
            if missing:
                problem = tr("灾种 {hazard} 关联的台账未注册：{registers}", hazard=hazard.id,
                             registers="、".join(missing))
        if problem is not None:
            if module:
                _forget_module(module)
            self._finish(status, None, problem, None)
            return
        self._finish(status, api, "", None)

    def _finish(self, status: PluginStatus, api: HazardApi | None, reason: str,
                err: BaseException | None) -> None:
        if api is None:
            status.state, status.reason, status.hazards = "failed", reason, []
            # One record per failure; the traceback (when there is one) goes with it.
            log.error("plugin %s (%s) failed: %s", status.id, status.source, reason,
                      exc_info=err)
        else:
            self.registry.add_plugin(status.id, api._hazards, api._migrations,
                                     api._registers, module=status.module)
            status.hazards = [h.id for h in api._hazards]
            status.registers = [r.key for r in api._registers]
            log.info("plugin %s %s loaded from %s: %s", status.id, status.version,
                     status.source, ", ".join(status.hazards))
        self.report.plugins.append(status)


def _brief(err: BaseException) -> str:
    if isinstance(err, CommandCentreError):
        return str(err)  # already an operator message (e.g. a broken grading table)
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0]}" if text else type(err).__name__


def plugin_folders(directory: Path) -> list[Path]:
    """The plugin folders directly inside ``directory`` (those with a manifest), by name."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if (p / "manifest.toml").is_file())


def load_plugins(*, store: Store | None = None, dirs: Iterable[Path] | None = None,
                 entry_points: bool = True) -> tuple[HazardRegistry, LoadReport]:
    """Load the plugins of ``dirs`` (default: built-in, then user folder) and entry points.

    ``store`` only serves the plugins' settings here; migrations are a separate step
    (:func:`apply_plugin_migrations`).
    """
    loader = _Loader(store)
    folders = [builtin_plugin_dir(), user_plugin_dir()] if dirs is None else list(dirs)
    seen: set[Path] = set()
    for directory in folders:
        directory = Path(directory)
        if directory.resolve() in seen:
            continue
        seen.add(directory.resolve())
        for folder in plugin_folders(directory):
            loader.folder(folder)
    if entry_points:
        for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            loader.entry_point(ep)
    return loader.registry, loader.report


def load_hazards(store: Store | None = None, *, extra_dirs: Iterable[str | Path] = (),
                 entry_points: bool = True) -> tuple[HazardRegistry, LoadReport]:
    """Load every plugin (built-in, user folder, ``extra_dirs``, entry points) at start-up.

    With a writable ``store``, pending plugin table migrations are applied too. Never raises
    for a plugin's fault: look at the report for what was refused or failed and why.
    """
    dirs = [builtin_plugin_dir(), user_plugin_dir(), *(Path(d) for d in extra_dirs)]
    registry, report = load_plugins(store=store, dirs=dirs, entry_points=entry_points)
    if store is not None:
        apply_plugin_migrations(store, registry, report)
        check_register_tables(store, registry, report)
    return registry, report
