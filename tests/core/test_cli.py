"""The CLI as a user runs it: real processes for the entry point, in-process for the rest."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from commandcentre.cli.main import main
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.storage import Store, pack_version
from tests.conftest import ROOT


@pytest.fixture
def as_user(monkeypatch):
    def login(name: str, password: str = DEMO_PASSWORD):
        monkeypatch.setenv("COMMANDCENTRE_USER", name)
        monkeypatch.setenv("COMMANDCENTRE_PASSWORD", password)

    return login


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_console_script_runs_headless(tmp_path):
    """The installed ``commandcentre`` entry point, as a separate process, without Qt."""
    exe = os.path.join(os.path.dirname(sys.executable), "commandcentre")
    if not os.path.exists(exe):
        pytest.skip("package not installed in this interpreter's environment")
    env = {**os.environ, "COMMANDCENTRE_LOG_DIR": str(tmp_path)}
    env.pop("DISPLAY", None)
    result = subprocess.run([exe, "demo", "--db", str(tmp_path / "d.db"), "--json"],
                            capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["county"] == "青峪县"
    result = subprocess.run([exe, "verify", "--db", str(tmp_path / "d.db")], capture_output=True,
                            text=True, env=env, timeout=60, check=False)
    assert result.returncode == 0 and "校验通过" in result.stdout


def test_verify_passes_on_the_demo_county(capsys, demo_db):
    code, out, _ = run(capsys, "verify", "--db", str(demo_db), "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["audit_rows"] > 1000


def test_demo_refuses_an_existing_file(capsys, demo_copy):
    before = demo_copy.read_bytes()
    code, _, err = run(capsys, "demo", "--db", str(demo_copy))
    assert code == 5 and "已存在" in err
    assert demo_copy.read_bytes() == before


def test_observer_cannot_write_through_the_cli(capsys, demo_copy, as_user):
    as_user("guancha")
    attempts = [
        ("county", "add-township", "偷加镇"),
        ("setting", "set", "ui.idle_lock_minutes", "1"),
        ("user", "add", "x9", "--name", "某人", "--role", "operator"),
        ("user", "unlock", "zhiban"),
        ("user", "disable", "zhiban"),
        ("user", "passwd", "zhiban"),
        ("db", "backup", "--to", str(demo_copy.parent / "b.db")),
    ]
    audit_before = sqlite3.connect(demo_copy).execute("SELECT max(seq) FROM audit_log").fetchone()
    for argv in attempts:
        code, _out, err = run(capsys, "--db", str(demo_copy), *argv)
        assert code == 3, (argv, err)
        assert len(err.strip().splitlines()) == 1 and "无权" in err, (argv, err)
    assert not (demo_copy.parent / "b.db").exists()
    with sqlite3.connect(demo_copy) as raw:
        # Only the observer's own logins were recorded; no row of data changed.
        new = raw.execute("SELECT DISTINCT action FROM audit_log WHERE seq > ?",
                          audit_before).fetchall()
    assert {a for (a,) in new} <= {"account.login"}


def test_observer_can_read(capsys, demo_copy, as_user):
    as_user("guancha")
    code, out, _ = run(capsys, "--db", str(demo_copy), "--json", "county", "townships")
    assert code == 0 and len(json.loads(out)) == 9


def test_administrator_writes_are_audited(capsys, demo_copy, as_user):
    as_user("admin")
    code, _, err = run(capsys, "--db", str(demo_copy), "county", "add-township", "新设镇",
                       "--population", "12000")
    assert code == 0, err
    code, out, _ = run(capsys, "--db", str(demo_copy), "--json", "audit", "tail", "-n", "2")
    added, login = json.loads(out)  # the tail command's own login comes last
    assert added["actor"] == "admin" and added["action"] == "org_unit.add_township"
    assert login["action"] == "account.login"
    assert run(capsys, "verify", "--db", str(demo_copy))[0] == 0


def test_wrong_password_is_exit_3_one_line(capsys, demo_copy, as_user):
    as_user("zhiban", "not-the-password1")
    code, _, err = run(capsys, "--db", str(demo_copy), "shift", "current")
    assert code == 3 and err.strip() == "错误: 用户名或密码错误。"


def test_no_user_given(capsys, demo_copy):
    code, _, err = run(capsys, "--db", str(demo_copy), "shift", "current")
    assert code == 3 and "--user" in err


def test_shift_current_and_list(capsys, demo_copy, as_user):
    as_user("zhiban")
    code, out, _ = run(capsys, "--db", str(demo_copy), "--json", "shift", "current")
    current = json.loads(out)
    assert code == 0 and current["leader"] and current["operators"]
    code, out, _ = run(capsys, "--db", str(demo_copy), "--json", "shift", "list", "--days", "3")
    assert code == 0 and 3 <= len(json.loads(out)) <= 4
    code, _, err = run(capsys, "--db", str(demo_copy), "shift", "list", "--from", "12/01")
    assert code == 5 and "YYYY-MM-DD" in err


def test_init_creates_an_empty_store_with_an_administrator(capsys, tmp_path, as_user):
    path = tmp_path / "county.db"
    as_user("root", "first-admin-2026")
    code, _, err = run(capsys, "init", "--db", str(path), "--admin", "root", "--name", "管理员")
    assert code == 0, err
    code, out, _ = run(capsys, "--db", str(path), "--json", "user", "list")
    assert code == 0 and [u["username"] for u in json.loads(out)] == ["root"]


def test_user_lifecycle_through_the_cli(capsys, demo_copy, monkeypatch, as_user):
    as_user("admin")
    code, _, err = run(capsys, "--db", str(demo_copy), "user", "add", "newop", "--name", "新值班员",
                       "--role", "operator")
    assert code == 0, err  # the password came from COMMANDCENTRE_PASSWORD
    code, _, _ = run(capsys, "--db", str(demo_copy), "user", "disable", "newop")
    assert code == 0
    as_user("newop")
    code, _, err = run(capsys, "--db", str(demo_copy), "shift", "current")
    assert code == 3 and "停用" in err


def test_backup_by_administrator(capsys, demo_copy, as_user):
    as_user("admin")
    dest = demo_copy.parent / "backup.db"
    code, _, err = run(capsys, "--db", str(demo_copy), "db", "backup", "--to", str(dest))
    assert code == 0, err
    assert run(capsys, "verify", "--db", str(dest))[0] == 0
    code, _, err = run(capsys, "--db", str(demo_copy), "db", "backup", "--to", str(dest))
    assert code == 5 and "已存在" in err


def test_newer_version_file_is_refused_by_every_command(capsys, tmp_path, as_user):
    path = tmp_path / "future.db"
    Store.open(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute(f"PRAGMA user_version = {pack_version(7, 3)}")
        raw.execute("PRAGMA journal_mode = DELETE")
    before = path.read_bytes()
    as_user("admin")
    for argv in (("verify",), ("db", "info"), ("shift", "current")):
        code, _, err = run(capsys, "--db", str(path), *argv)
        assert code == 4, argv
        assert len(err.strip().splitlines()) == 1 and "7.3" in err
    assert path.read_bytes() == before


def test_locked_file_gives_one_line(capsys, demo_copy, as_user, monkeypatch):
    monkeypatch.setenv("COMMANDCENTRE_BUSY_TIMEOUT_MS", "50")
    holder = sqlite3.connect(demo_copy, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        as_user("zhiban")
        code, _, err = run(capsys, "--db", str(demo_copy), "shift", "current")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert code == 4
    assert len(err.strip().splitlines()) == 1 and "锁定" in err


def test_bad_arguments_are_one_line_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["user", "add"])
    assert info.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_english_output(capsys, demo_copy, as_user):
    as_user("guancha")
    code, _, err = run(capsys, "--lang", "en", "--db", str(demo_copy), "county", "add-township",
                       "x")
    assert code == 3 and "Observer" in err
    from commandcentre.i18n import set_language

    set_language("zh")


def test_gui_command_without_the_ui_package_says_so(capsys):
    assert main(["gui"]) == 2
    assert ROOT.exists()
