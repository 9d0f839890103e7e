"""``commandcentre plans …`` end to end on a copy of the demo county.

Until ``plans`` is listed in ``commandcentre.cli.commands``, the autouse fixture
:func:`plans_command` adds it to the parser for these tests (and the plans migration comes from
``test_plans_service.plans_schema``)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from commandcentre.cli import commands
from commandcentre.cli.commands import plans as plans_cli
from commandcentre.cli.main import main
from commandcentre.demo import DEMO_PASSWORD
from tests.core.test_plans_parse import DEMO_MD, write_docx
from tests.core.test_plans_service import plan_db as plan_db  # the fixture, re-exported
from tests.core.test_plans_service import plans_schema  # noqa: F401  (autouse fixture)


@pytest.fixture(autouse=True)
def plans_command(monkeypatch):
    """Register the ``plans`` sub-command unless the CLI already has it."""
    original = commands.register

    def register(sub, common):
        original(sub, common)
        if "plans" not in sub.choices:
            plans_cli.register(sub, common)

    monkeypatch.setattr(commands, "register", register)


@pytest.fixture
def db(plan_db, monkeypatch):
    monkeypatch.setenv("COMMANDCENTRE_PASSWORD", DEMO_PASSWORD)
    return str(plan_db)


def run(capsys, monkeypatch, user, *argv):
    monkeypatch.setenv("COMMANDCENTRE_USER", user)
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def files(tmp_path):
    fire = tmp_path / "fire.md"
    fire.write_text(DEMO_MD, encoding="utf-8")
    return fire, write_docx(tmp_path / "dz.docx", styled=False)


def test_import_list_show_search(capsys, monkeypatch, db, files):
    code, out, err = run(capsys, monkeypatch, "admin", "plans", "import", *map(str, files),
                         "--db", db, "--json")
    assert code == 0, err
    imported = json.loads(out)
    assert [i["title"] for i in imported] == ["青峪县森林草原火灾专项应急预案",
                                              "青峪县地震应急预案"]
    assert imported[1]["levels"] == [{"level": "Ⅲ", "actions": 1}, {"level": "Ⅳ", "actions": 3}]
    fire_id = imported[0]["id"]
    code, out, _ = run(capsys, monkeypatch, "zhiban", "plans", "list", "--db", db, "--json")
    assert {r["id"] for r in json.loads(out)} == {i["id"] for i in imported}
    code, out, _ = run(capsys, monkeypatch, "zhiban", "plans", "search", "30分钟", "--db", db,
                       "--json")
    hits = json.loads(out)
    assert code == 0 and len(hits) == 2
    for hit in hits:
        assert {"plan_id", "title", "section_path", "snippet"} <= set(hit)
        assert "【30分钟】" in hit["snippet"]
    assert {h["section_path"] for h in hits} == {
        "二、应急响应 > （二）Ⅳ级响应 > 2.响应措施", "三、应急响应 > （一）Ⅳ级响应 > 2.响应措施"}
    code, out, _ = run(capsys, monkeypatch, "zhiban", "plans", "search", "县", "--hazard",
                       "forest_fire", "--type", "专项", "--db", db, "--json")
    assert {h["plan_id"] for h in json.loads(out)} == {fire_id}
    code, out, _ = run(capsys, monkeypatch, "zhiban", "plans", "search", "雪灾", "--db", db,
                       "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, monkeypatch, "zhiban", "plans", "show", fire_id[:8], "--db", db)
    assert code == 0 and "【Ⅳ级响应】启动条件：初判为一般森林草原火灾" in out
    assert "1. 县森防指办公室：接报后30分钟内组织会商，确定增援力量。  [30分钟]" in out
    code, out, _ = run(capsys, monkeypatch, "zhiban", "plans", "search", "会商", "--db", db)
    assert code == 0 and "青峪县森林草原火灾专项应急预案" in out


def test_a_bad_file_is_one_line_and_imports_nothing(capsys, monkeypatch, db, files, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    code, _, err = run(capsys, monkeypatch, "admin", "plans", "import", str(files[0]),
                       str(empty), "--db", db)
    assert code == 5 and len(err.strip().splitlines()) == 1 and "empty.txt" in err
    code, out, _ = run(capsys, monkeypatch, "admin", "plans", "list", "--db", db, "--json")
    assert json.loads(out) == []
    code, _, err = run(capsys, monkeypatch, "zhiban", "plans", "import", str(files[0]),
                       "--db", db)
    assert code == 3  # an operator may not change the register


def test_dry_run_reports_without_saving(capsys, monkeypatch, db, files):
    code, out, _ = run(capsys, monkeypatch, "admin", "plans", "import", "--dry-run",
                       str(files[1]), "--db", db)
    assert code == 0 and "青峪县地震应急预案" in out and "未注明预案状态" in out
    code, out, _ = run(capsys, monkeypatch, "admin", "plans", "list", "--db", db, "--json")
    assert json.loads(out) == []


def test_activate_checklist_alerts_export(capsys, monkeypatch, db, files, tmp_path):
    code, out, _ = run(capsys, monkeypatch, "admin", "plans", "import", str(files[0]),
                       "--db", db, "--json")
    plan_id = json.loads(out)[0]["id"]
    local = datetime.now(ZoneInfo("Asia/Shanghai"))
    code, out, err = run(
        capsys, monkeypatch, "zhiban", "incident", "create", "--db", db, "--json",
        "--title", "竹箐乡鹿子坪村森林火灾", "--hazard", "forest_fire", "--township", "竹箐乡",
        "--occurred-at", (local - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        "--received-at", (local - timedelta(minutes=50)).strftime("%Y-%m-%d %H:%M"))
    assert code == 0, err
    incident = json.loads(out)["id"]
    code, out, _ = run(capsys, monkeypatch, "zhiban", "plans", "suggest", incident, "--db", db,
                       "--json")
    assert [(s["plan_id"], s["level"]) for s in json.loads(out)] == [(plan_id, "Ⅳ")]
    at = (local - timedelta(minutes=45)).strftime("%Y-%m-%d %H:%M")
    code, out, err = run(capsys, monkeypatch, "zhiban", "plans", "activate", incident,
                         plan_id[:8], "Ⅳ", "--at", at, "--db", db, "--json")
    assert code == 0, err
    items = json.loads(out)
    assert [(i["ordinal"], i["owner_unit"], i["state"]) for i in items] == [
        (1, "县森防指办公室", "overdue"), (2, "县森林草原专业扑火队", "overdue"),
        (3, "县气象局", "open")]
    code, out, err = run(capsys, monkeypatch, "zhiban", "plans", "checklist", incident,
                         "--done", "1", "--note", "已会商", "--db", db, "--json")
    assert code == 0, err
    first = json.loads(out)[0]
    assert first["state"] == "done" and first["done_by"] == "zhiban" and first["note"] == "已会商"
    code, _, err = run(capsys, monkeypatch, "zhiban", "plans", "checklist", incident, "--done",
                       "1", "--db", db)
    assert code == 5 and "已登记完成" in err
    code, out, _ = run(capsys, monkeypatch, "zhiban", "plans", "checklist", incident, "--db", db)
    assert "已完成" in out and "逾期" in out
    code, out, _ = run(capsys, monkeypatch, "zhiban", "plans", "alerts", "--today",
                       "2030-01-01", "--db", db, "--json")
    assert {a["kind"] for a in json.loads(out)} == {"evaluation_overdue", "drill_overdue"}
    for name in ("plan.docx", "plan.pdf"):
        code, _, err = run(capsys, monkeypatch, "zhiban", "plans", "export", plan_id,
                           str(tmp_path / name), "--db", db)
        assert code == 0, err
        assert (tmp_path / name).stat().st_size > 1000
    code, _, _ = run(capsys, monkeypatch, "zhiban", "plans", "update", plan_id, "status=废止",
                     "--db", db)
    assert code == 3
    code, out, _ = run(capsys, monkeypatch, "admin", "plans", "update", plan_id, "status=废止",
                       "last_drill_on=2026-11-01", "--db", db, "--json")
    assert code == 0 and json.loads(out)["status"] == "废止"
