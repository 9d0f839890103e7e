"""The compliance check: minimums from rules with their sources, stock, shelter facilities,
people on several teams; and the rules and settings that change what it finds."""

from __future__ import annotations

from datetime import date

import pytest

from commandcentre.errors import PermissionDenied, ValidationError
from commandcentre.rosters import (
    MemberService,
    RuleBook,
    ShelterFacilityRule,
    TeamMinimumRule,
    TeamService,
    check,
)
from tests.core import roster_support as _support
from tests.core.roster_support import ADMIN, OPERATOR

# Fixtures shared by the roster tests (roster_schema is autouse: see roster_support).
rdemo = _support.rdemo
rdemo_path = _support.rdemo_path
roster_schema = _support.roster_schema

FIRE = "青峪县森林草原专业扑火队"  # 106 people
TOWNSHIP = "岚桥镇应急队"          # 36 people


def _kinds(findings, kind):
    return [f for f in findings if f.kind == kind]


def test_the_demo_county_findings(rdemo):
    findings = check(rdemo, today=date(2026, 12, 2))
    assert not _kinds(findings, "team_below_minimum") and not _kinds(findings, "cross_team")
    shelters = {f.subject: f.data["missing"] for f in _kinds(findings, "shelter_facilities")}
    assert shelters["岚桥镇中心小学应急避难场所"] == ["应急照明/应急供电",
                                              "医疗救护点/医疗救护/医疗点"]
    assert "青峪县体育中心应急避难场所" not in shelters  # 应急供电 and 应急厕所 count
    assert "凤鸣广场应急避难场所" not in shelters  # 室外: the rule is for 室内 and 综合
    assert any("004_e9965606c96d1573.txt:35" in f.basis
               for f in _kinds(findings, "shelter_facilities"))
    expired = {f.subject for f in _kinds(findings, "stock_expired")}
    assert "青峪县救灾物资储备库 方便食品" in expired
    assert [f.subject for f in _kinds(findings, "stock_below_minimum")] == [
        "青峪县救灾物资储备库 方便食品"]


def test_minimums_follow_level_category_and_the_county_fire_class(rdemo):
    teams, book = TeamService(rdemo), RuleBook(rdemo)
    teams.update(ADMIN, FIRE, {"headcount": 90})
    teams.update(ADMIN, TOWNSHIP, {"headcount": 25})
    below = {f.subject: f for f in _kinds(check(rdemo), "team_below_minimum")}
    # class not set: the stricter 高危区 rule (100) applies
    assert below[FIRE].data["required"] == 100 and "003_f46a6e80e859aec0.txt:406" in \
        below[FIRE].basis
    assert below[TOWNSHIP].message == ("岚桥镇应急队（乡镇应急队，乡镇级）人数 25，"
                                       "规定不少于 30 人，差 5 人")
    assert "003_f46a6e80e859aec0.txt:434" in below[TOWNSHIP].basis
    book.set_setting(ADMIN, "county.fire_class", "高风险区")
    below = {f.subject for f in _kinds(check(rdemo), "team_below_minimum")}
    assert FIRE not in below and TOWNSHIP in below  # 90 ≥ 80
    with pytest.raises(ValidationError):
        book.set_setting(ADMIN, "county.fire_class", "低风险区")
    with pytest.raises(PermissionDenied):
        book.set_setting(OPERATOR, "stock.expiry_days", 10)
    minimums = {m.name: m for m in teams.minimums()}
    assert (minimums[FIRE].required, minimums[FIRE].rule.id) == (
        80, "county-firefighting-high-risk")
    assert minimums["青峪县水域救援队"].required == 0


def test_an_administrator_can_override_switch_off_and_add_rules(rdemo):
    book = RuleBook(rdemo)
    book.save_team_minimum_rule(ADMIN, TeamMinimumRule(
        "township-team", "乡镇应急队", "乡镇", "", 40, "县政府2026年1号文"))
    assert {f.subject for f in _kinds(check(rdemo), "team_below_minimum")} == {
        "澜溪镇应急队", "岚桥镇应急队"}
    book.switch_off(ADMIN, "township-team")
    assert not _kinds(check(rdemo), "team_below_minimum")
    book.save_shelter_facility_rule(ADMIN, ShelterFacilityRule(
        "outdoor", ("室外",), ("应急通信",), "004_e9965606c96d1573.txt:35"))
    outdoor = [f for f in _kinds(check(rdemo), "shelter_facilities") if f.data["rule"] ==
               "outdoor"]
    assert outdoor and all(f.data["missing"] == ["应急通信"] for f in outdoor)
    with pytest.raises(ValidationError, match="依据"):
        book.save_team_minimum_rule(ADMIN, TeamMinimumRule("x", "", "", "", 1, " "))


def test_people_on_several_teams_by_phone_or_name_and_id(rdemo):
    members = MemberService(rdemo)
    water = TeamService(rdemo).find("青峪县水域救援队")["id"]
    flood = TeamService(rdemo).find("青峪县防汛抗洪抢险队")["id"]
    volunteers = TeamService(rdemo).find("青峪县应急志愿者服务队")["id"]
    members.add(ADMIN, water, {"name": "杨明", "phone": "13700000001"})
    members.add(ADMIN, flood, {"name": "杨明", "phone": "13700000001"})
    members.add(ADMIN, water, {"name": "苏雪", "id_key": "530000199203034321"})
    members.add(ADMIN, volunteers, {"name": "苏 雪", "id_key": "530000199203034321",
                                    "phone": "13700000009"})
    members.add(ADMIN, volunteers, {"name": "别人", "id_key": "530000199203034321"})
    people = {p.names: p for p in members.cross_team()}
    assert people[("杨明",)].reasons == ("同一电话",)
    assert set(people[("杨明",)].teams) == {"青峪县水域救援队", "青峪县防汛抗洪抢险队"}
    assert people[("苏雪",)].reasons == ("同名且证件号相同",)
    assert ("别人",) not in people
    found = _kinds(check(rdemo), "cross_team")
    assert {f.subject for f in found} == {"杨明", "苏雪"}
    assert found[0].basis == "004_e9965606c96d1573.txt:35"


def test_training_and_drills_make_a_member_eligible_to_command(rdemo):
    members = MemberService(rdemo)
    water = TeamService(rdemo).find("青峪县水域救援队")["id"]
    mid = members.add(ADMIN, water, {"name": "新队员"})
    members.add_training(ADMIN, mid, kind="培训", title="急流救援初级", held_on=date(2026, 3, 1),
                         hours=16)
    assert not members.commander_eligible(mid)
    members.add_training(ADMIN, mid, kind="演练", title="防汛综合演练", held_on=date(2026, 5, 20))
    assert members.commander_eligible(mid)
    assert [t["kind"] for t in members.trainings(mid)] == ["培训", "演练"]
    with pytest.raises(ValidationError):
        members.add_training(ADMIN, mid, kind="考试", title="x", held_on=date(2026, 1, 1))
    members.remove(ADMIN, mid)
    assert rdemo.scalar("SELECT count(*) FROM member_training WHERE member_id = ?", (mid,)) == 0


def test_register_edits_through_the_services(rdemo):
    from commandcentre.rosters import EquipmentService, ExpertService, ShelterService

    shelters = ShelterService(rdemo)
    sid = shelters.add(ADMIN, {"name": "沙坝村避难点", "type": "室内", "capacity": 80,
                               "facilities": ["应急供水"]})
    assert "沙坝村避难点" in {f.subject for f in _kinds(check(rdemo), "shelter_facilities")}
    shelters.update(ADMIN, sid, {"facilities": ["应急供水", "应急照明", "医疗点", "厕所"]})
    assert "沙坝村避难点" not in {f.subject for f in _kinds(check(rdemo), "shelter_facilities")}
    shelters.set_status(OPERATOR, sid, "开放")
    with pytest.raises(ValidationError, match="超过容量"):
        shelters.set_occupancy(OPERATOR, sid, 81)
    shelters.set_occupancy(OPERATOR, sid, 60)
    with pytest.raises(ValidationError, match="不能关闭"):
        shelters.set_status(OPERATOR, sid, "关闭")
    equipment = EquipmentService(rdemo)
    pump = equipment.find("岚K·L0119")
    assert equipment.update(ADMIN, pump["id"], {"status": "完好"})["status"] == "完好"
    experts = ExpertService(rdemo)
    expert = experts.list(hazard="地质灾害")[0]
    assert experts.update(ADMIN, expert["id"], {"on_call": False})["on_call"] == 0
    with pytest.raises(PermissionDenied):
        equipment.add(OPERATOR, {"name": "无人机"})
