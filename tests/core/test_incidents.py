"""Incidents end to end on the demo county: opening, figures, grading, the clock, the CLI."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from commandcentre.accounts import AccountService
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.duty.intake import IntakeInput, IntakeService
from commandcentre.errors import NotFound, PermissionDenied, ValidationError
from commandcentre.hazards import load_hazards
from commandcentre.incidents.model import Casualties, IncidentInput
from commandcentre.incidents.service import IncidentService
from commandcentre.reporting.service import ReportingService
from commandcentre.settings import Settings
from commandcentre.storage.verify import verify_store


@pytest.fixture(scope="module")
def hazards():
    registry, report = load_hazards()
    assert {p.id for p in report.plugins if p.state == "loaded"} >= {"forest_fire",
                                                                    "production_safety"}
    return registry


@pytest.fixture
def svc(demo_store, hazards):
    return IncidentService(demo_store, hazards)


def login(store, name):
    return AccountService(store).authenticate(name, DEMO_PASSWORD)


def open_accident(store, svc, **extra):
    now = store.clock.now()
    data = IncidentInput(title="岚桥化工园区反应釜爆炸", hazard="production_safety",
                         occurred_at=now - timedelta(minutes=20),
                         received_at=now - timedelta(minutes=10), township="岚桥镇",
                         place="岚桥化工园区", **extra)
    return svc.create(login(store, "zhiban"), data)


def test_create_takes_the_category_from_the_hazard(demo_store, svc):
    iid = open_accident(demo_store, svc)
    row = svc.get(iid)
    assert row["category"] == "事故灾难" and row["status"] == "处置中" and row["grade"] is None


@pytest.mark.parametrize("change, error, match", [
    ({"hazard": "no_such_hazard"}, NotFound, "no_such_hazard"),
    ({"title": " "}, ValidationError, "名称"),
    ({"occurred_at": "after_received"}, ValidationError, "发生时间"),
    ({"received_at": "future"}, ValidationError, "晚于当前时间"),
    ({"township": "不存在镇"}, ValidationError, "乡镇"),
])
def test_bad_input_is_refused(demo_store, svc, change, error, match):
    now = demo_store.clock.now()
    values = dict(title="某事故", hazard="production_safety",
                  occurred_at=now - timedelta(hours=2), received_at=now - timedelta(hours=1))
    values.update(change)
    if change.get("occurred_at") == "after_received":
        values["occurred_at"] = now - timedelta(minutes=30)
    if change.get("received_at") == "future":
        values["received_at"] = now + timedelta(hours=1)
    with pytest.raises(error, match=match):
        svc.create(login(demo_store, "zhiban"), IncidentInput(**values))
    assert demo_store.scalar("SELECT count(*) FROM incident") == 3


def test_from_intake_links_both_ways(demo_store, svc):
    op = login(demo_store, "zhiban")
    intake = IntakeService(demo_store).record(op, IntakeInput(content="竹箐乡发现山火"))
    now = demo_store.clock.now()
    iid = svc.create(op, IncidentInput(title="竹箐乡山火", hazard="forest_fire",
                                       occurred_at=now - timedelta(minutes=5)),
                     from_intake=intake.record["serial"])
    assert svc.get(iid)["source_intake_id"] == intake.record["id"]
    assert IntakeService(demo_store).get(intake.root_id).incident_id == iid
    assert [e.kind for e in svc.timeline(iid)] == ["intake"]


def test_casualties_drive_the_automatic_grade_and_history_is_kept(demo_store, svc):
    op, leader = login(demo_store, "zhiban"), login(demo_store, "daiban")
    iid = open_accident(demo_store, svc)
    svc.record_casualties(op, iid, Casualties(deaths=1, injured=4, seriously_injured=2),
                          source="县卫健局")
    assert svc.assess_grade(op, iid, auto=True)["grade"] == "一般"
    svc.record_casualties(op, iid, Casualties(deaths=3, injured=12, seriously_injured=5),
                          source="县卫健局")
    result = svc.assess_grade(op, iid, auto=True)
    assert result["grade"] == "较大" and result["roman"] == "Ⅲ"
    assert svc.get(iid)["grade"] == "较大"
    with pytest.raises(PermissionDenied):
        svc.assess_grade(op, iid, grade="重大", reason="领导要求")
    with pytest.raises(ValidationError, match="理由"):
        svc.assess_grade(leader, iid, grade="重大")
    svc.assess_grade(leader, iid, grade="重大", reason="涉险人数多，社会影响大，县指挥部研究提级")
    grades = [g for _, g in svc.grade_history(iid)]
    assert grades == [None, "一般", "较大", "重大"]
    assert svc.get(iid)["grade"] == "重大"


def test_forest_fire_graded_by_burned_forest_area(demo_store, svc):
    op = login(demo_store, "zhiban")
    now = demo_store.clock.now()
    hazard = svc.hazards.get("forest_fire")
    area_key = next(c.key for c in hazard.grading.criteria if "面积" in c.label_zh)
    iid = svc.create(op, IncidentInput(title="老鹰岩山火", hazard="forest_fire",
                                       occurred_at=now - timedelta(hours=2),
                                       fields={area_key: "150"}))
    assert svc.assess_grade(op, iid, auto=True)["grade"] == "重大"


def test_hazard_fields_are_updated_with_a_timeline_entry(demo_store, svc):
    op = login(demo_store, "zhiban")
    now = demo_store.clock.now()
    iid = svc.create(op, IncidentInput(title="老鹰岩山火", hazard="forest_fire",
                                       occurred_at=now - timedelta(hours=2),
                                       fields={"detection_source": "瞭望"}))
    stored = svc.update_fields(op, iid, {"detection_source": "瞭望", "damaged_forest_ha": "１２",
                                         "wind": "西北风 4 级"})
    assert stored == {"detection_source": "瞭望", "damaged_forest_ha": 12.0,
                      "wind": "西北风 4 级"}
    assert json.loads(svc.get(iid)["fields_json"]) == stored
    (entry,) = [e for e in svc.timeline(iid) if "灾种信息更新" in e.text]
    assert "受害森林面积 12公顷" in entry.text and "风向风力 西北风 4 级" in entry.text
    assert "发现方式" not in entry.text  # unchanged fields are not repeated
    svc.update_fields(op, iid, {"detection_source": "瞭望", "damaged_forest_ha": "150"})
    assert svc.assess_grade(op, iid, auto=True)["grade"] == "重大"
    assert sum("灾种信息更新" in e.text for e in svc.timeline(iid)) == 2
    with pytest.raises(ValidationError, match="森林火险等级"):
        svc.update_fields(op, iid, {"fire_danger_level": 9})
    with pytest.raises(ValidationError, match="没有这些字段"):
        svc.update_fields(op, iid, {"water_level": 3})
    with pytest.raises(PermissionDenied):
        svc.update_fields(login(demo_store, "guancha"), iid, {})
    assert verify_store(demo_store.path).ok


def test_response_decisions_need_a_leader(demo_store, svc):
    iid = open_accident(demo_store, svc)
    with pytest.raises(PermissionDenied):
        svc.decide(login(demo_store, "zhiban"), iid, "Ⅳ", decided_by="县长")
    svc.decide(login(demo_store, "daiban"), iid, "Ⅳ", decided_by="县安委会主任",
               reason="启动县级Ⅳ级响应")
    assert any("Ⅳ级应急响应" in e.text for e in svc.timeline(iid))


def test_timeline_merges_every_source_in_time_order(demo_store, svc):
    op = login(demo_store, "zhiban")
    iid = open_accident(demo_store, svc)
    first = svc.note(op, iid, "县消防救援大队2车10人出动", kind="dispatch")
    svc.note(op, iid, "更正：出动3车15人", kind="dispatch", corrects=first)
    svc.record_casualties(op, iid, Casualties(injured=2), source="园区管委会")
    ReportingService(demo_store, svc.hazards).mark_sent(op, iid, kind="首报", channel="电话",
                                                        recipient="市应急管理局")
    kinds = [e.kind for e in svc.timeline(iid)]
    assert kinds == ["dispatch", "dispatch", "snapshot", "report"]
    entries = svc.timeline(iid)
    assert entries[1].corrects == first
    assert [e.at for e in entries] == sorted(e.at for e in entries)


def test_obligations_follow_the_hazard_rules_and_marking_sent(demo_store, svc):
    op = login(demo_store, "zhiban")
    reporting = ReportingService(demo_store, svc.hazards)
    iid = open_accident(demo_store, svc)
    obligations = {o.key: o for o in reporting.obligations(iid)}
    received = svc.get(iid)["received_at"]
    from commandcentre.timeutil import from_storage

    # production_safety: 493号 — 60 min phone, 120 min written.
    assert obligations["首报/电话"].due_at == from_storage(received) + timedelta(minutes=60)
    assert obligations["首报/书面"].due_at == from_storage(received) + timedelta(minutes=120)
    with pytest.raises(ValidationError, match="签发人"):
        reporting.mark_sent(op, iid, kind="首报", channel="书面")
    reporting.mark_sent(op, iid, kind="首报", channel="书面", signer="段志刚",
                        recipient="市应急管理局")
    after = {o.key: o for o in reporting.obligations(iid)}
    assert after["首报/书面"].status(demo_store.clock.now()) == "done"
    with pytest.raises(ValidationError, match="结束后"):
        reporting.mark_sent(op, iid, kind="终报", channel="书面", signer="段志刚")
    svc.close(op, iid)
    assert "终报" in {o.key for o in reporting.obligations(iid)}
    assert reporting.nearest() is not None


def test_county_setting_selects_a_preset(demo_store, svc):
    admin = login(demo_store, "admin")
    Settings(demo_store).set(admin, "reporting.rule_set", "strict-15-35")
    reporting = ReportingService(demo_store, svc.hazards)
    iid = open_accident(demo_store, svc)
    phone = next(o for o in reporting.obligations(iid) if o.key == "首报/电话")
    assert phone.basis.startswith("接报后60分钟")  # ungraded → 一般 row of strict: 60 min
    svc.assess_grade(login(demo_store, "daiban"), iid, grade="重大", reason="死亡10人")
    phone = next(o for o in reporting.obligations(iid) if o.key == "首报/电话")
    assert phone.grade == "重大"


def test_observer_can_read_but_not_write(demo_store, svc):
    iid = open_accident(demo_store, svc)
    watcher = login(demo_store, "guancha")
    for action in (lambda: svc.note(watcher, iid, "x"),
                   lambda: svc.record_casualties(watcher, iid, Casualties(), source="x"),
                   lambda: svc.close(watcher, iid)):
        with pytest.raises(PermissionDenied):
            action()


def test_closed_incident_refuses_new_decisions_but_takes_late_figures(demo_store, svc):
    op = login(demo_store, "zhiban")
    iid = open_accident(demo_store, svc)
    svc.close(op, iid)
    with pytest.raises(ValidationError, match="已结束"):
        svc.decide(login(demo_store, "daiban"), iid, "Ⅳ", decided_by="县长")
    svc.record_casualties(op, iid, Casualties(deaths=1), source="县医院")  # 补报 material
    assert verify_store(demo_store.path).ok


def test_incident_cli(capsys, monkeypatch, demo_copy):
    from commandcentre.cli.main import main

    monkeypatch.setenv("COMMANDCENTRE_USER", "zhiban")
    monkeypatch.setenv("COMMANDCENTRE_PASSWORD", DEMO_PASSWORD)
    db = str(demo_copy)

    def run(*argv):
        code = main(["--db", db, *argv])
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, err = run("--json", "incident", "create", "--title", "道路塌方致车辆坠落",
                         "--hazard", "production_safety", "--occurred-at", "2026-12-01 07:30",
                         "--received-at", "2026-12-01 07:40", "--township", "松垭镇")
    assert code == 0, err
    iid = json.loads(out)["id"]
    assert run("incident", "casualties", iid, "--deaths", "2", "--injured", "3",
               "--source", "县交警大队")[0] == 0
    code, out, _ = run("--json", "incident", "grade", iid, "--auto")
    assert json.loads(out)["grade"] == "一般"
    code, out, _ = run("--json", "incident", "obligations", iid)
    rows = json.loads(out)
    assert {r["key"] for r in rows} >= {"首报/电话", "首报/书面", "续报/1"}
    assert all(r["status"] in ("due", "overdue", "done", "late") for r in rows)
    code, _, err = run("incident", "report", iid, "首报", "--channel", "书面")
    assert code == 5 and "签发人" in err
    assert run("incident", "report", iid, "首报", "--channel", "书面", "--signer", "段志刚",
               "--to", "市应急管理局", "--at", "2026-12-01 09:00")[0] == 0
    code, out, _ = run("--json", "incident", "show", iid)
    # The report was sent yesterday at 09:00; the figures and grade were recorded now.
    assert [e["kind"] for e in json.loads(out)["timeline"]] == ["report", "snapshot", "grade"]
    code, _, err = run("incident", "decide", iid, "Ⅳ", "--by", "县长")
    assert code == 3  # an operator does not decide response levels
    assert run("incident", "close", iid)[0] == 0
    code, out, _ = run("--json", "plugins", "list")
    assert {p["id"] for p in json.loads(out)} >= {"forest_fire", "production_safety"}


def test_administrator_edits_a_rule_set_through_the_cli(capsys, monkeypatch, demo_copy,
                                                        tmp_path):
    from commandcentre.cli.main import main

    monkeypatch.setenv("COMMANDCENTRE_PASSWORD", DEMO_PASSWORD)
    db = str(demo_copy)
    monkeypatch.setenv("COMMANDCENTRE_USER", "admin")
    assert main(["--db", db, "rules", "show", "common-30-60"]) == 0
    data = json.loads(capsys.readouterr().out)
    data["rules"][1]["first_phone_minutes"] = 20
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    monkeypatch.setenv("COMMANDCENTRE_USER", "zhiban")
    assert main(["--db", db, "rules", "save", str(path)]) == 3  # operators may not
    capsys.readouterr()
    monkeypatch.setenv("COMMANDCENTRE_USER", "admin")
    assert main(["--db", db, "rules", "save", str(path)]) == 0
    capsys.readouterr()
    assert main(["--db", db, "rules", "show", "common-30-60"]) == 0
    assert json.loads(capsys.readouterr().out)["rules"][1]["first_phone_minutes"] == 20
    data["rules"] = data["rules"][:1]  # no longer covers 一般 / ungraded
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert main(["--db", db, "rules", "save", str(path)]) == 5
    assert "未覆盖" in capsys.readouterr().err
