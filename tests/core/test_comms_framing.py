"""The ``$…*hh`` framer: resync on '$', length cap, reject reasons, checksum over raw bytes.

Vectors are the captured lines collected in shared/domain/research-serial.md §1.5 and §5.2
(each line's public source is named in that table; checksums re-verified there).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from commandcentre.comms.events import Reject, RejectReason
from commandcentre.comms.framing import (
    Frame,
    LineFramer,
    Sentence,
    SentenceFramer,
    check_sentence,
    encode_sentence,
    xor_checksum,
)

# research-serial.md §1.5 (2.1 and BD-3 lines from public code and the acctech page).
RDSS_VECTORS = [
    b"$CCICA,0,00*7B", b"$CCICA,0,0*4B", b"$BDICI,0242286,00242286,0000011,6,60,3,N,0*38",
    b"$BDICI,0000000,00000000,0000000,0,0,0,N,0*0B",
    b"$BDICI,0166166,02097151,0000011,6,40,3,N,000*33",
    b"$BDICI,0241636,24000000,1933442,6,60,3,N,0*30", b"$BDICI,4207733,0,0,3,60,2,N,22*3A",
    b"$BDICI,2097151,00000000,2097151,0,9999.0,0,N,0*25", b"$CCRMO,BSI,2,0*26",
    b"$CCRMO,BSI,2,1*27", b"$CCRMO,BSI,2,10*17", b"$CCRMO,RMC,2,1*23", b"$CCRMO,GGA,2,1*3E",
    b"$CCRMO,,4,1*79", b"$CCRMO,,3,*4F", b"$BDBSI,01,03,3,2,2,0,3,0,0,3,0,0*5F",
    b"$CCBSS,05,03*44", b"$CCBSS,,*42", b"$CCTXA,0179773,1,2,A468656C6C6F*7A",
    b"$BDTXR,1,0179773,2,,A468656C6C6F*43", b"$CCTXA,0166166,1,1,3132333433333335*7F",
    b"$BDFKI,TXA,N,Y,0,0000*04", b"$BDFKI,TXA,Y,Y,0,0040*17",
    b"$BDTXR,1,0166166,1,,3132333433333335*46", b"$CCTXA,0247718,1,1,3132333435*70",
    b"$CCTXA,0242407,1,2,A4B9E3D6DDBAA3C1C4BFC6BCBCD3D0CFDEB9ABCBBE*0F",
    b"$BDTXR,1,195817,2,1439,A4BF0113ECCB13ECCBHELLO*49",
    b"$BDTXR,1,4207733,1,2337,90000000000065C1FAF4B2E2CAD4*3F", b"$BDFKI,082920,TCQ,Y,0,0*70",
    b"$BDFKI,000000,TCQ,Y,5,0*74", b"$CCICR,0,00*68",
    b"$BDTCI,4204986,4204990,2,142204,2,0,3A642B500000000000000A01F35B41EC036542EE74F5*40",
    b"$BDTCI,4204986,4204990,2,111143,2,0,FE24003100000000000006006E5141F0DF0242F3FBDC*31",
    b"$CCTCQ,4238473,2,1,3," + b"1234567890" * 24 + b",0*7B",
]


def reference_xor(body: bytes) -> int:
    """research-serial.md §1.2 reference implementation, kept verbatim as the oracle."""
    x = 0
    for b in body:
        x ^= b
    return x


def frames(items):
    return [i for i in items if isinstance(i, Frame)]


def rejects(items):
    return [i for i in items if isinstance(i, Reject)]


def run(data: bytes, **kw) -> list:
    f = SentenceFramer(**kw)
    return f.feed(data) + f.flush()


@settings(deadline=None)
@given(st.binary(max_size=600))
def test_fold_checksum_equals_the_reference_xor(body):
    assert xor_checksum(body) == reference_xor(body)


def test_every_research_vector_passes_the_checksum():
    """All ASCII lines of research-serial.md §1.5 (public code, acctech page) check out."""
    for line in RDSS_VECTORS:
        checked = check_sentence(Frame(0, line))
        assert isinstance(checked, Sentence), (line, checked)


def test_chinese_checksum_is_over_gbk_bytes():
    """``$CCTXA,244883,1,0,一*24`` (public C test program): valid in GBK, not in UTF-8."""
    gbk = "$CCTXA,244883,1,0,一*24".encode("gbk")
    utf8 = "$CCTXA,244883,1,0,一*24".encode()
    assert isinstance(check_sentence(Frame(0, gbk)), Sentence)
    bad = check_sentence(Frame(0, utf8))
    assert isinstance(bad, Reject) and bad.reason == RejectReason.BAD_CHECKSUM
    assert encode_sentence("CCTXA", ["244883", "1", "0", "一"]) == gbk + b"\r\n"


def test_negative_vectors_are_rejected_with_their_reason():
    """research-serial.md §1.5 negative vectors (Android debug input, Qt comment)."""
    debug = "$BDTXR,1,0412159,2,,北斗模块通信测试[混发模式]-!@#%^&*()~1234567890_" \
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ.*33"
    for enc in ("gbk", "utf-8"):
        r = check_sentence(Frame(0, debug.encode(enc)))
        assert r.reason == RejectReason.BAD_CHECKSUM
    assert check_sentence(Frame(0, b"$GPGGA,1,2")).reason == RejectReason.NO_CHECKSUM
    assert check_sentence(Frame(0, b"$GPGGA,1,2*G1")).reason == RejectReason.MALFORMED
    assert check_sentence(Frame(0, b"$GPGGA,1,2*7")).reason == RejectReason.MALFORMED
    assert check_sentence(Frame(0, b"$gp,1*" + b"%02X" % xor_checksum(b"gp,1"))).reason \
        == RejectReason.MALFORMED


def test_lowercase_checksum_digits_are_accepted():
    """yufei pt_frame.c upper-cases both sides before comparing (research-serial.md §1.2)."""
    assert isinstance(check_sentence(Frame(0, b"$CCICA,0,00*7b")), Sentence)


def test_garbage_glued_to_a_line_is_noise_then_the_line():
    """research-serial.md §5.2: ``\\x00garbage$BDFKI…`` seen on a socat pty pair."""
    out = run(b"\x00garbage$BDFKI,TXA,Y,Y,0,0040*17\r\n")
    assert [type(i) for i in out] == [Reject, Frame]
    assert out[0].reason == RejectReason.NOISE and out[0].offset == 0
    assert out[1] == Frame(8, b"$BDFKI,TXA,Y,Y,0,0040*17")


def test_blank_lines_and_stray_terminators_are_not_noise():
    out = run(b"\r\n\n\r$CCICA,0,00*7B\n\r\n  \r\n$CCICR,0,00*68\r")
    assert not rejects(out) and len(frames(out)) == 2


def test_each_noise_line_is_one_reject():
    out = run(b"hello\r\nworld\r\n$CCICA,0,00*7B\r\n")
    assert [r.excerpt for r in rejects(out)] == [b"hello", b"world"]


def test_a_dollar_inside_a_line_truncates_it_and_starts_the_next():
    out = run(b"$GNRMC,053131.000,A,30$BDBSI,01,03,3,2,2,0,3,0,0,3,0,0*5F\r\n")
    assert rejects(out)[0].reason == RejectReason.TRUNCATED
    assert frames(out)[0].data.startswith(b"$BDBSI") and frames(out)[0].offset == 22


def test_overlong_line_is_rejected_and_its_tail_skipped():
    long_line = b"$BDTXR,1,0179773,2,,A4" + b"41" * 600 + b"*00\r\n"
    out = run(long_line + b"$CCICA,0,00*7B\r\n", max_length=1024)
    assert [r.reason for r in rejects(out)] == [RejectReason.TOO_LONG]
    assert [f.data for f in frames(out)] == [b"$CCICA,0,00*7B"]
    nmea = run(b"$GPGGA," + b"1" * 200 + b"\r\n$CCICA,0,00*7B\r\n", max_length=120)
    assert [r.reason for r in rejects(nmea)] == [RejectReason.TOO_LONG]


def test_a_line_of_exactly_max_length_is_kept():
    line = b"$" + b"A" * 99
    assert frames(run(line + b"\r\n", max_length=100)) == [Frame(0, line)]
    assert rejects(run(line + b"B\r\n", max_length=100))[0].reason == RejectReason.TOO_LONG


def test_end_of_input_reports_the_partial_line():
    f = SentenceFramer()
    assert f.feed(b"$CCICA,0,00*7B\r\n$BDFKI,TXA") == [Frame(0, b"$CCICA,0,00*7B")]
    tail = f.flush()
    assert [r.reason for r in tail] == [RejectReason.TRUNCATED] and tail[0].offset == 16
    assert f.rejects == {RejectReason.TRUNCATED: 1}


def test_split_at_every_offset_gives_the_same_frames():
    """research-serial.md §5.4: feed vectors split at every offset."""
    stream = b"xx" + b"\r\n".join(RDSS_VECTORS[:8]) + b"\r\n" + "$CCTXA,244883,1,0,一*24\r\n" \
        .encode("gbk")
    whole = run(stream)
    for cut in range(len(stream) + 1):
        f = SentenceFramer()
        assert f.feed(stream[:cut]) + f.feed(stream[cut:]) + f.flush() == whole


def test_counters_match_the_rejects_returned():
    f = SentenceFramer(max_length=40)
    out = f.feed(b"noise\r\n$A" + b"x" * 50 + b"\r\n$B$CCICA,0,00*7B\r\n") + f.flush()
    counted = {}
    for r in rejects(out):
        counted[r.reason] = counted.get(r.reason, 0) + 1
    assert counted == dict(f.rejects) and len(counted) == 3


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=3000), st.lists(st.integers(1, 300), max_size=20))
def test_arbitrary_bytes_never_raise_and_offsets_are_in_order(data, cuts):
    f = SentenceFramer(max_length=200)
    out, pos = [], 0
    for c in cuts:
        out += f.feed(data[pos:pos + c])
        pos += c
    out += f.feed(data[pos:]) + f.flush()
    offsets = [i.offset for i in out]
    assert offsets == sorted(offsets)
    assert all(0 <= o < max(len(data), 1) for o in offsets)
    for fr in frames(out):
        assert data[fr.offset:fr.offset + len(fr.data)] == fr.data and len(fr.data) <= 200


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400), st.sampled_from(RDSS_VECTORS), st.binary(max_size=400),
       st.lists(st.integers(1, 97), max_size=12))
def test_a_valid_sentence_in_random_noise_is_never_lost(before, sentence, after, cuts):
    data = before + sentence + b"\r\n" + after
    f = SentenceFramer()
    out, pos = [], 0
    for c in cuts:
        out += f.feed(data[pos:pos + c])
        pos += c
    out += f.feed(data[pos:]) + f.flush()
    assert Frame(len(before), sentence) in out
    assert sum(isinstance(check_sentence(fr), Sentence) for fr in frames(out)
               if fr.offset == len(before)) == 1


def test_line_framer_splits_lines_and_sees_the_prompt():
    """gammu tests/atgen: replies end in CR only (``+CDS:25\\r<pdu>\\r``)."""
    f = LineFramer()
    out = f.feed(b"AT+CMGS=23\r\r\n> ") + f.feed(b"0011\x1a\r\n+CMGS: 29\r\nOK\r") + f.flush()
    assert [i.data for i in out] == [b"AT+CMGS=23", b">", b"0011\x1a", b"+CMGS: 29", b"OK"]
    long = LineFramer(max_length=10)
    res = long.feed(b"0123456789ABC\r\nOK\r\n")
    assert [type(i) for i in res] == [Reject, Frame] and res[1].data == b"OK"


@settings(deadline=None)
@given(st.binary(max_size=2000))
def test_line_framer_never_raises(data):
    f = LineFramer(max_length=64)
    for item in f.feed(data) + f.flush():
        assert isinstance(item, Frame | Reject)
