"""The store: pragmas, identity, refusal of files we must not touch, environment errors."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess

import pytest

from commandcentre.accounts import Permission, system_session
from commandcentre.errors import NotOurDatabase, SchemaTooNew, StorageUnavailable
from commandcentre.storage import APPLICATION_ID, Store, pack_version
from commandcentre.storage.migrations import CURRENT_VERSION
from commandcentre.storage.verify import verify_store

SYSTEM = system_session("test")


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_store_has_the_durable_pragmas(store):
    conn = store.conn
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert store.version == CURRENT_VERSION
    assert conn.execute("PRAGMA user_version").fetchone()[0] == pack_version(*CURRENT_VERSION)


def test_reopening_keeps_data_and_version(db_path):
    with Store.open(db_path) as s, s.write(SYSTEM, Permission.SETTINGS_WRITE) as w:
        w.insert("setting", {"id": "demo", "value_json": "true", "updated_at": "x"})
    with Store.open(db_path) as s:
        assert s.get("setting", "demo")["value_json"] == "true"
        assert s.version == CURRENT_VERSION


def test_newer_major_version_is_refused_and_left_byte_identical(db_path):
    Store.open(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {pack_version(CURRENT_VERSION[0] + 1, 0)}")
    raw.execute("PRAGMA journal_mode = DELETE")  # leave a single self-contained file
    raw.close()
    before = sha(db_path)
    with pytest.raises(SchemaTooNew) as info:
        Store.open(db_path)
    assert "更新版本" in str(info.value) and "\n" not in str(info.value)
    assert info.value.found == (CURRENT_VERSION[0] + 1, 0)
    assert sha(db_path) == before
    assert not (db_path.parent / (db_path.name + "-wal")).exists() or \
        (db_path.parent / (db_path.name + "-wal")).stat().st_size == 0


def test_newer_minor_version_opens(db_path):
    Store.open(db_path).close()
    raw = sqlite3.connect(db_path)
    raw.execute(f"PRAGMA user_version = {pack_version(CURRENT_VERSION[0], 99)}")
    raw.close()
    with Store.open(db_path) as s:
        assert s.version == (CURRENT_VERSION[0], 99)


def test_foreign_sqlite_file_is_refused_untouched(db_path):
    raw = sqlite3.connect(db_path)
    raw.execute("CREATE TABLE other (x)")
    raw.commit()
    raw.close()
    before = sha(db_path)
    with pytest.raises(NotOurDatabase):
        Store.open(db_path)
    assert sha(db_path) == before


@pytest.mark.parametrize("content", [b"this is a text file, not a database\n" * 50,
                                     b"SQLite format 3\x00" + b"\xff" * 4080])
def test_corrupt_file_gives_storage_unavailable(db_path, content):
    db_path.write_bytes(content)
    with pytest.raises(StorageUnavailable) as info:
        Store.open(db_path)
    assert info.value.reason == "corrupt"
    assert db_path.read_bytes() == content


def test_file_locked_by_another_program(db_path):
    Store.open(db_path).close()
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageUnavailable) as info:
            Store.open(db_path, busy_timeout_ms=50)
        assert info.value.reason == "locked"
        assert "锁定" in str(info.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_write_lock_held_elsewhere_fails_cleanly_and_keeps_nothing(store, db_path):
    other = sqlite3.connect(db_path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    store.conn.execute("PRAGMA busy_timeout = 50")
    try:
        with pytest.raises(StorageUnavailable) as info, \
                store.write(SYSTEM, Permission.SETTINGS_WRITE) as w:
            w.insert("setting", {"id": "demo", "value_json": "1", "updated_at": "x"})
        assert info.value.reason == "locked"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert store.get("setting", "demo") is None
    assert not store.conn.in_transaction


def test_disk_full_rolls_back_the_whole_transaction(store, db_path):
    with store.write(SYSTEM, Permission.SETTINGS_WRITE) as w:
        w.insert("setting", {"id": "kept", "value_json": "1", "updated_at": "x"})
    pages = store.scalar("PRAGMA page_count")
    # SQLite's own page limit produces the same SQLITE_FULL as a full disk.
    store.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(StorageUnavailable) as info, \
            store.write(SYSTEM, Permission.SETTINGS_WRITE) as w:
        for n in range(2000):
            w.insert("setting", {"id": f"k{n}", "value_json": "x" * 500, "updated_at": "x"})
    assert info.value.reason == "full"
    assert "磁盘已满" in str(info.value)
    assert store.scalar("SELECT count(*) FROM setting") == 1
    store.close()
    assert verify_store(db_path).ok


def test_exception_inside_write_rolls_back_row_and_audit(store):
    audit_rows = store.scalar("SELECT count(*) FROM audit_log")
    with pytest.raises(RuntimeError), store.write(SYSTEM, Permission.SETTINGS_WRITE) as w:
        w.insert("setting", {"id": "gone", "value_json": "1", "updated_at": "x"})
        raise RuntimeError("operator pressed cancel")
    assert store.get("setting", "gone") is None
    assert store.scalar("SELECT count(*) FROM audit_log") == audit_rows


def test_readonly_open_refuses_writes(db_path):
    Store.open(db_path).close()
    with Store.open(db_path, readonly=True) as s, pytest.raises(StorageUnavailable) as info, \
            s.write(SYSTEM, Permission.SETTINGS_WRITE):
        pass
    assert info.value.reason == "read-only"


def test_missing_file_with_create_false(db_path):
    with pytest.raises(StorageUnavailable) as info:
        Store.open(db_path, create=False)
    assert info.value.reason == "missing"


@pytest.fixture
def read_only_file(tmp_path):
    """A store file this process may read but not write (chmod, or immutable when root)."""
    path = tmp_path / "cc.db"
    Store.open(path).close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA journal_mode = DELETE")  # a lone file: nothing beside it to write
    raw.close()
    if os.geteuid() != 0:
        path.chmod(0o444)
        yield path
        path.chmod(0o644)
        return
    # root ignores permission bits; the immutable attribute binds root too.
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True,
                      check=False).returncode != 0:
        pytest.skip("cannot make a file read-only for root here (no chattr)")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_read_only_file_is_refused_at_open(read_only_file):
    before = sha(read_only_file)
    with pytest.raises(StorageUnavailable) as info:
        Store.open(read_only_file)
    assert info.value.reason == "read-only"
    assert sha(read_only_file) == before


def test_read_only_file_gives_one_line_cli_error(read_only_file, capsys):
    from commandcentre.cli.main import main

    code = main(["--db", str(read_only_file), "--user", "x", "user", "list"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 4
    assert len(err) == 1 and "只读" in err[0]


def test_read_only_file_still_verifies(read_only_file):
    assert verify_store(read_only_file).ok
