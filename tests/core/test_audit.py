"""The audit trail and ``verify``: a whole chain passes, any tampering is found."""

from __future__ import annotations

import itertools
import sqlite3

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commandcentre.accounts import Permission, system_session
from commandcentre.county import CountyService
from commandcentre.storage import Store
from commandcentre.storage.audit import GENESIS_HASH, canonical_json, row_hash
from commandcentre.storage.verify import verify_store

SYSTEM = system_session("test")


def _seed(store: Store) -> list[str]:
    service = CountyService(store)
    ids = [service.add_unit(SYSTEM, kind="county", name="测试县")]
    ids += [service.add_unit(SYSTEM, kind="township", name=f"第{n}镇", population=1000 + n)
            for n in range(5)]
    return ids


def test_every_write_appends_a_chained_row(store):
    ids = _seed(store)
    rows = store.query("SELECT * FROM audit_log ORDER BY seq")
    assert [r["record_id"] for r in rows] == ids
    assert rows[0]["prev_hash"] == GENESIS_HASH
    for prev, row in itertools.pairwise(rows):
        assert row["prev_hash"] == prev["hash"]
        assert row["seq"] == prev["seq"] + 1
    first = rows[0]
    assert first["actor"] == "test" and first["op"] == "insert"
    assert first["action"] == "org_unit.add_county" and first["before_json"] is None
    assert '"name":"测试县"' in first["after_json"]


def test_update_records_before_and_after(store):
    _seed(store)
    township = CountyService(store).find("township", "第0镇")
    with store.write(SYSTEM, Permission.REGISTER_WRITE) as w:
        w.update("org_unit", township["id"], {"population": 4321})
    row = store.one("SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1")
    assert row["op"] == "update"
    assert '"population":1000' in row["before_json"]
    assert '"population":4321' in row["after_json"]


def test_fresh_store_verifies(store, db_path):
    _seed(store)
    report = verify_store(db_path)
    assert report.ok, report.problems
    assert report.audit_rows == 6
    assert report.records_checked == 6


def test_audit_log_refuses_update_and_delete_inside_sqlite(store):
    _seed(store)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE audit_log SET actor = 'x' WHERE seq = 1")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM audit_log WHERE seq = 1")


def _raw(db_path) -> sqlite3.Connection:
    return sqlite3.connect(db_path, isolation_level=None)


def test_row_edited_behind_the_apps_back_is_found(store, db_path):
    ids = _seed(store)
    store.close()
    with _raw(db_path) as raw:
        raw.execute("UPDATE org_unit SET population = 1 WHERE id = ?", (ids[3],))
    report = verify_store(db_path)
    assert not report.ok
    problem = report.problems[0]
    assert problem.check == "state" and problem.record_id == ids[3]
    assert "程序外修改" in problem.message


def test_row_inserted_or_deleted_behind_the_apps_back_is_found(store, db_path):
    ids = _seed(store)
    store.close()
    with _raw(db_path) as raw:
        raw.execute("INSERT INTO org_unit (id, kind, name) VALUES ('x1', 'township', '私加镇')")
    assert "不在审计链中" in verify_store(db_path).problems[0].message
    with _raw(db_path) as raw:
        raw.execute("DELETE FROM org_unit WHERE id = 'x1'")
        raw.execute("DELETE FROM org_unit WHERE id = ?", (ids[5],))
    assert "已在程序外被删除" in verify_store(db_path).problems[0].message


def test_edit_later_overwritten_by_the_app_is_still_found(store, db_path):
    """The before-image of the app's next update no longer matches the trail."""
    ids = _seed(store)
    with _raw(db_path) as raw:
        raw.execute("UPDATE org_unit SET population = 1 WHERE id = ?", (ids[2],))
    with store.write(SYSTEM, Permission.REGISTER_WRITE) as w:
        w.update("org_unit", ids[2], {"population": 5000})
    store.close()
    report = verify_store(db_path)
    assert [p.check for p in report.problems] == ["state"]
    assert report.problems[0].seq == 7


def test_audit_row_changed_breaks_the_chain_at_that_row(store, db_path):
    _seed(store)
    store.close()
    with _raw(db_path) as raw:
        raw.execute("DROP TRIGGER audit_log_no_update")
        raw.execute("UPDATE audit_log SET actor = 'someone-else' WHERE seq = 4")
    report = verify_store(db_path)
    chain = [p for p in report.problems if p.check == "chain"]
    assert chain and chain[0].seq == 4
    assert "第 4 条" in chain[0].message


def test_audit_row_deleted_breaks_the_chain(store, db_path):
    _seed(store)
    store.close()
    with _raw(db_path) as raw:
        raw.execute("DROP TRIGGER audit_log_no_delete")
        raw.execute("DELETE FROM audit_log WHERE seq = 3")
    chain = [p for p in verify_store(db_path).problems if p.check == "chain"]
    assert chain[0].seq == 4 and "序号" in chain[0].message


def test_rehashed_forgery_is_still_caught_by_the_next_link(store, db_path):
    """Recomputing a forged row's own hash does not help: the next row points at the old one."""
    _seed(store)
    store.close()
    with _raw(db_path) as raw:
        raw.execute("DROP TRIGGER audit_log_no_update")
        row = raw.execute("SELECT seq, at, actor, op, action, table_name, record_id,"
                          " before_json, after_json, detail_json, prev_hash FROM audit_log"
                          " WHERE seq = 2").fetchone()
        forged = list(row)
        forged[2] = "forger"
        raw.execute("UPDATE audit_log SET actor = ?, hash = ? WHERE seq = 2",
                    (forged[2], row_hash(*forged)))
    chain = [p for p in verify_store(db_path).problems if p.check == "chain"]
    assert chain[0].seq == 3


def test_verify_cli_passes_then_fails_after_tampering(store, db_path, capsys):
    from commandcentre.cli.main import main

    ids = _seed(store)
    store.close()
    assert main(["verify", "--db", str(db_path)]) == 0
    assert "校验通过" in capsys.readouterr().out
    with _raw(db_path) as raw:
        raw.execute("UPDATE org_unit SET name = '改名镇' WHERE id = ?", (ids[1],))
    assert main(["verify", "--db", str(db_path)]) == 1
    out = capsys.readouterr().out
    assert "校验失败" in out and ids[1] in out


def test_integrity_check_failure_is_reported(store, db_path):
    _seed(store)
    store.close()
    with _raw(db_path) as raw:
        raw.execute("PRAGMA journal_mode = DELETE")
        raw.execute("PRAGMA writable_schema = ON")
        # Point an index at the wrong page: integrity_check notices, queries still run.
        raw.execute("UPDATE sqlite_master SET rootpage = rootpage + 1"
                    " WHERE name = 'org_unit_kind'")
    report = verify_store(db_path)
    assert any(p.check == "integrity" for p in report.problems)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.one_of(st.none(), st.integers(-2**53, 2**53), st.text(max_size=30),
                                 st.floats(allow_nan=False, allow_infinity=False)),
                       min_size=1, max_size=12),
       victim=st.integers(min_value=0))
def test_property_any_single_change_to_a_stored_value_is_detected(tmp_path_factory, values,
                                                                  victim):
    path = tmp_path_factory.mktemp("prop") / "p.db"
    with Store.open(path) as s, s.write(SYSTEM, Permission.SETTINGS_WRITE) as w:
        for n, value in enumerate(values):
            w.insert("setting", {"id": f"k{n}", "value_json": canonical_json(value),
                                 "updated_at": "t"})
    assert verify_store(path).ok
    key = f"k{victim % len(values)}"
    with _raw(path) as raw:
        raw.execute("UPDATE setting SET value_json = value_json || ' ' WHERE id = ?", (key,))
    report = verify_store(path)
    assert [p.record_id for p in report.problems] == [key]


@given(fields=st.lists(st.text(max_size=8), min_size=11, max_size=11), which=st.integers(0, 9))
def test_property_hash_changes_with_any_field(fields, which):
    base = ["1", *fields[1:]]
    args = [int(base[0]), *base[1:]]
    changed = list(args)
    changed[which + 1] = str(changed[which + 1]) + "x"
    assert row_hash(*args) != row_hash(*changed)


def test_values_converted_by_column_affinity_still_verify(store, db_path):
    """An int written to a REAL column is stored as a float; the trail must hold the float."""
    with store.write(SYSTEM, Permission.REGISTER_WRITE) as w:
        wid = w.insert("warehouse", {"name": "库", "level": "县", "reserve_type": "实物"})
        item = w.insert("stock_item", {"warehouse_id": wid, "item": "帐篷", "unit": "顶",
                                       "min_quantity": 100})
        w.update("stock_item", item, {"min_quantity": 120})
    store.close()
    assert verify_store(db_path).ok


def test_writer_refuses_to_change_append_only_records(store):
    with store.write(SYSTEM, Permission.INCIDENT_WRITE) as w:
        incident = w.insert("incident", {"title": "测试", "hazard": "地震", "category": "自然灾害",
                                         "occurred_at": "t", "received_at": "t",
                                         "created_at": "t"})
        entry = w.insert("timeline_event", {"incident_id": incident, "at": "t", "kind": "note",
                                            "text": "原记录", "recorded_by": "test",
                                            "recorded_at": "t"})
    for change in (lambda w: w.update("timeline_event", entry, {"text": "改"}),
                   lambda w: w.delete("timeline_event", entry)):
        with pytest.raises(PermissionError, match="append-only"), \
                store.write(SYSTEM, Permission.INCIDENT_WRITE) as w:
            change(w)
    assert store.get("timeline_event", entry)["text"] == "原记录"
