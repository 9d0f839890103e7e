"""Device drivers, without a port: what they write, and what the answers do to the outbox.

The terminal's and the modem's answers are fed as the codecs decode them from real lines
(research-serial.md §1.3 for BeiDou 2.1, TS 27.005 §3.5 / §3.4 for the AT side).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from commandcentre.comms import beidou, sms_pdu
from commandcentre.comms.drivers import (
    PROBE_RATES,
    BeidouDriver,
    ReceiveOnlyDriver,
    SmsDriver,
    driver_for,
)
from commandcentre.comms.events import AtPrompt, AtResult, DeliveryReport, SmsIndication
from commandcentre.comms.framing import SentenceFramer, check_sentence, encode_sentence
from commandcentre.comms.outbox import OutgoingMessage

T0 = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def decode(line: bytes):
    """A terminal line through the real framer and BeiDou codec."""
    (frame,) = SentenceFramer().feed(line)
    return beidou.decode_sentence(check_sentence(frame))


def ici(interval: int = 60, address: str = "0242407") -> object:
    return decode(encode_sentence("BDICI", [address, "00000000", "0000000", "0",
                                            str(interval), "3", "N", "0"]))


def fki(accepted: bool, wait: int = 0) -> object:
    flag = "Y" if accepted else "N"
    return decode(encode_sentence("BDFKI", ["TXA", flag, flag, "0", f"{wait:04d}"]))


def message(mid: str = "m1", to: str = "0100001", text: str = "请报告火线位置"):
    return OutgoingMessage(mid, to, text)


# -- BeiDou ---------------------------------------------------------------------------------


def connected_beidou(interval: int = 60, **kw) -> BeidouDriver:
    d = BeidouDriver(**kw)
    step = d.connected(at(0))
    assert step.writes == [beidou.encode_ica()]
    assert d.event(ici(interval), at(0.2)).writes == []
    return d


def test_nothing_goes_out_before_the_card_answers():
    d = BeidouDriver()
    d.add(message(), at(0))
    d.connected(at(0))
    assert d.tick(at(0.5)).writes == []  # no $BDICI yet
    d.event(ici(), at(0.6))
    step = d.tick(at(0.7))
    assert step.writes == [beidou.encode_txa("0100001", "请报告火线位置")]
    assert [(u.message_id, u.status) for u in step.updates] == [("m1", "sending")]


def test_accepted_then_the_next_waits_for_the_cards_interval():
    d = connected_beidou(interval=30)
    d.add(message("m1"), at(1))
    d.add(message("m2", text="第二条"), at(1))
    assert d.tick(at(1)).writes
    step = d.event(fki(True), at(2))
    assert [(u.message_id, u.status) for u in step.updates] == [("m1", "accepted")]
    assert d.tick(at(20)).writes == []  # the card's 服务频度 is 30 s
    step = d.tick(at(32.5))
    assert step.writes == [beidou.encode_txa("0100001", "第二条")]


def test_refusal_is_retried_after_the_terminals_wait():
    d = connected_beidou(interval=0)
    d.add(message(), at(0))
    d.tick(at(1))
    step = d.event(fki(False, wait=42), at(1.5))
    (update,) = step.updates
    assert update.status == "queued" and "42" in update.note
    assert d.tick(at(40)).writes == []
    step = d.tick(at(44))
    assert step.writes and step.updates[0].status == "sending"


def test_no_feedback_means_the_message_is_sent_again():
    d = connected_beidou(interval=0, feedback_timeout_s=10, retry_s=5)
    d.add(message(), at(0))
    d.tick(at(1))
    step = d.tick(at(12))
    assert [u.status for u in step.updates] == ["queued"]
    assert "无反馈" in step.updates[0].note
    assert d.tick(at(18)).writes  # retried after retry_s


def test_attempts_run_out_and_the_message_fails_not_vanishes():
    d = connected_beidou(interval=0, max_attempts=2, retry_s=1)
    d.add(message(), at(0))
    d.tick(at(0))
    assert d.event(fki(False), at(1)).updates[0].status == "queued"
    d.tick(at(3))
    step = d.event(fki(False), at(4))
    assert step.updates[0].status == "failed" and "2" in step.updates[0].note
    assert d.tick(at(100)).writes == []


def test_a_drop_while_sending_requeues_and_a_reconnect_asks_for_the_card_again():
    d = connected_beidou(interval=0)
    d.add(message(), at(0))
    d.tick(at(0))
    step = d.disconnected(at(1))
    assert [u.status for u in step.updates] == ["queued"]
    assert d.connected(at(2)).writes == [beidou.encode_ica()]
    assert d.tick(at(8)).writes == [beidou.encode_ica()]  # probing: the card must answer first
    d.event(ici(0), at(8.1))
    assert d.tick(at(8.2)).writes == [beidou.encode_txa("0100001", "请报告火线位置")]


def test_baud_probe_walks_the_rates_then_gives_up_and_still_sends():
    d = BeidouDriver(baudrate=9600, probe_timeout_s=1)
    d.add(message(), at(0))
    d.connected(at(0))
    seen, _writes = [d.baudrate], []
    for n in range(1, len(PROBE_RATES)):
        step = d.tick(at(n * 1.5))
        seen.append(step.baudrate)
        assert step.writes == [beidou.encode_ica()]  # the probe again, at the new rate
    assert seen[0] == 9600 and sorted(seen) == sorted(PROBE_RATES)
    assert not d.no_answer
    step = d.tick(at(len(PROBE_RATES) * 1.5))
    # Nothing answered at any rate: back to the configured one, and the message goes out
    # anyway (an old terminal without $CCICA), paced at the default interval.
    assert d.no_answer and step.baudrate == 9600 and d.baudrate == 9600
    assert step.writes == [beidou.encode_txa("0100001", "请报告火线位置")]


def test_card_found_at_a_probed_rate_stops_the_probe():
    d = BeidouDriver(probe_timeout_s=1)
    d.connected(at(0))
    assert d.tick(at(1.5)).baudrate == PROBE_RATES[1]
    d.event(ici(), at(1.6))
    assert d.tick(at(10)).baudrate is None and d.baudrate == PROBE_RATES[1]


def test_an_empty_card_slot_blocks_sending():
    d = BeidouDriver()
    d.add(message(), at(0))
    d.connected(at(0))
    d.event(decode(encode_sentence("BDICI", ["0000000", "00000000", "0000000", "0", "0",
                                             "0", "N", "0"])), at(0.1))
    assert d.tick(at(100)).writes == []


def test_incoming_short_message_and_position_are_passed_on():
    d = connected_beidou()
    incoming = decode(encode_sentence("BDTXR", ["1", "0100001", "0", "",
                                                beidou.encode_content("已到达", "hanzi")]))
    assert d.event(incoming, at(1)).inbound == [incoming]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["tick", "accept", "refuse", "drop", "connect",
                                           "card"]),
                          st.floats(0, 90)), max_size=40))
def test_any_order_of_events_never_loses_a_message(script):
    """Whatever the terminal does, each message ends accepted or failed or is still pending."""
    d = BeidouDriver(interval_s=0, max_attempts=3, probe_timeout_s=1)
    ids = [f"m{i}" for i in range(3)]
    for mid in ids:
        d.add(message(mid), at(0))
    d.connected(at(0))
    d.event(ici(0), at(0))
    now, final = 0.0, {}
    for action, dt in script:
        now += dt
        t = at(now)
        if action == "tick":
            step = d.tick(t)
        elif action in ("accept", "refuse"):
            step = d.event(fki(action == "accept", 3), t)
        elif action == "drop":
            step = d.disconnected(t)
        elif action == "connect":
            step = d.connected(t)
        else:
            step = d.event(ici(0), t)
        for u in step.updates:
            assert u.message_id in ids
            if u.status in ("accepted", "failed"):
                assert u.message_id not in final  # a verdict comes once
                final[u.message_id] = u.status
    pending = {m.id for m in d.outbox.pending}
    assert set(ids) == set(final) | pending and not (set(final) & pending)


# -- SMS modem ------------------------------------------------------------------------------


def ok() -> AtResult:
    return AtResult(True, "OK")


def setup_sms() -> SmsDriver:
    d = SmsDriver()
    writes = d.connected(at(0)).writes
    commands = [b"ATE0\r", *sms_pdu.SETUP_COMMANDS, b"AT+CMGL=4\r"]
    for n, command in enumerate(commands):
        assert writes == [command]  # one command at a time, each after the previous OK
        writes = d.event(ok(), at(n + 1)).writes
    assert writes == []
    return d


def test_sms_setup_then_send_with_prompt_reference_and_delivery_report():
    d = setup_sms()
    d.add(message(to="13800138000", text="请于今晚八点前到岗"), at(10))
    step = d.tick(at(10))
    (part,) = sms_pdu.encode_submit("13800138000", "请于今晚八点前到岗", request_report=True)
    command, pdu = part.cmgs()
    assert step.writes == [command] and step.updates[0].status == "sending"
    assert d.event(AtPrompt(), at(10.1)).writes == [pdu]
    from commandcentre.comms.events import SmsSubmitted

    assert d.event(SmsSubmitted(77), at(11)).updates == []
    step = d.event(ok(), at(11))
    (update,) = step.updates
    assert update.status == "accepted" and update.reference == "77"
    report = DeliveryReport(77, "13800138000", 0, "delivered", None, None)
    assert [(u.message_id, u.status) for u in d.event(report, at(20)).updates] == \
        [("m1", "delivered")]


def test_long_sms_goes_out_part_by_part_and_is_delivered_when_every_part_is():
    text = "森林火情通报：" + "请各队按预案集结待命，" * 12
    parts = sms_pdu.encode_submit("13800138000", text, request_report=True)
    assert len(parts) > 1
    d = setup_sms()
    d.add(message(to="13800138000", text=text), at(0))
    from commandcentre.comms.events import SmsSubmitted

    step = d.tick(at(0))
    for n, part in enumerate(parts):
        assert step.writes == [part.cmgs()[0]]
        assert d.event(AtPrompt(), at(n)).writes == [part.cmgs()[1]]
        d.event(SmsSubmitted(100 + n), at(n))
        step = d.event(ok(), at(n))
    assert step.updates[0].status == "accepted"
    assert step.updates[0].reference == ",".join(str(100 + n) for n in range(len(parts)))
    for n in range(len(parts) - 1):
        assert d.event(DeliveryReport(100 + n, None, 0, "delivered", None, None),
                       at(50)).updates == []
    last = DeliveryReport(100 + len(parts) - 1, None, 0, "delivered", None, None)
    assert d.event(last, at(51)).updates[0].status == "delivered"


def test_modem_error_requeues_with_the_error_in_the_note():
    d = setup_sms()
    d.add(message(to="13800138000"), at(0))
    d.tick(at(0))
    d.event(AtPrompt(), at(0.1))
    step = d.event(AtResult(False, "CMS", 330, "SMSC address unknown"), at(1))
    (update,) = step.updates
    assert update.status == "queued" and "330" in update.note
    assert d.tick(at(3)).writes == []
    assert d.tick(at(7)).writes  # retry_s = 5


def test_new_message_indication_reads_then_deletes_and_joins_parts():
    d = setup_sms()
    step = d.event(SmsIndication("SM", 3), at(0))
    assert step.writes == [b"AT+CMGR=3\r"]
    assert d.event(ok(), at(1)).writes == [b"AT+CMGD=3\r"]
    assert d.event(ok(), at(2)).writes == []
    # Incoming parts (as the modem lists them) come back as one short message.
    from commandcentre.comms.events import ConcatInfo, SmsMessage

    halves = [SmsMessage("8613912345678", None, t, "ucs2", None,
                         concat=ConcatInfo(9, 2, n + 1, False))
              for n, t in enumerate(["已到达", "集合点"])]
    assert d.event(halves[1], at(3)).inbound == []
    (whole,) = d.event(halves[0], at(3)).inbound
    assert whole.text == "已到达集合点" and whole.sender == "8613912345678"
    assert whole.mode == "sms"


def test_failed_delivery_report_marks_the_message_failed():
    d = setup_sms()
    d.add(message(to="13800138000"), at(0))
    d.tick(at(0))
    d.event(AtPrompt(), at(0))
    from commandcentre.comms.events import SmsSubmitted

    d.event(SmsSubmitted(5), at(0))
    d.event(ok(), at(0))
    (update,) = d.event(DeliveryReport(5, None, 0x41, "failed", None, None), at(9)).updates
    assert update.status == "failed" and "65" in update.note


def test_silent_modem_times_out_the_command():
    d = SmsDriver(command_timeout_s=5)
    d.connected(at(0))
    assert d.tick(at(6)).writes == [sms_pdu.SETUP_COMMANDS[0]]  # gave up on ATE0, went on


def test_receive_only_and_factory():
    d = driver_for("nmea")
    assert isinstance(d, ReceiveOnlyDriver) and not d.can_send
    d.add(message(), at(0))
    d.connected(at(0))
    assert d.tick(at(100)).writes == []
    assert isinstance(driver_for("sms"), SmsDriver)
    assert driver_for("beidou", baudrate=9600).baudrate == 9600


def send_parts(d: SmsDriver, parts, first_ref: int, now, *, report_early: bool = False):
    """Walk the modem dialogue for every part; optionally report each part at once."""
    from commandcentre.comms.events import SmsSubmitted

    step = d.tick(now)
    for n, part in enumerate(parts):
        assert step.writes == [part.cmgs()[0]]
        d.event(AtPrompt(), now)
        d.event(SmsSubmitted(first_ref + n), now)
        if report_early:
            assert d.event(DeliveryReport(first_ref + n, None, 0, "delivered", None, None),
                           now).updates == []
        step = d.event(ok(), now)
    return step


def test_reports_that_come_before_the_last_part_still_count():
    text = "请各乡镇于今晚八时前上报受灾情况，" * 8
    parts = sms_pdu.encode_submit("13800138000", text, request_report=True)
    d = setup_sms()
    d.add(message(to="13800138000", text=text), at(0))
    step = send_parts(d, parts, 40, at(0), report_early=True)
    assert [u.status for u in step.updates] == ["accepted", "delivered"]


def test_a_reused_reference_belongs_to_the_newer_message():
    d = setup_sms()
    d.add(message("m1", to="13800138000", text="一"), at(0))
    d.add(message("m2", to="13800138000", text="二"), at(0))
    parts = sms_pdu.encode_submit("13800138000", "一", request_report=True)
    send_parts(d, parts, 7, at(0))
    parts = sms_pdu.encode_submit("13800138000", "二", request_report=True)
    send_parts(d, parts, 7, at(10))  # TP-MR wrapped round to 7 again
    (update,) = d.event(DeliveryReport(7, None, 0, "delivered", None, None), at(20)).updates
    assert (update.message_id, update.status) == ("m2", "delivered")
    assert d.event(DeliveryReport(7, None, 0, "delivered", None, None), at(21)).updates == []


def test_messages_already_on_the_sim_are_listed_read_and_deleted():
    from commandcentre.comms.events import SmsMessage

    d = SmsDriver()
    writes = d.connected(at(0)).writes
    for _ in range(3):
        writes = d.event(ok(), at(1)).writes
    assert writes == [b"AT+CMGL=4\r"]
    stored = SmsMessage("8613912345678", None, "昨夜来信", "ucs2", None, index=4)
    (whole,) = d.event(stored, at(2)).inbound
    assert whole.text == "昨夜来信"
    draft = SmsMessage(None, "13800138000", "草稿", "ucs2", None, index=5)
    assert d.event(draft, at(2)).inbound == []
    assert d.event(ok(), at(3)).writes == [b"AT+CMGD=4\r"]  # the received one only
    assert d.event(ok(), at(4)).writes == []
