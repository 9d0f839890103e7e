"""The 城镇火灾 plugin (plugins/urban_fire), loaded through the real loader: its form fields,
the fire-grade table (公安部 2007 火灾等级标准) at every boundary, checklists, the 7-day 补报
window of 493号 第十三条 (the app going on without it: test_plugin_pack.py)."""

from __future__ import annotations

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
from tests.core.casualty_grading import boundary_cases

PLUGIN_ID = "urban_fire"

# Loaded once for the property test (hypothesis cannot use function-scoped fixtures).
_REGISTRY, _REPORT = load_plugins(dirs=[builtin_plugin_dir()], entry_points=False)
TABLE = _REGISTRY.get(PLUGIN_ID).grading

# 《关于调整火灾等级标准的通知》 written out independently of the plugin (most severe first).
EXPECTED = {
    "deaths": {"特别重大": 30, "重大": 10, "较大": 3},
    "seriously_injured": {"特别重大": 100, "重大": 50, "较大": 10},
    "direct_loss_wan": {"特别重大": 10000, "重大": 5000, "较大": 1000},
}


def fire_grade(deaths: float = 0, injured: float = 0, loss_wan: float = 0) -> str:
    """The notice's four clauses ("以上" includes, "以下" excludes)."""
    if deaths >= 30 or injured >= 100 or loss_wan >= 10000:
        return "特别重大"
    if 10 <= deaths < 30 or 50 <= injured < 100 or 5000 <= loss_wan < 10000:
        return "重大"
    if 3 <= deaths < 10 or 10 <= injured < 50 or 1000 <= loss_wan < 5000:
        return "较大"
    return "一般"


@pytest.fixture
def loaded():
    registry, report = load_hazards(entry_points=False)
    return registry.get(PLUGIN_ID), registry, report


def test_loads_through_load_hazards(loaded):
    hazard, registry, report = loaded
    status = report.get(PLUGIN_ID)
    assert (status.state, status.reason, status.hazards) == ("loaded", "", [PLUGIN_ID])
    assert (status.name, status.name_en) == ("城镇火灾", "Urban fire")
    assert registry.owner(PLUGIN_ID) == PLUGIN_ID
    assert (hazard.name_zh, hazard.name_en, hazard.category) == (
        "城镇火灾", "Urban fire", "事故灾难")
    assert hazard.supplement_days == 7  # 493号 第十三条: 火灾事故 7 日内补报
    assert hazard == _REGISTRY.get(PLUGIN_ID)
    assert all(f.label_en for f in hazard.fields)


def test_good_form_is_normalised(loaded):
    hazard = loaded[0]
    values = hazard.validate_fields({
        "building_type": " 九小场所 ", "trapped": "３", "deaths": 0, "injured": "2",
        "seriously_injured": 1.0, "burned_area_m2": "120.5", "fire_stage": "猛烈"})
    assert values == {"building_type": "九小场所", "trapped": 3, "deaths": 0, "injured": 2,
                      "seriously_injured": 1, "burned_area_m2": 120.5, "fire_stage": "猛烈"}
    assert hazard.field("building_type").choices == (
        "高层建筑", "人员密集场所", "九小场所", "三合一场所", "住宅", "厂房仓库", "其他")
    assert hazard.validate_fields({}) == {}


@pytest.mark.parametrize(("key", "value", "label"), [
    ("building_type", "别墅", "建筑（场所）类型"),
    ("trapped", -1, "被困人数"),
    ("trapped", 2.5, "被困人数"),
    ("deaths", "三", "死亡"),
    ("injured", -2, "受伤"),
    ("seriously_injured", -1, "其中重伤"),
    ("burned_area_m2", -0.5, "过火面积"),
    ("burned_area_m2", float("nan"), "过火面积"),
    ("fire_stage", "阴燃", "火灾阶段"),
])
def test_bad_values_are_refused_naming_the_field(loaded, key, value, label):
    with pytest.raises(ValidationError, match=label):
        loaded[0].validate_fields({key: value})


def test_form_figures_grade_like_a_casualty_snapshot(loaded):
    # The casualty keys are the casualty_snapshot columns: the form's first figures grade too.
    hazard = loaded[0]
    values = hazard.validate_fields({"deaths": "3", "seriously_injured": "0"})
    assert grade(hazard.grading, values).grade == "较大"


def test_grading_table_is_the_fire_grade_notice(loaded):
    table = loaded[0].grading
    assert "火灾等级标准" in table.source and "2007" in table.source
    assert table.floor == "一般"
    assert {c.key: dict(c.thresholds) for c in table.criteria} == EXPECTED
    assert table.criterion("direct_loss_wan").label_zh == "直接财产损失"




@pytest.mark.parametrize(("key", "value", "expected"), list(boundary_cases(EXPECTED)))
def test_every_boundary_of_every_criterion(loaded, key, value, expected):
    table = loaded[0].grading
    result = grade(table, {key: value})
    assert result.grade == expected
    assert result.floored == (expected == "一般")
    assert table.criterion(key).reached(value) == (None if expected == "一般" else expected)


def test_the_highest_criterion_decides(loaded):
    table = loaded[0].grading
    result = grade(table, {"deaths": 1, "seriously_injured": 9, "direct_loss_wan": 10000})
    assert result.grade == "特别重大" and result.numeral == "Ⅰ"
    assert "直接财产损失 10000万元" in result.explain(table)


_COUNT = st.integers(min_value=0, max_value=200)
_LOSS = st.floats(min_value=0, max_value=20000, allow_nan=False)


@given(deaths=_COUNT, injured=_COUNT, loss=_LOSS, more=_COUNT, more_loss=_LOSS)
def test_grade_is_monotone_and_matches_the_notice(deaths, injured, loss, more, more_loss):
    low = grade(TABLE, {"deaths": deaths, "seriously_injured": injured, "direct_loss_wan": loss})
    high = grade(TABLE, {"deaths": deaths + more, "seriously_injured": injured + more,
                         "direct_loss_wan": loss + more_loss})
    assert low.grade == fire_grade(deaths, injured, loss)
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
    assert set(timed) == {5, 60, 120}
    assert "5 分钟力量调度圈" in timed[5].action_zh and timed[5].owner_zh == "县消防救援大队"
    assert "第九条" in timed[60].action_zh
    assert "第十一条" in timed[120].action_zh and timed[120].owner_zh == "县应急管理局"
    assert any("被困人员" in i.action_zh for i in first)
    assert any("人员密集场所" in i.action_zh and "疏散" in i.action_zh for i in first)
    assert any("增援" in i.action_zh for i in hazard.checklist("Ⅲ"))
    assert any("国务院工作组" in i.action_zh for i in hazard.checklist("Ⅰ"))


def test_reporting_rules(loaded):
    hazard = loaded[0]
    rules = [parse_rule(r) for r in hazard.reporting_rules]
    for grade_name in (*GRADES, None):
        rule = next(r for r in rules if r.applies(grade_name, "事故灾难"))
        assert (rule.first_phone_minutes, rule.first_written_minutes) == (60, 120)
        assert rule.supplement_days == hazard.supplement_days == 7
    major = next(r for r in rules if r.applies("特别重大", "事故灾难"))
    assert [t.strftime("%H:%M") for t in major.at_times] == ["08:00", "17:00"]
    assert next(r for r in rules if r.applies("较大", "事故灾难")).every_hours == 24
