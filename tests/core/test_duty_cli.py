"""The duty CLI end to end on a copy of the demo county."""

from __future__ import annotations

import io
import json

import pytest

from commandcentre.cli.main import main
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.storage import Store


@pytest.fixture
def db(demo_copy, monkeypatch):
    monkeypatch.setenv("COMMANDCENTRE_USER", "zhiban")
    monkeypatch.setenv("COMMANDCENTRE_PASSWORD", DEMO_PASSWORD)
    return demo_copy


def run(capsys, monkeypatch, *argv, stdin: str | None = None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_add_from_json_on_stdin_returns_the_saved_record(capsys, monkeypatch, db):
    record = {"content": "县气象台发布暴雨黄色预警", "channel": "传真", "kind": "工作通知",
              "caller_unit": "县气象局", "received_at": "2026-12-01 21:05"}
    code, out, err = run(capsys, monkeypatch, "duty", "add", "--db", str(db), "--json",
                         stdin=json.dumps(record, ensure_ascii=False))
    assert code == 0, err
    saved = json.loads(out)
    assert saved["record"]["caller_unit"] == "县气象局" and saved["state"] == "接"
    assert saved["record"]["received_at"] == "2026-12-01T13:05:00.000000+00:00"
    assert saved["record"]["serial"].startswith("20261201-")


def test_bad_json_is_one_line_and_saves_nothing(capsys, monkeypatch, db):
    code, _, err = run(capsys, monkeypatch, "duty", "add", "--db", str(db), "--json",
                       stdin="{not json")
    assert code == 5 and len(err.strip().splitlines()) == 1 and "JSON" in err
    code, _, err = run(capsys, monkeypatch, "duty", "add", "--db", str(db), "--json",
                       stdin='{"content": "x", "colour": "red"}')
    assert code == 5 and "未知字段" in err
    with Store.open(db) as s:
        assert s.scalar("SELECT count(*) FROM intake_record") == 0


def test_add_correct_step_list_show(capsys, monkeypatch, db):
    code, out, _ = run(capsys, monkeypatch, "duty", "add", "--db", str(db), "--json",
                       "--content", "鹿子坪村后山冒烟", "--caller-phone", "13800000000",
                       "--important")
    serial = json.loads(out)["record"]["serial"]
    code, out, err = run(capsys, monkeypatch, "duty", "correct", serial, "--db", str(db),
                         "--json", "--reason", "电话记错", "--content", "鹿子坪村后山冒烟",
                         "--caller-phone", "13800000001", "--important")
    assert code == 0, err
    assert len(json.loads(out)["versions"]) == 2
    code, _, err = run(capsys, monkeypatch, "duty", "step", serial, "报", "--db", str(db))
    assert code == 5 and "对象" in err
    code, out, _ = run(capsys, monkeypatch, "duty", "step", serial, "报", "--db", str(db),
                       "--target", "带班领导")
    assert code == 0 and "报" in out
    code, out, _ = run(capsys, monkeypatch, "duty", "list", "--db", str(db), "--json",
                       "--text", "冒烟", "--important")
    rows = json.loads(out)
    assert len(rows) == 1 and rows[0]["caller_phone"] == "13800000001"
    assert rows[0]["state"] == "报"
    code, out, _ = run(capsys, monkeypatch, "duty", "show", serial, "--db", str(db))
    assert "电话记错" in out and "带班领导" in out


def test_observer_cannot_add_through_the_cli(capsys, monkeypatch, db):
    monkeypatch.setenv("COMMANDCENTRE_USER", "guancha")
    code, _, err = run(capsys, monkeypatch, "duty", "add", "--db", str(db), "--content", "x")
    assert code == 3 and "无权" in err


def test_handover_through_the_cli(capsys, monkeypatch, db):
    run(capsys, monkeypatch, "duty", "add", "--db", str(db), "--content", "待跟踪事项")
    code, out, _ = run(capsys, monkeypatch, "duty", "handover", "prepare", "--db", str(db),
                       "--json", "--equipment", "PDT 正常")
    sheet = json.loads(out)
    assert code == 0 and len(sheet["open_items"]) == 1 and not sheet["complete"]
    monkeypatch.setenv("COMMANDCENTRE_INCOMING_PASSWORD", "wrong-password1")
    code, _, err = run(capsys, monkeypatch, "duty", "handover", "sign", "--db", str(db),
                       "--incoming", "heyu")
    assert code == 3 and "接班人" in err
    monkeypatch.setenv("COMMANDCENTRE_INCOMING_PASSWORD", DEMO_PASSWORD)
    code, out, err = run(capsys, monkeypatch, "duty", "handover", "sign", "--db", str(db),
                         "--json", "--incoming", "heyu")
    assert code == 0, err
    assert json.loads(out)["complete"] is True


def test_daily_report_files(capsys, monkeypatch, db, tmp_path):
    from openpyxl import load_workbook
    from pypdf import PdfReader

    run(capsys, monkeypatch, "duty", "add", "--db", str(db), "--content",
        "澜溪镇黑泥沟村报告山体出现裂缝", "--important")
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    code, out, err = run(capsys, monkeypatch, "duty", "report", "--db", str(db), "--json",
                         "--pdf", str(pdf), "--xlsx", str(xlsx))
    assert code == 0, err
    assert json.loads(out)["written"] == [str(pdf), str(xlsx)]
    text = "".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "黑泥沟村报告山体出现裂缝" in text and "青峪县" in text
    book = load_workbook(xlsx)
    assert "要情" in book.sheetnames
    code, _, err = run(capsys, monkeypatch, "duty", "report", "--db", str(db))
    assert code == 5 and "--pdf" in err


def test_link_an_intake_to_an_incident(capsys, monkeypatch, db):
    code, out, _ = run(capsys, monkeypatch, "duty", "add", "--db", str(db), "--json",
                       "--content", "澜溪镇黑泥沟村山体滑坡")
    serial = json.loads(out)["record"]["serial"]
    with Store.open(db) as s:
        incident = s.scalar("SELECT id FROM incident WHERE drill = 0 LIMIT 1")
    code, out, err = run(capsys, monkeypatch, "duty", "link", serial, incident, "--db",
                         str(db), "--json")
    assert code == 0, err
    assert json.loads(out)["incident_id"] == incident
    code, _, err = run(capsys, monkeypatch, "duty", "link", serial, "no-such", "--db", str(db))
    assert code == 5 and "没有此事件" in err
