"""Every migration step has a test here (``test_migration_<major>_<minor>``), and a test checks
that none is missing. Each step test migrates a real file up to the step before, adds data
the way that version's program would, runs the step and checks data and schema."""

from __future__ import annotations

import sqlite3
import sys

import pytest

from commandcentre.errors import StorageUnavailable
from commandcentre.storage import Store
from commandcentre.storage.migrations import CURRENT_VERSION, MIGRATIONS, Migration, migrate
from commandcentre.storage.verify import verify_store
from tests.core.test_plans_service import test_migration_1_8  # noqa: F401 - the plans step's test
from tests.core.test_rosters_schema import test_migration_1_7  # noqa: F401 - the rosters step's test


def open_at(path, version) -> Store:
    """A store at exactly ``version`` (migrations beyond it not applied)."""
    store = Store.open(path, migrate=False)
    migrate(store, upto=version)
    assert store.version == version
    return store


def tables(store) -> set[str]:
    return {r["name"] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")}


def test_every_migration_has_a_test():
    module = sys.modules[__name__]
    missing = [m.version for m in MIGRATIONS
               if not callable(getattr(module, "test_migration_{}_{}".format(*m.version), None))]
    assert not missing, f"migrations without a test: {missing}"


def test_versions_are_strictly_increasing_and_current_is_last():
    versions = [m.version for m in MIGRATIONS]
    assert versions == sorted(set(versions))
    assert CURRENT_VERSION == versions[-1]


def test_migration_1_0(db_path):
    store = open_at(db_path, (1, 0))
    assert {"setting", "account", "audit_log"} <= tables(store)
    assert "org_unit" not in tables(store)
    triggers = {r["name"] for r in store.query(
        "SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    assert {"audit_log_no_update", "audit_log_no_delete"} <= triggers
    store.close()
    assert verify_store(db_path).ok


def test_migration_1_1(db_path):
    from commandcentre.accounts import AccountService, system_session

    store = open_at(db_path, (1, 0))
    AccountService(store).create(system_session("t"), username="lead", display_name="领导",
                                 role="leader", password="abcd12345")
    migrate(store, upto=(1, 1))
    assert {"org_unit", "duty_shift", "duty_shift_member"} <= tables(store)
    assert store.scalar("SELECT count(*) FROM account") == 1
    with pytest.raises(sqlite3.IntegrityError):  # a shift must end after it starts
        store.conn.execute("INSERT INTO duty_shift (id, starts_at, ends_at, created_at)"
                           " VALUES ('s', '2026-01-02', '2026-01-01', 'x')")
    store.close()
    assert verify_store(db_path).ok


def test_migration_1_2(db_path):
    from commandcentre.accounts import system_session
    from commandcentre.county import CountyService

    store = open_at(db_path, (1, 1))
    township = CountyService(store).add_unit(system_session("t"), kind="township", name="甲镇")
    migrate(store, upto=(1, 2))
    assert {"team", "member", "warehouse", "stock_item", "stock_movement", "shelter",
            "equipment", "radio_channel", "expert"} <= tables(store)
    store.conn.execute("INSERT INTO team (id, name, category, level, township_id)"
                       " VALUES ('t1', '甲镇应急队', '乡镇应急队', '乡镇', ?)", (township,))
    with pytest.raises(sqlite3.IntegrityError):  # the level list is closed
        store.conn.execute("INSERT INTO team (id, name, category, level)"
                           " VALUES ('t2', '某队', '志愿者', '省')")
    store.conn.execute("INSERT INTO warehouse (id, name, level, reserve_type)"
                       " VALUES ('w', '库', '县', '实物')")
    store.conn.execute("INSERT INTO stock_item (id, warehouse_id, item, unit)"
                       " VALUES ('i', 'w', '帐篷', '顶')")
    store.conn.execute("INSERT INTO stock_movement (id, item_id, kind, quantity, at)"
                       " VALUES ('m', 'i', '入库', 10, 't')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE stock_movement SET quantity = 11")
    store.close()


def test_migration_1_3(db_path):
    store = open_at(db_path, (1, 2))
    migrate(store, upto=(1, 3))
    assert {"incident", "timeline_event"} <= tables(store)
    store.conn.execute(
        "INSERT INTO incident (id, title, hazard, category, occurred_at, received_at,"
        " created_at, grade) VALUES ('i', '演示', '地震', '自然灾害', 't', 't', 't', NULL)")
    store.conn.execute("INSERT INTO timeline_event (id, incident_id, at, kind, text,"
                       " recorded_by, recorded_at) VALUES ('e', 'i', 't', 'note', 'x', 'u', 't')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM timeline_event")
    with pytest.raises(sqlite3.IntegrityError):  # 社会安全事件 may be ungraded, not mis-graded
        store.conn.execute(
            "INSERT INTO incident (id, title, hazard, category, occurred_at, received_at,"
            " created_at, grade) VALUES ('j', 'x', 'x', '自然灾害', 't', 't', 't', '很大')")
    store.close()


def test_opening_an_older_file_backs_it_up_first(db_path):
    store = open_at(db_path, (1, 1))
    store.conn.execute("INSERT INTO setting (id, value_json, updated_at)"
                       " VALUES ('county.name', '\"旧县\"', 't')")
    store.close()
    with Store.open(db_path) as s:
        assert s.version == CURRENT_VERSION
    backups = sorted(db_path.parent.glob("cc.backup-v1.1-*.db"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == (1 << 16) | 1
        assert old.execute("SELECT value_json FROM setting").fetchone()[0] == '"旧县"'


def test_new_file_is_not_backed_up(db_path):
    Store.open(db_path).close()
    assert not list(db_path.parent.glob("*.backup-*"))


def test_failing_step_rolls_back_and_keeps_the_old_version(db_path, monkeypatch):
    from commandcentre.storage import migrations

    store = open_at(db_path, CURRENT_VERSION)
    broken = Migration((CURRENT_VERSION[0], CURRENT_VERSION[1] + 1), "broken",
                       ("CREATE TABLE half_done (x)", "INSERT INTO no_such_table VALUES (1)"))
    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, broken])
    with pytest.raises(sqlite3.OperationalError):
        migrations.migrate(store, upto=broken.version)
    assert store.version == CURRENT_VERSION
    assert "half_done" not in tables(store)
    store.close()


def test_environment_failure_during_migration_is_storage_unavailable(db_path, monkeypatch):
    from commandcentre.storage import migrations

    store = open_at(db_path, CURRENT_VERSION)
    pages = store.scalar("PRAGMA page_count")
    store.conn.execute(f"PRAGMA max_page_count = {pages}")
    big = Migration((CURRENT_VERSION[0], CURRENT_VERSION[1] + 1), "big",
                    ("CREATE TABLE filler (x)",
                     "INSERT INTO filler SELECT randomblob(4000) FROM"
                     " (WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM c"
                     " WHERE n < 100) SELECT n FROM c)"))
    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, big])
    with pytest.raises(StorageUnavailable) as info:
        migrations.migrate(store, upto=big.version)
    assert info.value.reason == "full"
    assert store.version == CURRENT_VERSION
    store.close()


def test_migration_1_4(db_path):
    from commandcentre.accounts import AccountService, system_session

    store = open_at(db_path, (1, 3))
    account = AccountService(store).create(system_session("t"), username="op",
                                           display_name="值班员", role="operator",
                                           password="abcd12345")
    migrate(store, upto=(1, 4))
    assert {"intake_record", "intake_step", "handover", "intake_fts"} <= tables(store)
    conn = store.conn
    conn.execute("INSERT INTO intake_record (id, root_id, serial, received_at, channel, kind,"
                 " content, receiver_id, recorded_by, recorded_at) VALUES"
                 " ('a', 'a', '20261201-001', 't', '电话', '突发事件', '内容', ?, 'op', 't')",
                 (account,))
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("UPDATE intake_record SET content = '改'")
    with pytest.raises(sqlite3.IntegrityError):  # a correction must say why
        conn.execute("INSERT INTO intake_record (id, root_id, corrects_id, serial, received_at,"
                     " channel, kind, content, receiver_id, recorded_by, recorded_at) VALUES"
                     " ('b', 'a', 'a', '20261201-001', 't', '电话', '突发事件', '新', ?, 'op',"
                     " 't')", (account,))
    with pytest.raises(sqlite3.IntegrityError):  # unknown channels are refused
        conn.execute("INSERT INTO intake_record (id, root_id, serial, received_at, channel,"
                     " kind, content, receiver_id, recorded_by, recorded_at) VALUES"
                     " ('c', 'c', 'x', 't', '飞鸽', '突发事件', '内容', ?, 'op', 't')",
                     (account,))
    conn.execute("INSERT INTO intake_fts (rowid, content, caller, place)"
                 " VALUES (1, '森 林 火 灾', '', '')")
    assert [tuple(r) for r in conn.execute(
        "SELECT rowid FROM intake_fts WHERE intake_fts MATCH '\"火\"'")] == [(1,)]
    store.close()


def test_migration_1_5(db_path):
    store = open_at(db_path, (1, 4))
    store.conn.execute(
        "INSERT INTO incident (id, title, hazard, category, occurred_at, received_at,"
        " created_at) VALUES ('i', '旧事件', 'forest_fire', '自然灾害', 't', 't', 't')")
    migrate(store, upto=(1, 5))
    assert {"response_decision", "grade_assessment", "casualty_snapshot", "report_sent",
            "reporting_rule_set", "plugin_schema"} <= tables(store)
    old = store.one("SELECT fields_json, reporting_rule_set FROM incident WHERE id = 'i'")
    assert old == {"fields_json": "{}", "reporting_rule_set": ""}
    conn = store.conn
    with pytest.raises(sqlite3.IntegrityError):  # a written report needs its 签发人
        conn.execute("INSERT INTO report_sent (id, incident_id, kind, channel, sent_at, sent_by,"
                     " recorded_at) VALUES ('r', 'i', '首报', '书面', 't', 'op', 't')")
    conn.execute("INSERT INTO report_sent (id, incident_id, kind, channel, sent_at, sent_by,"
                 " recorded_at) VALUES ('r', 'i', '首报', '电话', 't', 'op', 't')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        conn.execute("DELETE FROM report_sent")
    with pytest.raises(sqlite3.IntegrityError):  # serious injuries are part of the injured
        conn.execute("INSERT INTO casualty_snapshot (id, incident_id, at, injured,"
                     " seriously_injured, source, recorded_by, recorded_at)"
                     " VALUES ('s', 'i', 't', 1, 2, '县医院', 'op', 't')")
    with pytest.raises(sqlite3.IntegrityError):  # a manual grade needs a reason
        conn.execute("INSERT INTO grade_assessment (id, incident_id, grade, basis, assessed_at,"
                     " recorded_by, recorded_at) VALUES ('g', 'i', '较大', 'manual', 't', 'op',"
                     " 't')")
    store.close()


def test_migration_1_6(db_path):
    store = open_at(db_path, (1, 5))
    store.conn.execute(
        "INSERT INTO incident (id, title, hazard, category, occurred_at, received_at,"
        " created_at) VALUES ('i', '事件', 'forest_fire', '自然灾害', 't', 't', 't')")
    migrate(store, upto=(1, 6))
    assert "report_document" in tables(store)
    row = ("d", "i", "首报", "标题", "{}", b"%PDF-1.4", "0" * 64, "daiban", "段志刚", "t")
    store.conn.execute("INSERT INTO report_document (id, incident_id, kind, title, draft_json,"
                       " pdf, sha256, signed_by, signer_name, signed_at)"
                       " VALUES (?,?,?,?,?,?,?,?,?,?)", row)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE report_document SET title = '改'")
    with pytest.raises(sqlite3.IntegrityError):  # a hash is a full SHA-256 hex digest
        store.conn.execute("INSERT INTO report_document (id, incident_id, kind, title,"
                           " draft_json, pdf, sha256, signed_by, signer_name, signed_at)"
                           " VALUES ('e','i','首报','t','{}',x'00','abc','u','n','t')")
    store.close()


def test_adding_columns_to_audited_rows_keeps_verify_passing(db_path):
    """An incident written by v1.4 still verifies after v1.5 adds columns to its table."""
    from commandcentre.accounts import Permission, system_session

    store = open_at(db_path, (1, 4))
    with store.write(system_session("t"), Permission.INCIDENT_WRITE) as w:
        w.insert("incident", {"title": "旧事件", "hazard": "forest_fire", "category": "自然灾害",
                              "occurred_at": "t", "received_at": "t", "created_at": "t"})
    migrate(store)
    store.close()
    assert verify_store(db_path).ok


def test_tampering_before_an_upgrade_is_still_reported_after_it(db_path):
    from commandcentre.accounts import Permission, system_session

    store = open_at(db_path, (1, 4))
    with store.write(system_session("t"), Permission.INCIDENT_WRITE) as w:
        iid = w.insert("incident", {"title": "旧事件", "hazard": "forest_fire",
                                    "category": "自然灾害", "occurred_at": "t",
                                    "received_at": "t", "created_at": "t"})
    store.conn.execute("UPDATE incident SET title = '改过' WHERE id = ?", (iid,))
    migrate(store)
    store.close()
    report = verify_store(db_path)
    assert not report.ok and report.problems[0].record_id == iid


def test_migration_1_9(db_path):
    store = open_at(db_path, (1, 8))
    migrate(store, upto=(1, 9))
    assert {"comms_device", "comms_message", "position_report"} <= tables(store)
    columns = {r[1] for r in store.conn.execute("PRAGMA table_info(comms_message)")}
    assert {"reference", "note", "intake_id", "attempts", "incident_id"} <= columns
    store.conn.execute("INSERT INTO comms_device (id, name, protocol, port, created_at)"
                       " VALUES ('d', '北斗', 'beidou', 'COM3', 't')")
    with pytest.raises(sqlite3.IntegrityError):  # a latitude is a latitude
        store.conn.execute("INSERT INTO position_report (id, device_id, source, lat, lon,"
                           " received_at) VALUES ('p', 'd', 's', 91, 0, 't')")
    store.conn.execute("INSERT INTO position_report (id, device_id, source, lat, lon,"
                       " received_at) VALUES ('p', 'd', 's', 25.8, 99.5, 't')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE position_report SET lat = 0")
    store.close()
