"""The 地质灾害 plugin (plugins/geological): loading, form fields, grading by 《国家突发地质灾害
应急预案》 at every boundary, the ≥30-threatened rule, checklists, reporting rules, 汛期, and
the app without it."""

from __future__ import annotations

import ast
import json
import sys
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commandcentre.errors import ValidationError
from commandcentre.hazards import (
    LEVELS,
    HazardApi,
    builtin_plugin_dir,
    grade,
    load_hazards,
    load_plugins,
    severity,
)
from commandcentre.reporting.rules import parse_rule

PLUGIN = "geological"
HAZARD_ID = "geological_hazard"  # the id commandcentre.hazards.names already uses
SEASON_SETTING = "plugin.geological.flood_season"

# Loaded once from the program's own plugins/ folder, for the property tests.
_TABLE = load_plugins(dirs=[builtin_plugin_dir()], entry_points=False)[0].get(HAZARD_ID).grading


@pytest.fixture
def hazard():
    registry, report = load_hazards(entry_points=False)
    status = report.get(PLUGIN)
    assert status is not None and status.state == "loaded", status
    return registry.get(HAZARD_ID)


def _rank(grade_name: str | None) -> int:
    return severity(grade_name) if grade_name else 0


def plan_grade(deaths=0, loss_wan=0, threatened=0, potential_wan=0) -> str:
    """The plan's 险情 and 灾情 clauses written out ("以上" includes, "以下" excludes)."""
    if deaths >= 30 or loss_wan >= 1000 or threatened >= 1000 or potential_wan >= 10000:
        return "特别重大"  # 特大型
    if (10 <= deaths < 30 or 500 <= loss_wan < 1000 or 500 <= threatened < 1000
            or 5000 <= potential_wan < 10000):
        return "重大"  # 大型
    if (3 <= deaths < 10 or 100 <= loss_wan < 500 or 100 <= threatened < 500
            or 500 <= potential_wan < 5000):
        return "较大"  # 中型
    return "一般"  # 小型


# -- loading and definition -----------------------------------------------------------------

def test_plugin_loads_with_its_manifest_and_owns_the_hazard():
    registry, report = load_hazards(entry_points=False)
    status = report.get(PLUGIN)
    assert (status.state, status.name, status.name_en, status.version) == (
        "loaded", "地质灾害", "Geological hazard", "1.0.0")
    assert status.hazards == [HAZARD_ID] and registry.owner(HAZARD_ID) == PLUGIN


def test_definition(hazard):
    assert (hazard.name_zh, hazard.name_en, hazard.category) == (
        "地质灾害", "Geological hazard", "自然灾害")
    assert hazard.warning_colours == ("红", "橙", "黄", "蓝")
    assert hazard.supplement_days == 30
    assert "国家突发地质灾害应急预案" in hazard.grading.source
    assert hazard.grading.floor == "一般"  # 小型
    assert hazard.field("geo_type").choices == (
        "滑坡", "崩塌", "泥石流", "地面塌陷", "地裂缝", "地面沉降")
    assert all(f.label_en for f in hazard.fields)


def test_plugin_imports_only_the_public_api():
    for path in (builtin_plugin_dir() / PLUGIN).glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module.split(".")[0] == "commandcentre":
                    assert node.module == "commandcentre.hazards", (path.name, node.module)
            if isinstance(node, ast.Import):
                assert all(a.name.split(".")[0] != "commandcentre" for a in node.names)


# -- fields ---------------------------------------------------------------------------------

def test_fields_normalise_good_values(hazard):
    form = hazard.validate_fields({
        "geo_type": " 泥石流 ", "point_name": "青岩村3组滑坡（编号 H012）",
        "registered_point": "是", "trigger": "降雨", "volume_m3": "１２０００",
        "threatened_people": "３５", "threatened_objects": "村组、乡道",
        "potential_loss_wan": 800, "evacuation_done": "否", "evacuated": 12.0,
        "monitor_person": " 王某 1390875xxxx ", "professional_monitoring": False})
    assert form == {
        "geo_type": "泥石流", "point_name": "青岩村3组滑坡（编号 H012）", "registered_point": True,
        "trigger": "降雨", "volume_m3": 12000.0, "threatened_people": 35,
        "threatened_objects": "村组、乡道", "potential_loss_wan": 800.0, "evacuation_done": False,
        "evacuated": 12, "monitor_person": "王某 1390875xxxx", "professional_monitoring": False}


@pytest.mark.parametrize(("key", "bad", "label"), [
    ("geo_type", "危岩", "灾害类型"), ("geo_type", "不稳定斜坡", "灾害类型"),
    ("trigger", "台风", "可能的引发因素"), ("volume_m3", -1, "灾害体规模"),
    ("volume_m3", 2e10, "灾害体规模"), ("threatened_people", -1, "受威胁人数"),
    ("threatened_people", "三十", "受威胁人数"), ("potential_loss_wan", -0.5, "潜在经济损失"),
    ("evacuated", -2, "已撤离人数"), ("evacuation_done", "也许", "受威胁群众是否已撤离"),
    ("professional_monitoring", "有时", "是否有专业监测设备"),
    ("registered_point", 2, "是否已登记隐患点"),
])
def test_out_of_range_values_are_refused_naming_the_field(hazard, key, bad, label):
    with pytest.raises(ValidationError, match=label):
        hazard.field(key).validate(bad)
    with pytest.raises(ValidationError, match=label):
        hazard.validate_fields({key: bad})


def test_unknown_field_is_refused(hazard):
    with pytest.raises(ValidationError, match="没有这些字段"):
        hazard.validate_fields({"slope_angle": 35})


def test_thirty_threatened_needs_professional_monitoring(hazard):
    """003_f46a6e80e859aec0.txt:338: 威胁30人以上的隐患点实现专业监测设备全覆盖."""
    for key in ("threatened_people", "professional_monitoring"):
        help_text = hazard.field(key).help_zh
        assert "30 人以上" in help_text and "003:338" in help_text, key
    item = next(i for i in hazard.checklist("Ⅳ") if "专业监测" in i.action_zh)
    assert "30 人以上" in item.action_zh and "003:338" in item.action_zh
    assert item.owner_zh == "县自然资源局"


# -- grading --------------------------------------------------------------------------------

@pytest.mark.parametrize(("deaths", "expected"), [
    (0, "一般"), (2, "一般"), (3, "较大"), (9, "较大"), (10, "重大"), (29, "重大"),
    (30, "特别重大"), (100, "特别重大")])
def test_deaths_boundaries(hazard, deaths, expected):
    assert grade(hazard.grading, {"deaths": deaths}).grade == expected


@pytest.mark.parametrize(("loss", "expected"), [
    (0, "一般"), (99.99, "一般"), (100, "较大"), (499.99, "较大"), (500, "重大"),
    (999.99, "重大"), (1000, "特别重大")])  # 万元: 100万、500万、1000万
def test_direct_loss_boundaries(hazard, loss, expected):
    assert grade(hazard.grading, {"direct_loss_wan": loss}).grade == expected


@pytest.mark.parametrize(("people", "expected"), [
    (0, "一般"), (99, "一般"), (100, "较大"), (499, "较大"), (500, "重大"), (999, "重大"),
    (1000, "特别重大")])
def test_threatened_people_boundaries(hazard, people, expected):
    assert grade(hazard.grading, {"threatened_people": people}).grade == expected


@pytest.mark.parametrize(("potential", "expected"), [
    (0, "一般"), (499.99, "一般"), (500, "较大"), (4999.99, "较大"), (5000, "重大"),
    (9999.99, "重大"), (10000, "特别重大")])  # 万元: 500万、5000万、1亿
def test_potential_loss_boundaries(hazard, potential, expected):
    assert grade(hazard.grading, {"potential_loss_wan": potential}).grade == expected


def test_no_figure_is_the_small_floor(hazard):
    result = grade(hazard.grading, {})
    assert result.grade == "一般" and result.floored
    assert "按一般处理" in result.explain(hazard.grading)


def test_threat_and_disaster_figures_join_by_or(hazard):
    form = hazard.validate_fields({"threatened_people": "520", "potential_loss_wan": "600"})
    result = grade(hazard.grading, {**form, "deaths": 1, "direct_loss_wan": 50})
    assert result.grade == "重大" and result.numeral == "Ⅱ"
    assert "受威胁需搬迁转移人数 520人" in result.explain(hazard.grading)


_people = st.none() | st.integers(0, 2000)
_wan = st.none() | st.integers(0, 20000) | st.floats(0, 20000, allow_nan=False)
_KEYS = ("deaths", "direct_loss_wan", "threatened_people", "potential_loss_wan")


def _figures(deaths, loss, threatened, potential) -> dict:
    return dict(zip(_KEYS, (deaths, loss, threatened, potential), strict=True))


@given(_people, _wan, _people, _wan)
def test_table_matches_the_plan_text(deaths, loss, threatened, potential):
    assert grade(_TABLE, _figures(deaths, loss, threatened, potential)).grade == plan_grade(
        deaths or 0, loss or 0, threatened or 0, potential or 0)


@given(_people, _wan, _people, _wan, st.sampled_from(_KEYS), st.floats(0, 20000, allow_nan=False))
def test_raising_any_figure_never_lowers_the_grade(deaths, loss, threatened, potential, key,
                                                   more):
    figures = _figures(deaths, loss, threatened, potential)
    before = grade(_TABLE, figures).grade
    figures[key] = (figures[key] or 0) + more
    assert _rank(grade(_TABLE, figures).grade) >= _rank(before)


# -- checklists -----------------------------------------------------------------------------

def test_every_level_has_a_checklist_with_owners_and_time_limits(hazard):
    for level in LEVELS:
        items = hazard.checklist(level)
        assert items, level
        assert all(i.owner_zh.strip() for i in items), level
        assert any(i.within_minutes for i in items), level
    assert hazard.checklist("Ⅳ")[0].within_minutes == 30


def test_speed_report_limits_of_the_plan(hazard):
    """中、小型 12 小时内, 特大型、大型 4 小时内 (the county 自然资源 department's 速报)."""
    small = [i for i in hazard.checklist("Ⅳ") if "12 小时" in i.action_zh]
    assert [i.within_minutes for i in small] == [720]
    for level in ("Ⅱ", "Ⅰ"):
        large = [i for i in hazard.checklist(level) if "4 小时" in i.action_zh]
        assert [i.within_minutes for i in large] == [240], level
    evacuation = next(i for i in hazard.checklist("Ⅳ") if "撤离路线" in i.action_zh)
    assert "监测人" in evacuation.owner_zh and evacuation.within_minutes == 60


# -- reporting rules ------------------------------------------------------------------------

def test_reporting_rules_parse_with_the_expected_limits(hazard):
    rules = [parse_rule(r) for r in hazard.reporting_rules]
    for grade_name in ("特别重大", "重大", "较大", "一般", None):
        rule = next(r for r in rules if r.applies(grade_name, "自然灾害"))
        assert (rule.first_phone_minutes, rule.first_written_minutes) == (30, 60)
        assert rule.supplement_days == hazard.supplement_days == 30
        times = [t.strftime("%H:%M") for t in rule.at_times]
        assert times == (["09:00"] if grade_name in ("一般", None) else ["08:00", "17:00"])


# -- season ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "inside"), [
    (date(2026, 4, 30), False), (date(2026, 5, 1), True), (date(2026, 8, 14), True),
    (date(2026, 9, 30), True), (date(2026, 10, 1), False), (date(2027, 2, 1), False)])
def test_flood_season_default(hazard, day, inside):
    assert bool(hazard.season_on(day)) == inside


def test_flood_season_is_the_plugins_own_setting(hazard, store):
    (season,) = hazard.seasons
    assert (season.key, season.name_zh, season.setting) == ("flood_season", "汛期", SEASON_SETTING)
    moved = {SEASON_SETTING: {"start": "06-01", "end": "10-15"}}
    assert not hazard.season_on(date(2026, 5, 20), moved)
    assert hazard.season_on(date(2026, 10, 15), moved)
    assert hazard.season_on(date(2026, 5, 20), {"plugin.flood.flood_season": {
        "start": "06-01", "end": "10-15"}})  # the flood plugin's setting does not move it
    store.conn.execute("INSERT INTO setting (id, value_json, updated_at) VALUES (?, ?, ?)",
                       (SEASON_SETTING, json.dumps({"start": "06-01", "end": "10-15"}),
                        "2026-01-01T00:00:00+00:00"))
    registry = load_hazards(store, entry_points=False)[0]
    assert (HAZARD_ID, season) not in registry.seasons_on(date(2026, 5, 20), store)
    assert (HAZARD_ID, season) in registry.seasons_on(date(2026, 10, 15), store)


def test_register_declares_its_season_setting():
    load_hazards(entry_points=False)
    api = HazardApi(PLUGIN)
    sys.modules["cc_plugin_geological"].register(api)
    assert dict(api.settings.defaults) == {"flood_season": {"start": "05-01", "end": "09-30"}}
