"""``commandcentre roster …`` and ``commandcentre stock …`` end to end on the demo county.

Until ``roster.register`` is listed in ``commandcentre/cli/commands/__init__.py`` the test
adds it to the command registry with monkeypatch (``cli_roster``)."""

from __future__ import annotations

import json

import pytest

from commandcentre.cli import commands
from commandcentre.cli.commands import roster
from commandcentre.cli.main import main
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.storage import Store
from tests.core import roster_support as _support
from tests.core.roster_support import counts, office_sheet

# Fixtures shared by the roster tests (roster_schema is autouse: see roster_support).
rdemo_path = _support.rdemo_path
roster_schema = _support.roster_schema


@pytest.fixture
def db(rdemo_path, monkeypatch):
    original = commands.register

    def register(sub, common):
        original(sub, common)
        if "roster" not in sub.choices:
            roster.register(sub, common)

    monkeypatch.setattr(commands, "register", register)
    monkeypatch.setenv("COMMANDCENTRE_USER", "admin")
    monkeypatch.setenv("COMMANDCENTRE_PASSWORD", DEMO_PASSWORD)
    return str(rdemo_path)


def _records(store) -> dict[str, int]:
    """Row counts, with the audit trail counted without the CLI's own login records."""
    out = counts(store)
    out["audit_log"] = store.scalar("SELECT count(*) FROM audit_log WHERE action NOT LIKE"
                                    " 'account.%' AND action NOT LIKE 'login%'")
    return out


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_import_dry_run_then_refused_then_good(capsys, db, tmp_path):
    bad = office_sheet(tmp_path / "p.xlsx", "队员名册", ["姓名", "所属队伍", "手机"], [
        ["甲", "青峪县水域救援队", 13700000001.0], ["乙", "没有的队", 13700000002.0]])
    with Store.open(db) as s:
        before = _records(s)
    code, out, _ = run(capsys, "roster", "import", str(bad), "--kind", "people", "--dry-run",
                       "--db", db, "--json")
    data = json.loads(out)
    assert code == 5 and not data["written"] and data["counts"]["insert"] == 1
    assert data["rejects"] == [{"row": 5, "reasons": ["没有此队伍：没有的队（请先导入队伍名册）"],
                                "message": "第 5 行：没有此队伍：没有的队（请先导入队伍名册）"}]
    code, _, err = run(capsys, "roster", "import", str(bad), "--kind", "people", "--db", db)
    assert code == 5 and "第 5 行" in err and "未写入任何记录" in err
    with Store.open(db) as s:
        assert _records(s) == before
    good = office_sheet(tmp_path / "g.xlsx", "队员名册", ["姓名", "所属队伍", "手机"], [
        ["甲", "青峪县水域救援队", 13700000001.0]])
    code, out, err = run(capsys, "roster", "import", str(good), "--kind", "people", "--db", db)
    assert code == 0, err
    assert "新增 1 条" in out and "已导入" in out


def test_list_export_check(capsys, db, tmp_path):
    code, out, _ = run(capsys, "roster", "list", "--kind", "teams", "--db", db, "--json")
    teams = json.loads(out)
    assert code == 0 and len(teams) == 20 and {"required_min", "members"} <= set(teams[0])
    code, out, _ = run(capsys, "roster", "list", "--kind", "stock", "--db", db)
    assert code == 0 and "结存" in out.splitlines()[0]
    path = tmp_path / "experts.xlsx"
    code, out, _ = run(capsys, "roster", "export", "--kind", "experts", "-o", str(path), "--db",
                       db)
    assert code == 0 and path.exists() and "14" in out
    code, out, _ = run(capsys, "roster", "check", "--db", db, "--json")
    data = json.loads(out)
    assert code == 1 and not data["ok"]
    assert {f["kind"] for f in data["findings"]} >= {"shelter_facilities", "stock_below_minimum"}
    code, out, _ = run(capsys, "roster", "check", "--db", db)
    assert code == 1 and "依据：" in out
    code, out, _ = run(capsys, "roster", "rules", "--db", db)
    assert code == 0 and "003_f46a6e80e859aec0.txt:434" in out
    code, _, _ = run(capsys, "roster", "setting", "stock.expiry_days", "60", "--db", db)
    assert code == 0


def test_dispatch_and_status(capsys, db, monkeypatch):
    monkeypatch.setenv("COMMANDCENTRE_USER", "zhiban")  # an operator dispatches
    code, out, err = run(capsys, "incident", "create", "--title", "黑泥沟山洪", "--hazard",
                         "forest_fire", "--occurred-at", "2026-03-01 08:00", "--received-at",
                         "2026-03-01 08:05", "--db", db, "--json")
    assert code == 0, err
    incident = json.loads(out)["id"]
    code, out, err = run(capsys, "roster", "dispatch", "黑泥沟山洪", "--team", "青峪县水域救援队",
                         "--to", "黑泥沟村", "--db", db, "--json")
    assert code == 0, err
    dispatch = json.loads(out)
    assert dispatch["status"] == "已派"
    code, out, err = run(capsys, "roster", "dispatch-status", dispatch["id"][:8], "在途", "--db",
                         db)
    assert code == 0 and "在途" in out, err
    code, out, err = run(capsys, "roster", "dispatch", incident, "--stock", "帐篷", "--db", db)
    assert code == 5 and "请指定仓库" in err
    code, out, err = run(capsys, "roster", "dispatch", incident, "--stock", "帐篷",
                         "--warehouse", "云坝镇应急物资储备点", "--quantity", "5", "--db", db)
    assert code == 0, err
    code, out, _ = run(capsys, "roster", "dispatches", incident, "--db", db, "--json")
    assert [d["status"] for d in json.loads(out)] == ["在途", "已派"]
    code, out, _ = run(capsys, "incident", "show", incident, "--db", db)
    assert "调度队伍“青峪县水域救援队”：在途" in out
    code, _, err = run(capsys, "stock", "move", "帐篷", "--warehouse", "云坝镇应急物资储备点",
                       "--kind", "入库", "--quantity", "5", "--db", db)
    assert code == 3, err  # operators do not keep the warehouse


def test_stock_move_transfer_card(capsys, db):
    args = ("--warehouse", "云坝镇应急物资储备点", "--db", db)
    code, out, err = run(capsys, "stock", "move", "棉被", "--kind", "出库", "--quantity", "20",
                         *args, "--json")
    assert code == 0, err
    balance = json.loads(out)["balance"]
    code, _, err = run(capsys, "stock", "move", "棉被", "--kind", "报损", "--quantity",
                       str(balance + 1), *args)
    assert code == 5 and "库存不足" in err
    code, out, err = run(capsys, "stock", "transfer", "棉被", "--to-warehouse",
                         "青峪县救灾物资储备库", "--quantity", "10", *args)
    assert code == 0 and "云坝镇应急物资储备点 → 青峪县救灾物资储备库" in out, err
    code, out, _ = run(capsys, "stock", "card", "棉被", *args, "--json")
    card = json.loads(out)
    assert [m["kind"] for m in card][-2:] == ["出库", "调拨"]
    assert card[-1]["balance"] == balance - 10
