"""Intake records: saved durably, never edited, corrected by new versions, handled in steps."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from commandcentre.accounts import Role
from commandcentre.duty.intake import IntakeInput, IntakeService, parse_time
from commandcentre.errors import NotFound, PermissionDenied, ValidationError
from commandcentre.storage.verify import verify_store

CALL = IntakeInput(
    content="竹箐乡鹿子坪村后山发现烟点，护林员已上山查看，暂未见明火。",
    channel="电话", kind="突发事件", caller_unit="竹箐乡人民政府", caller_name="李明",
    caller_title="副乡长", caller_phone="13908751234", location="竹箐乡鹿子坪村后山",
    caller_notified="已报乡森林防火办", important=True)


@pytest.fixture
def service(store, people):
    return IntakeService(store)


@pytest.fixture
def op(people):
    return people[Role.OPERATOR]


def test_record_is_saved_with_serial_receiver_and_state(service, op, store):
    view = service.record(op, CALL)
    rec = view.record
    assert rec["serial"].endswith("-001") and len(rec["serial"]) == 12
    assert rec["receiver_id"] == op.account_id and rec["important"] == 1
    assert view.state == "接" and not view.corrected
    second = service.record(op, IntakeInput(content="县气象局发布暴雨蓝色预警。", channel="传真",
                                            kind="工作通知"))
    assert second.record["serial"].endswith("-002")
    assert store.one("SELECT action FROM audit_log ORDER BY seq DESC LIMIT 1")["action"] == \
        "intake.record"


def test_correction_adds_a_version_and_never_touches_the_original(service, op, store, db_path):
    first = service.record(op, CALL)
    original = dict(first.record)
    fixed = IntakeInput(**{**CALL.__dict__, "caller_phone": "13908751243"})
    view = service.correct(op, original["id"], fixed, "电话号码记错两位")
    assert view.corrected and len(view.versions) == 2
    assert view.record["caller_phone"] == "13908751243"
    assert view.record["serial"] == original["serial"]
    assert view.record["corrects_id"] == original["id"]
    raw = sqlite3.connect(db_path)
    raw.row_factory = sqlite3.Row
    again = dict(raw.execute("SELECT * FROM intake_record WHERE id = ?",
                             (original["id"],)).fetchone())
    raw.close()
    assert again == original
    listed = service.list()
    assert [r["id"] for r in listed] == [view.record["id"]]  # the list shows the newest version
    with pytest.raises(ValidationError, match="最新版本"):
        service.correct(op, original["id"], fixed, "再改一次旧版本")
    with pytest.raises(ValidationError, match="原因"):
        service.correct(op, view.record["id"], fixed, "  ")
    assert verify_store(db_path).ok


def test_steps_move_forward_with_times(service, op, people):
    view = service.record(op, CALL)
    root = view.root_id
    with pytest.raises(ValidationError, match="对象"):
        service.advance(op, root, "报")
    service.advance(op, root, "报", target="带班领导 段志刚", note="领导指示：请乡里核实")
    service.advance(op, root, "传", target="县林业局、竹箐乡", note="已电话传达")
    service.advance(op, root, "跟", note="乡里回复：系烧荒引起，已扑灭")
    service.advance(op, root, "跟", note="护林员确认无复燃")
    with pytest.raises(ValidationError, match="回到"):
        service.advance(op, root, "报", target="x")
    done = service.advance(op, root, "办结", note="无火情，办结")
    assert done.state == "办结"
    assert [s["step"] for s in done.steps] == ["报", "传", "跟", "跟", "办结"]
    with pytest.raises(ValidationError, match="已办结"):
        service.advance(op, root, "跟", note="x")


def test_a_step_may_skip_ahead(service, op):
    view = service.record(op, IntakeInput(content="群众咨询避难场所位置", kind="咨询",
                                          channel="群众报告"))
    assert service.advance(op, view.root_id, "办结", note="已告知").state == "办结"


def test_step_time_cannot_precede_receipt(service, op, store):
    received = store.clock.now() - timedelta(hours=1)
    view = service.record(op, IntakeInput(content="测试", received_at=received))
    with pytest.raises(ValidationError, match="早于"):
        service.advance(op, view.root_id, "跟", at=received - timedelta(minutes=1))


@pytest.mark.parametrize("bad, match", [
    ({"content": "  "}, "内容"), ({"channel": "飞鸽"}, "渠道"), ({"kind": "闲聊"}, "类型"),
    ({"township": "不存在镇"}, "乡镇"),
    ({"received_at": datetime.now(UTC) + timedelta(hours=2)}, "晚于"),
])
def test_bad_input_changes_nothing(service, op, store, bad, match):
    before = store.scalar("SELECT count(*) FROM audit_log")
    with pytest.raises(ValidationError, match=match):
        service.record(op, IntakeInput(**{**CALL.__dict__, **bad}))
    assert store.scalar("SELECT count(*) FROM intake_record") == 0
    assert store.scalar("SELECT count(*) FROM audit_log") == before


def test_observer_cannot_record_or_handle(service, op, people):
    view = service.record(op, CALL)
    watcher = people[Role.OBSERVER]
    with pytest.raises(PermissionDenied):
        service.record(watcher, CALL)
    with pytest.raises(PermissionDenied):
        service.advance(watcher, view.root_id, "跟", note="x")
    with pytest.raises(PermissionDenied):
        service.correct(watcher, view.record["id"], CALL, "x")


def test_filters_and_search(service, op, store):
    now = store.clock.now()
    service.record(op, CALL)
    service.record(op, IntakeInput(
        content="岚桥化工园区报告危化品车辆侧翻，370MHz 9001组呼已通知。", channel="电台",
        kind="突发事件", caller_unit="岚桥化工园区管委会"))
    old = service.record(op, IntakeInput(content="县防汛办通知明日会商。", channel="传真",
                                         kind="工作通知", received_at=now - timedelta(days=3)))
    service.advance(op, old.root_id, "办结", note="已参会")
    assert {r["channel"] for r in service.list(channel="电台")} == {"电台"}
    assert len(service.list(text="火")) == 1
    assert len(service.list(text="危化品")) == 1
    assert len(service.list(text="370mhz")) == 1
    assert len(service.list(text="乡 烟点")) == 1
    assert service.list(text="，") == []
    assert len(service.list(start=now - timedelta(days=1))) == 2
    assert len(service.list(open_only=True)) == 2
    assert [r["state"] for r in service.list(state="办结")] == ["办结"]
    assert len(service.list(caller="李明")) == 1
    assert len(service.list(caller="13908751234")) == 1
    assert len(service.list(important=True)) == 1


def test_search_finds_a_record_by_the_text_of_an_older_version(service, op):
    first = service.record(op, IntakeInput(content="鹿子坪村报火情"))
    service.correct(op, first.record["id"], IntakeInput(content="鹿子坪村报烟点，非火情误报"),
                    "补充核实结果")
    found = service.list(text="报火情")
    assert len(found) == 1 and found[0]["root_id"] == first.root_id


def test_get_by_serial_and_unknown(service, op):
    view = service.record(op, CALL)
    assert service.get(view.record["serial"]).root_id == view.root_id
    with pytest.raises(NotFound):
        service.get("nope")


def test_from_mapping_parses_local_times_and_rejects_unknown_fields():
    data = IntakeInput.from_mapping({"content": "x", "received_at": "2026-12-02 08:30"})
    assert data.received_at == parse_time("2026-12-02T08:30:00+08:00")
    with pytest.raises(ValidationError, match="未知字段"):
        IntakeInput.from_mapping({"content": "x", "colour": "red"})
    with pytest.raises(ValidationError, match="时间格式"):
        IntakeInput.from_mapping({"content": "x", "received_at": "昨天晚上"})


def test_rebuild_index(service, op, people):
    service.record(op, CALL)
    assert service.rebuild_index(op) == 1
    assert len(service.list(text="烟点")) == 1


def test_record_many_is_all_or_nothing(service, op, store):
    good = [IntakeInput(content=f"第{n}条") for n in range(3)]
    assert service.record_many(op, good) == 3
    serials = sorted(r["serial"] for r in service.list())
    assert [s[-3:] for s in serials] == ["001", "002", "003"]
    with pytest.raises(ValidationError):
        service.record_many(op, [IntakeInput(content="好"), IntakeInput(content=" ")])
    assert store.scalar("SELECT count(*) FROM intake_record") == 3
