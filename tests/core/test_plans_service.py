"""The plan library end to end on a copy of the demo county: importing (all or nothing,
audited), versions, lifecycle alerts, activation checklists on an incident and their timeline,
exports.

Until ``m1_8`` is listed in ``commandcentre.storage.migrations``, the autouse fixture
:func:`plans_schema` appends its step for these tests (the other plan test modules import it).
"""

from __future__ import annotations

import dataclasses
import re
import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from commandcentre.accounts import AccountService
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.errors import NotFound, PermissionDenied, ValidationError
from commandcentre.hazards import load_hazards
from commandcentre.incidents.model import IncidentInput
from commandcentre.incidents.service import IncidentService
from commandcentre.plans import PlanFilter, PlanService
from commandcentre.storage import Store, migrations
from commandcentre.storage.migrations import m1_8
from commandcentre.storage.verify import verify_store
from commandcentre.timeutil import FixedClock
from tests.core.test_plans_parse import DEMO_MD, EXPECTED_TREE, write_docx
from tests.pdfcheck import font_files, page_texts


@pytest.fixture(autouse=True)
def plans_schema(monkeypatch):
    """Add the plans migration to the known steps unless it is already registered (then this
    does nothing); it goes last, renumbered if newer steps exist by then."""
    known = migrations.MIGRATIONS
    if any(m.title == m1_8.MIGRATION.title for m in known):
        return
    step = m1_8.MIGRATION
    if known[-1].version >= step.version:
        step = dataclasses.replace(step, version=(known[-1].version[0],
                                                  known[-1].version[1] + 1))
    monkeypatch.setattr(migrations, "MIGRATIONS", [*known, step])
    monkeypatch.setattr(migrations, "CURRENT_VERSION", step.version)


NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def plan_db(plans_schema, demo_db_without_plans, tmp_path):
    """A private copy of the demo county with an empty plan library (copied page by page, so
    the shared one is never migrated), brought to the plans schema."""
    path = tmp_path / "plans.db"
    src, dst = sqlite3.connect(demo_db_without_plans), sqlite3.connect(path)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()
    Store.open(path).close()
    return path


@pytest.fixture
def store(plan_db):
    s = Store.open(plan_db, clock=FixedClock(NOW))
    yield s
    s.close()


@pytest.fixture(scope="module")
def hazards():
    return load_hazards()[0]


@pytest.fixture
def svc(store, hazards):
    return PlanService(store, hazards)


def login(store, name):
    return AccountService(store).authenticate(name, DEMO_PASSWORD)


def md(tmp_path, text=DEMO_MD, name="plan.md"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def counts(store):
    return {t: store.scalar(f"SELECT count(*) FROM {t}") for t in (
        "plan", "plan_section", "plan_action", "audit_log", "plan_fts")}


def open_incident(store, hazards, *, hazard="forest_fire", grade=None, minutes_ago=60):
    data = IncidentInput(title="竹箐乡鹿子坪村森林火灾", hazard=hazard,
                         occurred_at=NOW - timedelta(minutes=minutes_ago + 10),
                         received_at=NOW - timedelta(minutes=minutes_ago), township="竹箐乡",
                         grade=grade, grade_reason="过火面积约0.5公顷" if grade else "")
    return IncidentService(store, hazards).create(login(store, "zhiban"), data)


def test_migration_1_8(store):
    """The plans step: tables, the contentless FTS table, append-only triggers."""
    assert store.version >= (1, 8)
    tables = {r["name"] for r in store.query("SELECT name FROM sqlite_master")}
    assert {"plan", "plan_section", "plan_level", "plan_action", "plan_link", "plan_fts",
            "plan_activation", "checklist_item", "checklist_event"} <= tables
    for table in ("plan_section", "checklist_event", "plan_activation"):
        trigger = store.scalar("SELECT sql FROM sqlite_master WHERE name = ?",
                               (f"{table}_no_update",))
        assert "append-only" in trigger


def test_import_stores_everything_in_one_audited_transaction(store, svc, tmp_path):
    admin = login(store, "admin")  # a login is audited too: count after it
    before = counts(store)
    pid = svc.import_file(admin, md(tmp_path))
    view = svc.get(pid)
    plan = view.plan
    assert plan["title"] == "青峪县森林草原火灾专项应急预案" and plan["type"] == "专项"
    assert plan["hazards"] == ["forest_fire", "meteorological"]
    assert plan["issued_on"] == "2025-01-10" and plan["source_format"] == "md"
    assert plan["imported_by"] == "admin" and plan["full_text"].startswith(plan["title"])
    assert plan["contacts"] == [{"name": "县应急管理局 彭建华", "phone": "0875-6213110"}]
    assert [lv["level"] for lv in view.levels] == ["Ⅲ", "Ⅳ"]
    four = view.level("Ⅳ")
    assert [(a["ordinal"], a["owner_unit"], a["within_minutes"]) for a in four["actions"]] == [
        (1, "县森防指办公室", 30), (2, "县森林草原专业扑火队", 10), (3, "县气象局", 60)]
    assert four["trigger_text"].startswith("初判为一般森林草原火灾")
    assert [lk["relation"] for lk in view.links] == ["上级", "引用"]
    assert [s["title"] for s in view.sections_of("应急响应")] == ["应急响应"]
    after = counts(store)
    sections = len(view.sections)
    assert after["plan_fts"] - before["plan_fts"] == sections
    # one audit row per plan, section, level, action and link
    audited = 1 + sections + len(view.levels) + sum(len(lv["actions"]) for lv in view.levels) \
        + len(view.links)
    assert after["audit_log"] - before["audit_log"] == audited
    assert verify_store(store.path).ok


@pytest.mark.parametrize("styled", [True, False], ids=["heading-styles", "bold-numbered"])
def test_imported_docx_has_the_right_section_tree(store, svc, tmp_path, styled):
    pid = svc.import_file(login(store, "admin"), write_docx(tmp_path / "dz.docx", styled=styled))
    view = svc.get(pid)
    assert [(s["depth"], s["number"] + s["title"]) for s in view.sections
            if s["marker"] != "preamble"] == EXPECTED_TREE
    by_path = {s["path"]: s for s in view.sections}
    leaf = by_path["二、组织指挥体系 > （一）县抗震救灾指挥部 > 1.指挥部办公室 > （1）值班"]
    assert leaf["body"] == "办公室实行24小时值班。"
    parent = next(s for s in view.sections if s["id"] == leaf["parent_id"])
    assert parent["title"] == "指挥部办公室"
    assert view.plan["source_format"] == "docx" and view.plan["hazards"] == ["earthquake"]


@pytest.mark.parametrize("bad", ["empty.md", "broken.docx", "missing.txt"])
def test_an_unreadable_or_empty_file_changes_nothing(store, svc, tmp_path, bad):
    good = md(tmp_path)
    if bad != "missing.txt":
        (tmp_path / bad).write_bytes(b"" if bad == "empty.md" else b"PK\x03\x04 broken")
    admin = login(store, "admin")
    before = counts(store)
    with pytest.raises(ValidationError, match=re.escape(bad)):
        svc.import_files(admin, [good, tmp_path / bad])
    assert counts(store) == before
    assert svc.list() == []


def test_the_same_file_twice_is_refused(store, svc, tmp_path):
    admin = login(store, "admin")
    svc.import_file(admin, md(tmp_path))
    before = counts(store)
    with pytest.raises(ValidationError, match="已导入过"):
        svc.import_file(admin, md(tmp_path))
    assert counts(store) == before


def test_a_revised_document_supersedes_the_old_version(store, svc, tmp_path):
    admin = login(store, "admin")
    old = svc.import_file(admin, md(tmp_path))
    revised = DEMO_MD.replace("version: 2025版", "version: 2026版").replace(
        "接到调令后10分钟内出动", "接到调令后8分钟内出动").replace(
        "首批不少于30人", "首批不少于40人")
    new = svc.import_file(admin, md(tmp_path, revised, "v2.md"))
    assert svc.get(new).plan["supersedes_id"] == old
    assert svc.get(old).superseded_by == new
    assert [p["id"] for p in svc.list()] == [new]
    assert {p["id"] for p in svc.list(PlanFilter(include_superseded=True))} == {old, new}
    assert {h.plan_id for h in svc.search("首批不少于")} == {new}
    assert {h.plan_id for h in svc.search("首批不少于30人")} == set()
    assert svc.get(new).level("Ⅳ")["actions"][1]["within_minutes"] == 8


@pytest.mark.parametrize("user", ["zhiban", "daiban", "guancha"])
def test_only_register_writers_import(store, svc, tmp_path, user):
    session = login(store, user)
    before = counts(store)
    with pytest.raises(PermissionDenied):
        svc.import_file(session, md(tmp_path))
    assert counts(store) == before


def test_resolve_by_prefix_and_title(store, svc, tmp_path):
    pid = svc.import_file(login(store, "admin"), md(tmp_path))
    assert svc.resolve(pid[:8]) == pid
    assert svc.resolve("青峪县森林草原火灾专项应急预案") == pid
    with pytest.raises(NotFound):
        svc.resolve("不存在的预案")


def test_lifecycle_alerts(store, svc, tmp_path):
    admin = login(store, "admin")
    parent = svc.import_file(admin, md(tmp_path, (
        "---\ntitle: 青峪县突发事件总体应急预案\ntype: 总体\nhazards:\nstatus: 实施\n"
        "issued: 2024-05-20\nlast_drill: 2026-05-01\n---\n\n## 一、总则\n\n正文。\n"), "zt.md"))
    child = svc.import_file(admin, md(tmp_path, DEMO_MD.replace(
        "revised: 2025-01-10", "revised: 2023-01-10").replace(
        "next_evaluation: 2028-01-10", "next_evaluation: 2026-01-10").replace(
        "last_drill: 2026-03-05", "last_drill: 2023-06-01"), "child.md"))
    today = date(2026, 12, 1)
    kinds = {(a.plan_id, a.kind) for a in svc.alerts(today)}
    assert kinds == {(child, "evaluation_overdue"), (child, "drill_overdue"),
                     (child, "revision_due")}
    overdue = next(a for a in svc.alerts(today) if a.kind == "evaluation_overdue")
    assert overdue.due == date(2026, 1, 10) and "已逾期 325 天" in overdue.message
    # the parent, evaluated from its issue date, falls due in 2027
    assert not [a for a in svc.alerts(today) if a.plan_id == parent]
    assert [a.kind for a in svc.alerts(date(2027, 6, 1)) if a.plan_id == parent] == [
        "evaluation_overdue"]
    svc.update(admin, child, {"last_drill_on": "2026-11-20", "revised_on": "2026-11-30",
                              "next_evaluation_on": "2029-11-30"})
    assert svc.alerts(today) == []
    svc.update(admin, child, {"status": "废止"})
    assert svc.alerts(date(2035, 1, 1)) == [a for a in svc.alerts(date(2035, 1, 1))
                                            if a.plan_id == parent]
    with pytest.raises(ValidationError, match="预案状态"):
        svc.update(admin, child, {"status": "作废"})
    with pytest.raises(ValidationError, match="不能修改"):
        svc.update(admin, child, {"full_text": "x"})
    assert verify_store(store.path).ok


@pytest.fixture
def fire_plan(store, svc, tmp_path):
    return svc.import_file(login(store, "admin"), md(tmp_path))


def test_suggest_by_hazard_and_grade(store, svc, hazards, fire_plan, tmp_path):
    overall = svc.import_file(login(store, "admin"), md(tmp_path, (
        "---\ntitle: 青峪县突发事件总体应急预案\ntype: 总体\nhazards:\n---\n\n## 一、应急响应\n\n"
        "### （一）Ⅱ级响应\n\n#### 1. 启动条件\n\n较大事件。\n\n#### 2. 响应措施\n\n"
        "（1）县政府：1小时内开会。\n"), "zt.md"))
    iid = open_incident(store, hazards, grade="一般")
    suggestions = svc.suggest(iid)
    assert [(s.plan_id, s.level) for s in suggestions] == [(fire_plan, "Ⅳ"), (overall, "Ⅱ")]
    assert "一般" in suggestions[0].reason
    other = open_incident(store, hazards, hazard="production_safety")
    assert [s.plan_id for s in svc.suggest(other)] == [overall]


def test_activation_creates_the_checklist_and_completions_reach_the_timeline(
        store, svc, hazards, fire_plan):
    iid = open_incident(store, hazards, grade="一般", minutes_ago=60)
    op = login(store, "zhiban")
    at = NOW - timedelta(minutes=50)
    svc.activate(op, iid, fire_plan, "Ⅳ", at)
    items = svc.checklist(iid)
    assert [(i.ordinal, i.owner_unit, i.due_at, i.state) for i in items] == [
        (1, "县森防指办公室", at + timedelta(minutes=30), "overdue"),
        (2, "县森林草原专业扑火队", at + timedelta(minutes=10), "overdue"),
        (3, "县气象局", at + timedelta(minutes=60), "open")]
    svc.complete_item(op, items[0].id, "会商已完成", at=NOW - timedelta(minutes=25))
    items = svc.checklist(iid)
    assert items[0].state == "done" and items[0].done_by == "zhiban"
    assert items[0].done_at == NOW - timedelta(minutes=25) and items[0].note == "会商已完成"
    store.clock.advance(timedelta(minutes=15))
    assert [i.state for i in svc.checklist(iid)] == ["done", "overdue", "overdue"]
    entries = svc.timeline_entries(iid)
    assert all(e.kind == "plan" for e in entries)
    texts = [e.text for e in entries]
    assert texts[0] == "启动《青峪县森林草原火灾专项应急预案》Ⅳ级响应，响应措施 3 项"
    assert "措施完成：县森防指办公室：接报后30分钟内组织会商，确定增援力量。（会商已完成）" in texts
    assert sum(t.startswith("逾期未完成：") for t in texts) == 2
    merged = sorted(IncidentService(store, hazards).timeline(iid) + entries,
                    key=lambda e: (e.at, e.source, e.id))
    kinds = [e.kind for e in merged]
    assert kinds.index("grade") < kinds.index("plan")  # graded at 接报, activated after
    assert verify_store(store.path).ok


def test_changing_the_level_updates_the_checklist_and_keeps_history(store, svc, hazards,
                                                                     tmp_path):
    text = DEMO_MD.replace("（1）县森防指：总指挥2小时内到达火场，成立现场指挥部。",
                           "（1）县森防指办公室：接报后30分钟内组织会商，确定增援力量。\n\n"
                           "（2）县森防指：总指挥2小时内到达火场，成立现场指挥部。")
    pid = svc.import_file(login(store, "admin"), md(tmp_path, text))
    iid = open_incident(store, hazards)
    op = login(store, "zhiban")
    first = svc.activate(op, iid, pid, "Ⅳ", NOW - timedelta(minutes=40))
    old_items = svc.checklist(iid)
    svc.complete_item(op, old_items[0].id, at=NOW - timedelta(minutes=30))
    svc.complete_item(op, old_items[1].id, at=NOW - timedelta(minutes=29))
    second = svc.activate(op, iid, pid, "3", NOW - timedelta(minutes=20), reason="火势扩大")
    items = svc.checklist(iid)
    assert [(i.level, i.owner_unit, i.state) for i in items] == [
        ("Ⅲ", "县森防指办公室", "done"), ("Ⅲ", "县森防指", "open")]  # the repeated one carries
    assert items[1].due_at == NOW - timedelta(minutes=20) + timedelta(hours=2)
    history = svc.activations(iid)
    assert [(a["id"], a["level"], a["supersedes_id"]) for a in history] == [
        (first, "Ⅳ", None), (second, "Ⅲ", first)]
    with pytest.raises(ValidationError, match="调整前"):
        svc.complete_item(op, old_items[2].id)
    texts = [e.text for e in svc.timeline_entries(iid)]
    assert ("响应调整为《青峪县森林草原火灾专项应急预案》Ⅲ级（原Ⅳ级），"
            "响应措施 2 项：火势扩大") in texts
    assert sum(t.startswith("措施完成：") for t in texts) == 2  # the Ⅳ history stays
    assert store.scalar("SELECT count(*) FROM checklist_item") == 5


def test_activation_and_completion_refusals(store, svc, hazards, fire_plan):
    iid = open_incident(store, hazards)
    op = login(store, "zhiban")
    with pytest.raises(ValidationError, match="没有Ⅰ级响应"):
        svc.activate(op, iid, fire_plan, "1")
    with pytest.raises(ValidationError, match="晚于当前时间"):
        svc.activate(op, iid, fire_plan, "Ⅳ", NOW + timedelta(hours=1))
    with pytest.raises(ValidationError, match="早于接报时间"):
        svc.activate(op, iid, fire_plan, "Ⅳ", NOW - timedelta(days=1))
    with pytest.raises(PermissionDenied):
        svc.activate(login(store, "guancha"), iid, fire_plan, "Ⅳ")
    svc.activate(op, iid, fire_plan, "Ⅳ")
    with pytest.raises(ValidationError, match="已在执行"):
        svc.activate(op, iid, fire_plan, "IV")
    item = svc.checklist(iid)[0]
    with pytest.raises(ValidationError, match="尚未完成"):
        svc.complete_item(op, item.id, "x", done=False)
    svc.complete_item(op, item.id)
    with pytest.raises(ValidationError, match="已登记完成"):
        svc.complete_item(op, item.id)
    with pytest.raises(ValidationError, match="原因"):
        svc.complete_item(op, item.id, done=False)
    svc.complete_item(op, item.id, "误登记", done=False)
    assert svc.checklist(iid)[0].state == "open"
    with pytest.raises(NotFound):
        svc.complete_item(op, "no-such-item")
    IncidentService(store, hazards).close(op, iid)
    with pytest.raises(ValidationError, match="已结束"):
        svc.activate(op, iid, fire_plan, "Ⅲ")


def test_export_docx_imports_back_to_the_same_tree_and_pdf_has_the_text(store, svc, tmp_path):
    admin = login(store, "admin")
    pid = svc.import_file(admin, write_docx(tmp_path / "dz.docx", styled=False))
    out = svc.export_docx(pid, tmp_path / "out.docx")
    again = svc.read(out)
    assert [(s.depth, s.heading) for s in again.sections if s.marker != "preamble"] == \
        EXPECTED_TREE
    assert [(lv.level, len(lv.actions)) for lv in again.levels] == [("Ⅲ", 1), ("Ⅳ", 3)]
    assert not list(tmp_path.glob("*.part"))
    pdf = svc.export_pdf(pid, tmp_path / "out.pdf")
    whole = re.sub(r"\s+", "", "".join(page_texts(pdf)))
    for text in ("青峪县地震应急预案", "（一）县抗震救灾指挥部", "附：响应措施一览",
                 "接报后30分钟内派出工作组赶赴现场。", "彭建华"):
        assert text in whole
    assert all(font_files(pdf).values())


def test_rebuild_index_gives_the_same_results(store, svc, tmp_path):
    admin = login(store, "admin")
    svc.import_file(admin, md(tmp_path))
    svc.import_file(admin, write_docx(tmp_path / "dz.docx", styled=True))
    queries = ["火", "地震", "30分钟", "Ⅳ级响应", "彭建华"]
    before = {q: [(h.section_id, h.snippet) for h in svc.search(q)] for q in queries}
    assert svc.rebuild_index(admin) == store.scalar("SELECT count(*) FROM plan_section")
    assert {q: [(h.section_id, h.snippet) for h in svc.search(q)] for q in queries} == before
