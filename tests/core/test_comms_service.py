"""Comms into the record: messages on the incident timeline, positions, outgoing status."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commandcentre.accounts import AccountService, system_session
from commandcentre.comms import StreamDecoder
from commandcentre.comms.service import CommsService
from commandcentre.comms.simulator import SimulatedTerminal
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.errors import PermissionDenied, ValidationError
from commandcentre.hazards import load_hazards
from commandcentre.incidents.model import IncidentInput
from commandcentre.incidents.service import IncidentService
from commandcentre.storage.verify import verify_store


@pytest.fixture
def comms(demo_store):
    service = CommsService(demo_store)
    device = service.add_device(system_session("t"), name="北斗指挥机", protocol="beidou",
                                port="/dev/ttyUSB0", address="0875001",
                                team="青峪县森林草原专业扑火队")
    return service, device


def decoded(*lines: bytes):
    decoder = StreamDecoder("beidou")
    return decoder.feed(b"".join(lines))


def test_a_message_from_a_known_card_lands_on_the_active_incident(demo_store, comms):
    service, device = comms
    hazards = load_hazards()[0]
    op = AccountService(demo_store).authenticate("zhiban", DEMO_PASSWORD)
    now = demo_store.clock.now()
    iid = IncidentService(demo_store, hazards).create(op, IncidentInput(
        title="老鹰岩山火", hazard="forest_fire", occurred_at=now - timedelta(minutes=30)))
    card = demo_store.scalar("SELECT beidou_card FROM member WHERE beidou_card IS NOT NULL"
                             " LIMIT 1")
    counts = service.ingest(device, decoded(SimulatedTerminal.message(card, "北线火头已扑灭")),
                            device_name="北斗指挥机")
    assert counts["messages"] == 1
    message = service.messages()[0]
    assert message["member"] and message["text"] == "北线火头已扑灭"
    entries = IncidentService(demo_store, hazards).timeline(iid)
    radio = [e for e in entries if e.kind == "radio"]
    assert radio and "北线火头已扑灭" in radio[0].text and radio[0].by == "comms:北斗指挥机"
    assert verify_store(demo_store.path).ok


def test_without_a_single_active_incident_messages_are_kept_unattached(demo_store, comms):
    service, device = comms
    service.ingest(device, decoded(SimulatedTerminal.message("0999999", "测试")))
    row = service.messages()[0]
    assert row["incident_id"] is None and row["member"] is None and row["peer"] == "0999999"


def test_positions_become_the_teams_last_known_position(demo_store, comms):
    service, device = comms
    service.ingest(device, decoded(SimulatedTerminal.position(25.80, 99.50),
                                   SimulatedTerminal.position(25.81, 99.51)))
    last = service.last_positions()
    assert len(last) == 1 and abs(last[0]["lat"] - 25.81) < 1e-9
    assert last[0]["team"] == "青峪县森林草原专业扑火队"
    from commandcentre.rosters import TeamService

    teams = {t["name"]: t for t in TeamService(demo_store).list()}
    team = teams["青峪县森林草原专业扑火队"]
    assert (team["last_lat"], team["last_lon"]) == (25.81, 99.51) and team["last_position_at"]
    assert all(t["last_position_at"] is None for n, t in teams.items() if n != team["name"])


def test_outgoing_message_status_and_permissions(demo_store, comms):
    service, device = comms
    op = AccountService(demo_store).authenticate("zhiban", DEMO_PASSWORD)
    message = service.queue(op, device, "0100001", "请北线扑火队报告位置")
    assert message["status"] == "queued"
    service.mark(message["id"], "sending")
    service.mark(message["id"], "accepted")
    row = demo_store.get("comms_message", message["id"])
    assert row["status"] == "accepted" and row["attempts"] == 1
    with pytest.raises(PermissionDenied):
        service.queue(AccountService(demo_store).authenticate("guancha", DEMO_PASSWORD),
                      device, "0100001", "x")


def test_drill_traffic_is_prefixed_on_air(demo_store, comms):
    service, device = comms
    hazards = load_hazards()[0]
    op = AccountService(demo_store).authenticate("zhiban", DEMO_PASSWORD)
    now = demo_store.clock.now()
    IncidentService(demo_store, hazards).create(op, IncidentInput(
        title="液氯泄漏演练", hazard="production_safety", occurred_at=now - timedelta(minutes=5),
        drill=True))
    assert service.queue(op, device, "0100001", "集合")["text"] == "【演练】集合"
    assert service.queue(op, device, "0100001", "【演练】撤离")["text"] == "【演练】撤离"


def test_an_unfiled_message_is_confirmed_as_intake_once(demo_store, comms):
    from commandcentre.duty.intake import IntakeService

    service, device = comms
    member = demo_store.one("SELECT m.name, m.beidou_card, t.name AS team FROM member m JOIN"
                            " team t ON t.id = m.team_id WHERE beidou_card IS NOT NULL LIMIT 1")
    service.ingest(device, decoded(SimulatedTerminal.message(member["beidou_card"],
                                                             "老鹰岩方向发现烟点")))
    (pending,) = service.unfiled()
    assert pending["member"] == member["name"] and pending["protocol"] == "beidou"
    op = AccountService(demo_store).authenticate("zhiban", DEMO_PASSWORD)
    record = service.file_as_intake(op, pending["id"])
    assert service.unfiled() == []
    stored = IntakeService(demo_store).get(record.root_id).record
    assert stored["channel"] == "北斗" and stored["content"] == "老鹰岩方向发现烟点"
    assert stored["caller_name"] == member["name"] and stored["caller_unit"] == member["team"]
    assert stored["caller_phone"] == member["beidou_card"]
    assert demo_store.get("comms_message", pending["id"])["intake_id"] == record.root_id
    with pytest.raises(ValidationError):
        service.file_as_intake(op, pending["id"])
    service.ingest(device, decoded(SimulatedTerminal.message("0999999", "再报")))
    watcher = AccountService(demo_store).authenticate("guancha", DEMO_PASSWORD)
    with pytest.raises(PermissionDenied):
        service.file_as_intake(watcher, service.unfiled()[0]["id"])
    assert len(service.unfiled()) == 1  # the refused confirmation left nothing behind
    assert verify_store(demo_store.path).ok


def test_threads_contacts_and_conversation_order(demo_store, comms):
    service, device = comms
    op = AccountService(demo_store).authenticate("zhiban", DEMO_PASSWORD)
    card = demo_store.scalar("SELECT beidou_card FROM member WHERE beidou_card IS NOT NULL"
                             " LIMIT 1")
    service.queue(op, device, card, "请报告位置")
    service.ingest(device, decoded(SimulatedTerminal.message(card, "已到达二号点")))
    service.ingest(device, decoded(SimulatedTerminal.message("0999999", "陌生卡号")))
    threads = {t["peer"]: t for t in service.threads()}
    assert threads[card]["count"] == 2 and threads[card]["received"] == 1
    assert threads[card]["member"] and threads["0999999"]["member"] is None
    assert [m["direction"] for m in service.thread(card)] == ["out", "in"]
    contacts = service.contacts("beidou")
    assert contacts and all(c["address"] for c in contacts)
    assert card in {c["address"] for c in contacts}
    assert service.contacts("nmea") == []
