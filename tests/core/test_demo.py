"""The demo county: complete, consistent, verifiable, and the same on every build."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime

import pytest

from commandcentre.accounts import AccountService, Role
from commandcentre.demo import DEMO_PASSWORD, build_demo, load_dataset
from commandcentre.duty.shifts import ShiftService
from commandcentre.errors import ValidationError
from commandcentre.storage import Store
from commandcentre.storage.verify import verify_store
from commandcentre.timeutil import FixedClock

DATA = load_dataset()


@pytest.fixture(scope="module")
def demo(demo_db):
    store = Store.open(demo_db, readonly=True)
    yield store
    store.close()


def test_demo_store_verifies(demo_db):
    assert verify_store(demo_db).ok


def test_every_role_can_log_in(demo):
    service = AccountService(demo)
    roles = {r["role"] for r in demo.query("SELECT role FROM account")}
    assert roles == {r.value for r in Role}
    for username in ("zhiban", "daiban", "admin", "guancha"):
        row = service.find(username)
        assert row is not None
        assert row["password_hash"].startswith("$argon2id$")
    assert len(DEMO_PASSWORD) >= 8


def test_townships_villages_and_departments(demo):
    county = demo.one("SELECT * FROM org_unit WHERE kind = 'county'")
    assert county["name"] == DATA["county"]["name"]
    townships = demo.query("SELECT * FROM org_unit WHERE kind = 'township'")
    assert len(townships) == len(DATA["townships"]) >= 8
    assert sum(t["population"] for t in townships) == DATA["county"]["population"]
    assert demo.scalar("SELECT count(*) FROM org_unit WHERE kind = 'village'") == sum(
        len(t["villages"]) for t in DATA["townships"])
    assert all(d["duty_phone"] for d in demo.query(
        "SELECT duty_phone FROM org_unit WHERE kind = 'department'"))


def test_rota_covers_today_with_a_leader_and_operators(demo):
    shift = ShiftService(demo).current()
    assert shift is not None and shift.leader is not None and shift.operators
    assert shift.leader["role"] in ("leader", "administrator")
    # 62 consecutive 24 h shifts, no gaps.
    rows = demo.query("SELECT starts_at, ends_at FROM duty_shift ORDER BY starts_at")
    assert len(rows) == 62
    assert all(a["ends_at"] == b["starts_at"] for a, b in itertools.pairwise(rows))


def test_team_rosters_match_headcounts_and_radio_ids_are_unique(demo):
    teams = demo.query("SELECT t.name, t.headcount, t.level, t.category,"
                       " (SELECT count(*) FROM member m WHERE m.team_id = t.id) AS n"
                       " FROM team t")
    assert all(t["n"] == t["headcount"] for t in teams)
    ids = [r["pdt_id"] for r in demo.query("SELECT pdt_id FROM member WHERE pdt_id IS NOT NULL")]
    assert len(ids) == len(set(ids)) and len(ids) > 300
    assert all(len(i) == 7 and i.isdigit() for i in ids)
    # A 高风险区 county keeps a county firefighting team of at least 80 (seed 003:406).
    fire = [t for t in teams if t["level"] == "县" and t["category"] in ("专业扑火队", "森林消防")]
    assert fire and max(t["headcount"] for t in fire) >= 80


def test_stock_balances_come_from_movements(demo):
    rows = demo.query("SELECT i.item, (SELECT sum(quantity) FROM stock_movement m"
                      " WHERE m.item_id = i.id) AS balance FROM stock_item i")
    assert rows and all(r["balance"] is not None and r["balance"] >= 0 for r in rows)


def test_two_past_incidents_and_one_drill(demo):
    rows = demo.query("SELECT title, drill, status, (SELECT count(*) FROM timeline_event e"
                      " WHERE e.incident_id = i.id) AS events FROM incident i")
    assert sorted(r["drill"] for r in rows) == [0, 0, 1]
    assert all(r["status"] == "已结束" and r["events"] >= 8 for r in rows)
    # Radio traffic of a drill is marked as such on air (PRODUCT.md §2.9).
    radio = [r["text"] for r in demo.query(
        "SELECT e.text FROM timeline_event e JOIN incident i ON i.id = e.incident_id"
        " WHERE i.drill = 1 AND e.kind IN ('radio', 'intake')")]
    assert radio and all(t.startswith("【演练】") for t in radio)


def test_build_is_deterministic_for_a_fixed_clock(tmp_path):
    clock = FixedClock(datetime(2026, 12, 1, 2, 0, tzinfo=UTC))
    summaries = []
    members = []
    for name in ("a.db", "b.db"):
        summaries.append(build_demo(tmp_path / name, clock=clock))
        with Store.open(tmp_path / name, readonly=True) as s:
            members.append(s.query("SELECT name, role, phone, pdt_id, beidou_card FROM member"
                                   " ORDER BY pdt_id, phone"))
    assert summaries[0] == summaries[1]
    assert members[0] == members[1]


def test_building_into_a_store_with_data_is_refused(tmp_path):
    path = tmp_path / "x.db"
    build_demo(path)
    with pytest.raises(ValidationError):
        build_demo(path)


def test_dataset_cross_references_are_consistent():
    townships = {t["name"] for t in DATA["townships"]}
    teams = {t["name"] for t in DATA["teams"]}
    users = {a["username"] for a in DATA["accounts"]}
    rota = DATA["duty_rota"]
    assert set(rota["leader_cycle"]) <= users
    assert {u for pair in rota["operator_cycle"] for u in pair} <= users
    for group in ("teams", "warehouses", "shelters", "incidents"):
        for item in DATA[group]:
            assert item.get("township") in townships | {None}, (group, item.get("name"))
    for incident in DATA["incidents"]:
        for event in incident["events"]:
            if "team" in event:
                assert event["team"] in teams
    json.dumps(DATA, ensure_ascii=False)  # plain JSON data, nothing exotic


def test_the_demo_county_ships_its_twelve_plans(demo):
    from commandcentre.plans import PlanService

    plans = PlanService(demo).list()
    assert len(plans) == 12
    assert {p["type"] for p in plans} >= {"总体", "专项", "乡镇简明操作手册", "企业现场处置方案"}
    assert PlanService(demo).search("液氯")
