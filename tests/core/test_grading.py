"""Grading (事件分级): 493号 第三条 and the forest-fire table at every boundary, and properties
that hold for any grading table: grade = the highest level any one criterion reaches, and a
larger figure never lowers the grade."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commandcentre.errors import ValidationError
from commandcentre.hazards import (
    GRADES,
    Criterion,
    GradingTable,
    PluginError,
    builtin_plugin_dir,
    from_numeral,
    grade,
    load_plugins,
    severity,
    to_numeral,
)

# Loaded once through the real loader from the program's plugins/ folder.
_REGISTRY, _REPORT = load_plugins(dirs=[builtin_plugin_dir()], entry_points=False)
PS = _REGISTRY.get("production_safety").grading
FIRE = _REGISTRY.get("forest_fire").grading


def _rank(grade_name: str | None) -> int:
    return severity(grade_name) if grade_name else 0


def reg_493(deaths: float = 0, injured: float = 0, loss_wan: float = 0) -> str:
    """493号 第三条 written out as its four clauses ("以上" includes, "以下" excludes)."""
    if deaths >= 30 or injured >= 100 or loss_wan >= 10000:
        return "特别重大"
    if 10 <= deaths < 30 or 50 <= injured < 100 or 5000 <= loss_wan < 10000:
        return "重大"
    if 3 <= deaths < 10 or 10 <= injured < 50 or 1000 <= loss_wan < 5000:
        return "较大"
    return "一般"  # 3人以下死亡、10人以下重伤、1000万元以下


@pytest.mark.parametrize(("deaths", "expected"), [
    (0, "一般"), (2, "一般"), (3, "较大"), (9, "较大"), (10, "重大"), (29, "重大"),
    (30, "特别重大"), (31, "特别重大")])
def test_493_deaths_boundaries(deaths, expected):
    assert grade(PS, {"deaths": deaths}).grade == expected


@pytest.mark.parametrize(("injured", "expected"), [
    (9, "一般"), (10, "较大"), (49, "较大"), (50, "重大"), (99, "重大"), (100, "特别重大")])
def test_493_serious_injury_boundaries(injured, expected):
    assert grade(PS, {"seriously_injured": injured}).grade == expected


@pytest.mark.parametrize(("loss", "expected"), [
    (999, "一般"), (999.99, "一般"), (1000, "较大"), (4999, "较大"), (5000, "重大"),
    (9999, "重大"), (9999.5, "重大"), (10000, "特别重大")])  # 万元; 10000 万元 = 1 亿元
def test_493_direct_loss_boundaries(loss, expected):
    assert grade(PS, {"direct_loss_wan": loss}).grade == expected


def test_493_examples_from_research_standards():
    # research-standards §1.5: (29 deaths) → Ⅱ, (0, 100 serious) → Ⅰ, (0, 0, 1000万) → Ⅲ
    assert grade(PS, {"deaths": 29}).numeral == "Ⅱ"
    assert grade(PS, {"deaths": 0, "seriously_injured": 100}).numeral == "Ⅰ"
    assert grade(PS, {"deaths": 0, "seriously_injured": 0, "direct_loss_wan": 1000}).numeral == "Ⅲ"


@pytest.mark.parametrize(("hectares", "expected"), [
    (0, "一般"), (0.99, "一般"), (1, "较大"), (99.9, "较大"), (100, "重大"), (999, "重大"),
    (999.99, "重大"), (1000, "特别重大"), (5000, "特别重大")])
def test_forest_fire_area_boundaries(hectares, expected):
    assert grade(FIRE, {"damaged_forest_ha": hectares}).grade == expected


def test_forest_fire_casualties_grade_like_493():
    assert grade(FIRE, {"damaged_forest_ha": 0.5, "deaths": 3}).grade == "较大"
    assert grade(FIRE, {"damaged_forest_ha": 0.5, "seriously_injured": 50}).grade == "重大"
    assert grade(FIRE, {}).grade == "一般"  # 其他林地起火: the floor


_deaths = st.none() | st.integers(0, 200)
_injured = st.none() | st.integers(0, 300)
_loss = st.none() | st.integers(0, 30000) | st.floats(0, 30000, allow_nan=False)


def _figures(deaths, injured, loss) -> dict:
    return {"deaths": deaths, "seriously_injured": injured, "direct_loss_wan": loss}


@given(_deaths, _injured, _loss)
def test_493_matches_the_regulation_text(deaths, injured, loss):
    assert grade(PS, _figures(deaths, injured, loss)).grade == reg_493(
        deaths or 0, injured or 0, loss or 0)


@given(_deaths, _injured, _loss)
def test_grade_is_the_maximum_over_single_criteria(deaths, injured, loss):
    figures = _figures(deaths, injured, loss)
    singles = [grade(PS, {k: v}).grade for k, v in figures.items() if v is not None]
    expected = max(singles, key=_rank) if singles else PS.floor
    assert grade(PS, figures).grade == expected


@given(_deaths, _injured, _loss, st.sampled_from(["deaths", "seriously_injured",
                                                  "direct_loss_wan"]),
       st.integers(0, 20000))
def test_a_larger_figure_never_lowers_the_grade(deaths, injured, loss, key, more):
    figures = _figures(deaths, injured, loss)
    before = grade(PS, figures).grade
    figures[key] = (figures[key] or 0) + more
    assert _rank(grade(PS, figures).grade) >= _rank(before)


@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=4, unique=True),
       st.floats(0, 2e6, allow_nan=False), st.sampled_from(["一般", None]))
def test_any_decreasing_table_grades_by_inclusive_lower_bounds(values, figure, floor):
    thresholds = dict(zip(GRADES, sorted(values, reverse=True), strict=False))
    table = GradingTable((Criterion("x", "指标", "", thresholds),), source="测试", floor=floor)
    reached = [g for g, t in thresholds.items() if figure >= t]
    expected = reached[0] if reached else floor
    result = grade(table, {"x": figure})
    assert result.grade == expected
    assert result.floored == (not reached and floor is not None)


def test_reasons_list_each_figure_most_severe_first():
    result = grade(PS, {"deaths": 4, "seriously_injured": 60, "direct_loss_wan": 10,
                        "missing": 7})
    assert result.grade == "重大"
    assert result.reasons == [("seriously_injured", 60, "重大"), ("deaths", 4, "较大"),
                              ("direct_loss_wan", 10, None)]
    assert "重伤" in result.explain(PS) and "重大" in result.explain(PS)


def test_missing_and_none_figures_are_ignored():
    assert grade(PS, {"deaths": None}).reasons == []
    assert grade(PS, {"deaths": None}).floored


def test_floor_none_leaves_ungraded():
    table = GradingTable((Criterion("cases", "病例", "例", {"较大": 10, "一般": 1}),),
                         source="测试", floor=None)
    assert grade(table, {"cases": 0}).grade is None
    assert grade(table, {}).numeral is None
    assert grade(table, {"cases": 1}).grade == "一般"
    assert "暂不定级" in grade(table, {}).explain(table)


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), True, "3"])
def test_bad_figures_are_refused_with_the_label(bad):
    with pytest.raises(ValidationError, match="死亡"):
        grade(PS, {"deaths": bad})


@pytest.mark.parametrize(("thresholds", "message"), [
    ({"特别重大": 3, "重大": 10}, "随等级降低而减小"),
    ({"特别重大": 10, "重大": 10}, "随等级降低而减小"),
    ({"严重": 10}, "未知的事件等级"),
    ({"重大": -1}, "非负数"),
    ({}, "没有任何等级门槛"),
])
def test_invalid_criteria_are_refused(thresholds, message):
    with pytest.raises(PluginError, match=message):
        Criterion("deaths", "死亡", "人", thresholds)


def test_invalid_tables_are_refused():
    c = Criterion("deaths", "死亡", "人", {"重大": 10, "一般": 1})
    with pytest.raises(PluginError, match="保底等级"):
        GradingTable((c,), source="测试", floor="较大")
    with pytest.raises(PluginError, match="注明依据"):
        GradingTable((c,), source=" ")
    with pytest.raises(PluginError, match="重复"):
        GradingTable((c, c), source="测试")
    with pytest.raises(PluginError, match="至少需要一个"):
        GradingTable((), source="测试")


def test_thresholds_are_read_only_and_in_severity_order():
    c = Criterion("x", "指标", "", {"较大": 1, "特别重大": 100})
    assert list(c.thresholds) == ["特别重大", "较大"]
    with pytest.raises(TypeError):
        c.thresholds["重大"] = 5  # type: ignore[index]


def test_roman_numerals():
    assert [to_numeral(g) for g in GRADES] == ["Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ"]
    assert [from_numeral(n) for n in ("Ⅰ", "II", "Ⅲ级", "iv")] == list(GRADES)
    with pytest.raises(ValidationError):
        from_numeral("Ⅴ")
    with pytest.raises(PluginError):
        to_numeral("特大")
