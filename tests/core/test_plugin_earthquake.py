"""The 地震 plugin (plugins/earthquake): loading, the 三要素 quick report and intensity fields,
grading by 《国家地震应急预案》（2012）at every boundary, infrastructure status, checklists,
reporting rules (first report within minutes), no season or warning colours, and the app
without it."""

from __future__ import annotations

import ast
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commandcentre.errors import ValidationError
from commandcentre.hazards import (
    LEVELS,
    builtin_plugin_dir,
    grade,
    load_hazards,
    load_plugins,
    severity,
)
from commandcentre.reporting.rules import parse_rule

PLUGIN = HAZARD_ID = "earthquake"
INFRASTRUCTURE = ("water_status", "power_status", "gas_status", "oil_status", "road_status",
                  "comms_status")

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


def plan_grade(deaths=0, magnitude=0.0, loss_gdp_percent=0.0) -> str | None:
    """《国家地震应急预案》3.1 as clauses: deaths, and the 人口较密集地区 magnitude 初判."""
    if deaths >= 300 or loss_gdp_percent >= 1 or magnitude >= 7.0:
        return "特别重大"
    if 50 <= deaths < 300 or 6.0 <= magnitude < 7.0:
        return "重大"
    if 10 <= deaths < 50 or 5.0 <= magnitude < 6.0:
        return "较大"
    if 1 <= deaths < 10 or 4.0 <= magnitude < 5.0:
        return "一般"
    return None  # no 地震灾害 shown by the figures: the leader decides


# -- loading and definition -----------------------------------------------------------------

def test_plugin_loads_with_its_manifest_and_owns_the_hazard():
    registry, report = load_hazards(entry_points=False)
    status = report.get(PLUGIN)
    assert (status.state, status.name, status.name_en, status.version) == (
        "loaded", "地震", "Earthquake", "1.0.0")
    assert status.hazards == [HAZARD_ID] and registry.owner(HAZARD_ID) == PLUGIN


def test_definition_has_no_warning_colours_and_no_season(hazard):
    assert (hazard.name_zh, hazard.name_en, hazard.category) == ("地震", "Earthquake", "自然灾害")
    assert hazard.warning_colours == () and hazard.seasons == ()
    assert all(not hazard.season_on(date(2026, m, 1)) for m in range(1, 13))
    assert "2012" in hazard.grading.source and "人口较密集地区" in hazard.grading.source
    assert hazard.grading.floor is None
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

def test_quick_report_fields_normalise(hazard):
    beijing = timezone(timedelta(hours=8))
    form = hazard.validate_fields({
        "origin_time": "2026-05-12T14:28:04+08:00", "epicentre": " 某县某镇附近 ",
        "magnitude": "６.８", "depth_km": "１４", "intensity": "９", "epicentre_lat": 28.1,
        "epicentre_lon": "102.3", "epicentre_area": "人口较密集地区",
        "affected_townships": "甲镇、乙乡", "collapsed_houses": 30.0, "loss_gdp_percent": "0.4",
        "water_status": "部分中断", "power_status": "中断", "gas_status": "正常",
        "oil_status": "未知", "road_status": " 中断 ", "comms_status": "部分中断"})
    assert form["origin_time"] == hazard.field("origin_time").validate(
        datetime(2026, 5, 12, 14, 28, 4, tzinfo=beijing))
    assert form["origin_time"].startswith("2026-05-12T06:28:04")  # stored in UTC
    assert (form["magnitude"], form["depth_km"], form["intensity"]) == (6.8, 14.0, 9)
    assert (form["epicentre"], form["road_status"]) == ("某县某镇附近", "中断")
    assert (form["epicentre_lon"], form["collapsed_houses"]) == (102.3, 30)


def test_three_elements_and_infrastructure_fields_exist(hazard):
    assert {"origin_time", "epicentre", "magnitude", "intensity", "depth_km",
            "affected_townships"} <= {f.key for f in hazard.fields}
    assert hazard.field("origin_time").type == "datetime"
    for key in INFRASTRUCTURE:
        assert set(hazard.field(key).choices) == {"正常", "中断", "部分中断", "未知"}, key
    help_text = hazard.field("magnitude").help_zh
    assert "人口较密集地区" in help_text and "人口密集地区" in help_text and "人工" in help_text


@pytest.mark.parametrize(("key", "bad", "label"), [
    ("magnitude", -0.1, "震级"), ("magnitude", 10.1, "震级"), ("magnitude", "M6.8", "震级"),
    ("intensity", 0, "震中烈度"), ("intensity", 13, "震中烈度"),
    ("intensity", "Ⅷ", "震中烈度"),  # Roman numerals are not parsed: the help says type 8
    ("intensity", 7.5, "震中烈度"), ("depth_km", -1, "震源深度"), ("depth_km", 701, "震源深度"),
    ("epicentre_lat", 90.5, "震中纬度"), ("epicentre_lon", -181, "震中经度"),
    ("loss_gdp_percent", 101, "直接经济损失占上年全省GDP"), ("collapsed_houses", -1, "倒塌房屋"),
    ("origin_time", "2026-05-12 14:28", "发震时刻"), ("origin_time", "昨天", "发震时刻"),
    ("epicentre_area", "城区", "震中区域人口分布"), ("power_status", "停电", "供电状况"),
    ("comms_status", "好", "通信状况"), ("road_status", "", None),
])
def test_out_of_range_values_are_refused_naming_the_field(hazard, key, bad, label):
    if label is None:  # empty is simply "not yet known"
        assert hazard.field(key).validate(bad) is None
        return
    with pytest.raises(ValidationError, match=label):
        hazard.field(key).validate(bad)
    with pytest.raises(ValidationError, match=label):
        hazard.validate_fields({key: bad})


def test_intensity_takes_arabic_numbers_for_roman_degrees(hazard):
    field = hazard.field("intensity")
    assert [field.validate(v) for v in (1, "８", 12.0)] == [1, 8, 12]
    assert "Ⅷ 度填 8" in field.help_zh


# -- grading --------------------------------------------------------------------------------

@pytest.mark.parametrize(("deaths", "expected"), [
    (0, None), (1, "一般"), (9, "一般"), (10, "较大"), (49, "较大"), (50, "重大"),
    (299, "重大"), (300, "特别重大"), (1000, "特别重大")])
def test_deaths_boundaries(hazard, deaths, expected):
    assert grade(hazard.grading, {"deaths": deaths}).grade == expected


@pytest.mark.parametrize(("magnitude", "expected"), [
    (0, None), (3.9, None), (3.99, None), (4.0, "一般"), (4.9, "一般"), (4.99, "一般"),
    (5.0, "较大"), (5.9, "较大"), (6.0, "重大"), (6.9, "重大"), (6.99, "重大"),
    (7.0, "特别重大"), (8.0, "特别重大")])
def test_magnitude_boundaries_for_a_fairly_populated_area(hazard, magnitude, expected):
    assert grade(hazard.grading, {"magnitude": magnitude}).grade == expected


@pytest.mark.parametrize(("percent", "expected"), [
    (0, None), (0.99, None), (1.0, "特别重大"), (3, "特别重大")])
def test_gdp_loss_boundary(hazard, percent, expected):
    assert grade(hazard.grading, {"loss_gdp_percent": percent}).grade == expected


def test_no_figure_is_left_ungraded(hazard):
    result = grade(hazard.grading, {})
    assert result.grade is None and not result.floored


def test_form_and_snapshot_grade_together(hazard):
    form = hazard.validate_fields({"magnitude": "5.2", "intensity": 7, "water_status": "中断"})
    assert grade(hazard.grading, form).grade == "较大"
    result = grade(hazard.grading, {**form, "deaths": 60, "missing": 20})  # missing not counted
    assert result.grade == "重大"
    assert "死亡 60人" in result.explain(hazard.grading)


_deaths = st.none() | st.integers(0, 600)
_magnitude = st.none() | st.floats(0, 9.5, allow_nan=False)
_percent = st.none() | st.floats(0, 5, allow_nan=False)


@given(_deaths, _magnitude, _percent)
def test_table_matches_the_plan_text(deaths, magnitude, percent):
    figures = {"deaths": deaths, "magnitude": magnitude, "loss_gdp_percent": percent}
    assert grade(_TABLE, figures).grade == plan_grade(deaths or 0, magnitude or 0, percent or 0)


@given(_deaths, _magnitude, _percent, st.sampled_from(["deaths", "magnitude", "loss_gdp_percent"]),
       st.floats(0, 500, allow_nan=False))
def test_raising_any_figure_never_lowers_the_grade(deaths, magnitude, percent, key, more):
    figures = {"deaths": deaths, "magnitude": magnitude, "loss_gdp_percent": percent}
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


def test_first_report_within_minutes(hazard):
    first, phone = hazard.checklist("Ⅳ")[:2]
    assert "三要素" in first.action_zh and first.within_minutes == 10
    assert "电话报告" in phone.action_zh and phone.within_minutes == 15
    regrade = next(i for i in hazard.checklist("Ⅳ") if "人口密集地区" in i.action_zh)
    assert "改判" in regrade.action_zh and regrade.within_minutes == 30
    infrastructure = next(i for i in hazard.checklist("Ⅳ") if "基础设施" in i.action_zh)
    assert all(w in infrastructure.action_zh for w in ("水", "电", "气", "油", "路", "通信"))
    assert any("区域救援行动方案" in i.action_zh for i in hazard.checklist("Ⅱ"))


# -- reporting rules ------------------------------------------------------------------------

@pytest.mark.parametrize(("grade_name", "written", "times"), [
    ("特别重大", 35, ["08:00", "17:00"]), ("重大", 35, ["08:00", "17:00"]),
    ("较大", 60, ["08:00", "17:00"]), ("一般", 60, ["09:00"]), (None, 60, ["09:00"])])
def test_reporting_rules_parse_with_the_expected_limits(hazard, grade_name, written, times):
    rules = [parse_rule(r) for r in hazard.reporting_rules]
    rule = next(r for r in rules if r.applies(grade_name, "自然灾害"))
    assert (rule.first_phone_minutes, rule.first_written_minutes) == (15, written)
    assert [t.strftime("%H:%M") for t in rule.at_times] == times
    assert rule.supplement_days == hazard.supplement_days == 30
