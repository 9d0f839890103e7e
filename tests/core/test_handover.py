"""Handover: the sheet lists exactly the open items; both signatures close it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commandcentre.accounts import AccountService
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.duty.handover import HandoverService
from commandcentre.duty.intake import IntakeInput, IntakeService
from commandcentre.errors import AuthenticationFailed, PermissionDenied, ValidationError


@pytest.fixture
def demo(demo_store):
    return demo_store


def login(store, name):
    return AccountService(store).authenticate(name, DEMO_PASSWORD)


def test_sheet_lists_exactly_the_open_items_and_both_signatures_close_it(demo):
    op = login(demo, "zhiban")
    intake = IntakeService(demo)
    now = demo.clock.now()
    a = intake.record(op, IntakeInput(content="鹿子坪村报山火",
                                      received_at=now - timedelta(hours=3)))
    b = intake.record(op, IntakeInput(content="市应急局要求今日17时前报送隐患排查情况",
                                      kind="上级交办", channel="上级通知"))
    c = intake.record(op, IntakeInput(content="群众咨询", kind="咨询"))
    intake.advance(op, c.root_id, "办结", note="已答复")
    intake.advance(op, a.root_id, "报", target="带班领导")
    service = HandoverService(demo)
    sheet = service.prepare(op, equipment="PDT 基站正常；北斗指挥机正常", notes="夜间无异常")
    assert [r["serial"] for r in sheet.open_items] == [a.record["serial"], b.record["serial"]]
    assert [r["serial"] for r in sheet.instructions_open] == [b.record["serial"]]
    assert sheet.shift is not None and not sheet.complete
    with pytest.raises(ValidationError, match="未完成"):
        service.prepare(op)
    with pytest.raises(ValidationError, match="尚未签字"):
        service.sign_incoming(op, sheet.id, "luoxin", DEMO_PASSWORD)
    with pytest.raises(AuthenticationFailed):
        service.sign_outgoing(op, sheet.id, "wrong-password1")
    assert not service.get(sheet.id).outgoing_signed_at
    service.sign_outgoing(op, sheet.id, DEMO_PASSWORD)
    with pytest.raises(AuthenticationFailed, match="接班人"):
        service.sign_incoming(op, sheet.id, "heyu", "wrong-password1")
    assert not service.get(sheet.id).complete
    with pytest.raises(ValidationError, match="同一人"):
        service.sign_incoming(op, sheet.id, "zhiban", DEMO_PASSWORD)
    done = service.sign_incoming(op, sheet.id, "heyu", DEMO_PASSWORD)
    assert done.complete and done.incoming["username"] == "heyu"
    row = demo.get("handover", sheet.id)
    assert row["status"] == "已交接"


def test_open_items_carry_over_until_closed(demo):
    op = login(demo, "zhiban")
    intake = IntakeService(demo)
    a = intake.record(op, IntakeInput(content="待跟踪事项"))
    service = HandoverService(demo)
    first = service.prepare(op)
    service.sign_outgoing(op, first.id, DEMO_PASSWORD)
    service.sign_incoming(op, first.id, "heyu", DEMO_PASSWORD)
    assert [r["serial"] for r in service.open_items()] == [a.record["serial"]]
    intake.advance(login(demo, "heyu"), a.root_id, "办结", note="已处理")
    assert service.open_items() == []


def test_previous_shift_stays_responsible_until_handed_over(demo):
    service = HandoverService(demo)
    shift, waiting = service.responsible_shift()
    current = service.shifts.current()
    assert waiting and shift.ends_at == current.starts_at
    op = login(demo, "zhiban")
    sheet = service.prepare(op)
    assert sheet.shift.id == shift.id  # the sheet belongs to the shift handing over
    service.sign_outgoing(op, sheet.id, DEMO_PASSWORD)
    assert service.responsible_shift() == (shift, True)  # one signature is not a handover
    service.sign_incoming(op, sheet.id, "heyu", DEMO_PASSWORD)
    assert service.responsible_shift() == (current, False)


def test_observer_cannot_prepare(demo):
    with pytest.raises(PermissionDenied):
        HandoverService(demo).prepare(login(demo, "guancha"))
