"""The hazard plugin API: loading real plugin folders (good and broken), entry points, plugin
migrations on a real store file, settings, and the hazard type definitions."""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sys
import textwrap
from datetime import date, datetime, timedelta, timezone

import pytest

from commandcentre.cli.commands import plugins as plugins_cmd
from commandcentre.cli.context import Context
from commandcentre.errors import NotFound, ValidationError
from commandcentre.hazards import (
    CATEGORIES,
    ChecklistItem,
    FieldSpec,
    HazardApi,
    HazardType,
    PluginError,
    PluginSettings,
    Season,
    builtin_plugin_dir,
    load_hazards,
    user_plugin_dir,
)
from commandcentre.hazards.api import check_statement
from commandcentre.reporting.rules import parse_rule
from commandcentre.storage import Store
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "plugins"

# id -> (state, a piece of the reason) for every fixture folder
EXPECTED = {
    "broken_import": ("failed", "fixture plugin broken at import"),
    "broken_register": ("failed", "fixture plugin broken in register"),
    "wrong_api": ("refused", "需要插件接口 2.0、2.1，本程序支持 1.0"),
    "too_new_app": ("refused", "需要本程序 99.0"),
    "bad_hazard": ("failed", "门槛应随等级降低而减小"),
    "bad_table": ("failed", "必须以 plg_bad_table_ 开头：incident_notes"),
    "steals_hazard": ("failed", "灾种 id forest_fire 已由插件 forest_fire 注册"),
    "swallows_error": ("failed", "灾种 id 重复"),
    "no_manifest_id": ("failed", "manifest.toml 的 id 无效"),
    "sneaky_migration": ("failed", "不属于它的对象 setting"),
    "half_migration": ("failed", "迁移 2 失败，已回滚"),
    "good_extra": ("loaded", ""),
    "production_safety": ("loaded", ""),
}


@pytest.fixture
def loaded(store):
    registry, report = load_hazards(store, extra_dirs=[FIXTURES])
    return store, registry, report


def _status(report, plugin_id, source_part=""):
    return next(s for s in report.plugins if s.id == plugin_id and source_part in s.source)


def _tables(store, pattern="plg_%"):
    return {r["name"] for r in store.query(
        "SELECT name FROM sqlite_master WHERE name LIKE ?", (pattern,))}


def test_every_fixture_is_reported_with_its_state_and_reason(loaded):
    _store, _registry, report = loaded
    for plugin_id, (state, reason) in EXPECTED.items():
        status = _status(report, plugin_id)
        assert status.state == state, (plugin_id, status)
        assert reason in status.reason, (plugin_id, status.reason)
        assert (status.reason == "") == (state == "loaded")
    impostor = _status(report, "forest_fire", "duplicate_forest_fire")
    assert impostor.state == "refused"
    assert f"已由 {builtin_plugin_dir() / 'forest_fire'} 使用" in impostor.reason
    assert not any(s.source.endswith("not_a_plugin") for s in report.plugins)


def test_the_app_goes_on_with_the_good_plugins(loaded):
    _store, registry, report = loaded
    builtin = {h.id for h in load_hazards(entry_points=False)[0].all()}
    assert {"production_safety", "forest_fire"} <= builtin
    assert {h.id for h in registry.all()} == builtin | {"good_extra"}
    assert _status(report, "forest_fire", str(builtin_plugin_dir())).hazards == ["forest_fire"]
    assert registry.owner("forest_fire") == "forest_fire"
    assert [h.id for h in registry.by_category()["公共卫生事件"]] == ["good_extra"]
    assert list(registry.by_category()) == list(CATEGORIES)


def test_refused_and_failed_plugins_keep_nothing(loaded):
    _store, registry, report = loaded
    for status in report.plugins:
        if status.state != "loaded":
            assert status.hazards == []
    for hazard_id in ("broken_register_h", "bad_table_h", "swallows_error_ok",
                      "sneaky_migration_h", "half_migration_h"):
        assert registry.find(hazard_id) is None
    for name in ("wrong_api", "too_new_app", "broken_import", "broken_register"):
        assert f"cc_plugin_{name}" not in sys.modules  # refused unimported, failed forgotten
    assert "cc_plugin_good_extra.defs" in sys.modules  # relative imports work


def test_a_failure_is_logged_once_with_its_traceback(store, caplog):
    with caplog.at_level(logging.INFO, logger="commandcentre"):
        load_hazards(store, extra_dirs=[FIXTURES])
    failures = [r for r in caplog.records if r.levelno == logging.ERROR
                and "broken_register" in r.getMessage()]
    assert len(failures) == 1
    assert failures[0].exc_info and failures[0].exc_info[0] is ValueError
    refusals = [r for r in caplog.records if "wrong_api" in r.getMessage()]
    assert len(refusals) == 1 and refusals[0].levelno == logging.WARNING
    assert any(r.name == "commandcentre.plugins.good_extra" for r in caplog.records)


def test_good_plugin_migration_is_applied_and_recorded(loaded, db_path):
    store, _registry, report = loaded
    assert _status(report, "good_extra").schema_version == 1
    row = store.one("SELECT version FROM plugin_schema WHERE plugin_id = 'good_extra'")
    assert row == {"version": 1}
    assert {"plg_good_extra_log", "plg_good_extra_log_note"} <= _tables(store)
    store.close()
    with Store.open(db_path) as again:  # a real file: still there, and nothing to redo
        registry, report = load_hazards(again, extra_dirs=[FIXTURES])
        assert registry.apply_migrations(again, report) == []
        assert again.scalar("SELECT count(*) FROM plugin_schema "
                            "WHERE plugin_id = 'good_extra'") == 1
        again.conn.execute("INSERT INTO plg_good_extra_log (id, note) VALUES ('a', 'b')")


def test_each_plugin_step_has_its_own_transaction(loaded):
    store, registry, _report = loaded
    # half_migration: step 1 committed, step 2 rolled back, the plugin failed.
    assert store.scalar("SELECT version FROM plugin_schema "
                        "WHERE plugin_id = 'half_migration'") == 1
    assert "plg_half_migration_a" in _tables(store)
    assert "plg_half_migration_b" not in _tables(store)
    # sneaky_migration: stopped by the authorizer, its table creation rolled back too.
    assert not _tables(store, "plg_sneaky%")
    assert store.scalar("SELECT count(*) FROM plugin_schema "
                        "WHERE plugin_id = 'sneaky_migration'") == 0
    assert registry.migrations("sneaky_migration") == ()


def test_authorizer_leaves_core_rows_alone(people, store):
    store.conn.execute("INSERT INTO setting (id, value_json, updated_at) "
                       "VALUES ('demo', 'true', '2026-01-01T00:00:00+00:00')")
    _registry, report = load_hazards(store, extra_dirs=[FIXTURES])
    assert _status(report, "sneaky_migration").state == "failed"
    assert store.scalar("SELECT value_json FROM setting WHERE id = 'demo'") == "true"


def test_store_with_newer_plugin_tables_fails_that_plugin(store):
    store.conn.execute("INSERT INTO plugin_schema VALUES ('good_extra', 5, '2026-01-01')")
    registry, report = load_hazards(store, extra_dirs=[FIXTURES])
    status = _status(report, "good_extra")
    assert status.state == "failed" and "版本为 5" in status.reason
    assert registry.find("good_extra") is None
    assert registry.find("forest_fire") is not None


def test_store_with_records_is_backed_up_before_plugin_steps(people, store, db_path):
    load_hazards(store, extra_dirs=[FIXTURES])
    backups = list(db_path.parent.glob(f"{db_path.stem}.backup-plugins-*"))
    assert len(backups) == 1


def test_read_only_store_loads_plugins_without_writing(db_path):
    Store.open(db_path).close()
    with Store.open(db_path, readonly=True) as ro:
        registry, report = load_hazards(ro, extra_dirs=[FIXTURES])
        assert registry.find("good_extra") is not None
        assert _status(report, "good_extra").schema_version == 0
        assert ro.scalar("SELECT count(*) FROM plugin_schema") == 0


def test_no_store_loads_without_migrating():
    registry, report = load_hazards(None, extra_dirs=[FIXTURES])
    assert _status(report, "good_extra").schema_version is None
    assert _status(report, "half_migration").state == "loaded"  # its SQL never ran
    assert len(registry.migrations("good_extra")) == 1


def test_user_plugin_folder_is_searched():
    target = user_plugin_dir() / "good_extra"
    shutil.copytree(FIXTURES / "good_extra", target,
                    ignore=shutil.ignore_patterns("__pycache__"))
    registry, report = load_hazards()
    assert _status(report, "good_extra").source == str(target)
    assert registry.find("good_extra") is not None


@pytest.fixture
def third_party(tmp_path, monkeypatch):
    """A real installed distribution (a .dist-info on sys.path) declaring three entry points."""
    site = tmp_path / "site"
    modules = {
        "cc_test_thirdparty": """
            from commandcentre.hazards import HazardType
            PLUGIN_API = ("1.0",)
            PLUGIN_NAME = "第三方灾种"
            def register(api):
                api.register_hazard(HazardType("thirdparty_h", "第三方", "Third", "事故灾难"))
            """,
        "cc_test_oldapi": """
            PLUGIN_API = ("0.9",)
            def register(api):
                raise AssertionError("refused plugins are not registered")
            """,
        "cc_test_impostor": 'raise AssertionError("an id already taken is refused unimported")',
    }
    for name, source in modules.items():
        (site / name).mkdir(parents=True)
        (site / name / "__init__.py").write_text(textwrap.dedent(source), encoding="utf-8")
    info = site / "cc_test_thirdparty-0.4.2.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: cc-test-thirdparty\n"
                                   "Version: 0.4.2\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(
        "[commandcentre.hazards]\nthirdparty = cc_test_thirdparty:register\n"
        "oldapi = cc_test_oldapi:register\nforest_fire = cc_test_impostor:register\n",
        encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    yield
    for name in modules:
        sys.modules.pop(name, None)


def test_entry_point_plugins(third_party):
    registry, report = load_hazards()
    status = _status(report, "thirdparty")
    assert (status.state, status.name, status.version) == ("loaded", "第三方灾种", "0.4.2")
    assert "cc_test_thirdparty:register" in status.source
    assert registry.owner("thirdparty_h") == "thirdparty"
    old = _status(report, "oldapi")
    assert old.state == "refused" and "需要插件接口 0.9" in old.reason
    impostor = _status(report, "forest_fire", "entry point")
    assert impostor.state == "refused" and "cc_test_impostor" not in sys.modules
    assert not load_hazards(entry_points=False)[0].find("thirdparty_h")


def test_plugin_settings_read_the_setting_table(store):
    settings = PluginSettings("forest_fire", store)
    settings.default("fire_season", {"start": "01-01", "end": "06-15"})
    assert settings.get("fire_season") == {"start": "01-01", "end": "06-15"}
    assert settings.get("other", 3) == 3
    store.conn.execute("INSERT INTO setting (id, value_json, updated_at) VALUES (?, ?, ?)",
                       ("plugin.forest_fire.fire_season",
                        json.dumps({"start": "02-01", "end": "05-31"}), "2026-01-01"))
    assert settings.get("fire_season") == {"start": "02-01", "end": "05-31"}
    assert dict(settings.defaults) == {"fire_season": {"start": "01-01", "end": "06-15"}}
    with pytest.raises(PluginError):
        settings.key("Bad Name")
    registry, _report = load_hazards(store)

    def fire(day, store=None):
        return [s.key for h, s in registry.seasons_on(day, store) if h == "forest_fire"]
    assert fire(date(2026, 1, 15), store) == []  # moved to 02-01 by the county
    assert fire(date(2026, 5, 31), store) == ["fire_season"]
    assert fire(date(2026, 1, 15)) == ["fire_season"]


def test_migration_statements_must_keep_to_the_prefix():
    api = HazardApi("demo")
    with pytest.raises(PluginError, match="plg_demo_"):
        api.add_migration(1, ("CREATE TABLE notes (id TEXT)",))
    with pytest.raises(PluginError, match="依次为"):
        api.add_migration(2, ("CREATE TABLE plg_demo_a (id TEXT)",))
    with pytest.raises(PluginError, match="一组 SQL"):
        api.add_migration(1, "CREATE TABLE plg_demo_a (id TEXT)")  # type: ignore[arg-type]
    api.add_migration(1, ("CREATE TABLE plg_demo_a (id TEXT)",))
    assert len(api._errors) == 3  # remembered even if a plugin swallowed them


@pytest.mark.parametrize("sql", [
    "CREATE TABLE IF NOT EXISTS plg_demo_a (id TEXT PRIMARY KEY, b TEXT REFERENCES "
    "plg_demo_b (id) ON DELETE CASCADE ON UPDATE CASCADE)",
    "CREATE UNIQUE INDEX plg_demo_i ON plg_demo_a (b)",
    "CREATE VIRTUAL TABLE plg_demo_fts USING fts5(body)",
    "CREATE VIEW plg_demo_v AS SELECT i.id FROM incident i JOIN plg_demo_a a ON a.id = i.id",
    "CREATE TRIGGER plg_demo_t AFTER UPDATE OF b ON plg_demo_a BEGIN "
    "UPDATE plg_demo_a SET b = 'INSERT INTO incident' WHERE id = new.id; END",
    "ALTER TABLE \"plg_demo_a\" ADD COLUMN c TEXT",
    "INSERT OR REPLACE INTO plg_demo_a (id) SELECT id FROM incident",
])
def test_statements_on_own_objects_pass(sql):
    check_statement("demo", sql)


@pytest.mark.parametrize(("sql", "word"), [
    ("CREATE TABLE main.notes (id TEXT)", "notes"),
    ("CREATE INDEX plg_demo_i ON incident (title)", "incident"),
    ("CREATE TRIGGER plg_demo_t AFTER INSERT ON incident BEGIN SELECT 1; END", "incident"),
    ("ALTER TABLE plg_demo_a RENAME TO setting", "setting"),
    ("DROP TABLE audit_log", "audit_log"),
    ("DELETE FROM audit_log", "audit_log"),
    ("UPDATE [setting] SET value_json = '1'", "setting"),
    ("INSERT INTO incident (id) VALUES ('x')", "incident"),
    ("PRAGMA user_version = 99", "PRAGMA"),
    ("ATTACH 'other.db' AS other", "ATTACH"),
    ("COMMIT", "COMMIT"),
])
def test_statements_outside_the_prefix_are_refused(sql, word):
    with pytest.raises(PluginError, match=word):
        check_statement("demo", sql)


def _hazard(**changes):
    base = {"id": "demo", "name_zh": "示例", "name_en": "Demo", "category": "事故灾难"}
    return HazardType(**{**base, **changes})


@pytest.mark.parametrize(("changes", "message"), [
    ({"category": "意外"}, "类别无效"),
    ({"id": "Bad-Id"}, "灾种 id 无效"),
    ({"warning_colours": ("红", "紫")}, "预警颜色无效"),
    ({"warning_colours": ("红", "红")}, "预警颜色无效"),
    ({"fields": (FieldSpec("a", "甲", "A", "int"), FieldSpec("a", "乙", "B", "int"))}, "重复"),
    ({"supplement_days": 0}, "补报期限"),
    ({"report_sections": ("",)}, "章节"),
    ({"reporting_rules": ()}, "不能为空"),
    ({"reporting_rules": ({"grades": ["重大"], "categories": ["*"], "first_phone_minutes": 60,
                           "first_written_minutes": 120, "followup": {"every_hours": 24},
                           "final_hours_after_close": 24, "supplement_days": 30,
                           "supplement_minutes": 60},)}, "未覆盖"),
    ({"reporting_rules": ({"grades": ["特别重大", "重大", "较大", "一般", None],
                           "categories": ["*"], "first_phone_minutes": 60,
                           "first_written_minutes": 120, "followup": {"every_hours": 24},
                           "final_hours_after_close": 24, "supplement_days": 7,
                           "supplement_minutes": 60},)}, "补报期限"),
    ({"reporting_rules": ({"grades": ["特别重大"], "first_phone_minutes": 60},)}, "categories"),
])
def test_invalid_hazard_types_are_refused(changes, message):
    with pytest.raises(PluginError, match=message):
        _hazard(**changes)


def test_invalid_parts_are_refused():
    with pytest.raises(PluginError, match="响应级别"):
        ChecklistItem("Ⅴ", "到场", "县政府", 30)
    with pytest.raises(PluginError, match="正整数分钟"):
        ChecklistItem("Ⅳ", "到场", "县政府", 0)
    with pytest.raises(PluginError, match="MM-DD"):
        Season("s", "汛期", "06-31", "09-30")
    with pytest.raises(PluginError, match="类型无效"):
        FieldSpec("a", "甲", "A", "number")
    with pytest.raises(PluginError, match="选项"):
        FieldSpec("a", "甲", "A", "choice")
    with pytest.raises(PluginError, match="下限大于上限"):
        FieldSpec("a", "甲", "A", "int", minimum=5, maximum=1)
    api = HazardApi("demo")
    season = Season("s", "汛期", "06-01", "09-30", setting="plugin.other.s")
    with pytest.raises(PluginError, match=r"plugin\.demo\."):
        api.register_hazard(_hazard(seasons=(season,)))


def test_field_validation_normalises_and_names_the_field():
    count = FieldSpec("at_risk", "涉险人数", "People at risk", "int", unit="人", minimum=0)
    assert count.validate("１２") == 12 and count.validate(3.0) == 3 and count.validate("") is None
    with pytest.raises(ValidationError, match="涉险人数"):
        count.validate(-1)
    with pytest.raises(ValidationError, match="涉险人数"):
        count.validate("十二")
    area = FieldSpec("ha", "过火面积", "Burned area", "float", minimum=0)
    assert area.validate("0.5") == 0.5 and area.validate(2) == 2.0
    with pytest.raises(ValidationError, match="过火面积"):
        area.validate(float("inf"))
    kind = FieldSpec("k", "事故类别", "Type", "choice", choices=("触电", "淹溺"), required=True)
    assert kind.validate(" 触电 ") == "触电"
    with pytest.raises(ValidationError, match="必填"):
        kind.validate(None)
    with pytest.raises(ValidationError, match="触电、淹溺"):
        kind.validate("火灾")
    flag = FieldSpec("f", "是否涉密", "Secret", "bool")
    assert flag.validate("是") is True and flag.validate(False) is False
    when = FieldSpec("t", "发现时间", "Found at", "datetime")
    local = datetime(2026, 3, 1, 8, 30, tzinfo=timezone(timedelta(hours=8)))
    assert when.validate(local) == "2026-03-01T00:30:00.000000+00:00"
    assert when.validate("2026-03-01T08:30+08:00") == when.validate(local)
    with pytest.raises(ValidationError, match="时区"):
        when.validate(datetime(2026, 3, 1, 8, 30))
    wind = FieldSpec("w", "风向风力", "Wind", "text")
    assert wind.validate(" 西北风４级，阵风 ") == "西北风４级，阵风"  # text keeps its own form


def test_season_may_wrap_the_new_year():
    winter = Season("winter", "冬季", "11-01", "02-28", setting="plugin.x.winter")
    assert winter.contains(date(2026, 11, 1)) and winter.contains(date(2026, 12, 31))
    assert winter.contains(date(2027, 1, 1)) and winter.contains(date(2027, 2, 28))
    assert not winter.contains(date(2027, 3, 1)) and not winter.contains(date(2026, 10, 31))
    moved = {"plugin.x.winter": {"start": "12-01", "end": "01-31"}}
    assert not winter.contains(date(2026, 11, 15), moved)
    assert winter.contains(date(2026, 11, 15), {"plugin.x.winter": "garbage"})  # default kept


def test_registry_lookups(loaded):
    _store, registry, _report = loaded
    with pytest.raises(NotFound, match="未找到灾种 volcano"):
        registry.get("volcano")
    builtin = load_hazards(entry_points=False)[0]
    assert "forest_fire" in registry and len(registry) == len(builtin) + 1  # + good_extra
    good = registry.get("good_extra")
    assert good.validate_fields({"cases": "7"}) == {"cases": 7}
    with pytest.raises(ValidationError, match="没有这些字段"):
        good.validate_fields({"cases": 1, "oops": 2})


def test_production_safety_definition():
    registry, _report = load_hazards(entry_points=False)
    hazard = registry.get("production_safety")
    assert (hazard.category, hazard.supplement_days) == ("事故灾难", 30)
    assert "国务院令第493号" in hazard.grading.source and hazard.grading.floor == "一般"
    rules = [parse_rule(r) for r in hazard.reporting_rules]
    assert all((r.first_phone_minutes, r.first_written_minutes) == (60, 120) for r in rules)
    assert next(r for r in rules if r.applies("重大", "事故灾难")).at_times[0].hour == 8
    assert next(r for r in rules if r.applies("一般", "事故灾难")).every_hours == 24
    assert len(hazard.field("accident_type").choices) == 20  # GB 6441
    first = hazard.checklist("Ⅳ")[0]
    assert "县安委办主任" in first.action_zh and first.within_minutes == 30
    assert all(hazard.checklist(level) for level in ("Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ"))


def test_forest_fire_definition():
    registry, _report = load_hazards(entry_points=False)
    hazard = registry.get("forest_fire")
    assert (hazard.category, hazard.supplement_days) == ("自然灾害", 7)
    assert hazard.warning_colours == ("红", "橙", "黄", "蓝")
    assert "核对" in hazard.grading.source
    rule = parse_rule(hazard.reporting_rules[0])
    assert (rule.first_phone_minutes, rule.first_written_minutes) == (30, 60)
    assert [t.strftime("%H:%M") for t in rule.at_times] == ["08:00", "17:00"]
    assert hazard.season_on(date(2026, 6, 15)) and not hazard.season_on(date(2026, 6, 16))
    assert hazard.field("fire_danger_level").validate(5) == 5
    with pytest.raises(ValidationError, match="森林火险等级"):
        hazard.field("fire_danger_level").validate(6)
    first_force = [i for i in hazard.checklist("Ⅳ") if "首支扑火力量" in i.action_zh]
    assert first_force[0].within_minutes == 30
    assert any(i.within_minutes == 24 * 60 for i in hazard.checklist("Ⅳ"))


def _run_cli(argv):
    common = argparse.ArgumentParser(add_help=False, argument_default=argparse.SUPPRESS)
    common.add_argument("--json", action="store_true")
    parser = argparse.ArgumentParser(prog="commandcentre", parents=[common])
    plugins_cmd.register(parser.add_subparsers(dest="command"), common)
    args = parser.parse_args(argv)
    for name, default in (("db", None), ("user", None), ("json", False), ("lang", None)):
        if not hasattr(args, name):
            setattr(args, name, default)
    return args.handler(Context(args))


def test_cli_plugins_list(capsys):
    assert _run_cli(["plugins", "list", "--json", "--dir", str(FIXTURES)]) == 0
    rows = {(r["id"], r["state"]) for r in json.loads(capsys.readouterr().out)}
    assert {("forest_fire", "loaded"), ("forest_fire", "refused"), ("wrong_api", "refused"),
            ("broken_import", "failed"), ("good_extra", "loaded")} <= rows
    assert _run_cli(["plugins", "list"]) == 0
    out = capsys.readouterr().out
    assert "production_safety" in out and "已加载" in out and "生产安全事故" in out


def test_plugin_status_as_dict_is_json():
    _registry, report = load_hazards(entry_points=False)
    text = json.dumps(report.as_dicts(), ensure_ascii=False)
    assert "forest_fire" in text


def test_form_check_refuses_a_form_with_the_plugins_words():
    def check(values):
        return ["冰雹预警信号没有黄色"] if values.get("colour") == "黄" else []

    hazard = HazardType("hail_t", "冰雹", "Hail", "自然灾害", fields=(
        FieldSpec("colour", "颜色", "Colour", "choice", choices=("黄", "橙", "红")),),
        form_check=check)
    assert hazard.validate_fields({"colour": "橙"}) == {"colour": "橙"}
    with pytest.raises(ValidationError, match="冰雹预警信号没有黄色"):
        hazard.validate_fields({"colour": "黄"})
    with pytest.raises(PluginError):
        HazardType("hail_u", "冰雹", "Hail", "自然灾害", form_check="not a function")
