"""Plugin registers (API 1.1): a third-party plugin folder declares a register on its own
table; the core validates, audits, checks and imports its rows from a real .xlsx file."""

from __future__ import annotations

import textwrap

import pytest
from openpyxl import Workbook

from commandcentre.accounts import AccountService
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.errors import PermissionDenied, ValidationError
from commandcentre.hazards import PluginError, RegisterSpec, RowCheck, load_hazards
from commandcentre.hazards.register_service import PluginRegisterService
from commandcentre.rosters.importing import ImportRejected
from commandcentre.storage.verify import verify_store

PLUGIN = '''
from commandcentre.hazards import FieldSpec, HazardType, RegisterSpec, RowCheck

POINTS = RegisterSpec(
    key="points", name_zh="隐患点", name_en="Hazard points",
    fields=(
        FieldSpec("name", "隐患点名称", "Name", "text"),
        FieldSpec("kind", "类型", "Type", "choice", choices=("滑坡", "崩塌", "泥石流")),
        FieldSpec("threatened", "威胁人数", "People threatened", "int", unit="人", minimum=0),
        FieldSpec("monitored", "专业监测", "Professional monitoring", "bool"),
    ),
    title="name",
    aliases={"threatened": ("受威胁人数",)},
    checks=(RowCheck("needs_monitoring", "威胁 30 人以上，应纳入专业监测",
                     lambda r: (r["threatened"] or 0) >= 30 and not r["monitored"],
                     source="seed 003:338"),),
)


def register(api):
    api.register_hazard(HazardType("{id}", "测试地灾", "Test geo", "自然灾害"))
    {migration}
    api.add_register(POINTS)
'''


def write_plugin(root, plugin_id: str, *, api: str = '["1.1"]', migration: bool = True):
    folder = root / plugin_id
    folder.mkdir(parents=True)
    (folder / "manifest.toml").write_text(
        f'id = "{plugin_id}"\nname = "测试"\nversion = "1.0.0"\napi = {api}\n',
        encoding="utf-8")
    step = (f'api.add_migration(1, (POINTS.create_sql("{plugin_id}"),))' if migration
            else "pass")
    (folder / "__init__.py").write_text(
        textwrap.dedent(PLUGIN).replace("{id}", plugin_id).replace("{migration}", step),
        encoding="utf-8")
    return root


@pytest.fixture
def loaded(demo_store, tmp_path):
    registry, report = load_hazards(demo_store, extra_dirs=[write_plugin(tmp_path, "geo_t")])
    service = PluginRegisterService(demo_store, registry)
    return service, service.get("geo_t.points"), report


@pytest.fixture
def admin(demo_store):
    return AccountService(demo_store).authenticate("admin", DEMO_PASSWORD)


def township(store) -> str:
    return store.scalar("SELECT name FROM org_unit WHERE kind = 'township' ORDER BY sort LIMIT 1")


def test_register_rows_are_validated_audited_and_checked(loaded, admin, demo_store):
    service, ref, report = loaded
    status = next(s for s in report.plugins if s.id == "geo_t")
    assert status.state == "loaded" and status.as_dict()["registers"] == ["points"]
    town = township(demo_store)
    rid = service.add(admin, ref, {"name": "老鹰岩滑坡", "kind": "滑坡", "threatened": "４５",
                                   "monitored": "否", "township": town})
    (row,) = service.rows(ref)
    assert (row["id"], row["threatened"], row["monitored"], row["township"]) == \
        (rid, 45, 0, town)
    assert row["findings"] == ["威胁 30 人以上，应纳入专业监测"]
    assert service.findings(ref)[0]["source"] == "seed 003:338"
    service.update(admin, ref, rid, {"name": "老鹰岩滑坡", "kind": "滑坡", "threatened": 45,
                                     "monitored": True, "township": town})
    assert service.rows(ref)[0]["findings"] == []
    with pytest.raises(ValidationError, match="类型"):
        service.add(admin, ref, {"name": "x", "kind": "地震"})
    with pytest.raises(ValidationError, match="隐患点名称"):
        service.add(admin, ref, {"kind": "滑坡"})
    with pytest.raises(ValidationError):
        service.add(admin, ref, {"name": "x", "township": "不存在的乡"})
    watcher = AccountService(demo_store).authenticate("guancha", DEMO_PASSWORD)
    with pytest.raises(PermissionDenied):
        service.add(watcher, ref, {"name": "y"})
    assert verify_store(demo_store.path).ok
    actions = {r["action"] for r in demo_store.query(
        "SELECT action FROM audit_log WHERE table_name = 'plg_geo_t_points'")}
    assert actions == {"plugin.geo_t.points.add", "plugin.geo_t.points.update"}


def sheet(path, rows):
    book = Workbook()
    ws = book.active
    ws.append(["青峪县地质灾害隐患点台账"])  # a title row above the header, as offices do
    ws.append(["隐患点名称", "类型", "受威胁人数", "专业监测", "所在乡镇", "备注"])
    for row in rows:
        ws.append(row)
    book.save(path)
    return path


def test_import_previews_refuses_bad_rows_and_writes_all_or_nothing(loaded, admin, demo_store,
                                                                    tmp_path):
    service, ref, _report = loaded
    town = township(demo_store)
    bad = sheet(tmp_path / "bad.xlsx", [["鹿子坪崩塌", "崩塌", 12, "是", town, ""],
                                        ["黑泥沟泥石流", "泥石流", "很多", "否", town, ""],
                                        ["鹿子坪崩塌", "崩塌", 12, "是", town, "重复"]])
    with pytest.raises(ImportRejected) as err:
        service.import_file(admin, ref, bad)
    rejects = {r.row: r.reasons[0] for r in err.value.preview.rejects}
    assert set(rejects) == {4, 5} and "受威胁" not in rejects[4] and "威胁人数" in rejects[4]
    assert service.rows(ref) == []  # nothing written
    good = sheet(tmp_path / "good.xlsx", [["鹿子坪崩塌", "崩塌", 12, "是", town, ""],
                                          ["黑泥沟泥石流", "泥石流", 80, "否", town, ""], [],
                                          ["新村滑坡", "滑坡", None, None, None, ""]])
    preview = service.import_file(admin, ref, good)
    assert preview.written and preview.counts["insert"] == 3 and preview.skipped == 1
    assert preview.columns["受威胁人数"] == "threatened" and "备注" in preview.ignored
    findings = {f["row"] for f in service.findings(ref)}
    assert findings == {"黑泥沟泥石流"}
    again = service.preview(admin, ref, good)
    assert again.counts["unchanged"] == 3
    changed = sheet(tmp_path / "changed.xlsx", [["黑泥沟泥石流", "泥石流", 80, "是", town, ""]])
    assert service.import_file(admin, ref, changed).counts["update"] == 1
    assert service.findings(ref) == []
    assert verify_store(demo_store.path).ok


def test_a_register_without_its_table_fails_the_plugin(demo_store, tmp_path):
    registry, report = load_hazards(demo_store, extra_dirs=[
        write_plugin(tmp_path, "geo_nt", migration=False)])
    status = next(s for s in report.plugins if s.id == "geo_nt")
    assert status.state == "failed" and "plg_geo_nt_points" in status.reason
    assert registry.find("geo_nt") is None
    assert all(p != "geo_nt" for p, _ in registry.registers())


def test_plugins_asking_for_api_1_0_still_load_and_1_1_is_offered(demo_store, tmp_path):
    registry, report = load_hazards(demo_store, extra_dirs=[
        write_plugin(tmp_path, "geo_old", api='["1.0", "1.1"]')])
    status = next(s for s in report.plugins if s.id == "geo_old")
    assert status.state == "loaded" and registry.find("geo_old")


def test_register_specs_check_themselves():
    from commandcentre.hazards import FieldSpec

    name = FieldSpec("name", "名称", "Name", "text")
    with pytest.raises(PluginError):
        RegisterSpec("Bad", "x", "x", (name,), "name")
    with pytest.raises(PluginError):
        RegisterSpec("ok", "x", "x", (name,), "missing")
    with pytest.raises(PluginError):
        RegisterSpec("ok", "x", "x", (FieldSpec("id", "编号", "Id", "text"),), "id")
    with pytest.raises(PluginError):
        RegisterSpec("ok", "x", "x", (name,), "name", checks=(
            RowCheck("a", "m", lambda r: True), RowCheck("a", "n", lambda r: False)))
    broken = RegisterSpec("ok", "x", "x", (name,), "name",
                          checks=(RowCheck("boom", "规则出错", lambda r: 1 / 0),))
    assert [c.code for c in broken.findings({"name": "n"})] == ["boom"]
    assert "plg_p_ok" in broken.create_sql("p") and "name TEXT" in broken.create_sql("p")


def test_registers_cli(demo_copy, tmp_path, monkeypatch, capsys):
    import json

    from commandcentre.cli.main import main
    from commandcentre.hazards import user_plugin_dir

    write_plugin(user_plugin_dir(), "geo_cli")
    monkeypatch.setenv("COMMANDCENTRE_PASSWORD", DEMO_PASSWORD)
    monkeypatch.setenv("COMMANDCENTRE_USER", "admin")
    db = str(demo_copy)
    assert main(["--db", db, "--json", "registers", "list"]) == 0
    listed = {r["register"]: r for r in json.loads(capsys.readouterr().out)}
    assert listed["geo_cli.points"]["rows"] == 0
    assert main(["--db", db, "registers", "add", "geo_cli.points", "--set", "name=后山滑坡",
                 "--set", "kind=滑坡", "--set", "threatened=31"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "registers", "check"]) == 1
    assert "应纳入专业监测" in capsys.readouterr().out
    path = sheet(tmp_path / "p.xlsx", [["前山崩塌", "崩塌", 3, "否", None, ""]])
    assert main(["--db", db, "--json", "registers", "import", "隐患点", str(path),
                 "--dry-run"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["insert"] == 1
    assert main(["--db", db, "--json", "registers", "show", "geo_cli.points"]) == 0
    assert [r["name"] for r in json.loads(capsys.readouterr().out)] == ["后山滑坡"]
    assert main(["--db", db, "registers", "add", "geo_cli.points", "--set", "oops"]) != 0


def test_demo_rows_of_a_plugin_register_go_into_the_demo_county(tmp_path):
    from commandcentre.demo import build_demo
    from commandcentre.hazards import user_plugin_dir
    from commandcentre.storage import Store

    write_plugin(user_plugin_dir(), "geo_demo")
    init = user_plugin_dir() / "geo_demo" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8").replace(
        'title="name",', 'title="name", demo=({"name": "演示隐患点", "kind": "滑坡",'
        ' "threatened": 40, "township": "凤鸣街道"},),'), encoding="utf-8")
    counts = build_demo(tmp_path / "demo.db", plans=False)
    assert counts["register_rows"] >= 1
    with Store.open(tmp_path / "demo.db") as store:
        row = store.one("SELECT p.*, o.name AS township FROM plg_geo_demo_points p"
                        " JOIN org_unit o ON o.id = p.township_id")
        assert (row["name"], row["threatened"], row["township"]) == ("演示隐患点", 40, "凤鸣街道")
        assert verify_store(store.path).ok


def test_production_safety_registers(demo_store):
    from datetime import date, timedelta

    from commandcentre.accounts import system_session

    registry, _report = load_hazards(demo_store)
    service = PluginRegisterService(demo_store, registry)
    firms = {r["name"]: r for r in service.rows(service.get("production_safety.enterprises"))}
    assert firms["岚桥化工园区青峪精细化工有限公司"]["findings"] == []
    assert firms["竹箐乡石料厂"]["findings"] == ["红、橙风险单位未明确安全官"]
    dangers = service.get("production_safety.hidden_dangers")
    (demo,) = service.rows(dangers)
    assert demo["findings"] == ["整改期限已过，尚未报告整改完成"]  # due 2026-11-12
    ahead = (date.today() + timedelta(days=10)).isoformat()
    service.add(system_session("t"), dangers, {"title": "脚手架未设连墙件", "step": "治理",
                                               "deadline": ahead, "owner": "李工"})
    fresh = next(r for r in service.rows(dangers) if r["title"] == "脚手架未设连墙件")
    assert fresh["findings"] == []


def test_a_link_to_a_register_the_plugin_lacks_fails_it(demo_store, tmp_path):
    write_plugin(tmp_path, "geo_link")
    init = tmp_path / "geo_link" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8").replace(
        '"测试地灾", "Test geo", "自然灾害")', '"测试地灾", "Test geo", "自然灾害", fields=('
        'FieldSpec("point", "隐患点", "Point", "text"),), register_links={"point": "nope"})'),
        encoding="utf-8")
    _registry, report = load_hazards(demo_store, extra_dirs=[tmp_path])
    status = next(s for s in report.plugins if s.id == "geo_link")
    assert status.state == "failed" and "nope" in status.reason
