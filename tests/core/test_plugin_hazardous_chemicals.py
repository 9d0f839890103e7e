"""The 危险化学品事故 plugin (plugins/hazardous_chemicals), loaded through the real loader: its
form fields, the 493号 第三条 grading table at every boundary, checklists, reporting rules,
(the app going on without it: test_plugin_pack.py)."""

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

PLUGIN_ID = "hazardous_chemicals"

# Loaded once for the property test (hypothesis cannot use function-scoped fixtures).
_REGISTRY, _REPORT = load_plugins(dirs=[builtin_plugin_dir()], entry_points=False)
TABLE = _REGISTRY.get(PLUGIN_ID).grading
DEFS = sys.modules[f"cc_plugin_{PLUGIN_ID}.hazard"]

EXPECTED = EXPECTED_493




@pytest.fixture
def loaded():
    registry, report = load_hazards(entry_points=False)
    return registry.get(PLUGIN_ID), registry, report


def test_loads_through_load_hazards(loaded):
    hazard, registry, report = loaded
    status = report.get(PLUGIN_ID)
    assert (status.state, status.reason, status.hazards) == ("loaded", "", [PLUGIN_ID])
    assert (status.name, status.name_en) == ("危险化学品事故", "Hazardous-chemical accident")
    assert status.source == str(builtin_plugin_dir() / PLUGIN_ID)
    assert registry.owner(PLUGIN_ID) == PLUGIN_ID
    assert (hazard.name_zh, hazard.name_en, hazard.category) == (
        "危险化学品事故", "Hazardous-chemical accident", "事故灾难")
    assert hazard.supplement_days == 30 and hazard.warning_colours == ()
    assert hazard == _REGISTRY.get(PLUGIN_ID)  # the same definition either way
    assert all(f.label_en for f in hazard.fields)


def test_good_form_is_normalised(loaded):
    hazard = loaded[0]
    values = hazard.validate_fields({
        "enterprise": " 某某化工有限公司 ", "major_hazard": "是", "major_hazard_level": "二级",
        "substance": "液氨", "cas_no": "7664-41-7", "quantity_t": "１２.5",
        "release_type": "泄漏", "evacuation_m": "５００", "wind_direction": "西北"})
    assert values == {
        "enterprise": "某某化工有限公司", "major_hazard": True, "major_hazard_level": "二级",
        "substance": "液氨", "cas_no": "7664-41-7", "quantity_t": 12.5,
        "release_type": "泄漏", "evacuation_m": 500, "wind_direction": "西北"}
    assert hazard.validate_fields({}) == {}  # nothing is required at 接报
    assert hazard.field("major_hazard_level").choices == ("一级", "二级", "三级", "四级")
    assert hazard.field("release_type").choices == ("泄漏", "火灾", "爆炸", "中毒")


@pytest.mark.parametrize(("key", "value", "label"), [
    ("quantity_t", -0.1, "涉及数量"),
    ("quantity_t", "十吨", "涉及数量"),
    ("evacuation_m", -1, "疏散距离"),
    ("evacuation_m", "500.5", "疏散距离"),
    ("release_type", "燃烧", "事故类型"),
    ("major_hazard_level", "五级", "重大危险源级别"),
    ("wind_direction", "北北东", "风向"),
    ("major_hazard", "也许", "是否构成重大危险源"),
])
def test_bad_values_are_refused_naming_the_field(loaded, key, value, label):
    with pytest.raises(ValidationError, match=label):
        loaded[0].validate_fields({key: value})


def test_unknown_fields_are_refused(loaded):
    with pytest.raises(ValidationError, match="没有这些字段：toxicity"):
        loaded[0].validate_fields({"toxicity": "高"})


@pytest.mark.parametrize("cas", ["7664-41-7", "7782-50-5", "7732-18-5", "75-44-5",
                                 "6484-52-2", ""])
def test_cas_numbers_with_a_good_check_digit_pass(cas):
    assert DEFS.cas_problem(cas) is None


@pytest.mark.parametrize(("cas", "part"), [
    ("7664-41-8", "校验位"), ("7664418", "格式"), ("液氨", "格式"), ("1-41-7", "格式")])
def test_bad_cas_numbers_are_explained(cas, part):
    problem = DEFS.cas_problem(cas)
    assert problem and part in problem and "CAS 号" in problem


def test_cross_field_problems(loaded):
    """The hazard's form_check (API 1.1) refuses the form, in the plugin's words."""
    hazard = loaded[0]
    with pytest.raises(ValidationError) as err:
        hazard.validate_fields({"major_hazard": "否", "major_hazard_level": "一级",
                                "cas_no": "7664-41-8"})
    problems = str(err.value).split("；")
    assert len(problems) == 2 and "重大危险源级别" in problems[0] and "校验位" in problems[1]
    good = hazard.validate_fields({"major_hazard": True, "major_hazard_level": "一级",
                                   "cas_no": "7664-41-7"})
    assert DEFS.form_problems(good) == []


def test_grading_table_is_regulation_493(loaded):
    table = loaded[0].grading
    assert "国务院令第493号" in table.source and table.floor == "一般"
    assert {c.key: dict(c.thresholds) for c in table.criteria} == EXPECTED
    assert "急性工业中毒" in table.criterion("seriously_injured").label_zh




@pytest.mark.parametrize(("key", "value", "expected"), list(boundary_cases(EXPECTED)))
def test_every_boundary_of_every_criterion(loaded, key, value, expected):
    table = loaded[0].grading
    result = grade(table, {key: value})
    assert result.grade == expected
    assert result.floored == (expected == "一般")  # 一般 is the floor, not a threshold
    assert table.criterion(key).reached(value) == (None if expected == "一般" else expected)


def test_the_highest_criterion_decides(loaded):
    table = loaded[0].grading
    result = grade(table, {"deaths": 2, "seriously_injured": 50, "direct_loss_wan": 1000})
    assert result.grade == "重大" and result.numeral == "Ⅱ"
    assert "重伤（含急性工业中毒） 50人" in result.explain(table)
    assert grade(table, {"deaths": 0}).explain(table) == "未达到较高等级标准，按一般处理。"
    with pytest.raises(ValidationError, match="死亡"):
        grade(table, {"deaths": -1})


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
    assert set(timed) == {60, 120}  # 493号 第九条 1 h, 第十一条 2 h; nothing else is sourced
    assert "第九条" in timed[60].action_zh and timed[60].owner_zh == "事故单位"
    assert "第十一条" in timed[120].action_zh and timed[120].owner_zh == "县应急管理局"
    assert any("疏散距离" in i.action_zh and "警戒" in i.action_zh for i in first)
    assert any("上风向" in i.action_zh for i in first)
    assert any("环境监测" in i.action_zh and i.owner_zh == "县生态环境局" for i in first)
    assert any("现场指挥部" in i.action_zh for i in hazard.checklist("Ⅲ"))
    assert any("国务院工作组" in i.action_zh for i in hazard.checklist("Ⅰ"))


def test_reporting_rules(loaded):
    hazard = loaded[0]
    rules = [parse_rule(r) for r in hazard.reporting_rules]
    for grade_name in (*GRADES, None):
        rule = next(r for r in rules if r.applies(grade_name, "事故灾难"))
        assert (rule.first_phone_minutes, rule.first_written_minutes) == (60, 120)
        assert rule.supplement_days == hazard.supplement_days == 30
    major = next(r for r in rules if r.applies("重大", "事故灾难"))
    assert [t.strftime("%H:%M") for t in major.at_times] == ["08:00", "17:00"]
    assert next(r for r in rules if r.applies("一般", "事故灾难")).every_hours == 24
    assert next(r for r in rules if r.applies(None, "事故灾难")).every_hours == 24
