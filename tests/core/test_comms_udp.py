"""Hytera radios over UDP on real sockets (127.0.0.1): HdapLink, HdapDriver and DeviceRunner
against the simulated radio, into the demo store.

Text both ways (with the automatic ack of an incoming message), an LP report as a position
row, a location request answered by a report (a position row for the radio's member), a
failed answer, garbage answers counted as rejects, a CHANNEL_BUSY refusal retried then
accepted, repeated refusals failed with the reason, garbage counted as a reject, a taken port
(reconnecting until it frees), foreign senders ignored, the port-string parser, and random
datagrams that never break the link.
"""

from __future__ import annotations

import queue
import socket
import time
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commandcentre.accounts import AccountService, system_session
from commandcentre.comms.events import Decoded, Position, RadioTextAck, Reject, ShortMessage
from commandcentre.comms.hdap import (
    SERVICE_LP,
    SERVICE_TMP,
    LocationRequest,
    LpNoFix,
    decode_hdap,
    encode_hdap,
    encode_lp_immediate_request,
    encode_lp_report,
    encode_tmp_message,
)
from commandcentre.comms.hdap_driver import HdapDriver
from commandcentre.comms.runner import DeviceRunner
from commandcentre.comms.service import CommsService
from commandcentre.comms.simulator_udp import SimulatedRadio
from commandcentre.comms.traffic import read_log
from commandcentre.comms.udp import HdapAddress, HdapLink, LinkDown, parse_hdap_port
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.errors import ValidationError
from commandcentre.storage.verify import verify_store
from tests.core.comms_polling import history as statuses
from tests.core.comms_polling import run_until as poll_until

HOST = "127.0.0.1"


def run_until(runner, done, timeout: float = 4.0):
    """This file's pace: shorter waits, quicker polls than the shared default."""
    return poll_until(runner, done, timeout, pause=0.02)


def free_ports(n: int) -> list[int]:
    """``n`` distinct UDP ports free on 127.0.0.1 right now (bound together, then released)."""
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(n)]
    try:
        for s in socks:
            s.bind((HOST, 0))
        return [s.getsockname()[1] for s in socks]
    finally:
        for s in socks:
            s.close()






@pytest.fixture
def operator(demo_store):
    return AccountService(demo_store).authenticate("zhiban", DEMO_PASSWORD)


@pytest.fixture
def pdt_member(demo_store) -> dict:
    return demo_store.one("SELECT id, name, team_id, pdt_id FROM member WHERE pdt_id IS NOT"
                          " NULL AND pdt_id != '' ORDER BY pdt_id LIMIT 1")


@pytest.fixture
def setup(demo_store):
    radios, runners = [], []

    def make(**radio_options):
        host_tmp, host_lp = free_ports(2)
        radio = SimulatedRadio(host_tmp, host_lp, **radio_options)
        radios.append(radio)
        service = CommsService(demo_store)
        port = f"{HOST}:{radio.tmp_port}:{radio.lp_port}@{HOST}:{host_tmp}:{host_lp}"
        device_id = service.add_device(system_session("t"), name=f"电台{len(radios)}",
                                       protocol="hdap", port=port, address="3600999")
        runner = DeviceRunner(demo_store, service.device(device_id), retry_s=0.1,
                              max_attempts=3, first_request_id=7000)
        runners.append(runner)
        return radio, service, runner

    yield make
    for runner in runners:
        runner.stop()
    for radio in radios:
        radio.close()


def test_messages_both_ways_with_acks_and_a_position(setup, operator, demo_store, pdt_member):
    radio, service, runner = setup()
    assert isinstance(runner.link, HdapLink) and isinstance(runner.driver, HdapDriver)
    pdt = pdt_member["pdt_id"]
    queued = service.queue(operator, runner.device["id"], pdt, "请报告火线位置")
    runner.start()
    results = run_until(runner, lambda rs: "accepted" in statuses(rs, queued["id"]))
    assert statuses(results, queued["id"]) == ["sending", "accepted"]
    (sent,) = radio.messages
    assert (sent.recipient, sent.sender, sent.text) == (pdt, "3600999", "请报告火线位置")
    row = demo_store.get("comms_message", queued["id"])
    assert row["status"] == "accepted" and row["reference"] == "7000"

    request = radio.send_text(pdt, "已到达集合点，烟点在鹿子坪村后山")
    radio.send_position(pdt, 25.8601, 99.5212)
    results = run_until(runner, lambda rs: sum(r.messages for r in rs) and
                        sum(r.positions for r in rs))
    assert sum(r.messages for r in results) == 1 and sum(r.positions for r in results) == 1
    assert radio.wait(lambda r: r.acks)
    (ack,) = radio.acks  # the link acknowledged the radio's message by itself
    assert (ack.request_id, ack.ok, ack.destination, ack.source) == (
        request, True, "3600999", pdt)
    assert runner.link.acks_sent == 1
    incoming = next(m for m in service.messages() if m["direction"] == "in")
    assert (incoming["peer"], incoming["text"]) == (pdt, "已到达集合点，烟点在鹿子坪村后山")
    assert incoming["member_id"] == pdt_member["id"]
    position = demo_store.one("SELECT * FROM position_report")
    assert position["source"] == pdt and position["member_id"] == pdt_member["id"]
    assert abs(position["lat"] - 25.8601) < 1e-6 and abs(position["lon"] - 99.5212) < 1e-6
    assert position["fix_time"]

    runner.stop()
    log = read_log(runner.link.traffic.path)  # every datagram, both directions
    assert [d for _, _, d, _ in log].count(">") == 2 and [d for _, _, d, _ in log].count("<") == 3
    assert verify_store(demo_store.path).ok


def ask(runner: DeviceRunner, radio: str | int) -> bytes:
    """Ask for a radio's position the way ``comms locate`` does; the request PDU."""
    run_until(runner, lambda rs: rs[-1].state == "connected")
    (pdu,) = runner.driver.request_location(radio, runner.store.clock.now()).writes
    runner.link.send(pdu)  # an LP PDU: from the LP socket to the radio's LP port
    return pdu


def test_a_location_request_is_answered_with_a_position(setup, demo_store, pdt_member):
    radio, _service, runner = setup(location=(25.8712, 99.5301))
    pdt = pdt_member["pdt_id"]
    runner.start()
    pdu = ask(runner, pdt)
    results = run_until(runner, lambda rs: sum(r.positions for r in rs))
    assert sum(r.positions for r in results) == 1
    assert radio.datagrams == [("LP", pdu)]  # nothing went to the TMP port
    assert radio.location_requests == [LocationRequest(7000, pdt, 10)]
    answer = runner.driver.location_answer(pdt)
    assert isinstance(answer, Position) and answer.request_id == 7000
    assert answer.source_id == pdt and runner.link.sentences["LP"] == 1
    row = demo_store.one("SELECT * FROM position_report")
    assert row["source"] == pdt and row["member_id"] == pdt_member["id"]
    assert row["team_id"] == pdt_member["team_id"]
    assert abs(row["lat"] - 25.8712) < 1e-6 and abs(row["lon"] - 99.5301) < 1e-6
    assert row["fix_time"]
    assert verify_store(demo_store.path).ok


def test_a_failed_location_answer_stores_nothing(setup, demo_store, pdt_member):
    _radio, _service, runner = setup(location=None)
    pdt = pdt_member["pdt_id"]
    runner.start()
    ask(runner, pdt)
    run_until(runner, lambda rs: runner.driver.location_answer(pdt) is not None)
    answer = runner.driver.location_answer(pdt)
    assert isinstance(answer, LpNoFix) and answer.reason == "position_method_failure"
    assert (answer.request_id, answer.result_code) == (7000, 6)
    assert demo_store.scalar("SELECT count(*) FROM position_report") == 0


def test_garbage_location_answers_are_rejects(setup, demo_store, pdt_member):
    """A silent radio; the host gets bad answers, another request's report, then the answer."""
    radio, _service, runner = setup(silent=True)
    pdt = pdt_member["pdt_id"]
    runner.start()
    ask(runner, pdt)
    assert radio.wait(lambda r: r.location_requests)
    good = encode_lp_report(7000, int(pdt), 25.87, 99.53, when=datetime.now(UTC))
    radio.send_raw(good[:-2] + bytes([good[-2] ^ 0x5A, 3]), service="LP")  # checksum
    radio.send_raw(encode_hdap(SERVICE_LP, b"\xa0\x02", good[5:40]), service="LP")  # short
    radio.send_raw(good[:30], service="LP")  # cut off
    radio.send_raw(b"\x08garbage\x03", service="LP")
    run_until(runner, lambda rs: sum(r.rejects for r in rs) >= 4)
    assert runner.link.rejects == {"bad_checksum": 1, "malformed": 3}
    assert runner.driver.location_answer(pdt) is None
    other = encode_lp_report(6999, int(pdt), 25.80, 99.50, when=datetime.now(UTC))
    radio.send_raw(other, service="LP")  # a report, but not the answer to our request
    run_until(runner, lambda rs: sum(r.positions for r in rs))
    assert runner.driver.location_answer(pdt) is None
    radio.send_raw(good, service="LP")
    run_until(runner, lambda rs: runner.driver.location_answer(pdt) is not None)
    assert float(runner.driver.location_answer(pdt).lat) == pytest.approx(25.87)
    assert demo_store.scalar("SELECT count(*) FROM position_report") == 2
    assert runner.link.state == "connected"


def test_the_driver_matches_answers_to_its_latest_request():
    driver = HdapDriver(radio_id=3600999, first_request_id=41)
    now = datetime(2025, 5, 1, 8, 0, tzinfo=UTC)
    step = driver.request_location("3601001", now)
    assert step.writes == [encode_lp_immediate_request(41, 3601001)] and not step.updates
    assert driver.request_location(3601001, now).writes[0][5:9] == (42).to_bytes(4, "big")
    old = decode_hdap(encode_lp_report(41, 3601001, 25.0, 99.0, when=now)).event
    assert driver.event(old, now).inbound == [old]  # stored, but the older request's answer
    assert driver.location_answer(3601001) is None
    new = decode_hdap(encode_lp_report(42, 3601001, 25.1, 99.1, when=now)).event
    assert driver.event(new, now).inbound == [new]
    assert driver.location_answer("3601001") is new and driver.locations[3601001].answered_at
    stranger = decode_hdap(encode_lp_report(42, 3601002, 25.2, 99.2, when=now)).event
    driver.event(stranger, now)
    assert driver.location_answer(3601002) is None and driver.location_answer("x") is None
    for bad in ("第三梯队", "16777216", ""):
        with pytest.raises(ValidationError, match="电台号"):
            driver.request_location(bad, now)


def test_the_link_sends_lp_pdus_to_the_lp_port():
    tmp, lp = free_ports(2)
    radio = SimulatedRadio(tmp, lp)
    link = HdapLink("r3", HdapAddress(HOST, radio.tmp_port, radio.lp_port, HOST, tmp, lp))
    link.start()
    try:
        for _ in range(100):
            if link.state == "connected":
                break
            time.sleep(0.02)
        request = encode_lp_immediate_request(5, 3601001)
        text = encode_tmp_message(6, 3601001, 3600999, "测试")
        link.send(request, service="TMP")  # forced to the TMP port: no answer comes
        link.send(text)
        link.send(request)
        assert radio.wait(lambda r: len(r.datagrams) == 3 and r.location_requests)
        # two sockets: the order between them is not kept
        assert sorted(radio.datagrams) == sorted([("TMP", request), ("TMP", text),
                                                  ("LP", request)])
        assert radio.location_requests == [LocationRequest(5, "3601001", 10)]
        with pytest.raises(ValueError):
            link.send(request, service="RRS")
    finally:
        link.stop()
        radio.close()


def test_channel_busy_is_retried_then_accepted(setup, operator, demo_store, pdt_member):
    radio, service, runner = setup(fail_first=2)
    queued = service.queue(operator, runner.device["id"], pdt_member["pdt_id"], "撤离令")
    runner.start()
    results = run_until(runner, lambda rs: "accepted" in statuses(rs, queued["id"]))
    assert statuses(results, queued["id"]) == ["sending", "queued", "sending", "queued",
                                               "sending", "accepted"]
    notes = [u.note for r in results for u in r.updates if u.status == "queued"]
    assert all("信道忙" in n and "channel_busy" in n for n in notes)
    row = demo_store.get("comms_message", queued["id"])
    assert row["status"] == "accepted" and row["attempts"] == 3 and row["reference"] == "7002"
    assert len(radio.messages) == 3


def test_repeated_refusal_fails_with_the_reason(setup, operator, demo_store, pdt_member):
    radio, service, runner = setup(fail_first=9, failure="tx_deny")
    queued = service.queue(operator, runner.device["id"], pdt_member["pdt_id"], "速报")
    bad = service.queue(operator, runner.device["id"], "第三梯队", "收信人不是电台号")
    runner.start()
    results = run_until(runner, lambda rs: {"failed"} <= set(statuses(rs, queued["id"]))
                        and "failed" in statuses(rs, bad["id"]))
    row = demo_store.get("comms_message", queued["id"])
    assert row["status"] == "failed" and row["attempts"] == 3
    assert "禁止发射" in row["note"] and "tx_deny" in row["note"] and "3 次" in row["note"]
    assert statuses(results, bad["id"]) == ["sending", "failed"]
    assert "不是电台号" in demo_store.get("comms_message", bad["id"])["note"]
    assert len(radio.messages) == 3  # nothing went out for the bad recipient


def test_garbage_datagrams_are_counted_as_rejects(setup):
    radio, _service, runner = setup()
    runner.start()
    run_until(runner, lambda rs: rs[-1].state == "connected")
    radio.send_raw(b"garbage")
    radio.send_raw(encode_hdap(SERVICE_LP, b"\xa0\x02", b"short"), service="LP")
    ok = encode_tmp_message(1, 3600999, 3601001, "校验错")
    radio.send_raw(ok[:-2] + bytes([ok[-2] ^ 0xFF, 3]))
    run_until(runner, lambda rs: sum(r.rejects for r in rs) >= 3)
    assert sum(runner.link.rejects.values()) == 3
    assert set(runner.link.rejects) == {"unknown_type", "malformed", "bad_checksum"}
    assert runner.link.state == "connected" and radio.acks == []


def test_a_taken_port_reconnects_when_it_frees(tmp_path):
    tmp, lp, radio_tmp, radio_lp = free_ports(4)
    blocker = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    blocker.bind((HOST, lp))
    states: queue.Queue = queue.Queue()
    link = HdapLink("r1", HdapAddress(HOST, radio_tmp, radio_lp, HOST, tmp, lp),
                    on_state=states.put, reconnect_max=0.2)
    link.start()
    try:
        assert states.get(timeout=2) == "connecting"
        assert states.get(timeout=2) == "reconnecting"
        time.sleep(0.3)
        assert link.state == "reconnecting" and "ddress" in link.last_error
        with pytest.raises(LinkDown):
            link.send(b"\x00")
        blocker.close()
        assert states.get(timeout=2) == "connected"
        assert link.local_ports == {"TMP": tmp, "LP": lp} and link.reconnects == 0
    finally:
        blocker.close()
        link.stop()
    assert link.state == "closed" and link._thread is None and link.local_ports == {}


def test_datagrams_from_another_host_are_ignored():
    tmp, lp = free_ports(2)
    events: queue.Queue = queue.Queue()
    link = HdapLink("r2", HdapAddress(HOST, 1, 2, HOST, tmp, lp), on_event=events.put)
    link.start()
    try:
        other = SimulatedRadio(tmp, lp, bind_host="127.0.0.2")
    except OSError:
        link.stop()
        pytest.skip("127.0.0.2 is not a loopback address here")
    try:
        for _ in range(50):
            if link.state == "connected":
                break
            time.sleep(0.02)
        other.send_text(3601001, "假消息")
        time.sleep(0.2)
        assert link.foreign == 1 and events.empty() and link.acks_sent == 0
    finally:
        other.close()
        link.stop()


@pytest.mark.parametrize(("text", "expected"), [
    ("192.168.10.1", HdapAddress("192.168.10.1")),
    (" 192.168.10.1:4004:4003 ", HdapAddress("192.168.10.1", 4004, 4003, "0.0.0.0", 4004,
                                             4003)),
    ("192.168.10.1:4004", HdapAddress("192.168.10.1", 4004, 3003, "0.0.0.0", 4004, 3003)),
    ("192.168.10.1@192.168.10.2", HdapAddress("192.168.10.1", bind_host="192.168.10.2")),
    ("192.168.10.1@:5004:5003", HdapAddress("192.168.10.1", tmp_port=5004, lp_port=5003)),
])
def test_port_strings(text, expected):
    assert parse_hdap_port(text) == expected
    assert parse_hdap_port(str(expected)) == expected


@pytest.mark.parametrize(("text", "words"), [
    ("", "电台 IP 为空"),
    (":3004:3003", "电台 IP 为空"),
    ("radio.local", "不是 IPv4 地址"),
    ("192.168.10.300", "不是 IPv4 地址"),
    ("0.0.0.0", "不能是 0.0.0.0"),
    ("192.168.10.1:tmp", "端口“tmp”应为 1–65535"),
    ("192.168.10.1:70000", "端口“70000”"),
    ("192.168.10.1:0", "端口“0”"),
    ("192.168.10.1:3004:3003:3002", "段数过多"),
    ("192.168.10.1@0.0.0.0@x", "只能有一个“@”"),
    ("192.168.10.1@host", "“host”不是 IPv4 地址"),
    ("192.168.10.1:3004:3004", "不能相同：3004"),
])
def test_port_string_errors(text, words):
    with pytest.raises(ValidationError) as err:
        parse_hdap_port(text)
    assert words in str(err.value)


def test_a_bad_own_radio_id_is_refused():
    with pytest.raises(ValidationError, match="电台号"):
        HdapDriver(radio_id="99999999")
    assert HdapDriver(radio_id="").radio_id == 0


tmp_pdus = st.builds(
    lambda flags, kind, payload, reliable: encode_hdap(
        SERVICE_TMP, bytes([flags, kind]), payload, reliable=reliable),
    st.sampled_from([0x00, 0x40, 0x80, 0xC0]), st.sampled_from([0xA1, 0xA2, 0xB1, 0xB2]),
    st.binary(max_size=40), st.booleans())


@pytest.fixture(scope="module")
def fuzz_link():
    """A link that is never started: its datagram handler, and a real socket for acks."""
    events: list = []
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((HOST, 0))
    yield HdapLink("fuzz", HdapAddress(HOST, free_ports(1)[0], 2, HOST, 0, 0),
                   on_event=events.append), sock, events
    sock.close()


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=80), tmp_pdus))
def test_random_datagrams_never_raise(fuzz_link, data):
    link, sock, events = fuzz_link
    before = len(events)
    link.handle(data, (HOST, sock.getsockname()[1]), sock)
    (item,) = events[before:]
    assert isinstance(item, Decoded | Reject)
    if isinstance(item, Decoded) and isinstance(item.event, ShortMessage | RadioTextAck):
        assert item.type == "TMP"


def test_a_bad_hdap_address_is_refused_when_registering(demo_store):
    from commandcentre.accounts import system_session
    from commandcentre.comms.service import CommsService
    from commandcentre.errors import ValidationError

    service = CommsService(demo_store)
    for port, address in (("192.168.10.1:99999", ""), ("电台", ""), ("192.168.10.1", "PDT-7")):
        with pytest.raises(ValidationError):
            service.add_device(system_session("t"), name="电台", protocol="hdap", port=port,
                               address=address)
    assert service.add_device(system_session("t"), name="电台", protocol="hdap",
                              port="192.168.10.1@:5004:5003", address="4001")
