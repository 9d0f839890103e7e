"""The 道路交通事故 plugin (plugins/road_traffic), loaded through the real loader: its form
fields (两客一危一货 flags, 桩号), the 493号 第三条 grading table at every boundary, checklists,
the 7-day 补报 window of 第十三条 (the app going on without it: test_plugin_pack.py)."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commandcentre.errors import ValidationError
from commandcentre.hazards import (
    GRADES,
    LEVELS,
    builtin_plugin_dir,
    grade,
    load_hazards,
    load_plugins,
    severity,
)
from commandcentre.reporting.rules import parse_rule
from tests.core.casualty_grading import EXPECTED_493, boundary_cases, reg_493

PLUGIN_ID = "road_traffic"

# Loaded once for the property test (hypothesis cannot use function-scoped fixtures).
_REGISTRY, _REPORT = load_plugins(dirs=[builtin_plugin_dir()], entry_points=False)
TABLE = _REGISTRY.get(PLUGIN_ID).grading
DEFS = sys.modules[f"cc_plugin_{PLUGIN_ID}.hazard"]

EXPECTED = EXPECTED_493
FLAGS = {"tour_coach": "旅游包车", "scheduled_coach": "三类以上班线客车",
         "hazmat_vehicle": "危险化学品运输车", "heavy_truck": "重型载货汽车", "school_bus": "校车"}




@pytest.fixture
def loaded():
    registry, report = load_hazards(entry_points=False)
    return registry.get(PLUGIN_ID), registry, report


def test_loads_through_load_hazards(loaded):
    hazard, registry, report = loaded
    status = report.get(PLUGIN_ID)
    assert (status.state, status.reason, status.hazards) == ("loaded", "", [PLUGIN_ID])
    assert (status.name, status.name_en) == ("道路交通事故", "Road traffic accident")
    assert registry.owner(PLUGIN_ID) == PLUGIN_ID
    assert (hazard.name_zh, hazard.name_en, hazard.category) == (
        "道路交通事故", "Road traffic accident", "事故灾难")
    assert hazard.supplement_days == 7  # 493号 第十三条: 道路交通事故 7 日内补报
    assert hazard == _REGISTRY.get(PLUGIN_ID)
    assert all(f.label_en for f in hazard.fields)


def test_good_form_is_normalised(loaded):
    hazard = loaded[0]
    values = hazard.validate_fields({
        "vehicles": " 川W12345 大型客车；川W6789挂 罐车 ", "tour_coach": "是",
        "hazmat_vehicle": True, "heavy_truck": "否", "deaths": "２", "injured": 11,
        "seriously_injured": "4", "road_name": "G108 国道", "km_post": "K123+400",
        "hazmat_leak": "有"})
    assert values == {
        "vehicles": "川W12345 大型客车；川W6789挂 罐车", "tour_coach": True,
        "hazmat_vehicle": True, "heavy_truck": False, "deaths": 2, "injured": 11,
        "seriously_injured": 4, "road_name": "G108 国道", "km_post": "K123+400",
        "hazmat_leak": True}
    assert DEFS.key_vehicles(values) == ["旅游包车", "危险化学品运输车"]
    assert DEFS.form_problems(values) == []
    assert hazard.validate_fields({}) == {}


def test_vehicle_kinds_are_flags(loaded):
    hazard = loaded[0]
    assert dict(DEFS.KEY_VEHICLES) == FLAGS  # 两客一危一货 + 校车
    for key, label in FLAGS.items():
        field = hazard.field(key)
        assert (field.type, field.label_zh) == ("bool", label) and field.label_en
    everything = hazard.validate_fields(dict.fromkeys(FLAGS, "是"))
    assert DEFS.key_vehicles(everything) == list(FLAGS.values())


@pytest.mark.parametrize(("key", "value", "label"), [
    ("deaths", -1, "死亡"),
    ("deaths", "两人", "死亡"),
    ("injured", 1.5, "受伤"),
    ("seriously_injured", -3, "其中重伤"),
    ("tour_coach", "可能", "旅游包车"),
    ("scheduled_coach", 2, "三类以上班线客车"),
    ("hazmat_leak", "不详", "危险货物泄漏"),
    ("road_name", 108, "道路名称"),
])
def test_bad_values_are_refused_naming_the_field(loaded, key, value, label):
    with pytest.raises(ValidationError, match=label):
        loaded[0].validate_fields({key: value})


@pytest.mark.parametrize(("post", "ok"), [
    ("K123+400", True), ("k5+20", True), ("K0", True), ("", True),
    ("123+400", False), ("K123-400", False), ("第123公里", False), ("K12+4000", False)])
def test_kilometre_posts(post, ok):
    assert (DEFS.km_post_problem(post) is None) == ok


def test_cross_field_problems(loaded):
    """The hazard's form_check (API 1.1) refuses the form, in the plugin's words."""
    hazard = loaded[0]
    with pytest.raises(ValidationError) as err:
        hazard.validate_fields({"hazmat_leak": True, "hazmat_vehicle": False, "km_post": "123"})
    problems = str(err.value).split("；")
    assert len(problems) == 2 and "危险货物泄漏" in problems[0] and "桩号" in problems[1]
    assert hazard.validate_fields({"hazmat_leak": True, "hazmat_vehicle": True,
                                   "km_post": "K123+400"})["km_post"] == "K123+400"


def test_grading_table_is_regulation_493(loaded):
    table = loaded[0].grading
    assert "国务院令第493号" in table.source and table.floor == "一般"
    assert {c.key: dict(c.thresholds) for c in table.criteria} == EXPECTED




@pytest.mark.parametrize(("key", "value", "expected"), list(boundary_cases(EXPECTED)))
def test_every_boundary_of_every_criterion(loaded, key, value, expected):
    table = loaded[0].grading
    result = grade(table, {key: value})
    assert result.grade == expected
    assert result.floored == (expected == "一般")
    assert table.criterion(key).reached(value) == (None if expected == "一般" else expected)


def test_form_figures_grade_like_a_casualty_snapshot(loaded):
    hazard = loaded[0]
    values = hazard.validate_fields({"deaths": "10", "injured": "40", "seriously_injured": "9"})
    result = grade(hazard.grading, values)
    assert result.grade == "重大" and "死亡 10人" in result.explain(hazard.grading)


_COUNT = st.integers(min_value=0, max_value=200)
_LOSS = st.floats(min_value=0, max_value=20000, allow_nan=False)


@given(deaths=_COUNT, injured=_COUNT, loss=_LOSS, more=_COUNT, more_loss=_LOSS)
def test_grade_is_monotone_and_matches_the_regulation(deaths, injured, loss, more, more_loss):
    low = grade(TABLE, {"deaths": deaths, "seriously_injured": injured, "direct_loss_wan": loss})
    high = grade(TABLE, {"deaths": deaths + more, "seriously_injured": injured + more,
                         "direct_loss_wan": loss + more_loss})
    assert low.grade == reg_493(deaths, injured, loss)
    assert severity(high.grade) >= severity(low.grade)


def test_checklists_for_every_level(loaded):
    hazard = loaded[0]
    for level in LEVELS:
        items = hazard.checklist(level)
        assert items, level
        assert all(i.owner_zh.strip() and i.level == level for i in items)
        assert all(i.within_minutes is None or i.within_minutes > 0 for i in items)
    first = hazard.checklist("Ⅳ")
    timed = {i.within_minutes: i for i in first if i.within_minutes}
    assert set(timed) == {60, 120}
    assert "第九条" in timed[60].action_zh and timed[60].owner_zh == "运输企业"
    assert "第十一条" in timed[120].action_zh and timed[120].owner_zh == "县应急管理局"
    assert any("两客一危一货" in i.action_zh for i in first)
    assert any("二次事故" in i.action_zh and "交警" in i.owner_zh for i in first)
    assert any("危险货物泄漏" in i.action_zh and "生态环境局" in i.owner_zh for i in first)
    assert any("卫星定位" in i.action_zh for i in first)
    assert any("乘客名单" in i.action_zh for i in hazard.checklist("Ⅲ"))
    assert any("国务院工作组" in i.action_zh for i in hazard.checklist("Ⅰ"))


def test_reporting_rules(loaded):
    hazard = loaded[0]
    rules = [parse_rule(r) for r in hazard.reporting_rules]
    for grade_name in (*GRADES, None):
        rule = next(r for r in rules if r.applies(grade_name, "事故灾难"))
        assert (rule.first_phone_minutes, rule.first_written_minutes) == (60, 120)
        assert rule.supplement_days == hazard.supplement_days == 7
    major = next(r for r in rules if r.applies("重大", "事故灾难"))
    assert [t.strftime("%H:%M") for t in major.at_times] == ["08:00", "17:00"]
    assert next(r for r in rules if r.applies(None, "事故灾难")).every_hours == 24
