"""Hytera HDAP (TMP text, LP location) and the HRNP wrapper, on ok-dmrlib's captured PDUs.

Vectors: OK-DMR/ok-dmrlib ``okdmr/tests/dmrlib/hytera/pdu/test_tmp.py``, ``test_lp.py``,
``test_hdap.py``, ``test_rrs.py`` and ``test_hrnp.py``, as listed and re-verified in
research-serial.md §3.2 (the zeroed-time LP report is from the same table). ok-dmrlib is
AGPL-3.0: only these captured bytes (facts about radio traffic) are used, cited where used;
none of its code. The LP request (A001) has no capture anywhere in the sources: its vector is
what ok-dmrlib's own encoder writes for its ``test_request`` case (see the test below).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from commandcentre.comms.events import (
    Decoded,
    NoFix,
    OtherSentence,
    Position,
    RadioTextAck,
    Reject,
    RejectReason,
    ShortMessage,
)
from commandcentre.comms.hdap import (
    SERVICE_LP,
    LocationRequest,
    LpNoFix,
    LpPosition,
    decode_hdap,
    encode_hdap,
    encode_lp_immediate_request,
    encode_lp_report,
    encode_tmp_ack,
    encode_tmp_message,
    hrnp_unwrap,
    hrnp_wrap,
    radio_ip,
)

TMP_MESSAGE = bytes.fromhex("0980a10022000000010a01b2070a03640e4f004c004900560045005200200054"
                            "004500530054007a03")
TMP_ACK = bytes.fromhex("0980a2000D000000010a01b2070a030000003103")
TMP_ACK_OPTION = bytes.fromhex("09c0a200120003000000020a01b2070a03000000010203e203")
LP_REPORT = bytes.fromhex("08a0020032000000010a2110dd0000413138333634383236313031354e343731382e"
                          "383035314530313835342e34333837302e313132310b03")
LP_ZEROED = bytes.fromhex("08a002003200000003002337fb0000410000000000000000000000004e353030332e"
                          "383737314530313432362e353330320000000000007003")
# ok-dmrlib test_lp.py test_request: LocationProtocol(StandardRequest, request_id=1,
# radio_ip=RadioIP(radio_id=1001)).as_bytes(), run from ok-dmrlib commit e2d33d9 (2025-04-10);
# the test itself only round-trips it. Not a radio capture.
LP_REQUEST = bytes.fromhex("08a0010008000000010a0003e99203")
RCP = ["02040005006400000001c403", "0204800600000f690600012903", "02c910050002000101014f03",
       "0241080500006f0000007503"]
RRS = bytes.fromhex("91008000090a0000500000000e103103")
HRNP = bytes.fromhex("7e04000020100001001b43b502471808000700000000000000c403")


def test_tmp_private_message():
    """test_tmp.py: req 1, 10.3.100.14 → 10.1.178.7, "OLIVER TEST"; we rebuild it exactly."""
    d = decode_hdap(TMP_MESSAGE)
    assert isinstance(d, Decoded) and d.type == "TMP"
    m = d.event
    assert isinstance(m, ShortMessage)
    assert (m.sender, m.recipient, m.text, m.mode, m.info_class) == (
        str(0x03640E), "111111", "OLIVER TEST", "utf16le", "private")
    assert radio_ip(111111) == bytes([10, 1, 178, 7])
    assert encode_tmp_message(1, 111111, 0x03640E, "OLIVER TEST") == TMP_MESSAGE


def test_tmp_acks_with_and_without_option():
    """test_tmp.py test_ack / test_ack_with_option_field (option 01 02 03)."""
    ack = decode_hdap(TMP_ACK).event
    assert isinstance(ack, RadioTextAck)
    assert (ack.request_id, ack.ok, ack.result, ack.destination, ack.source) == (
        1, True, "ok", "111111", "196608")
    assert encode_tmp_ack(1, 111111, 196608) == TMP_ACK
    opt = decode_hdap(TMP_ACK_OPTION).event
    assert (opt.request_id, opt.ok) == (2, True)
    assert encode_tmp_ack(2, 111111, 196608, option=b"\x01\x02\x03") == TMP_ACK_OPTION


def test_group_message_and_failed_ack_round_trip():
    """Built with our encoder (no group capture was available: layout per ok-dmrlib)."""
    msg = decode_hdap(encode_tmp_message(9, 9001, 2100, "请速到集结点", group=True)).event
    assert (msg.text, msg.recipient, msg.sender, msg.info_class) == (
        "请速到集结点", "9001", "2100", "group")
    ack = decode_hdap(encode_tmp_ack(9, 9001, 0, result=0x04, group=True)).event
    assert (ack.ok, ack.result, ack.group, ack.source) == (False, "channel_busy", True, None)


def test_lp_standard_report():
    """test_lp.py: A 183648 261015 N4718.8051 E01854.4387 → N47.31341833 E18.90731167."""
    d = decode_hdap(LP_REPORT)
    p = d.event
    assert d.type == "LP" and isinstance(p, Position)
    assert (p.lat, p.lon) == (Decimal("47.31341833"), Decimal("18.90731167"))
    assert p.fix_time == datetime(2015, 10, 26, 18, 36, 48, tzinfo=UTC)
    assert (p.talker, p.source_id, p.speed_knots) == ("LP", str(0x2110DD), None)


def test_lp_report_with_zeroed_time():
    """research-serial.md §3.2: zeroed time/date, N50.06461833 E14.44217."""
    p = decode_hdap(LP_ZEROED).event
    assert (p.lat, p.lon, p.time_of_day, p.fix_time) == (
        Decimal("50.06461833"), Decimal("14.44217000"), None, None)


def test_lp_void_status_is_no_fix():
    payload = LP_REPORT[5:-2]
    void = encode_hdap(SERVICE_LP, LP_REPORT[1:3], payload[:10] + b"V" + payload[11:])
    nofix = decode_hdap(void).event
    assert isinstance(nofix, NoFix)
    assert (nofix.reason, nofix.result_code, nofix.request_id) == ("status_void", 0, 1)
    failed = encode_hdap(SERVICE_LP, LP_REPORT[1:3], payload[:8] + b"\x00\x06" + payload[10:])
    assert decode_hdap(failed).event.reason == "position_method_failure"


@pytest.mark.parametrize(("code", "reason"), [
    (6, "position_method_failure"), (105, "request_format_error"), (7, "result_7")])
def test_lp_error_answers_keep_request_and_result(code, reason):
    """ok-dmrlib LocationProtocolResultCodes (HHB location_protocol.ksy result_codes)."""
    answer = decode_hdap(encode_lp_report(0x01020304, 3601001, result=code)).event
    assert isinstance(answer, LpNoFix) and not isinstance(answer, Position)
    assert (answer.reason, answer.result_code, answer.request_id, answer.source_id) == (
        reason, code, 0x01020304, "3601001")
    # a failed answer whose GPS bytes are garbage still tells its result
    garbled = encode_lp_report(9, 3601001, result=code)
    garbled = encode_hdap(SERVICE_LP, b"\xa0\x02", garbled[5:16] + b"99" + garbled[18:-2])
    assert decode_hdap(garbled).event.reason == reason


def test_lp_immediate_request():
    """A001 layout: request ID (4) | radio IP (4) (ok-dmrlib location_protocol.py
    get_payload / from_bytes for StandardRequest; HHB location_protocol.ksy standard_request).
    The vector is ok-dmrlib's own encoder output for its test_request case (no capture exists):
    08 | A0 01 | 00 08 | 00000001 | 0A 00 03 E9 (10.0.3.233 = radio 1001) | 92 | 03."""
    assert encode_lp_immediate_request(1, 1001) == LP_REQUEST
    d = decode_hdap(LP_REQUEST)
    assert d.type == "LP" and d.event == LocationRequest(1, "1001", 10)
    reliable = encode_lp_immediate_request(0xFFFFFFFF, 0xFFFFFF, subnet=0, reliable=True)
    assert reliable[0] == 0x88
    assert decode_hdap(reliable).event == LocationRequest(0xFFFFFFFF, str(0xFFFFFF), 0)
    for bad in ((-1, 1), (1 << 32, 1), (1, 1 << 24), (1, -1)):
        with pytest.raises(ValueError):
            encode_lp_immediate_request(*bad)


def test_lp_report_encoder_rebuilds_the_captures():
    """test_lp.py's two captured reports, byte for byte, from their decoded values."""
    p = decode_hdap(LP_REPORT).event
    assert isinstance(p, LpPosition) and p.request_id == 1
    assert encode_lp_report(1, 0x2110DD, p.lat, p.lon, when=p.fix_time, speed="0.1",
                            direction="121") == LP_REPORT
    z = decode_hdap(LP_ZEROED).event
    assert z.request_id == 3 and z.source_id == str(0x2337FB)
    assert encode_lp_report(3, 0x2337FB, z.lat, z.lon, subnet=0) == LP_ZEROED  # 0.35.55.251


def test_lp_report_encoder_refuses_what_it_cannot_write():
    for kwargs in ({"lat": 90.5, "lon": 0}, {"lat": 0, "lon": -180.01}, {"lat": 1, "lon": None},
                   {"lat": float("nan"), "lon": 0}, {"lat": "北纬", "lon": 0},
                   {"lat": 0, "lon": 0, "speed": "12.5"}, {"lat": 0, "lon": 0, "direction": "南"},
                   {"lat": 0, "lon": 0, "result": 0x10000}):
        with pytest.raises(ValueError):
            encode_lp_report(1, 1001, **kwargs)
    # minutes round up to the next degree instead of writing 60.0000
    p = decode_hdap(encode_lp_report(1, 1001, 25.99999999, -99.99999999)).event
    assert (p.lat, p.lon) == (Decimal("26"), Decimal("-100"))


def test_other_services_are_checked_and_passed_on():
    """test_hdap.py RCP frames (little-endian length) and test_rrs.py registration answer."""
    for hexmsg in RCP:
        d = decode_hdap(bytes.fromhex(hexmsg))
        assert d.type == "RCP" and isinstance(d.event, OtherSentence), hexmsg
    rrs = decode_hdap(RRS)
    assert rrs.type == "RRS" and rrs.event.fields[1] == "0a0000500000000e10"


def test_hrnp_wrapper():
    """test_hrnp.py: HRNP DATA (packet 1, 27 bytes, checksum 43B5) around an RCP request."""
    opcode, packet, payload = hrnp_unwrap(HRNP)
    assert (opcode, packet) == (0, 1) and decode_hdap(payload).type == "RCP"
    assert hrnp_wrap(payload, packet_number=1) == HRNP
    broken = HRNP[:10] + b"\x00\x00" + HRNP[12:]
    assert hrnp_unwrap(broken).reason == RejectReason.BAD_CHECKSUM


@pytest.mark.parametrize(("data", "reason"), [
    (TMP_MESSAGE[:-2] + b"\x00\x03", RejectReason.BAD_CHECKSUM),
    (TMP_MESSAGE[:-1] + b"\x04", RejectReason.MALFORMED),
    (TMP_MESSAGE[:-3] + TMP_MESSAGE[-2:], RejectReason.MALFORMED),
    (b"\x77" + TMP_MESSAGE[1:], RejectReason.UNKNOWN_TYPE),
    (b"\x09\x80", RejectReason.MALFORMED),
    (encode_hdap(0x09, b"\x80\xa1", b"\x00\x01"), RejectReason.MALFORMED),
    (encode_hdap(0x09, b"\xc0\xa2", b"\x00\x09\x00"), RejectReason.MALFORMED),
    (encode_hdap(0x08, b"\xa0\x02", b"\x00" * 20), RejectReason.MALFORMED),
    (encode_hdap(0x08, b"\xa0\x01", LP_REQUEST[5:-3]), RejectReason.MALFORMED),
    (encode_hdap(0x08, b"\xa0\x01", LP_REQUEST[5:-2] + b"\x00"), RejectReason.MALFORMED),
    (LP_REQUEST[:-2] + bytes([LP_REQUEST[-2] ^ 1, 3]), RejectReason.BAD_CHECKSUM),
    (encode_hdap(0x08, b"\xa0\x02", LP_REPORT[5:15] + b"A183648261015N4799.8051E01854.4387"
                 + b"0.1121"), RejectReason.BAD_FIELD),
])
def test_bad_pdus_are_rejects(data, reason):
    r = decode_hdap(data)
    assert isinstance(r, Reject) and r.reason == reason


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=100),
       st.integers(0, 0xFFFFFF), st.integers(0, 0xFFFFFF), st.integers(0, 2**32 - 1),
       st.booleans())
def test_tmp_round_trip(text, dst, src, req, group):
    m = decode_hdap(encode_tmp_message(req, dst, src, text, group=group)).event
    assert (m.text, m.recipient, m.sender, m.decoded) == (text, str(dst), str(src), True)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 0xFFFFFF), st.integers(0, 255),
       st.booleans())
def test_lp_request_round_trip(req, radio, subnet, reliable):
    pdu = encode_lp_immediate_request(req, radio, subnet=subnet, reliable=reliable)
    assert decode_hdap(pdu) == Decoded(0, "LP", LocationRequest(req, str(radio), subnet))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(0, 0xFFFFFF),
       st.floats(-90, 90, allow_nan=False), st.floats(-180, 180, allow_nan=False),
       st.none() | st.datetimes(datetime(2000, 1, 1), datetime(2079, 12, 31, 23, 59, 59)),
       st.integers(0, 255))
@example(0, 0, 0.0, 0.0, datetime(2000, 1, 1), 0)  # midnight: 000000 is a time here
def test_lp_report_round_trip(req, radio, lat, lon, when, subnet):
    """Positions come back to 0.0001 minute (1/600000 degree) with their request ID."""
    p = decode_hdap(encode_lp_report(req, radio, lat, lon, when=when, subnet=subnet)).event
    assert isinstance(p, LpPosition)
    assert (p.request_id, p.source_id) == (req, str(radio))
    assert abs(float(p.lat) - lat) <= 1 / 1200000 + 1e-8
    assert abs(float(p.lon) - lon) <= 1 / 1200000 + 1e-8
    assert p.fix_time == (None if when is None else when.replace(microsecond=0, tzinfo=UTC))


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=120))
def test_arbitrary_datagrams_never_raise(data):
    assert isinstance(decode_hdap(data), Decoded | Reject)
    assert isinstance(hrnp_unwrap(data), tuple | Reject)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from([0x02, 0x08, 0x09, 0x11, 0x89]),
       st.binary(min_size=2, max_size=2) | st.sampled_from([b"\xa0\x01", b"\xa0\x02"]),
       st.binary(max_size=80))
def test_well_framed_garbage_never_raises(service, opcode, payload):
    assert isinstance(decode_hdap(encode_hdap(service & 0x7F, opcode, payload)), Decoded | Reject)
