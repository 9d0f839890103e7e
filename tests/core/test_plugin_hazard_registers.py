"""The registers of the 防汛抗旱 and 地质灾害 plugins on the demo county: the 三个责任人 and
三个重点环节 of each reservoir (003:334), 易涝点 with task / deadline / unit / owner (001:487),
隐患点 with 四到位 / 八落实 (001:46) and professional monitoring from 30 threatened (003:338)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commandcentre.accounts import system_session
from commandcentre.hazards import load_hazards
from commandcentre.hazards.register_service import PluginRegisterService


@pytest.fixture
def service(demo_store):
    return PluginRegisterService(demo_store, load_hazards(demo_store)[0])


def findings(service, register: str) -> dict[str, list[str]]:
    ref = service.get(register)
    return {r[ref.spec.title]: r["findings"] for r in service.rows(ref)}


def test_reservoirs_need_three_persons_and_three_links(service):
    rows = findings(service, "flood.reservoirs")
    assert rows["青龙潭水库"] == []
    assert set(rows["黑泥沟水库"]) == {"“三个责任人”未逐一明确（行政、技术、巡查）",
                                      "“三个重点环节”未落实（监测预报、调度运用、应急预案）"}


def test_waterlogging_points_and_river_levels(service):
    rows = findings(service, "flood.waterlogging")
    assert rows["凤鸣路下穿通道"] == []
    assert rows["东关农贸市场"] == ["治理任务、完成时限、责任单位、责任人未逐一明确"]
    ref = service.get("flood.waterlogging")
    service.add(system_session("t"), ref, {"name": "学府路涵洞", "task": "清淤", "unit": "县住建局",
                                           "owner": "陈", "deadline": "2020-05-01"})
    assert findings(service, "flood.waterlogging")["学府路涵洞"] == ["已过完成时限，治理未完成"]
    sections = service.get("flood.river_sections")
    service.add(system_session("t"), sections, {"name": "倒置", "warning_level_m": 10,
                                                "guarantee_level_m": 9, "owner": "x"})
    assert findings(service, "flood.river_sections") == {
        "青峪河县城段": [], "倒置": ["警戒水位高于保证水位，请核对"]}


def test_hazard_points_four_in_place_eight_done_and_professional_monitoring(service):
    rows = findings(service, "geological.points")
    assert rows["老鹰岩滑坡"] == []
    assert set(rows["黑泥沟泥石流"]) == {
        "威胁 30 人以上，应布设专业监测设备",
        "“四到位”未全部落实（责任单位、防治资金、监测手段、防治措施）",
        "“八落实”未全部落实（警示牌、防灾预案、监测经费、监测人、监测记录、两卡、监测设施、撤离路线）"}
    assert len(service.get("geological.points").spec.field("kind").choices) == 6  # 001:78


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 500), st.booleans(), st.sampled_from(["监测中", "已避险搬迁"]))
def test_professional_monitoring_rule_at_its_boundary(threatened, professional, status):
    registry = load_hazards(entry_points=False)[0]
    spec = dict(registry.registers())["geological"]
    row = {f.key: None for f in spec.fields}
    row.update(threatened=threatened, professional=professional, mitigation=status)
    codes = {c.code for c in spec.findings(row)}
    expected = threatened >= 30 and not professional and status == "监测中"
    assert ("needs_professional" in codes) == expected


def test_township_warnings_check_colour_and_receipt(service):
    rows = findings(service, "meteorological.township_warnings")
    assert rows["青气预〔2026〕第 12 号"] == []
    assert rows["青气预〔2026〕第 12 号（云坝）"] == ["乡镇尚未确认接收"]
    ref = service.get("meteorological.township_warnings")
    service.add(system_session("t"), ref, {"warning_no": "错色", "signal_type": "冰雹",
                                           "signal_colour": "黄",
                                           "issued_at": "2026-07-15T08:00+08:00",
                                           "received_at": "2026-07-15T08:05+08:00"})
    assert findings(service, "meteorological.township_warnings")["错色"] == [
        "该预警信号没有这种颜色"]


def test_major_hazard_sources_need_monitoring_and_an_evacuation_distance(service):
    rows = findings(service, "hazardous_chemicals.major_sources")
    assert rows["液氯储罐区"] == []
    assert set(rows["液氨罐区"]) == {"重大危险源未接入在线监测预警",
                                    "未登记疏散距离（接报时即需用到）"}
    assert findings(service, "hazardous_chemicals.enterprises") == {
        "岚桥化工园区青峪精细化工有限公司": []}
