"""The 防汛抗旱 plugin (plugins/flood): loading, form fields, grading at every boundary and the
county's grading setting, checklists, reporting rules, the 汛期 season, and the app without it."""

from __future__ import annotations

import ast
import json
import logging
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

PLUGIN = "flood"
HAZARD_ID = "flood"
SETTING = "plugin.flood.grading"
SEASON_SETTING = "plugin.flood.flood_season"

# Loaded once from the program's own plugins/ folder (no user folder: fixtures are not active
# at import time), for the property tests that cannot take fixtures.
_TABLE = load_plugins(dirs=[builtin_plugin_dir()], entry_points=False)[0].get(HAZARD_ID).grading


@pytest.fixture
def hazard():
    registry, report = load_hazards(entry_points=False)
    status = report.get(PLUGIN)
    assert status is not None and status.state == "loaded", status
    return registry.get(HAZARD_ID)


def _rank(grade_name: str | None) -> int:
    return severity(grade_name) if grade_name else 0


def _put_setting(store, key, value) -> None:
    store.conn.execute("INSERT INTO setting (id, value_json, updated_at) VALUES (?, ?, ?)",
                       (key, json.dumps(value, ensure_ascii=False), "2026-01-01T00:00:00+00:00"))


# -- loading and definition -----------------------------------------------------------------

def test_plugin_loads_with_its_manifest_and_owns_the_hazard():
    registry, report = load_hazards(entry_points=False)
    status = report.get(PLUGIN)
    assert (status.state, status.name, status.name_en, status.version) == (
        "loaded", "防汛抗旱", "Flood and drought", "1.0.0")
    assert status.hazards == [HAZARD_ID] and registry.owner(HAZARD_ID) == PLUGIN
    assert status.source == str(builtin_plugin_dir() / PLUGIN)


def test_definition(hazard):
    assert (hazard.name_zh, hazard.name_en, hazard.category) == (
        "防汛抗旱", "Flood and drought", "自然灾害")
    assert hazard.warning_colours == ("红", "橙", "黄", "蓝")
    assert hazard.supplement_days == 30
    assert "国务院令第493号" in hazard.grading.source and SETTING in hazard.grading.source
    assert hazard.grading.floor is None  # the plan's Ⅳ级 conditions are not figures
    assert set(hazard.field("sub_type").choices) >= {"洪水", "山洪", "内涝", "干旱"}
    assert all(f.label_en for f in hazard.fields)


def test_plugin_imports_only_the_public_api():
    for path in (builtin_plugin_dir() / PLUGIN).glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                if node.module.split(".")[0] == "commandcentre":
                    assert node.module == "commandcentre.hazards", (path.name, node.module)
            if isinstance(node, ast.Import):
                assert all(a.name.split(".")[0] != "commandcentre" for a in node.names)


# -- fields ---------------------------------------------------------------------------------

def test_fields_normalise_good_values(hazard):
    form = hazard.validate_fields({
        "sub_type": " 山洪 ", "water_body": " 安宁河 ", "water_level_m": "１５０３.２",
        "warning_level_m": 1502, "rainfall_mm": "86.5", "rainfall_hours": "３",
        "inundated_area_km2": 0, "evacuated": 120.0, "reservoir_scale": "小（二）型",
        "return_period_years": "20", "drought_level": "", "drinking_water_short": None})
    assert form == {"sub_type": "山洪", "water_body": "安宁河", "water_level_m": 1503.2,
                    "warning_level_m": 1502.0, "rainfall_mm": 86.5, "rainfall_hours": 3,
                    "inundated_area_km2": 0.0, "evacuated": 120, "reservoir_scale": "小（二）型",
                    "return_period_years": 20.0}
    assert hazard.field("water_level_m").validate(-5) == -5.0  # heights on the station datum


@pytest.mark.parametrize(("key", "bad", "label"), [
    ("rainfall_mm", -0.1, "累计降雨量"), ("rainfall_mm", 5000.1, "累计降雨量"),
    ("rainfall_hours", 0, "降雨历时"), ("rainfall_hours", 721, "降雨历时"),
    ("rainfall_hours", "3.5", "降雨历时"), ("water_level_m", 6000.5, "实时水位"),
    ("water_level_m", -201, "实时水位"), ("warning_level_m", "高", "警戒水位"),
    ("guarantee_level_m", 7000, "保证水位"), ("return_period_years", -1, "洪水重现期"),
    ("return_period_years", 10001, "洪水重现期"), ("inundated_area_km2", -1, "受淹面积"),
    ("inundated_area_km2", 200001, "受淹面积"), ("evacuated", -3, "转移避险人数"),
    ("drinking_water_short", -1, "因旱饮水困难人数"), ("sub_type", "台风", "灾害类型"),
    ("reservoir_scale", "巨型", "水库规模"), ("drought_level", "极旱", "旱情等级"),
])
def test_out_of_range_values_are_refused_naming_the_field(hazard, key, bad, label):
    with pytest.raises(ValidationError, match=label):
        hazard.field(key).validate(bad)
    with pytest.raises(ValidationError, match=label):
        hazard.validate_fields({key: bad})


def test_unknown_field_is_refused(hazard):
    with pytest.raises(ValidationError, match="没有这些字段"):
        hazard.validate_fields({"water_temperature": 12})


# -- grading --------------------------------------------------------------------------------

@pytest.mark.parametrize(("deaths", "expected"), [
    (0, None), (2, None), (3, "较大"), (9, "较大"), (10, "重大"), (29, "重大"),
    (30, "特别重大"), (31, "特别重大")])
def test_deaths_boundaries(hazard, deaths, expected):
    assert grade(hazard.grading, {"deaths": deaths}).grade == expected


@pytest.mark.parametrize(("loss", "expected"), [
    (0, None), (999.99, None), (1000, "较大"), (4999.99, "较大"), (5000, "重大"),
    (9999.99, "重大"), (10000, "特别重大")])  # 万元
def test_direct_loss_boundaries(hazard, loss, expected):
    assert grade(hazard.grading, {"direct_loss_wan": loss}).grade == expected


@pytest.mark.parametrize(("years", "expected"), [
    (0, None), (4.9, None), (5, "较大"), (19.9, "较大"), (20, "重大"), (49.9, "重大"),
    (50, "特别重大"), (100, "特别重大")])
def test_return_period_boundaries(hazard, years, expected):
    assert grade(hazard.grading, {"return_period_years": years}).grade == expected


def test_no_figure_means_ungraded_for_the_leader(hazard):
    result = grade(hazard.grading, {})
    assert result.grade is None and not result.floored
    assert "暂不定级" in result.explain(hazard.grading)
    # a drought form carries no graded figure: the leader grades it
    drought = hazard.validate_fields(
        {"sub_type": "干旱", "drought_level": "严重干旱", "drinking_water_short": 5000})
    assert grade(hazard.grading, drought).grade is None


def test_highest_criterion_decides_and_form_figures_grade(hazard):
    figures = {**hazard.validate_fields({"return_period_years": "25", "water_level_m": 1503}),
               "deaths": 4, "direct_loss_wan": 800}
    result = grade(hazard.grading, figures)
    assert result.grade == "重大" and result.numeral == "Ⅱ"
    assert "洪水重现期 25年" in result.explain(hazard.grading)


def test_county_grading_setting_changes_thresholds(store):
    _put_setting(store, SETTING, {"deaths": {"特别重大": 20, "重大": 5, "较大": 1, "一般": 0},
                                  "return_period_years": None})
    hazard = load_hazards(store, entry_points=False)[0].get(HAZARD_ID)
    assert [c.key for c in hazard.grading.criteria] == ["deaths", "direct_loss_wan"]
    assert grade(hazard.grading, {"deaths": 0}).grade == "一般"
    assert grade(hazard.grading, {"deaths": 1}).grade == "较大"
    assert grade(hazard.grading, {"deaths": 20}).grade == "特别重大"
    assert grade(hazard.grading, {"direct_loss_wan": 5000}).grade == "重大"  # default kept
    assert grade(hazard.grading, {"return_period_years": 60}).grade is None  # criterion gone
    assert "本县已调整" in hazard.grading.source


@pytest.mark.parametrize("value", [
    {"deaths": {"特别重大": 3, "重大": 10}},  # not decreasing
    {"deaths": {"特大": 30}},  # not a grade
    {"deaths": {"特别重大": "30"}},  # not a number
    {"rainfall_mm": {"较大": 100}},  # not a criterion of this table
    {"deaths": None, "direct_loss_wan": None, "return_period_years": None},  # nothing left
    {"deaths": 30},
    "30人",
    [30, 10, 3],
])
def test_unusable_county_setting_keeps_the_plugin_thresholds(store, caplog, value):
    _put_setting(store, SETTING, value)
    with caplog.at_level(logging.WARNING, logger="commandcentre.plugins.flood"):
        registry, report = load_hazards(store, entry_points=False)
    assert report.get(PLUGIN).state == "loaded"
    table = registry.get(HAZARD_ID).grading
    assert [c.key for c in table.criteria] == ["deaths", "direct_loss_wan", "return_period_years"]
    assert grade(table, {"deaths": 10}).grade == "重大"
    assert any(SETTING in r.getMessage() for r in caplog.records
               if r.name == "commandcentre.plugins.flood" and r.levelno == logging.WARNING)


def test_register_declares_its_settings():
    load_hazards(entry_points=False)
    api = HazardApi(PLUGIN)
    sys.modules["cc_plugin_flood"].register(api)
    assert dict(api.settings.defaults) == {
        "flood_season": {"start": "05-01", "end": "09-30"},
        "grading": {"deaths": {"特别重大": 30, "重大": 10, "较大": 3},
                    "direct_loss_wan": {"特别重大": 10000, "重大": 5000, "较大": 1000},
                    "return_period_years": {"特别重大": 50, "重大": 20, "较大": 5}}}
    assert [h.id for h in api._hazards] == [HAZARD_ID]


_figure = st.none() | st.integers(0, 400) | st.floats(0, 20000, allow_nan=False)
_KEYS = ("deaths", "direct_loss_wan", "return_period_years")


@given(st.fixed_dictionaries({k: _figure for k in _KEYS}), st.sampled_from(_KEYS),
       st.floats(0, 20000, allow_nan=False))
def test_raising_any_figure_never_lowers_the_grade(figures, key, more):
    before = grade(_TABLE, figures).grade
    figures[key] = (figures[key] or 0) + more
    assert _rank(grade(_TABLE, figures).grade) >= _rank(before)


@given(st.fixed_dictionaries({k: _figure for k in _KEYS}))
def test_grade_is_the_highest_single_criterion(figures):
    singles = [grade(_TABLE, {k: v}).grade for k, v in figures.items() if v is not None]
    assert _rank(grade(_TABLE, figures).grade) == max(map(_rank, singles), default=0)


# -- checklists -----------------------------------------------------------------------------

def test_every_level_has_a_checklist_with_owners_and_time_limits(hazard):
    for level in LEVELS:
        items = hazard.checklist(level)
        assert items, level
        assert all(i.owner_zh.strip() for i in items), level
        assert any(i.within_minutes for i in items), level


def test_reservoir_three_persons_and_three_links(hazard):
    persons = [i for i in hazard.checklist("Ⅳ") if "三个责任人" in i.action_zh]
    assert len(persons) == 1 and persons[0].within_minutes == 30
    assert all(word in persons[0].action_zh for word in ("行政", "技术", "巡查"))
    links = [i for i in hazard.checklist("Ⅳ") if "三个重点环节" in i.action_zh]
    assert len(links) == 1 and links[0].within_minutes == 60
    assert all(word in links[0].action_zh for word in ("监测预报", "调度运用", "应急预案"))


def test_waterlogging_points_have_task_deadline_and_owner(hazard):
    item = next(i for i in hazard.checklist("Ⅳ") if "易涝点" in i.action_zh)
    assert all(word in item.action_zh for word in ("治理任务", "完成时限", "责任单位", "责任人"))
    assert "移动泵车" in item.action_zh and item.within_minutes == 60
    assert any("下穿式立交" in i.action_zh for i in hazard.checklist("Ⅳ"))
    assert any("紧急防汛期" in i.action_zh for i in hazard.checklist("Ⅱ"))


# -- reporting rules ------------------------------------------------------------------------

def test_reporting_rules_parse_with_the_expected_limits(hazard):
    rules = [parse_rule(r) for r in hazard.reporting_rules]
    for grade_name in ("特别重大", "重大", "较大", "一般", None):
        rule = next(r for r in rules if r.applies(grade_name, "自然灾害"))
        assert (rule.first_phone_minutes, rule.first_written_minutes) == (30, 60)
        assert (rule.supplement_days, rule.final_hours_after_close) == (30, 24)
        times = [t.strftime("%H:%M") for t in rule.at_times]
        assert times == (["09:00"] if grade_name in ("一般", None) else ["08:00", "17:00"])
    assert not any(r.applies("重大", "事故灾难") for r in rules)


# -- season ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "inside"), [
    (date(2026, 4, 30), False), (date(2026, 5, 1), True), (date(2026, 7, 15), True),
    (date(2026, 9, 30), True), (date(2026, 10, 1), False), (date(2026, 1, 1), False)])
def test_flood_season_default(hazard, day, inside):
    assert bool(hazard.season_on(day)) == inside
    if inside:
        assert [s.name_zh for s in hazard.season_on(day)] == ["汛期"]


def test_flood_season_follows_the_county_setting(hazard, store):
    (season,) = hazard.seasons
    assert season.setting == SEASON_SETTING
    moved = {SEASON_SETTING: {"start": "04-01", "end": "10-31"}}
    assert hazard.season_on(date(2026, 4, 15), moved)
    assert hazard.season_on(date(2026, 10, 31), moved)
    assert not hazard.season_on(date(2026, 11, 1), moved)
    assert hazard.season_on(date(2026, 5, 1), {SEASON_SETTING: "garbage"})  # default kept
    _put_setting(store, SEASON_SETTING, {"start": "06-01", "end": "08-31"})
    registry = load_hazards(store, entry_points=False)[0]
    assert (HAZARD_ID, season) not in registry.seasons_on(date(2026, 5, 15), store)
    assert (HAZARD_ID, season) in registry.seasons_on(date(2026, 5, 15))
    assert (HAZARD_ID, season) in registry.seasons_on(date(2026, 8, 31), store)
