"""The v1.7 roster schema step (m1_7): tables, constraints, and a populated file that still
verifies after the step (no column was added to an audited table)."""

from __future__ import annotations

import sqlite3

import pytest

from commandcentre.accounts import Permission, system_session
from commandcentre.storage import Store
from commandcentre.storage.migrations import migrate
from commandcentre.storage.migrations.m1_7 import MIGRATION
from commandcentre.storage.verify import verify_store
from tests.core import roster_support as _support

# Fixtures shared by the roster tests (roster_schema is autouse: see roster_support).
rdemo_path = _support.rdemo_path
roster_schema = _support.roster_schema
rstore = _support.rstore

NEW_TABLES = {"contact", "member_profile", "member_training", "dispatch", "dispatch_event",
              "stock_transfer", "team_minimum_rule", "shelter_facility_rule", "roster_setting"}


def _tables(store) -> set[str]:
    return {r["name"] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")}


def test_migration_1_7(db_path):
    """Paste-ready for tests/core/test_migrations.py (it uses only ``db_path``)."""
    from commandcentre.storage import migrations

    before = max(m.version for m in migrations.MIGRATIONS if m.version < MIGRATION.version)
    store = Store.open(db_path, migrate=False)
    migrate(store, upto=before)
    with store.write(system_session("t"), Permission.REGISTER_WRITE) as w:
        tid = w.insert("team", {"name": "旧队伍", "category": "水域救援", "level": "县",
                                "headcount": 12})
        mid = w.insert("member", {"team_id": tid, "name": "张三", "phone": "13800138000"})
        wid = w.insert("warehouse", {"name": "旧库", "level": "县", "reserve_type": "实物"})
        iid = w.insert("stock_item", {"warehouse_id": wid, "item": "帐篷", "unit": "顶"})
        w.insert("stock_movement", {"item_id": iid, "kind": "入库", "quantity": 10, "at": "t"})
    migrate(store, upto=MIGRATION.version)
    assert store.version == MIGRATION.version
    assert NEW_TABLES <= _tables(store)
    assert store.one("SELECT name, headcount FROM team WHERE id = ?", (tid,)) == {
        "name": "旧队伍", "headcount": 12}
    store.close()
    report = verify_store(db_path)
    assert report.ok, report.problems  # existing rows still equal their audit images

    store = Store.open(db_path)
    conn = store.conn
    conn.execute("INSERT INTO member_profile (id, id_key) VALUES (?, '530000199001011234')",
                 (mid,))
    with pytest.raises(sqlite3.IntegrityError):  # a profile belongs to an existing member
        conn.execute("INSERT INTO member_profile (id) VALUES ('nobody')")
    with pytest.raises(sqlite3.IntegrityError):  # a directory line needs a phone
        conn.execute("INSERT INTO contact (id, unit) VALUES ('c', '县应急局')")
    conn.execute("INSERT INTO incident (id, title, hazard, category, occurred_at, received_at,"
                 " created_at) VALUES ('i', '事件', 'flood', '自然灾害', 't', 't', 't')")
    conn.execute("INSERT INTO expert (id, name) VALUES ('x', '专家')")
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):  # one resource per dispatch
        conn.execute("INSERT INTO dispatch (id, incident_id, resource_kind, team_id,"
                     " expert_id, resource_name, status, requested_at, created_by, created_at)"
                     " VALUES ('d', 'i', 'team', ?, 'x', 'x', '申请', 't', 'u', 't')", (tid,))
    with pytest.raises(sqlite3.IntegrityError, match="CHECK"):  # the kind names the column
        conn.execute("INSERT INTO dispatch (id, incident_id, resource_kind, team_id,"
                     " resource_name, status, requested_at, created_by, created_at)"
                     " VALUES ('d', 'i', 'expert', ?, 'x', '申请', 't', 'u', 't')", (tid,))
    conn.execute("INSERT INTO dispatch (id, incident_id, resource_kind, team_id, resource_name,"
                 " status, requested_at, created_by, created_at)"
                 " VALUES ('d', 'i', 'team', ?, 'x', '申请', 't', 'u', 't')", (tid,))
    conn.execute("UPDATE dispatch SET status = '已派' WHERE id = 'd'")  # not append-only
    conn.execute("INSERT INTO timeline_event (id, incident_id, at, kind, text, recorded_by,"
                 " recorded_at) VALUES ('e', 'i', 't', 'dispatch', 'x', 'u', 't')")
    conn.execute("INSERT INTO dispatch_event (id, dispatch_id, status, at, timeline_event_id,"
                 " recorded_by, recorded_at) VALUES ('de', 'd', '已派', 't', 'e', 'u', 't')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM dispatch_event")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE dispatch_event SET note = 'x'")
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO team_minimum_rule (id, minimum, source, county_class,"
                     " updated_at) VALUES ('r', 10, '来源', '低风险区', 't')")
    store.close()


def test_roster_tables_are_audited(rstore):
    from commandcentre.storage import audit

    registered = {t.name: t for t in audit.audited_tables()}
    assert NEW_TABLES <= set(registered)
    assert registered["dispatch_event"].append_only and registered["stock_transfer"].append_only
    assert not registered["dispatch"].append_only


def test_a_demo_file_verifies_after_the_step(rdemo_path):
    report = verify_store(rdemo_path)
    assert report.ok, report.problems
    assert report.version >= MIGRATION.version
