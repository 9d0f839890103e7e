"""信息报送 reports and printed records, on real PDF files."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta

import pytest

from commandcentre.accounts import AccountService
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.errors import AuthenticationFailed, PermissionDenied, ValidationError
from commandcentre.hazards import load_hazards
from commandcentre.incidents.model import Casualties, IncidentInput
from commandcentre.incidents.service import IncidentService
from commandcentre.reporting.service import ReportingService
from commandcentre.reports.records import RecordReports
from commandcentre.reports.sitrep_service import SitrepService
from commandcentre.storage.verify import verify_store
from tests.pdfcheck import font_files, lines_starting_with_closing_punctuation, page_texts


@pytest.fixture(scope="module")
def hazards():
    return load_hazards()[0]


def login(store, name):
    return AccountService(store).authenticate(name, DEMO_PASSWORD)


@pytest.fixture
def fire(demo_store, hazards):
    """An open forest fire with a dispatch, a decision and a first casualty figure."""
    op, lead = login(demo_store, "zhiban"), login(demo_store, "daiban")
    svc = IncidentService(demo_store, hazards)
    now = demo_store.clock.now()
    iid = svc.create(op, IncidentInput(
        title="竹箐乡老鹰岩森林火灾", hazard="forest_fire",
        occurred_at=now - timedelta(hours=3, minutes=10), received_at=now - timedelta(hours=3),
        township="竹箐乡", place="老鹰岩",
        summary="竹箐乡老鹰岩林区发生森林火灾，火场位于海拔1800米山脊，坡陡林密。"))
    svc.note(op, iid, "县森林消防专业扑火队30人出发", kind="dispatch",
             at=now - timedelta(hours=2, minutes=50))
    svc.decide(lead, iid, "Ⅳ", decided_by="县森林草原防灭火指挥部",
               at=now - timedelta(hours=2, minutes=40))
    svc.record_casualties(op, iid, Casualties(injured=1, relocated=120), source="竹箐乡政府",
                          at=now - timedelta(hours=2))
    return iid, svc


def test_first_report_draft_is_prefilled_from_the_record(demo_store, hazards, fire):
    iid, _svc = fire
    draft = SitrepService(demo_store, hazards).draft(iid, "first")
    assert draft.kind == "首报" and draft.number == 0
    assert "竹箐乡老鹰岩" in draft.title and "森林草原火灾" in draft.title
    assert "受伤 1" in draft.title and "转移安置 120" in draft.casualties
    assert "扑火队30人" in draft.deployed and "Ⅳ级应急响应" in draft.measures
    assert draft.received.startswith("20") and "竹箐乡老鹰岩" in draft.occurred


def test_signing_stores_the_pdf_with_its_hash_and_discharges_the_obligation(
        demo_store, hazards, fire, tmp_path):
    iid, _svc = fire
    service = SitrepService(demo_store, hazards)
    draft = service.draft(iid, "首报")
    draft.next_steps = "继续组织扑救，加强火场清理，严防复燃。"
    with pytest.raises(PermissionDenied):
        service.sign(login(demo_store, "zhiban"), draft, DEMO_PASSWORD)
    with pytest.raises(AuthenticationFailed):
        service.sign(login(demo_store, "daiban"), draft, "wrong-password1")
    assert demo_store.scalar("SELECT count(*) FROM report_document") == 0
    result = service.sign(login(demo_store, "daiban"), draft, DEMO_PASSWORD,
                          recipient="市应急管理局", copy_to=tmp_path / "first.pdf")
    doc = service.documents(iid)[0]
    assert doc["sha256"] == result["sha256"] and doc["signer_name"] == "段志刚"
    pdf = service.pdf(result["id"])
    assert (tmp_path / "first.pdf").read_bytes() == pdf
    text = "".join(page_texts(tmp_path / "first.pdf"))
    for wanted in ("关于竹箐乡老鹰岩发生森林草原火灾的首报", "签发人：段志刚", "一、基本情况",
                   "二、人员伤亡和财产损失", "继续组织扑救", "扑火队30人"):
        assert wanted in text, wanted
    assert "草稿" not in text
    fonts = font_files(tmp_path / "first.pdf")
    assert fonts and all(fonts.values()), fonts
    assert lines_starting_with_closing_punctuation(tmp_path / "first.pdf") == []
    written = next(o for o in ReportingService(demo_store, hazards).obligations(iid)
                   if o.key == "首报/书面")
    assert written.done_at is not None and written.report_id == result["report_sent_id"]
    assert verify_store(demo_store.path).ok


def test_follow_up_states_only_what_changed_since_the_last_report(demo_store, hazards, fire):
    iid, svc = fire
    service = SitrepService(demo_store, hazards)
    service.sign(login(demo_store, "daiban"), service.draft(iid, "首报"), DEMO_PASSWORD)
    op = login(demo_store, "zhiban")
    svc.record_casualties(op, iid, Casualties(injured=3, relocated=260), source="竹箐乡政府")
    svc.note(op, iid, "火线长约1.5公里，东侧已控制", kind="radio")
    draft = service.draft(iid, "续报")
    assert draft.number == 1 and draft.kind_title == "续报一"
    assert "续报一" in draft.title
    assert "火线长约1.5公里" in draft.situation
    assert "老鹰岩林区发生森林火灾" not in draft.situation  # the origin is not retold
    assert "扑火队30人" not in draft.deployed  # dispatched before the first report
    assert "与上次报告相比：受伤 +2、转移安置 +140" in draft.casualties
    path = service.preview(draft, demo_store.path.parent / "follow.pdf")  # with both charts
    fonts = font_files(path)
    assert fonts and all(fonts.values()), fonts


def test_unsigned_preview_is_marked_draft_on_every_page(demo_store, hazards, fire, tmp_path):
    iid, _svc = fire
    service = SitrepService(demo_store, hazards)
    draft = service.draft(iid, "首报")
    draft.situation = "火场情况：" + "火势沿山脊向东北方向蔓延，扑火队员正在开设隔离带。" * 60
    path = service.preview(draft, tmp_path / "draft.pdf")
    pages = page_texts(path)
    assert len(pages) >= 2 and all("草稿" in p for p in pages)
    assert demo_store.scalar("SELECT count(*) FROM report_document") == 0


def test_drill_reports_always_carry_the_drill_marks(demo_store, hazards, tmp_path):
    service = SitrepService(demo_store, hazards)
    drill = demo_store.scalar("SELECT id FROM incident WHERE drill = 1")
    draft = service.draft(drill, "终报")
    draft.drill = False  # a caller cannot launder drill data into a real report
    draft.situation = "演练情况：" + "园区专职消防队佩戴空气呼吸器进入泄漏区域关阀堵漏。" * 60
    result = service.sign(login(demo_store, "daiban"), draft, DEMO_PASSWORD,
                          copy_to=tmp_path / "drill.pdf")
    pages = page_texts(tmp_path / "drill.pdf")
    assert len(pages) >= 2
    assert all(p.count("演练") >= 2 for p in pages)  # watermark and header on each page
    assert "【演练】关于" in pages[0] and "危险化学品" in pages[0]
    assert demo_store.get("report_document", result["id"])["drill"] == 1


def test_final_report_needs_a_closed_incident(demo_store, hazards, fire):
    iid, svc = fire
    service = SitrepService(demo_store, hazards)
    with pytest.raises(ValidationError, match="结束后"):
        service.draft(iid, "final")
    svc.close(login(demo_store, "zhiban"), iid)
    assert service.draft(iid, "final").kind == "终报"


def test_tampered_pdf_is_caught(demo_store, hazards, fire):
    iid, _svc = fire
    service = SitrepService(demo_store, hazards)
    result = service.sign(login(demo_store, "daiban"), service.draft(iid, "首报"),
                          DEMO_PASSWORD)
    raw = sqlite3.connect(demo_store.path)
    raw.execute("DROP TRIGGER report_document_no_update")
    raw.execute("UPDATE report_document SET pdf = x'255044462d312e34' WHERE id = ?",
                (result["id"],))  # another PDF put in its place
    raw.commit()
    raw.close()
    with pytest.raises(ValidationError, match="哈希"):
        service.pdf(result["id"])
    assert not verify_store(demo_store.path).ok


def test_printed_records(demo_store, hazards, fire, tmp_path):
    from commandcentre.duty.handover import HandoverService

    iid, _svc = fire
    records = RecordReports(demo_store, hazards)
    listing = records.timeline(iid, tmp_path / "timeline.pdf", kinds={"dispatch", "decision"})
    text = "".join(page_texts(listing))
    assert "扑火队30人" in text and "Ⅳ级应急响应" in text and "转移安置" not in text
    op = login(demo_store, "zhiban")
    handover = HandoverService(demo_store)
    sheet = handover.prepare(op, equipment="PDT 基站正常")
    handover.sign_outgoing(op, sheet.id, DEMO_PASSWORD)
    handover.sign_incoming(op, sheet.id, "heyu", DEMO_PASSWORD)
    text = "".join(page_texts(records.handover(sheet.id, tmp_path / "handover.pdf")))
    assert "交接班记录" in text and "交班人：杨雪梅" in text and "接班人：何宇航" in text
    binder = records.binder(iid, tmp_path / "binder.pdf")
    pages = page_texts(binder)
    assert "应急处置卡" in pages[0] and "值班电话" in pages[0]
    drill = demo_store.scalar("SELECT id FROM incident WHERE drill = 1")
    aar = page_texts(records.after_action(drill, tmp_path / "aar.pdf"))
    assert "演练评估报告" in aar[0] and "计划时限" in aar[0]
    with pytest.raises(ValidationError):
        records.after_action(iid, tmp_path / "no.pdf")


def test_report_cli_draft_then_sign(capsys, monkeypatch, demo_copy, hazards, tmp_path):
    from commandcentre.cli.main import main
    from commandcentre.storage import Store

    with Store.open(demo_copy) as store:
        now = store.clock.now()
        iid = IncidentService(store, hazards).create(login(store, "zhiban"), IncidentInput(
            title="松垭镇道路塌方", hazard="production_safety",
            occurred_at=now - timedelta(minutes=40), received_at=now - timedelta(minutes=30),
            township="松垭镇"))
    monkeypatch.setenv("COMMANDCENTRE_PASSWORD", DEMO_PASSWORD)
    monkeypatch.setenv("COMMANDCENTRE_USER", "zhiban")
    db = str(demo_copy)
    draft_json = tmp_path / "draft.json"
    code = main(["--db", db, "report", "sitrep", iid, "--kind", "first", "-o",
                 str(tmp_path / "d.pdf"), "--set", "situation=松垭镇X247县道K12处发生塌方。",
                 "--save-draft", str(draft_json)])
    assert code == 0, capsys.readouterr().err
    assert json.loads(draft_json.read_text("utf-8"))["situation"].startswith("松垭镇X247")
    assert main(["--db", db, "report", "sitrep", iid, "--kind", "first", "-o",
                 str(tmp_path / "s.pdf"), "--draft-json", str(draft_json), "--sign"]) == 3
    capsys.readouterr()
    monkeypatch.setenv("COMMANDCENTRE_USER", "daiban")
    code = main(["--db", db, "--json", "report", "sitrep", iid, "--kind", "first", "-o",
                 str(tmp_path / "s.pdf"), "--draft-json", str(draft_json), "--sign",
                 "--to", "县人民政府"])
    out = capsys.readouterr()
    assert code == 0, out.err
    doc_id = json.loads(out.out)["id"]
    assert "松垭镇X247县道K12处发生塌方" in "".join(page_texts(tmp_path / "s.pdf"))
    assert main(["--db", db, "report", "copy", doc_id, "-o", str(tmp_path / "c.pdf")]) == 0
    assert (tmp_path / "c.pdf").read_bytes() == (tmp_path / "s.pdf").read_bytes()
