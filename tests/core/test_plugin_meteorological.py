"""The 气象灾害 plugin (plugins/meteorological), loaded through the real loader: the colour table
of the 14 warning signals of 中国气象局令第16号, the form, no numeric grading, checklists,
reporting rules, the county's 补报 setting (the app going on without it: test_plugin_pack.py)."""

from __future__ import annotations

import json
import logging
import sys
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commandcentre.errors import ValidationError
from commandcentre.hazards import (
    GRADES,
    LEVELS,
    WARNING_COLOURS,
    builtin_plugin_dir,
    load_hazards,
    load_plugins,
)
from commandcentre.reporting.rules import parse_rule

PLUGIN_ID = "meteorological"

_REGISTRY, _REPORT = load_plugins(dirs=[builtin_plugin_dir()], entry_points=False)
DEFS = sys.modules[f"cc_plugin_{PLUGIN_ID}.hazard"]

# The annex of 第16号令 (霾 with the 2013 red level), written out independently of the plugin.
EXPECTED_COLOURS = {
    "台风": "蓝黄橙红", "暴雨": "蓝黄橙红", "暴雪": "蓝黄橙红", "寒潮": "蓝黄橙红",
    "大风": "蓝黄橙红", "沙尘暴": "黄橙红", "高温": "黄橙红", "干旱": "橙红", "雷电": "黄橙红",
    "冰雹": "橙红", "霜冻": "蓝黄橙", "大雾": "黄橙红", "霾": "黄橙红", "道路结冰": "黄橙红",
}
ASCENDING = ("蓝", "黄", "橙", "红")  # Ⅳ 一般 < Ⅲ 较重 < Ⅱ 严重 < Ⅰ 特别严重
RESERVED = {"id", "township", "township_id", "created_at", "updated_at"}


@pytest.fixture
def loaded():
    registry, report = load_hazards(entry_points=False)
    return registry.get(PLUGIN_ID), registry, report


def _set(store, name, value):
    store.conn.execute("INSERT INTO setting (id, value_json, updated_at) VALUES (?, ?, ?)",
                       (f"plugin.{PLUGIN_ID}.{name}", json.dumps(value), "2026-01-01"))


def test_loads_through_load_hazards(loaded):
    hazard, registry, report = loaded
    status = report.get(PLUGIN_ID)
    assert (status.state, status.reason, status.hazards) == ("loaded", "", [PLUGIN_ID])
    assert (status.name, status.name_en) == ("气象灾害", "Meteorological disaster")
    assert registry.owner(PLUGIN_ID) == PLUGIN_ID
    assert (hazard.name_zh, hazard.name_en, hazard.category) == (
        "气象灾害", "Meteorological disaster", "自然灾害")
    assert hazard == _REGISTRY.get(PLUGIN_ID)
    assert all(f.label_en for f in hazard.fields)
    assert [h.id for h in registry.by_category()["自然灾害"]].count(PLUGIN_ID) == 1


# -- the colour table ----------------------------------------------------------------------

def test_colour_table_is_the_annex():
    table = DEFS.SIGNAL_COLOURS
    assert list(table) == list(EXPECTED_COLOURS)  # the 14 types, in 第三条's order
    assert {k: "".join(v) for k, v in table.items()} == EXPECTED_COLOURS
    assert set(DEFS.SIGNAL_EN) == set(table) and all(DEFS.SIGNAL_EN.values())
    with pytest.raises(TypeError):
        table["雷电"] = ("红",)  # read-only data


@pytest.mark.parametrize("signal", list(EXPECTED_COLOURS))
def test_every_signal_has_valid_colours_in_ascending_order(signal):
    colours = DEFS.SIGNAL_COLOURS[signal]
    assert colours and all(c in WARNING_COLOURS for c in colours)
    ranks = [ASCENDING.index(c) for c in colours]
    assert ranks == sorted(set(ranks))  # strictly 蓝 < 黄 < 橙 < 红, no repeats
    assert ranks == list(range(ranks[0], ranks[-1] + 1))  # no level skipped inside a signal


def test_colour_order_and_the_hazard_colours():
    assert DEFS.COLOUR_ORDER == ASCENDING == tuple(reversed(WARNING_COLOURS))
    hazard = _REGISTRY.get(PLUGIN_ID)
    used = {c for cs in DEFS.SIGNAL_COLOURS.values() for c in cs}
    assert hazard.warning_colours == tuple(c for c in WARNING_COLOURS if c in used)
    assert hazard.warning_colours == ("红", "橙", "黄", "蓝")
    assert hazard.field("signal_type").choices == tuple(DEFS.SIGNAL_COLOURS)
    assert hazard.field("signal_colour").choices == ASCENDING
    assert set(DEFS.COLOUR_EN) == set(ASCENDING)


@given(st.sampled_from(list(EXPECTED_COLOURS)), st.sampled_from(ASCENDING))
def test_signal_problem_accepts_exactly_the_table(signal, colour):
    problem = DEFS.signal_problem(signal, colour)
    assert (problem is None) == (colour in EXPECTED_COLOURS[signal])
    if problem:
        assert signal in problem and f"没有{colour}色" in problem


def test_signal_problem_messages():
    assert DEFS.signal_problem("冰雹", "黄") == "冰雹预警信号没有黄色（只有橙色、红色）"
    assert "蓝色、黄色、橙色" in DEFS.signal_problem("霜冻", "红")
    assert "预警信号类型" in DEFS.signal_problem("雷雨大风", "黄")
    assert DEFS.signal_problem(None, "红") is None and DEFS.signal_problem("雷电", "") is None


# -- the form ------------------------------------------------------------------------------

def test_good_form_is_normalised(loaded):
    hazard = loaded[0]
    issued = datetime(2026, 7, 1, 14, 30, tzinfo=timezone(timedelta(hours=8)))
    values = hazard.validate_fields({
        "signal_type": "暴雨", "signal_colour": " 橙 ", "issuing_unit": " 某某县气象台 ",
        "issued_at": "2026-07-01T14:30+08:00", "affected_townships": "城关镇、河西乡",
        "rain_total_mm": "１２０.５", "rain_max_hourly_mm": 52, "wind_force": "６",
        "gust_force": 8.0, "max_wind_speed_ms": "20.8"})
    assert values == {
        "signal_type": "暴雨", "signal_colour": "橙", "issuing_unit": "某某县气象台",
        "issued_at": "2026-07-01T06:30:00.000000+00:00", "affected_townships": "城关镇、河西乡",
        "rain_total_mm": 120.5, "rain_max_hourly_mm": 52.0, "wind_force": 6, "gust_force": 8,
        "max_wind_speed_ms": 20.8}
    assert hazard.field("issued_at").validate(issued) == values["issued_at"]
    assert DEFS.signal_problem(values["signal_type"], values["signal_colour"]) is None
    assert hazard.validate_fields({}) == {}


@pytest.mark.parametrize(("key", "value", "label"), [
    ("signal_type", "雷雨大风", "预警信号类型"),
    ("signal_colour", "紫", "预警颜色"),
    ("signal_colour", "红色", "预警颜色"),
    ("issued_at", "2026-07-01T14:30", "发布时间"),
    ("issued_at", "昨天下午", "发布时间"),
    ("rain_total_mm", -1, "过程累计雨量"),
    ("rain_max_hourly_mm", "很大", "最大小时雨量"),
    ("wind_force", 18, "平均风力"),
    ("wind_force", -1, "平均风力"),
    ("gust_force", 12.5, "阵风风力"),
    ("max_wind_speed_ms", float("inf"), "极大风速"),
    ("affected_townships", ["城关镇"], "影响乡镇"),
])
def test_bad_values_are_refused_naming_the_field(loaded, key, value, label):
    with pytest.raises(ValidationError, match=label):
        loaded[0].validate_fields({key: value})


def test_township_warning_register_shape():
    fields = DEFS.TOWNSHIP_WARNING_FIELDS
    keys = [f.key for f in fields]
    assert len(set(keys)) == len(keys) and not set(keys) & RESERVED
    assert {f.key for f in fields if f.required} == {"signal_type", "signal_colour", "issued_at"}
    by_key = {f.key: f for f in fields}
    assert by_key["signal_type"].choices == tuple(DEFS.SIGNAL_COLOURS)
    assert by_key["signal_colour"].choices == ASCENDING
    assert by_key["received_at"].validate("2026-07-01T15:00+08:00").endswith("+00:00")
    with pytest.raises(ValidationError, match="必填"):
        by_key["issued_at"].validate("")


# -- grading, checklists, reporting --------------------------------------------------------

def test_no_numeric_grading(loaded):
    assert loaded[0].grading is None  # the sources give no table: the duty leader grades


def test_checklists_for_every_level(loaded):
    hazard = loaded[0]
    for level in LEVELS:
        items = hazard.checklist(level)
        assert items, level
        assert all(i.owner_zh.strip() and i.level == level for i in items)
        relief = [i for i in items if i.within_minutes]
        # The one sourced time limit: 受灾人员基本生活得到有效救助 within 10 h (seed 004:95-98).
        assert [(i.within_minutes, "10 小时" in i.action_zh) for i in relief] == [(600, True)]
    first = hazard.checklist("Ⅳ")
    assert any("即收即办" in i.action_zh and i.owner_zh == "县应急管理局值班室" for i in first)
    assert any("传达到受影响乡镇" in i.action_zh for i in first)
    assert any("道路结冰" in i.action_zh and "交警" in i.owner_zh for i in first)
    assert any("人工影响天气" in i.action_zh and i.owner_zh == "县气象局" for i in first)
    assert any("转移安置点气象服务" in i.action_zh for i in first)
    assert any("会商研判" in i.action_zh for i in hazard.checklist("Ⅲ"))
    assert any("停课" in i.action_zh for i in hazard.checklist("Ⅱ"))


def test_reporting_rules(loaded):
    hazard = loaded[0]
    rules = [parse_rule(r) for r in hazard.reporting_rules]
    for grade_name in (*GRADES, None):
        rule = next(r for r in rules if r.applies(grade_name, "自然灾害"))
        assert (rule.first_phone_minutes, rule.first_written_minutes) == (30, 60)
        assert rule.supplement_days == hazard.supplement_days == 30
        assert rule.final_hours_after_close == 24
    for grade_name in ("特别重大", "重大", "较大"):
        rule = next(r for r in rules if r.applies(grade_name, "自然灾害"))
        assert [t.strftime("%H:%M") for t in rule.at_times] == ["08:00", "17:00"]
    for grade_name in ("一般", None):
        rule = next(r for r in rules if r.applies(grade_name, "自然灾害"))
        assert [t.strftime("%H:%M") for t in rule.at_times] == ["09:00"]
    assert not any(r.applies("一般", "事故灾难") for r in rules)


def test_county_supplement_setting(store):
    _set(store, "supplement_days", 15)
    registry, report = load_hazards(store, entry_points=False)
    hazard = registry.get(PLUGIN_ID)
    assert report.get(PLUGIN_ID).state == "loaded"
    assert hazard.supplement_days == 15
    assert {parse_rule(r).supplement_days for r in hazard.reporting_rules} == {15}


@pytest.mark.parametrize("bad", ["十五", 0, -3, 1.5, True, None, {"days": 15}])
def test_unusable_supplement_setting_keeps_the_default(store, caplog, bad):
    _set(store, "supplement_days", bad)
    with caplog.at_level(logging.WARNING, logger="commandcentre.plugins"):
        registry, report = load_hazards(store, entry_points=False)
    assert report.get(PLUGIN_ID).state == "loaded"
    assert registry.get(PLUGIN_ID).supplement_days == DEFS.SUPPLEMENT_DAYS_DEFAULT == 30
    assert any(DEFS.SUPPLEMENT_SETTING in r.getMessage() for r in caplog.records
               if r.name == f"commandcentre.plugins.{PLUGIN_ID}")


# -- the app without this plugin -----------------------------------------------------------
