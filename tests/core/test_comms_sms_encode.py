"""SMS-DELIVER and SMS-STATUS-REPORT encoders (TS 23.040 §9.2.2.1, §9.2.2.3): published PDUs
re-encoded byte for byte, then property tests that every encoded PDU decodes back.

Vectors: python-gsmmodem ``test/test_pdu.py`` (deliver and status report), gammu
``tests/atgen/smsd-incoming-cds.c`` (+CDS with SMSC), and the Chinese UCS2 deliver from the
topic.alibabacloud.com reprint of blog.csdn.net/hanmengaidudu/article/details/17099755.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commandcentre.comms.events import ConcatInfo, DeliveryReport, SmsMessage
from commandcentre.comms.sms_pdu import (
    SmsReassembler,
    decode_pdu,
    encode_deliver,
    encode_status_report,
)

DELIVERS = [
    "0891683108200205F0240D91683157121468F0000860800331220000044F60597D",  # 你好, TP-SRI set
    "06917228195339040B917228214365F700003130805120618005D4F29C2E03",
    "07915892000000F0040B915892214365F700007040213252242331493A283D0795C3F33C88FE06C9CB6132885"
    "EC6D341EDF27C1E3E97E7207B3A0C0A5241E377BB1D7693E72E",
]
REPORTS = [
    ("0006D60B911326880736F4111011719551401110117195714000", None),
    ("07914875215652F006360B914892347527F3817003018104808170030181448000", 25),
]


@pytest.mark.parametrize("pdu", DELIVERS)
def test_published_delivers_encode_byte_for_byte(pdu):
    m = decode_pdu(pdu)
    (part,) = encode_deliver(m.sender, m.text, sent_at=m.sent_at, smsc=m.smsc,
                             report_indication=bool(bytes.fromhex(pdu)[m.raw[0] + 1] & 0x20))
    assert part.hex == pdu and part.tpdu_length == len(part.pdu) - 1 - m.raw[0]


@pytest.mark.parametrize(("pdu", "length"), REPORTS)
def test_published_status_reports_encode_byte_for_byte(pdu, length):
    r = decode_pdu(pdu, tpdu_length=length)
    e = encode_status_report(r.reference, r.recipient, r.status, submitted_at=r.submitted_at,
                             discharged_at=r.discharged_at, smsc=r.smsc)
    assert e.hex == pdu and e.tpdu_length == 25


def test_long_chinese_deliver_is_concatenated_and_joins():
    text = "请各队按预案集结待命，" * 10
    parts = encode_deliver("+8615808750001", text, sent_at=datetime(2026, 2, 12, 8, 30,
                                                                     tzinfo=UTC),
                           concat_reference=0x1234, wide_reference=True)
    decoded = [decode_pdu(p.pdu) for p in parts]
    assert [m.concat for m in decoded] == [ConcatInfo(0x1234, 2, 1, True),
                                           ConcatInfo(0x1234, 2, 2, True)]
    assert [p.pdu[1] & 0x04 for p in parts] == [0, 0x04]  # TP-MMS: more waiting, then none
    joiner = SmsReassembler()
    assert joiner.add(decoded[1]) is None and joiner.add(decoded[0]).text == text


def test_alphanumeric_sender_and_bad_inputs():
    when = datetime(2026, 1, 1, tzinfo=UTC)
    (part,) = encode_deliver("CMCC", "hi", sent_at=when)
    assert part.pdu[2:4] == bytes([7, 0xD0]) and decode_pdu(part.pdu).sender == "CMCC"
    with pytest.raises(ValueError):
        encode_deliver("中国移动", "hi", sent_at=when)  # not GSM 7-bit: no alphanumeric form
    with pytest.raises(ValueError):
        encode_deliver("AVeryLongBrand", "hi", sent_at=when)  # over 11 characters
    with pytest.raises(ValueError):
        encode_deliver("10086", "hi", sent_at=datetime(2026, 1, 1))  # no time zone
    with pytest.raises(ValueError):
        encode_deliver("10086", "hi", sent_at=datetime(2026, 1, 1, tzinfo=timezone(
            timedelta(minutes=10))))
    with pytest.raises(ValueError):
        encode_status_report(256, "10086", 0, submitted_at=when, discharged_at=when)


ZONES = st.integers(-56, 56).map(lambda q: timezone(timedelta(minutes=15 * q)))
STAMPS = st.builds(lambda d, z: d.replace(tzinfo=z), st.datetimes(
    min_value=datetime(1980, 1, 1), max_value=datetime(2079, 12, 31, 23, 59, 59)).map(
    lambda d: d.replace(microsecond=0)), ZONES)
NUMBERS = st.from_regex(r"\+?[0-9]{1,20}", fullmatch=True)
SENDERS = NUMBERS | st.text(alphabet="ABCXYZabcxyz019 @$-._()", min_size=1, max_size=11)
SMSC = st.none() | st.from_regex(r"\+86[0-9]{11}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(SENDERS, st.text(st.characters(exclude_categories=("Cs",)), max_size=400), STAMPS,
       SMSC, st.booleans(), st.integers(0, 65535))
def test_deliver_round_trips_through_decode_and_join(sender, text, sent_at, smsc, wide, ref):
    parts = encode_deliver(sender, text, sent_at=sent_at, smsc=smsc, wide_reference=wide,
                           concat_reference=ref)
    joiner, whole = SmsReassembler(), None
    for p in parts:
        m = decode_pdu(p.pdu, tpdu_length=p.tpdu_length)
        assert isinstance(m, SmsMessage) and m.recipient is None
        assert (m.sender, m.smsc, m.sent_at) == (sender, smsc, sent_at)
        assert m.sent_at.utcoffset() == sent_at.utcoffset()
        assert len(p.pdu) - p.tpdu_length == (1 if smsc is None else 9)
        whole = joiner.add(m)
    assert whole is not None and whole.text == text and joiner.pending() == 0


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 255), NUMBERS, st.integers(0, 255), STAMPS, STAMPS, SMSC,
       st.booleans())
def test_status_report_round_trips(reference, recipient, status, submitted, discharged, smsc,
                                   without_smsc):
    e = encode_status_report(reference, recipient, status, submitted_at=submitted,
                             discharged_at=discharged, smsc=smsc)
    # Some modems print +CDS without the SMSC field; the announced length tells them apart.
    pdu = e.pdu[e.pdu[0] + 1:] if without_smsc else e.pdu
    r = decode_pdu(pdu, tpdu_length=e.tpdu_length)
    assert isinstance(r, DeliveryReport)
    assert (r.reference, r.recipient, r.status) == (reference, recipient, status)
    assert (r.submitted_at, r.discharged_at) == (submitted, discharged)
    assert r.discharged_at.utcoffset() == discharged.utcoffset()
    assert r.smsc == (None if without_smsc else smsc)
    assert r.state == ("delivered" if status < 0x20 else "pending" if status < 0x40
                       else "failed")
