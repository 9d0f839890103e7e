"""BeiDou RDSS 2.1 and BD-3 sentences: encoders reproduce captured lines, decoders read them.

Every literal line comes from research-serial.md §1.3-§1.5, which names its public source
(acctech.com.cn page, e-com-net page, yufei2207/learn, roc85/TianYing_N3, and public GitHub
code quoted there; the BD-3 PWI line is the example in the ESP32 driver ``bdrd_esp32.h``).
"""

from __future__ import annotations

from datetime import UTC, time
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commandcentre.comms import StreamDecoder
from commandcentre.comms.beidou import (
    decode_sentence,
    encode_ica,
    encode_icr,
    encode_rmo,
    encode_tcq,
    encode_txa,
)
from commandcentre.comms.events import (
    BeamStatus,
    CardInfo,
    Reject,
    RejectReason,
    SendFeedback,
    ShortMessage,
    SignalPower,
    TerminalCommand,
)
from commandcentre.comms.framing import Frame, Sentence, check_sentence


def line(text: str | bytes):
    raw = text.encode("gbk") if isinstance(text, str) else text
    checked = check_sentence(Frame(0, raw.rstrip(b"\r\n")))
    assert isinstance(checked, Sentence), checked
    return decode_sentence(checked)


def test_commands_match_the_captured_lines():
    """$CCICA / $CCICR / $CCRMO lines from acctech and public code (§1.3-§1.5)."""
    assert encode_ica() == b"$CCICA,0,00*7B\r\n"
    assert encode_icr() == b"$CCICR,0,00*68\r\n"
    assert encode_rmo("RMC", 2, 1) == b"$CCRMO,RMC,2,1*23\r\n"
    assert encode_rmo("GGA", 2, 1) == b"$CCRMO,GGA,2,1*3E\r\n"
    assert encode_rmo("", 4, 1) == b"$CCRMO,,4,1*79\r\n"
    assert encode_rmo("", 3, None) == b"$CCRMO,,3,*4F\r\n"
    assert [encode_rmo("BSI", 2, s) for s in (0, 1, 10)] == [
        b"$CCRMO,BSI,2,0*26\r\n", b"$CCRMO,BSI,2,1*27\r\n", b"$CCRMO,BSI,2,10*17\r\n"]


def test_txa_encoder_matches_the_captured_sends():
    """$CCTXA vectors: mixed "hello", code "12343335" / "12345", mixed GBK company name."""
    assert encode_txa("0179773", "hello", mode="mixed") == \
        b"$CCTXA,0179773,1,2,A468656C6C6F*7A\r\n"
    assert encode_txa(166166, "12343335", mode="code") == \
        b"$CCTXA,0166166,1,1,3132333433333335*7F\r\n"
    assert encode_txa("0247718", b"12345", mode="code") == b"$CCTXA,0247718,1,1,3132333435*70\r\n"
    assert encode_txa("0242407", "广州海聊科技有限公司", mode="mixed") == \
        b"$CCTXA,0242407,1,2,A4B9E3D6DDBAA3C1C4BFC6BCBCD3D0CFDEB9ABCBBE*0F\r\n"


def test_hanzi_mode_puts_raw_gbk_on_the_line():
    """``$CCTXA,244883,1,0,一*24`` carries GBK D2 BB; we zero-pad the address (TianYing_N3)."""
    out = encode_txa("244883", "一")
    assert out == "$CCTXA,0244883,1,0,一*14\r\n".encode("gbk")
    msg = line("$CCTXA,244883,1,0,一*24")
    assert (msg.text, msg.payload, msg.mode, msg.direction) == ("一", b"\xd2\xbb", "hanzi", "out")


def test_hanzi_delimiters_are_replaced_so_the_line_still_splits():
    """yufei RD_EncodeTxa: ',' → A3AC and '*' → A97E; '$' → '＄' is our addition."""
    out = encode_txa("1", "a,b*c$d")
    assert b"\xa3\xac" in out and b"\xa9\x7e" in out and out.count(b"$") == 1
    assert line(out).text == "a，b﹡c＄d"
    with pytest.raises(ValueError):
        encode_txa("1", "两行\n文字")
    with pytest.raises(ValueError):
        encode_txa("1", "emoji 🚒")


def test_txr_vectors_decode():
    """$BDTXR: mixed "hello", code "12343335", non-hex vendor payload, BD-3 terminal in 2.1."""
    hello = line("$BDTXR,1,0179773,2,,A468656C6C6F*43")
    assert isinstance(hello, ShortMessage)
    assert (hello.sender, hello.text, hello.mode, hello.decoded, hello.info_class) == (
        "0179773", "hello", "mixed", True, "1")
    code = line("$BDTXR,1,0166166,1,,3132333433333335*46")
    assert (code.text, code.payload, code.mode) == ("12343335", b"12343335", "code")
    vendor = line("$BDTXR,1,195817,2,1439,A4BF0113ECCB13ECCBHELLO*49")
    assert not vendor.decoded and vendor.text == "A4BF0113ECCB13ECCBHELLO"
    assert vendor.sent_time == "1439"
    bd3 = line("$BDTXR,1,4207733,1,2337,90000000000065C1FAF4B2E2CAD4*3F")
    assert bd3.payload.endswith("测试".encode("gbk"))


def test_fki_21_accepted_and_refused():
    """$BDFKI 2.1: "申请失败" and "申请成功" lines (public code)."""
    refused = line("$BDFKI,TXA,N,Y,0,0000*04")
    ok = line("$BDFKI,TXA,Y,Y,0,0040*17")
    assert isinstance(ok, SendFeedback) and ok.dialect == "2.1"
    assert (refused.accepted, refused.wait_s) == (False, 0)
    assert (ok.accepted, ok.freq_ok, ok.inhibit, ok.reason, ok.wait_s, ok.wait_raw) == (
        True, True, 0, "none", 40, "0040")


def test_fki_bd3_success_and_reason_code():
    """$BDFKI BD-3: success, and "Y" with reason 5 (odd but real; the ESP32 driver calls it a
    failure: no IC module information)."""
    ok = line("$BDFKI,082920,TCQ,Y,0,0*70")
    assert (ok.dialect, ok.command, ok.accepted, ok.time_of_day) == (
        "bd3", "TCQ", True, time(8, 29, 20, tzinfo=UTC))
    odd = line("$BDFKI,000000,TCQ,Y,5,0*74")
    assert (odd.accepted, odd.fail_code, odd.reason, odd.time_of_day) == (
        False, 5, "no_ic_module", None)


def test_card_info_with_and_without_a_card():
    """$BDICI lines from acctech (card / no card) and public code (3-digit count, float freq)."""
    card = line("$BDICI,0242286,00242286,0000011,6,60,3,N,0*38")
    assert isinstance(card, CardInfo) and card.present
    assert (card.address, card.service_interval_s, card.comm_level, card.encrypted) == (
        "0242286", Decimal(60), 3, False)
    none = line("$BDICI,0000000,00000000,0000000,0,0,0,N,0*0B")
    assert not none.present
    assert line("$BDICI,0166166,02097151,0000011,6,40,3,N,000*33").subordinates == 0
    assert line("$BDICI,2097151,00000000,2097151,0,9999.0,0,N,0*25").service_interval_s == \
        Decimal("9999.0")
    assert line("$BDICI,4207733,0,0,3,60,2,N,22*3A").subordinates == 22


def test_bd3_card_query_answer_keeps_unnamed_fields():
    icp = line(b"$BDICP,4207733,1,2,3*" + b"%02X" % _xor(b"BDICP,4207733,1,2,3"))
    assert (icp.present, icp.address, icp.extra) == (True, "4207733", ("1", "2", "3"))
    assert not line(b"$BDICP,0*" + b"%02X" % _xor(b"BDICP,0")).present


def _xor(body: bytes) -> int:
    x = 0
    for b in body:
        x ^= b
    return x


def test_beam_status_and_bd3_signal_power():
    """$BDBSI (public code) and the ESP32 driver's $BDPWI example (bdrd_esp32.h)."""
    bsi = line("$BDBSI,01,03,3,2,2,0,3,0,0,3,0,0*5F")
    assert isinstance(bsi, BeamStatus) and bsi.usable
    assert (bsi.response_beam, bsi.timediff_beam, bsi.powers) == (1, 3, (3, 2, 2, 0, 3, 0, 0, 3,
                                                                         0, 0))
    pwi = line("$BDPWI,023628.00,00,04,2,51,44,0,4,50,43,0,11,43,36,0,16,51,44,0*42")
    assert isinstance(pwi, SignalPower) and pwi.usable and pwi.bd3_count == 4
    assert pwi.beams[0] == (2, 51, 44) and len(pwi.beams) == 4
    no_time = b"BDPWI,000000.00,00,00"
    assert not line(b"$" + no_time + b"*%02X" % _xor(no_time)).usable


def test_tci_and_tcq_vectors_decode():
    """$BDTCI receive lines and the long $CCTCQ send (public code, §1.4)."""
    tci = line("$BDTCI,4204986,4204990,2,142204,2,0,3A642B500000000000000A01F35B41EC036542EE74F5"
               "*40")
    assert (tci.sender, tci.recipient, tci.mode, tci.sent_time) == (
        "4204986", "4204990", "code", "142204")
    assert tci.payload == bytes.fromhex("3A642B500000000000000A01F35B41EC036542EE74F5")
    tcq = line("$CCTCQ,4238473,2,1,3," + "1234567890" * 24 + ",0*7B")
    # Mixed mode without the A4 marker (as captured): kept as received, flagged.
    assert (tcq.direction, tcq.mode, tcq.decoded, tcq.text) == (
        "out", "mixed", False, "1234567890" * 24)


def test_terminal_commands_are_recognised():
    cmd = line("$CCICA,0,00*7B")
    assert isinstance(cmd, TerminalCommand) and cmd.fields == ("0", "00")


@pytest.mark.parametrize("raw", [
    b"BDTXR,1,0179773", b"BDTXR,1,01797x3,2,,41", b"BDTXR,1,0179773,7,,41",
    b"BDFKI,TXA,Q,Y,0,0040", b"BDFKI,TXA", b"BDICI,0242286,00242286,0000011,6,sixty,3,N,0",
    b"BDICI,0242286,00242286,0000011,6,NaN,3,N,0", b"BDICI,0242286,00242286,0000011,6,60,3,X,0",
    b"BDPWI,023628.00,00,02,2,51", b"BDPWI,996628.00,00,00", b"BDBSI,x,1", b"BDTCI,1,2,3",
    b"BDFKI,082920,TCQ,Y,x,0", b"BDFKI,992920,TCQ,Y,0,0",
])
def test_bad_lines_become_rejects_not_exceptions(raw):
    r = line(b"$" + raw + b"*%02X" % _xor(raw))
    assert isinstance(r, Reject) and r.reason in (RejectReason.MALFORMED,
                                                  RejectReason.BAD_FIELD), raw


def test_gbk_messages_through_the_stream_decoder():
    stream = encode_txa("0242407", "山体滑坡，请速转移", mode="hanzi") + b"\x00\xff" + \
        encode_tcq("4207733", "县防指：注意防汛!", mode="hanzi") + \
        "$BDTXR,1,0412159,2,,北斗模块通信测试*33\r\n".encode("gbk")
    d = StreamDecoder("beidou")
    out = d.feed(stream) + d.flush()
    texts = [i.event.text for i in out if not isinstance(i, Reject)]
    assert texts == ["山体滑坡，请速转移", "县防指：注意防汛！"]
    assert d.rejects == {RejectReason.NOISE: 1, RejectReason.BAD_CHECKSUM: 1}


GBK_TEXT = st.text(st.characters(codec="gbk", exclude_categories=("Cc", "Cs")), max_size=60)


@settings(max_examples=200, deadline=None)
@given(GBK_TEXT, st.integers(0, 9_999_999))
def test_txa_round_trip_in_all_three_modes(text, dest):
    hanzi = line(encode_txa(dest, text, mode="hanzi"))
    assert hanzi.text == text.replace(",", "，").replace("*", "﹡").replace("$", "＄")
    assert hanzi.recipient == str(dest).zfill(7) and hanzi.decoded
    assert line(encode_txa(dest, text, mode="mixed")).text == text
    data = text.encode("gbk")
    assert line(encode_txa(dest, data, mode="code")).payload == data


@settings(max_examples=200, deadline=None)
@given(GBK_TEXT, st.integers(1, 99_999_999), st.binary(max_size=100))
def test_tcq_round_trip_in_all_three_modes(text, dest, data):
    hanzi = line(encode_tcq(dest, text, mode="hanzi"))
    full = "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c
                   for c in text)
    assert hanzi.text == full and hanzi.recipient == str(dest)
    assert line(encode_tcq(dest, text, mode="mixed")).text == text
    assert line(encode_tcq(dest, data, mode="code")).payload == data


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["BDTXR", "BDTCI", "BDFKI", "BDICI", "BDICP", "BDBSI", "BDPWI",
                        "CCTXA", "CCTCQ", "CCICA", "BDDWR", "BDXYZ", "GPRMC"]),
       st.lists(st.binary(max_size=12).map(lambda b: b.replace(b",", b"")), max_size=25))
def test_arbitrary_fields_never_raise(address, fields):
    result = decode_sentence(Sentence(0, address, fields, b"$" + address.encode()))
    assert result is None or result.__class__.__module__.endswith("events")


def test_encoders_refuse_bad_input():
    for bad in ("12a", "", "123456789"):
        with pytest.raises(ValueError):
            encode_txa(bad, "x")
    with pytest.raises(ValueError):
        encode_txa("1", "x", mode="compressed")
    with pytest.raises(ValueError):
        encode_tcq("1", "x", mode="compressed_hanzi")
    with pytest.raises(ValueError):
        encode_txa("1", b"x" * 600, mode="code")  # longer than the 1 KiB line cap
    with pytest.raises(ValueError):
        encode_rmo("rmc", 2)
