"""SMS PDUs (3GPP TS 23.040) and modem responses (TS 27.005) against published captures.

Sources, cited per test: faucamp/python-gsmmodem ``test/test_pdu.py`` (encode and decode
vectors, incl. a 3-part concatenated SMS and a ZTE status report); gammu/gammu
``tests/atgen/*.c`` (+CMTI/+CMGR/+CDS sessions, +CMS ERROR replies) and a gammu
GSM_DecodePDUFrame test (part 1 of 8); smslib ``CStatusReportMessageTest.java`` (FrontlineSMS
fork, public GitHub code); linys668/gsm-pdu ``src/test/java/org/example/Test.java``; the
Neoway N11 manual (easymanua.ls/neoway/n11-v2/manual?p=131); ppmy.cn/news/172198.html and a
blog reprint at topic.alibabacloud.com (Chinese UCS2 examples).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commandcentre.comms.events import (
    AtLine,
    AtPrompt,
    AtResult,
    ConcatInfo,
    DeliveryReport,
    Reject,
    RejectReason,
    SmsIndication,
    SmsMessage,
    SmsSubmitted,
)
from commandcentre.comms.sms_pdu import (
    SETUP_COMMANDS,
    AtDecoder,
    SmsReassembler,
    decode_pdu,
    encode_submit,
    gsm7_decode,
    gsm7_septets,
    pack_septets,
    unpack_septets,
)

LOREM = ("Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor "
         "incididunt ut labore et dolore magna aliqua.Ut enim ad minim veniam, quinostrud "
         "exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat.Duis aute irure "
         "dolor in reprehenderit in voluptate velit esse cillum doloe eu fugiat nulla pariatur."
         "Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia deserunt "
         "mollit anim id est laborum")
LOREM_PDUS = [  # python-gsmmodem test_encodeSmsSubmit_concatenated
    "0045000B915121551532F40000A0050003000301986F79B90D4AC3E7F53688FC66BFE5A0799A0E0AB7CB7416"
    "68FC76CFCB637A995E9783C2E4343C3D4F8FD3EE33A8CC4ED359A079990C22BF41E5747DDE7E9341F4721BFE"
    "9683D2EE719A9C26D7DD74509D0E6287C56F791954A683C86FF65B5E06B5C36777181466A7E3F5B0AB4A0795"
    "DDE936284C06B5D3EE741B642FBBD3E1360B14AFA7DD",
    "0045000B915121551532F40000A0050003000302DE73BABC4E0695F165F9384D0FD3D36F37A8CE6687DBE337"
    "881D16BFE5E939C89D9EA741753A28CC4EC7EB6938A88C0795C3A0F1BBDD7E93DFA0F1DB3D2FC7EB61BA8B58"
    "4FCF41E13ABD0C4ACBEBF23288FC66BFE5A0B41B242FC3E56574D94D2ECBD37450DA0DB2BFD975383D4C2F83"
    "EC65769A0E2ACFE765D038CD66D7DB20F29BFD2E83CA",
    "0045000B915121551532F400008C050003000303EA2073FD9C0ED341EE3A9B1D06C1C3F274985E97BB8AF871"
    "194E2FD7E5A079DA4D07BDC7E370791CA683C675789A1CA687E920F7DB0D82CBDF6972D94D6781E675371D94"
    "7683C675363C0C8AD7D3A0B7D99C1EA7C32072795E96D7DD7450FBCD66A7E9A0B03BDD06A5C9A0F29C0E6287"
    "C56F79BD0D",
]


def test_submit_encoding_matches_python_gsmmodem():
    """python-gsmmodem test_encodeSmsSubmit: GSM 7-bit, and UCS2 Chinese with SMSC + VP."""
    assert [p.hex for p in encode_submit("+27820001111", "Hello World!")] == [
        "0001000B917228001011F100000CC8329BFD065DDF72363904"]
    parts = encode_submit("+123456789", "世界您好！", smsc="+44000000000",
                          validity=timedelta(weeks=52))
    assert [p.hex for p in parts] == [
        "07914400000000F01100099121436587F90008F40A4E16754C60A8597DFF01"]
    assert parts[0].tpdu_length == len(parts[0].pdu) - 8


def test_chinese_submit_matches_published_examples():
    """ppmy.cn/news/172198.html "工作愉快！" and the Neoway N11 manual UCS2 "hello"."""
    parts = encode_submit("+8613902433649", "工作愉快！", smsc="+8613800100500",
                          validity=timedelta(minutes=5))
    assert parts[0].hex == "0891683108100005F011000D91683109423346F90008000A5DE54F5C61095FEBFF01"
    neoway = encode_submit("13421839693", "hello", encoding="ucs2")[0]
    assert neoway.hex == "0001000B813124819396F300080A00680065006C006C006F"
    assert neoway.cmgs() == (b"AT+CMGS=23\r", neoway.hex.encode() + b"\x1a")  # manual: 23


def test_long_text_is_split_exactly_like_python_gsmmodem():
    """python-gsmmodem: 439 characters → 3 parts, UDH 05 00 03 ref 3 n, 153 septets each."""
    parts = encode_submit("+15125551234", LOREM, reject_duplicates=True, concat_reference=0)
    assert [p.hex for p in parts] == LOREM_PDUS


@pytest.mark.parametrize(("pdu", "sender", "text", "sent_at"), [
    # python-gsmmodem test_decode
    ("06917228195339040B917228214365F700003130805120618005D4F29C2E03", "+27821234567", "Test2",
     datetime(2013, 3, 8, 15, 2, 16, tzinfo=timezone(timedelta(hours=2)))),
    ("07915892000000F0040B915892214365F700007040213252242331493A283D0795C3F33C88FE06C9CB6132885"
     "EC6D341EDF27C1E3E97E7207B3A0C0A5241E377BB1D7693E72E", "+85291234567",
     "It is easy to read text messages via AT commands.",
     datetime(2007, 4, 12, 23, 25, 42, tzinfo=timezone(timedelta(hours=8)))),
    ("06917228195339040B917228214365F70000313062315352800A800D8A5E98D337A910", "+27821234567",
     "@{tést}!", None),
    # linys668/gsm-pdu Test.java
    ("07911326040000F0040B911346610089F60000208062917314080CC8F71D14969741F977FD07",
     "+31641600986", "How are you?", datetime(2002, 8, 26, 19, 37, 41, tzinfo=UTC)),
    # topic.alibabacloud.com reprint of blog.csdn.net/hanmengaidudu/article/details/17099755
    ("0891683108200205F0240D91683157121468F0000860800331220000044F60597D", "+8613752141860",
     "你好", datetime(2006, 8, 30, 13, 22, tzinfo=UTC)),
    # gammu tests/atgen/smsd-incoming-cmti.c
    ("07918497483252F0040B918496445078F700007121320144744004D4F29C0E", "+48694405877", "Test",
     datetime(2017, 12, 23, 10, 44, 47, tzinfo=timezone(timedelta(hours=1)))),
])
def test_deliver_vectors_decode(pdu, sender, text, sent_at):
    m = decode_pdu(pdu)
    assert isinstance(m, SmsMessage) and (m.sender, m.text) == (sender, text)
    if sent_at is not None:
        assert m.sent_at == sent_at


def test_stored_submit_and_8bit_vectors_decode():
    """python-gsmmodem test_decode: SMS-SUBMIT with VP, UCS2 Japanese, 8-bit data."""
    m = decode_pdu("07911326040000F0310D0B911326880736F40000A90FF7FBDD454E87CDE1B0DB357EB701")
    assert (m.recipient, m.text, m.smsc) == ("+31628870634", "www.diafaan.com", "+31624000000")
    assert decode_pdu("07914346466554F601000B914316565811F9000806304253F68449").text == "あ叶葉"
    assert decode_pdu("0591721891F101000B917228214365F700040C48656C6C6F20776F726C6421").text \
        == "Hello world!"


def test_concatenated_parts_carry_their_header():
    """gammu pdu test (part 1 of 8, ref 0x63) and python-gsmmodem's overlong-UDL UCS2 part."""
    gammu = decode_pdu(
        "07918497900000F6400B918406290000F4000002219221351140A005000363080140CCB7BCDC06A5E1F37A"
        "1B447EB3DF72D03C4D0785DB653A0B347EBBE7E531BD4CAFCB4161721A9E9E8FD3EE33A8CC4ED35D206899"
        "CD2EBBE9E579BC5E06D9D3F47019E42EC7EB6550F95C9ED3C37316C81CAE8FD3E2FA1C5496BFE7A0B49B05"
        "4A87C775767A0E4AC3E7F5B60B34ADCFE16537393D9F9741E4F4D99D9ECFD36D10FC2DA7D3D3")
    assert gammu.concat == ConcatInfo(0x63, 8, 1, False) and len(gammu.text) == 153
    assert gammu.text.startswith(" Lorem ipsum dolor sit amet")
    assert (gammu.sender, gammu.smsc) == ("+48609200004", "+48790900006")
    odd = decode_pdu("0041010C910661345542F60008A0050003000301306F3044")
    assert (odd.text, odd.concat) == ("はい", ConcatInfo(0, 3, 1, False))


def test_16_bit_reference_header():
    """IEI 0x08 element ``080401800402`` = ref 384, part 2 of 4 (python-gsmmodem
    TestUdhConcatenation), inside an otherwise ordinary UCS2 SMS-DELIVER."""
    ud = bytes.fromhex("06080401800402") + "第二段".encode("utf-16-be")
    pdu = bytes.fromhex("00440B915121551532F40008") + bytes.fromhex("31701121000000") + \
        bytes([len(ud)]) + ud
    m = decode_pdu(pdu)
    assert m.concat == ConcatInfo(384, 4, 2, True) and m.text == "第二段"


@pytest.mark.parametrize(("pdu", "length", "ref", "recipient", "submitted"), [
    # python-gsmmodem test_decode status report
    ("0006D60B911326880736F4111011719551401110117195714000", None, 214, "+31628870634",
     datetime(2011, 1, 11, 17, 59, 15, tzinfo=timezone(timedelta(hours=1)))),
    # gammu tests/atgen/smsd-incoming-cds.c (+CDS:25, with SMSC)
    ("07914875215652F006360B914892347527F3817003018104808170030181448000", 25, 0x36,
     "+84294357723", datetime(2018, 7, 30, 10, 18, 40, tzinfo=timezone(timedelta(hours=2)))),
    # smslib CStatusReportMessageTest (no SMSC prefix; zone octet E1 is not BCD → UTC)
    ("06130C91527420121670110172111332E11101721113322100", 25, 0x13, "+254702216107",
     datetime(2011, 10, 27, 11, 31, 23, tzinfo=UTC)),
    # smslib testConstruction1: dateOriginal 1324467199000 ms
    ("079152742205000006070A817020957711112112113391E11121121133912100", None, 7, "0702597711",
     datetime.fromtimestamp(1324467199, UTC)),
    # python-gsmmodem: "semi-invalid status report PDU captured from a ZTE modem"
    ("0297F1061C0F910B487228297020F5317062419272803170624192138000", None, 28,
     "+#08427829207025", datetime(2013, 7, 26, 14, 29, 27, tzinfo=timezone(timedelta(hours=2)))),
])
def test_status_reports_decode(pdu, length, ref, recipient, submitted):
    r = decode_pdu(pdu, tpdu_length=length)
    assert isinstance(r, DeliveryReport)
    assert (r.reference, r.recipient, r.status, r.state) == (ref, recipient, 0, "delivered")
    assert r.submitted_at == submitted


def test_smslib_discharge_time():
    """smslib testConstruction1: dateReceived 1324456399000 ms (zone octet 21 = +3 h)."""
    r = decode_pdu("079152742205000006070A817020957711112112113391E11121121133912100")
    assert r.discharged_at == datetime.fromtimestamp(1324456399, UTC)


def test_status_classes():
    base = "0006D60B911326880736F411101171955140111011719571400"
    assert decode_pdu(base + "0").state == "delivered"
    states = [decode_pdu(base[:-1] + f"{st:02X}").state for st in (0x20, 0x41, 0x62)]
    assert states == ["pending", "failed", "failed"]


@pytest.mark.parametrize("bad", ["", "0", "zz", "00", "0004", "07911326040000F004",
                                 "0006D60B911326880736F4FF1011719551401110117195714000",
                                 "0003"])
def test_broken_pdus_are_rejects(bad):
    assert isinstance(decode_pdu(bad), Reject)


def test_gsm7_tables_match_python_gsmmodem():
    """python-gsmmodem TestGsm7: extension characters and packed septets."""
    assert gsm7_septets("[{abc}]~") == [0x1B, 0x3C, 0x1B, 0x28, 0x61, 0x62, 0x63, 0x1B, 0x29,
                                        0x1B, 0x3E, 0x1B, 0x3D]
    assert pack_septets(gsm7_septets("Hello World!")) == bytes(
        [200, 50, 155, 253, 6, 93, 223, 114, 54, 57, 4])
    assert gsm7_decode(unpack_septets(bytes([27, 212, 67, 50, 161, 84, 44, 23, 76, 102, 83,
                                             222, 164, 0]), 15)) == "{åΦΓΛΩΠΨΣΘ€}"
    assert gsm7_septets("世界") is None


def test_at_session_from_gammu_tests():
    """gammu tests/atgen: +CMTI then +CMGR (smsd-incoming-cmti.c), +CDS (incoming-sms.c), a
    status report read with +CMGR (get-sms.c), and a +CMS ERROR reply (error-codes.c)."""
    session = (b'+CMTI: "SM",1\r\n'
               b"AT+CMGR=1\r"
               b"+CMGR: 1,,23\r"
               b"07918497483252F0040B918496445078F700007121320144744004D4F29C0E\r"
               b"OK\r\n"
               b"+CDS:25\r07914875215652F006360B914892347527F3817003018104808170030181448000\r"
               b"+CMGR: 0,,23\r0006D60B911623480736F4111011719551401110117195714000\rOK\r\n"
               b"AT+CMGS=33\r\r\n+CMS ERROR: 331\r\n+CME ERROR: 10\r\nERROR\r\n")
    d = AtDecoder()
    out = d.feed(session[:37]) + d.feed(session[37:]) + d.flush()
    events = [i.event for i in out]
    assert events[0] == SmsIndication("SM", 1)
    assert isinstance(events[1], AtLine) and events[1].text == "AT+CMGR=1"
    assert isinstance(events[2], SmsMessage) and events[2].text == "Test"
    assert events[2].index == 1
    assert events[3] == AtResult(True, "OK")
    assert isinstance(events[4], DeliveryReport) and events[4].reference == 0x36
    assert isinstance(events[5], DeliveryReport) and events[5].recipient == "+61328470634"
    assert events[-3] == AtResult(False, "CMS", 331, "no network service")
    assert events[-2] == AtResult(False, "CME", 10, "10")
    assert events[-1] == AtResult(False, "ERROR")
    assert [i.type for i in out][:3] == ["+CMTI", "AT", "+CMGR"]


def test_sending_exchange_lines():
    """A send as modems answer it (prompt, +CMGS reference, OK) and the setup commands."""
    assert SETUP_COMMANDS == (b"AT+CMGF=0\r", b"AT+CNMI=2,1,0,1,0\r")
    d = AtDecoder()
    out = d.feed(b"AT+CMGS=24\r\r\n> ") + d.feed(b"\r\n+CMGS: 29\r\n\r\nOK\r\n+CDSI: \"SR\",3\r\n")
    assert [i.event for i in out][1:] == [AtPrompt(), SmsSubmitted(29), AtResult(True, "OK"),
                                          SmsIndication("SR", 3, True)]


def test_header_without_pdu_is_rejected():
    d = AtDecoder()
    out = d.feed(b"+CMGR: 1,,23\r\nOK\r\n+CMT: ,24\r\n") + d.flush()
    assert [i.reason for i in out if isinstance(i, Reject)] == [RejectReason.MALFORMED,
                                                                RejectReason.TRUNCATED]
    assert AtResult(True, "OK") in [getattr(i, "event", None) for i in out]


def test_binary_garbage_between_modem_lines_is_noise():
    d = AtDecoder()
    out = d.feed(b"\x00\xff\xfe\x80junk\r\nRING\r\nOK\r\n") + d.flush()
    assert out[0].reason == RejectReason.NOISE and out[0].offset == 0
    assert [i.event for i in out[1:]] == [AtLine("RING"), AtResult(True, "OK")]


def test_reassembler_joins_out_of_order_and_repeated_parts():
    parts = [decode_pdu(p.pdu) for p in encode_submit("+15125551234", LOREM, concat_reference=7)]
    joiner = SmsReassembler()
    assert joiner.add(parts[2]) is None and joiner.add(parts[0]) is None
    assert joiner.add(parts[0]) is None and joiner.pending() == 1
    whole = joiner.add(parts[1])
    assert whole.text == LOREM and whole.parts == 3 and joiner.pending() == 0


SMS_TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=0, max_size=400)


@settings(max_examples=200, deadline=None)
@given(SMS_TEXT, st.booleans(), st.sampled_from(["auto", "ucs2"]), st.integers(0, 65535))
def test_submit_round_trip_through_decode_and_join(text, wide, encoding, ref):
    parts = encode_submit("+8613800000000", text, encoding=encoding, wide_reference=wide,
                          concat_reference=ref, smsc="+8613800100500")
    joiner, whole = SmsReassembler(), None
    for p in parts:
        m = decode_pdu(p.pdu)
        assert isinstance(m, SmsMessage) and m.recipient == "+8613800000000"
        assert len(p.pdu) - 9 == p.tpdu_length and len(p.pdu) <= 9 + 164
        whole = joiner.add(m)
    assert whole is not None and whole.text == text
    if len(parts) > 1:
        assert whole.parts == len(parts)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !#%&()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüàabcXYZ"
               "019^{}\\[~]|€", max_size=500))
def test_gsm7_round_trip_and_escapes_never_split(text):
    parts = encode_submit("10086", text)
    assert all(p.pdu[1 + 4 + 3 + 1] == 0x00 for p in parts)  # DCS: default alphabet
    joiner = SmsReassembler()
    results = [joiner.add(decode_pdu(p.pdu)) for p in parts]
    assert results[-1].text == text


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200), st.one_of(st.none(), st.integers(0, 200)))
def test_arbitrary_pdus_never_raise(data, length):
    assert isinstance(decode_pdu(data, tpdu_length=length),
                      SmsMessage | DeliveryReport | Reject)
    assert isinstance(decode_pdu(data.hex()), SmsMessage | DeliveryReport | Reject)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"+CMGR: 1,,23\r\n", b"+CDS: 25\r\n", b"OK\r\n", b"> ",
                                 b"+CMTI: \"SM\",99999\r\n", b"+CMS ERROR: 9999999\r\n",
                                 b"0006D60B\r\n", b"\r\n", b"+CMGS: x\r\n"]) | st.binary(
    max_size=40), max_size=30))
def test_arbitrary_modem_output_never_raises(chunks):
    d = AtDecoder()
    for chunk in chunks:
        d.feed(chunk)
    d.flush()
