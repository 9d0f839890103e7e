"""NMEA 0183 positions: RMC / GGA / GLL from GP, BD, GB and GN talkers, against pynmea2.

Vectors are research-serial.md §2 (ATGM332D capture from zeal-erg/nrf-ext-code:GPS.c, the
cnblogs.com/chen1880/p/11422145.html Hefei line, Knio/pynmea2 README and test_pynmea.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pynmea2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commandcentre.comms.events import NoFix, OtherSentence, Position, Reject, RejectReason
from commandcentre.comms.framing import encode_sentence
from commandcentre.comms.nmea import ddmm_to_degrees, decode_line

ATGM332D = [  # zeal-erg/nrf-ext-code:GPS.c (Chinese BD/GPS module capture)
    "$GNGGA,053131.000,3019.6774,N,12003.3095,E,1,12,1.0,27.5,M,0.0,M,,*43",
    "$GNGLL,3019.6774,N,12003.3095,E,053131.000,A,A*44",
    "$GPGSA,A,3,06,30,28,03,11,19,22,01,17,,,,1.8,1.0,1.5*3D",
    "$BDGSA,A,3,13,08,12,,,,,,,,,,1.8,1.0,1.5*26",
    "$BDGSV,1,1,03,08,59,338,33,12,33,303,27,13,49,296,30*50",
    "$GNRMC,053131.000,A,3019.6774,N,12003.3095,E,0.33,178.03,270717,,,A*7A",
    "$GNVTG,178.03,T,,M,0.33,N,0.61,K,A*29", "$GNZDA,053131.000,27,07,2017,00,00*4B",
    "$GPTXT,01,01,01,ANTENNA OK*35",
]
NO_FIX = [
    "$GNGGA,,,,,,0,00,25.5,,,,,,*64", "$GNRMC,,V,,,,,,,,,,M*4E",  # ATGM332D, no fix
    "$GPGGA,201716.684,,,,,0,00,,,M,0.0,M,,0000*5F",  # pynmea2 test_pynmea.py (sparse)
]
CORPUS = ATGM332D + NO_FIX + [
    "$GPRMC,040107.00,A,3151.6567,N,11714.4833,E,0,0,150613,,,A*56",  # cnblogs (Hefei)
    "$GPGGA,184353.07,1929.045,S,02410.506,E,1,04,2.6,100.00,M,-33.9,M,,0000*6D",  # README
    "$GPRMC,123519.00,,4807.038,N,01131.000,E,,,230394,,,,A*33",  # pynmea2 test (sparse)
]


def decode(line: str, **kw):
    return decode_line(line.encode("ascii"), **kw)


def test_atgm332d_rmc_is_the_documented_fix():
    """research-serial.md §2: → 30.327957 N, 120.055158 E, 2017-07-27 05:31:31 UTC."""
    p = decode(ATGM332D[5])
    assert isinstance(p, Position) and (p.talker, p.sentence) == ("GN", "RMC")
    assert p.lat == Decimal("30.32795667") and p.lon == Decimal("120.05515833")
    assert p.fix_time == datetime(2017, 7, 27, 5, 31, 31, tzinfo=UTC)
    assert p.speed_knots == Decimal("0.33") and p.course_deg == Decimal("178.03")


def test_gga_and_gll_carry_time_only_unless_the_caller_gives_the_date():
    """ATGM332D GGA/GLL lines (zeal-erg/nrf-ext-code:GPS.c)."""
    gga, gll = decode(ATGM332D[0]), decode(ATGM332D[1])
    assert gga.fix_time is None and gga.time_of_day == time(5, 31, 31, tzinfo=UTC)
    assert (gga.quality, gga.satellites, gga.hdop, gga.altitude_m) == (
        1, 12, Decimal("1.0"), Decimal("27.5"))
    assert (gll.lat, gll.lon) == (gga.lat, gga.lon)
    dated = decode(ATGM332D[0], on_date=date(2017, 7, 27))
    assert dated.fix_time == datetime(2017, 7, 27, 5, 31, 31, tzinfo=UTC)


def test_southern_and_western_hemispheres_are_negative():
    """pynmea2 README GGA (1929.045 S, 02410.506 E) plus a built W/S line."""
    p = decode("$GPGGA,184353.07,1929.045,S,02410.506,E,1,04,2.6,100.00,M,-33.9,M,,0000*6D")
    assert p.lat == Decimal("-19.48408333") and p.lon == Decimal("24.17510000")
    assert p.time_of_day == time(18, 43, 53, 70000, tzinfo=UTC)
    line = encode_sentence("BDRMC", ["000000", "A", "3345.0000", "S", "07030.0000", "W", "", "",
                                     "010100", "", "", "A"])
    p = decode_line(line)
    assert (p.lat, p.lon, p.talker) == (Decimal("-33.75"), Decimal("-70.5"), "BD")
    assert p.fix_time == datetime(2000, 1, 1, tzinfo=UTC)


def test_no_fix_sentences_are_recognised_not_positions():
    """ATGM332D no-fix lines and the sparse pynmea2 GGA."""
    reasons = [decode(line).reason for line in NO_FIX]
    assert reasons == ["quality_0", "status_void", "quality_0"]
    assert all(isinstance(decode(line), NoFix) for line in NO_FIX)
    void = encode_sentence("GBGLL", ["3019.6774", "N", "12003.3095", "E", "053131.000", "V", "N"])
    assert decode_line(void).reason == "status_void"
    mode_n = encode_sentence("GNRMC", ["053131.000", "A", "3019.6774", "N", "12003.3095", "E",
                                       "", "", "270717", "", "", "N"])
    assert decode_line(mode_n).reason == "mode_n"


def test_rmc_with_empty_status_is_no_fix():
    """pynmea2's sparse RMC (test_pynmea.py) has no status: we do not call that a fix."""
    assert isinstance(decode(CORPUS[-1]), NoFix)


def test_other_nmea_types_pass_as_other_sentences():
    for line in (ATGM332D[2], ATGM332D[3], ATGM332D[4], ATGM332D[6], ATGM332D[7], ATGM332D[8]):
        assert isinstance(decode(line), OtherSentence), line


@pytest.mark.parametrize(("line", "reason"), [
    # research-serial.md §2 negatives: checksum changed; pynmea2 test_corrupt_message.
    ("$GNRMC,053131.000,A,3019.6774,N,12003.3095,E,0.33,178.03,270717,,,A*7B", "bad_checksum"),
    ("$GPRMC,172142.00,A,4805.30256324,N,11629.09084774,W,0.D", "no_checksum"),
    ("$GNRMC,053131.000,A,3019.6774,N,12003.3095,E,0.33,178.03,270717,,,A", "no_checksum"),
])
def test_lines_without_a_good_checksum_are_rejected(line, reason):
    r = decode(line)
    assert isinstance(r, Reject) and r.reason == reason


@pytest.mark.parametrize("fields", [
    ["053131.000", "A", "9130.0000", "N", "12003.3095", "E", "", "", "270717"],  # lat > 90
    ["053131.000", "A", "3019.6774", "N", "18100.0000", "E", "", "", "270717"],  # lon > 180
    ["053131.000", "A", "3060.0000", "N", "12003.3095", "E", "", "", "270717"],  # 60 min
    ["053131.000", "A", "3019.6774", "X", "12003.3095", "E", "", "", "270717"],  # hemisphere
    ["056131.000", "A", "3019.6774", "N", "12003.3095", "E", "", "", "270717"],  # 61 minutes
    ["235960.000", "A", "3019.6774", "N", "12003.3095", "E", "", "", "270717"],  # leap second
    ["053131.000", "A", "3019.6774", "N", "12003.3095", "E", "", "", "320717"],  # 32nd
    ["053131.000", "A", "3019.6774", "N", "12003.3095", "E", "NaN", "", "270717"],
    ["053131.000", "A", "30196774", "N", "12003.3095", "E", "", "", "270717"],
])
def test_impossible_field_values_are_bad_fields(fields):
    r = decode_line(encode_sentence("GPRMC", fields))
    assert isinstance(r, Reject) and r.reason == RejectReason.BAD_FIELD, fields


def test_too_few_fields_is_malformed_and_unknown_talkers_are_unknown():
    assert decode_line(encode_sentence("GPRMC", ["1", "A"])).reason == RejectReason.MALFORMED
    assert decode_line(encode_sentence("GPGGA", ["1"])).reason == RejectReason.MALFORMED
    assert decode_line(encode_sentence("IIRMC", ["1"])).reason == RejectReason.UNKNOWN_TYPE
    assert decode_line(encode_sentence("GPXYZ", ["1"])).reason == RejectReason.UNKNOWN_TYPE


def test_agrees_with_pynmea2_on_the_corpus():
    """Same corpus through pynmea2.parse(check=True): same accept/reject, same coordinates."""
    bad = [ATGM332D[5][:-1] + "B", "$GPRMC,172142.00,A,4805.30256324,N,11629.09084774,W,0.D"]
    for line in CORPUS + bad:
        ours = decode(line)
        try:
            theirs = pynmea2.parse(line, check=True)
        except pynmea2.ParseError:
            theirs = None
        assert (theirs is None) == isinstance(ours, Reject), line
        if isinstance(ours, Position):
            assert abs(float(ours.lat) - theirs.latitude) < 1e-7, line
            assert abs(float(ours.lon) - theirs.longitude) < 1e-7, line
            if ours.sentence == "RMC":
                assert ours.fix_time == theirs.datetime.replace(tzinfo=UTC), line


def _ddmm(value: float, width: int) -> str:
    degrees = int(abs(value))
    minutes = round((abs(value) - degrees) * 60, 4)
    if minutes >= 60:
        degrees, minutes = degrees + 1, 0.0
    return f"{degrees:0{width}d}{minutes:07.4f}"


@settings(max_examples=300, deadline=None)
@given(st.floats(-89.99, 89.99), st.floats(-179.99, 179.99),
       st.sampled_from(["GP", "BD", "GB", "GN"]))
def test_any_formatted_position_decodes_to_its_degrees(lat, lon, talker):
    lat_s, lon_s = _ddmm(lat, 2), _ddmm(lon, 3)
    line = encode_sentence(talker + "GGA", ["120000.00", lat_s, "S" if lat < 0 else "N", lon_s,
                                            "W" if lon < 0 else "E", "1", "08", "1.0", "10.0",
                                            "M", "", "M", "", ""])
    p = decode_line(line)
    assert isinstance(p, Position) and p.talker == talker
    expect_lat = ddmm_to_degrees(lat_s.encode(), b"S" if lat < 0 else b"N", longitude=False)
    assert p.lat == expect_lat and abs(float(p.lat) - lat) < 1e-5
    assert abs(float(p.lon) - lon) < 1e-5


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_raise(data):
    result = decode_line(data)
    assert isinstance(result, Position | NoFix | OtherSentence | Reject)


@settings(max_examples=500, deadline=None)
@given(st.sampled_from(["GPRMC", "GNGGA", "BDGLL", "GBRMC"]),
       st.lists(st.text(alphabet="0123456789.-+ANSEWVn", max_size=12), max_size=14))
def test_arbitrary_fields_never_raise(address, fields):
    result = decode_line(encode_sentence(address, fields))
    assert isinstance(result, Position | NoFix | Reject)
