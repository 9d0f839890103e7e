"""The SMS modem simulator (TS 27.005, PDU mode), alone and behind the real serial stack.

First the modem on its own (bytes in, bytes out), then end to end: pty → pyserial →
SerialLink → SmsDriver → DeviceRunner → the demo store. Outgoing messages go sending →
accepted (reference = TP-MR) → delivered on +CDS, long text as several parts, a +CMS ERROR is
retried; an incoming two-part reply from a roster member's phone becomes one comms_message,
and the modem's storage ends empty.
"""

from __future__ import annotations

import time

import pytest

from commandcentre.accounts import AccountService, system_session
from commandcentre.comms.events import AtResult, DeliveryReport, SmsIndication, SmsMessage
from commandcentre.comms.runner import DeviceRunner
from commandcentre.comms.service import CommsService
from commandcentre.comms.simulator_sms import PtyModem, SimulatedModem
from commandcentre.comms.sms_pdu import AtDecoder, encode_submit
from commandcentre.demo import DEMO_PASSWORD
from tests.core.comms_polling import history
from tests.core.comms_polling import run_until as poll_until

REPLY = ("指挥中心：第三突击队已于十四时二十分到达青峪县凤鸣路集合点，全员二十三人，车辆四台，"
         "携带风力灭火机六台、水泵两台。现场东南风三级，火线向西北方向蔓延，请指示下一步行动。")


def run_until(runner, done, timeout: float = 5.0):
    """This file's pace: shorter waits, quicker polls than the shared default."""
    return poll_until(runner, done, timeout, pause=0.03)


def events(data: bytes) -> list:
    d = AtDecoder()
    return [i.event for i in d.feed(data) + d.flush()]


def ready_modem(**kw) -> tuple[SimulatedModem, list[float]]:
    t = [0.0]
    m = SimulatedModem(clock=lambda: t[0], **kw)
    for command in (b"ATE0\r", b"AT+CMGF=0\r", b"AT+CNMI=2,1,0,1,0\r"):
        m.receive(command)
    return m, t


# -- the modem alone ------------------------------------------------------------------------


def test_echo_until_ate0_and_unknown_commands_are_errors():
    m = SimulatedModem()
    assert m.receive(b"AT\r") == b"AT\r\r\nOK\r\n"
    assert m.receive(b"ATE0\r") == b"ATE0\r\r\nOK\r\n"  # still echoed: echo was on
    assert m.receive(b"AT\r") == b"\r\nOK\r\n"
    assert m.receive(b"AT+CGXX=1\r") == b"\r\nERROR\r\n"
    assert m.receive(b"AT+CMGF=1\r") == b"\r\n+CMS ERROR: 303\r\n"  # PDU mode only
    assert m.receive(b"AT+CMGF?;+CNMI=2,1,0,1,0;+CNMI?\r") == (
        b"\r\n+CMGF: 0\r\n\r\n+CNMI: 2,1,0,1,0\r\n\r\nOK\r\n")
    assert m.receive(b"ATZ\r") == b"\r\nOK\r\n" and m.echo and m.cnmi == (0, 0, 0, 0, 0)


def test_send_prompt_reference_and_delayed_status_report():
    m, t = ready_modem(report_delay_s=2)
    (part,) = encode_submit("13800138000", "请于今晚八点前到岗", request_report=True)
    command, pdu = part.cmgs()
    assert m.receive(command) == b"\r\n> "
    assert m.receive(pdu[:10]) == b""  # the PDU may come in pieces
    out = events(m.receive(pdu[10:]))
    assert [type(e).__name__ for e in out] == ["SmsSubmitted", "AtResult"]
    assert out[0].reference == 1 and out[1] == AtResult(True, "OK")
    (sent,) = m.submitted
    assert (sent.recipient, sent.text, sent.report_requested) == (
        "13800138000", "请于今晚八点前到岗", True)
    assert m.poll() == b""
    t[0] = 2.5
    (report,) = events(m.poll())
    assert isinstance(report, DeliveryReport)
    assert (report.reference, report.recipient, report.state) == (1, "13800138000", "delivered")
    # The next send gets the next reference.
    m.receive(command)
    assert events(m.receive(pdu))[0].reference == 2


def test_escape_cancels_bad_pdus_are_304_and_configured_failures_come_first():
    m, _ = ready_modem(cms_failures=1, undeliverable=["+8613800138000"], report_delay_s=0)
    (part,) = encode_submit("13800138000", "撤离", request_report=True)
    command, pdu = part.cmgs()
    m.receive(command)
    assert m.receive(b"0011\x1b") == b"\r\nOK\r\n" and not m.submitted
    m.receive(b"AT+CMGS=99\r")
    assert m.receive(pdu) == b"\r\n+CMS ERROR: 304\r\n"  # <length> does not match the TPDU
    m.receive(command)
    assert events(m.receive(pdu)) == [AtResult(False, "CMS", 330, "SMSC address unknown")]
    assert m.refused == 1 and not m.submitted
    m.receive(command)
    accepted, ok, report = events(m.receive(pdu))  # no delay: the report follows the OK
    assert (accepted.reference, ok) == (1, AtResult(True, "OK"))
    assert report.state == "failed" and report.status == 0x46  # validity period expired


def test_unsolicited_codes_wait_while_the_host_is_typing():
    m, t = ready_modem(report_delay_s=1)
    (part,) = encode_submit("13800138000", "ok", request_report=True)
    command, pdu = part.cmgs()
    m.receive(command)
    m.receive(pdu)
    m.receive(command)  # now inside the next PDU: the first one's report must wait
    t[0] = 5
    m.receive_sms("+8613912345678", "收到")
    assert m.poll() == b""
    out = events(m.receive(pdu[:-1]))  # no answer yet: not even the +CMTI
    assert out == []
    out = events(m.receive(pdu[-1:]))
    assert [type(e).__name__ for e in out][:2] == ["SmsSubmitted", "AtResult"]
    assert sorted(type(e).__name__ for e in out[2:]) == ["DeliveryReport", "SmsIndication"]
    assert m.receive(b"AT+CM") == b"" and m.receive_sms("+8613912345678", "好") == [2]
    assert m.poll() == b""  # a half-typed command line holds them too
    assert events(m.receive(b"GR=2\r"))[-1] == SmsIndication("SM", 2)


def test_incoming_parts_are_stored_read_listed_and_deleted():
    m, _ = ready_modem(capacity=2)
    assert m.receive_sms("+8615808750001", REPLY) == [1, 2]
    assert m.receive_sms("10086", "话费余额提醒") == [None]  # SIM full: the network holds it
    cmti = events(m.poll())
    assert [(e.storage, e.index) for e in cmti] == [("SM", 1), ("SM", 2)]
    first = events(m.receive(b"AT+CMGR=1\r"))
    assert isinstance(first[0], SmsMessage) and first[0].sender == "+8615808750001"
    assert first[0].concat.total == 2 and first[1] == AtResult(True, "OK")
    assert m.receive(b"AT+CMGR=1\r").startswith(b"\r\n+CMGR: 1,,")  # now read
    assert m.receive(b"AT+CMGR=9\r") == b"\r\n+CMS ERROR: 321\r\n"
    listed = events(m.receive(b"AT+CMGL=4\r"))
    assert [e.index for e in listed[:-1]] == [1, 2]
    # The held message takes the freed slot; its +CMTI follows the OK.
    assert events(m.receive(b"AT+CMGD=1\r")) == [AtResult(True, "OK"), SmsIndication("SM", 1)]
    assert set(m.storage) == {1, 2} and not m.waiting
    assert m.receive(b"AT+CMGD=1,4\r") == b"\r\nOK\r\n" and not m.storage


# -- end to end through the serial stack ------------------------------------------------------






@pytest.fixture
def operator(demo_store):
    return AccountService(demo_store).authenticate("zhiban", DEMO_PASSWORD)


@pytest.fixture
def member(demo_store) -> dict:
    return demo_store.one("SELECT m.id, m.name, m.phone, m.team_id FROM member m WHERE"
                          " m.phone LIKE '1%' AND length(m.phone) = 11 ORDER BY m.rowid LIMIT 1")


@pytest.fixture
def modem_setup(demo_store):
    sims, runners = [], []

    def make(**modem_options):
        sim = PtyModem(SimulatedModem(**modem_options))
        sims.append(sim)
        service = CommsService(demo_store)
        device_id = service.add_device(system_session("t"), name=f"短信猫{len(sims)}",
                                       protocol="sms", port=sim.path, baudrate=115200)
        runner = DeviceRunner(demo_store, service.device(device_id), retry_s=0.2)
        runners.append(runner)
        return sim, service, runner

    yield make
    for runner in runners:
        runner.stop()
    for sim in sims:
        sim.close()


def test_chinese_sms_goes_out_and_is_delivered(modem_setup, operator, member, demo_store):
    sim, service, runner = modem_setup(report_delay_s=0.3)
    queued = service.queue(operator, runner.device["id"], member["phone"], "请于今晚八点前到岗")
    runner.start()
    results = run_until(runner, lambda rs: "delivered" in history(rs, queued["id"]))
    assert history(results, queued["id"]) == ["sending", "accepted", "delivered"]
    assert sim.modem.commands[:3] == ["ATE0", "AT+CMGF=0", "AT+CNMI=2,1,0,1,0"]
    (sent,) = sim.modem.submitted
    assert (sent.recipient, sent.text) == (member["phone"], "请于今晚八点前到岗")
    row = demo_store.get("comms_message", queued["id"])
    assert (row["status"], row["reference"]) == ("delivered", str(sent.reference))
    assert row["member_id"] == member["id"]


def test_long_message_goes_in_parts_and_is_delivered_when_every_part_is(
        modem_setup, operator, member, demo_store):
    sim, service, runner = modem_setup(report_delay_s=None)  # reports held until released
    text = "森林火情通报：" + "请各队按预案集结待命，" * 12
    assert len(text) > 70
    queued = service.queue(operator, runner.device["id"], member["phone"], text)
    runner.start()
    run_until(runner, lambda rs: "accepted" in history(rs, queued["id"]))
    parts = sim.modem.submitted
    assert len(parts) == len(encode_submit(member["phone"], text)) == 3
    assert sim.modem.outgoing() == [(member["phone"], text)]
    row = demo_store.get("comms_message", queued["id"])
    assert row["reference"] == ",".join(str(p.reference) for p in parts)
    assert sim.modem.release_reports(2) == 2
    time.sleep(0.2)  # both reports reach the driver; one part is still unconfirmed
    assert "delivered" not in history(run_until(runner, lambda rs: len(rs) > 5),
                                      queued["id"])
    assert demo_store.get("comms_message", queued["id"])["status"] == "accepted"
    sim.modem.release_reports()
    run_until(runner, lambda rs: "delivered" in history(rs, queued["id"]))
    assert [p.report_status for p in parts] == [0, 0, 0]


def test_long_message_reported_part_by_part_at_once_is_delivered(modem_setup, operator,
                                                                 member, demo_store):
    """Reports for the first parts arrive while later parts are still being sent."""
    _sim, service, runner = modem_setup(report_delay_s=0)
    text = "防汛通知：" + "请各村组织巡查易涝点并上报，" * 10
    queued = service.queue(operator, runner.device["id"], member["phone"], text)
    runner.start()
    results = run_until(runner, lambda rs: "delivered" in history(rs, queued["id"]))
    assert history(results, queued["id"]) == ["sending", "accepted", "delivered"]


def test_modem_error_is_retried_then_accepted(modem_setup, operator, member, demo_store):
    sim, service, runner = modem_setup(cms_failures=1, report_delay_s=60)
    queued = service.queue(operator, runner.device["id"], member["phone"], "速报火场位置")
    runner.start()
    results = run_until(runner, lambda rs: "accepted" in history(rs, queued["id"]))
    assert history(results, queued["id"]) == ["sending", "queued", "sending", "accepted"]
    notes = [u.note for r in results for u in r.updates if u.status == "queued"]
    assert "330" in notes[0]
    assert sim.modem.refused == 1 and len(sim.modem.submitted) == 1
    row = demo_store.get("comms_message", queued["id"])
    assert (row["status"], row["attempts"]) == ("accepted", 2)


def test_failed_delivery_report_marks_the_message_failed(modem_setup, operator, demo_store):
    _sim, service, runner = modem_setup(report_delay_s=0.1, undeliverable=["13700000000"])
    queued = service.queue(operator, runner.device["id"], "+8613700000000", "请回电")
    runner.start()
    results = run_until(runner, lambda rs: "failed" in history(rs, queued["id"]))
    assert history(results, queued["id"]) == ["sending", "accepted", "failed"]
    assert "70" in demo_store.get("comms_message", queued["id"])["note"]  # TP-ST 0x46


def test_two_part_reply_from_a_member_becomes_one_message(modem_setup, member, demo_store):
    sim, service, runner = modem_setup()
    runner.start()
    # +CMTI is only sent once the driver has set AT+CNMI, as on a real modem.
    run_until(runner, lambda rs: sim.modem.cnmi[1] == 1
              and runner.driver.ready(demo_store.clock.now()))
    assert sim.receive_sms("+86" + member["phone"], REPLY) == [1, 2]
    results = run_until(runner, lambda rs: sum(r.messages for r in rs) and not sim.modem.storage
                        and "AT+CMGD=2" in sim.modem.commands)
    assert sum(r.messages for r in results) == 1
    rows = demo_store.query("SELECT * FROM comms_message WHERE direction = 'in'")
    assert len(rows) == 1
    (row,) = rows
    assert (row["peer"], row["text"]) == ("+86" + member["phone"], REPLY)
    assert (row["member_id"], row["team_id"]) == (member["id"], member["team_id"])
    assert [c for c in sim.modem.commands if c.startswith(("AT+CMGR", "AT+CMGD"))] == [
        "AT+CMGR=1", "AT+CMGD=1", "AT+CMGR=2", "AT+CMGD=2"]
    assert sim.modem.storage == {} and runner.rejects == 0
    assert [m["member"] for m in service.messages()] == [member["name"]]
