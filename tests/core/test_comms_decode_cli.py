"""``commandcentre comms decode FILE``: a raw capture with noise, bad checksums, GBK text and
overlong lines reports exactly the valid sentences and the rejects, with reasons and offsets.

The fixtures in tests/fixtures/comms/ are built by :func:`build_captures` from captured lines
(research-serial.md §1.5 and §2 name each line's public source; the modem session is from
gammu/gammu tests/atgen) plus generated noise; a test keeps the files and the builder equal.
Regenerate with ``python -c "from tests.core.test_comms_decode_cli import write; write()"``.
"""

from __future__ import annotations

import json
import random

import pytest

from commandcentre.cli import commands
from commandcentre.cli.main import build_parser, main
from commandcentre.comms import decode_capture
from commandcentre.comms.beidou import encode_tcq, encode_txa
from commandcentre.comms.framing import encode_sentence
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "comms"


def _beidou_capture() -> tuple[bytes, list[tuple[str, str]]]:
    """A terminal's output with every kind of trouble; returns (bytes, expected items)."""
    rng = random.Random(20261123)
    parts: list[tuple[bytes, tuple[str, str] | None]] = []

    def add(data: bytes | str, expect=None, enc="gbk"):
        parts.append((data.encode(enc) if isinstance(data, str) else data, expect))

    add(b"\x00\xff\xfeGARBAGE", ("reject", "noise"))  # power-on noise glued to the line
    add("$BDICI,0242286,00242286,0000011,6,60,3,N,0*38\r\n", ("BDICI", "CardInfo"))
    add("$CCICA,0,00*7B\r\n", ("CCICA", "TerminalCommand"))
    add("$BDFKI,TXA,Y,Y,0,0040*17\r\n", ("BDFKI", "SendFeedback"))
    add("$BDTXR,1,0179773,2,,A468656C6C6F*43\r\n", ("BDTXR", "ShortMessage"))
    add("$CCTXA,244883,1,0,一*24\r\n", ("CCTXA", "ShortMessage"))  # raw GBK 汉字
    add(encode_txa("0242407", "竹箐乡鹿子坪村山体滑坡，已转移群众136人"), ("CCTXA", "ShortMessage"))
    add(encode_sentence("BDTXR", ["1", "0242407", "0", "", "澜溪镇报平安"]),
        ("BDTXR", "ShortMessage"))
    add("$CCTXA,244883,1,0,一*24\r\n", ("reject", "bad_checksum"), enc="utf-8")
    add("$BDTXR,1,0412159,2,,北斗模块通信测试[混发模式]-!@#%^&*()~1234567890_ABCDEFGHIJKLM"
        "NOPQRSTUVWXYZ.*33\r\n", ("reject", "bad_checksum"))
    add(bytes(rng.randrange(0x80, 0x100) for _ in range(40)) + b"\r\n", ("reject", "noise"))
    add(b"$BDTXR,1,0179773,2,,A4" + b"41" * 700 + b"*00\r\n", ("reject", "too_long"))
    add("$BDTCI,4204986,4204990,2,142204,2,0,3A642B500000000000000A01F35B41EC036542EE74F5*40\r\n",
        ("BDTCI", "ShortMessage"))
    add(encode_tcq("4207733", "县防指：注意防汛", mode="mixed"), ("CCTCQ", "ShortMessage"))
    add("$GNRMC,053131.000,A,30", ("reject", "truncated"))
    add("$BDBSI,01,03,3,2,2,0,3,0,0,3,0,0*5F\r\n", ("BDBSI", "BeamStatus"))
    add("$BDPWI,023628.00,00,04,2,51,44,0,4,50,43,0,11,43,36,0,16,51,44,0*42\r\n",
        ("BDPWI", "SignalPower"))
    add("$GNRMC,053131.000,A,3019.6774,N,12003.3095,E,0.33,178.03,270717,,,A*7A\r\n",
        ("GNRMC", "Position"))
    add("$GNGGA,053131.000,3019.6774,N,12003.3095,E,1,12,1.0,27.5,M,0.0,M,,*43\r\n",
        ("GNGGA", "Position"))
    add("$GPRMC,040107.00,A,3151.6567,N,11714.4833,E,0,0,150613,,,A*56\r\n", ("GPRMC", "Position"))
    add("$BDGSV,1,1,03,08,59,338,33,12,33,303,27,13,49,296,30*50\r\n", ("BDGSV", "OtherSentence"))
    add("$GNGGA,,,,,,0,00,25.5,,,,,,*64\r\n", ("GNGGA", "NoFix"))
    add("$GNRMC,,V,,,,,,,,,,M*4E\r\n", ("GNRMC", "NoFix"))
    add("$GNRMC,053131.000,A,3019.6774,N,12003.3095,E,0.33,178.03,270717,,,A*7B\r\n",
        ("reject", "bad_checksum"))
    add("$GPRMC,172142.00,A,4805.30256324,N,11629.09084774,W,0.D\r\n", ("reject", "no_checksum"))
    add(encode_sentence("XXFOO", ["1", "2"]), ("reject", "unknown_type"))
    add(encode_sentence("BDFKI", ["TXA", "Q", "Y", "0", "0040"]), ("reject", "bad_field"))
    add("$BDICI,0000000,00000000,0000000,0,0,0,N,0*0B\n", ("BDICI", "CardInfo"))  # LF only
    add("$BDFKI,082920,TCQ,Y,0,0*70\r", ("BDFKI", "SendFeedback"))  # CR only
    add("\r\n\r\n$BDFKI,TXA", ("reject", "truncated"))  # cut off at the end of the capture
    return b"".join(p for p, _ in parts), [e for _, e in parts if e is not None]


def _nmea_capture() -> tuple[bytes, list[tuple[str, str]]]:
    lines = [  # research-serial.md §2 (ATGM332D capture, cnblogs, pynmea2 README)
        ("$GNGLL,3019.6774,N,12003.3095,E,053131.000,A,A*44", ("GNGLL", "Position")),
        ("$GPGGA,184353.07,1929.045,S,02410.506,E,1,04,2.6,100.00,M,-33.9,M,,0000*6D",
         ("GPGGA", "Position")),
        ("$GPGGA,201716.684,,,,,0,00,,,M,0.0,M,,0000*5F", ("GPGGA", "NoFix")),
        ("$BDTXR,1,0179773,2,,A468656C6C6F*43", ("reject", "unknown_type")),
        ("$GPGGA," + "9" * 150 + "*00", ("reject", "too_long")),
        ("$GPTXT,01,01,01,ANTENNA OK*35", ("GPTXT", "OtherSentence")),
    ]
    return b"".join(s.encode() + b"\r\n" for s, _ in lines), [e for _, e in lines]


def _modem_capture() -> tuple[bytes, list[tuple[str, str]]]:
    data = (b"AT+CMGF=0\r\r\nOK\r\n"
            b'+CMTI: "SM",1\r\n'  # gammu tests/atgen/smsd-incoming-cmti.c
            b"AT+CMGR=1\r\r\n+CMGR: 1,,23\r\n"
            b"0891683108200205F0240D91683157121468F0000860800331220000044F60597D\r\n\r\nOK\r\n"
            b"+CDS:25\r07914875215652F006360B914892347527F3817003018104808170030181448000\r"
            b"+CMGR: 0,,23\r\nNOT A PDU\r\n"
            b"AT+CMGS=33\r\r\n+CMS ERROR: 331\r\n")  # gammu tests/atgen/error-codes.c
    expected = [("AT", "AtLine"), ("OK", "AtResult"), ("+CMTI", "SmsIndication"),
                ("AT", "AtLine"), ("+CMGR", "SmsMessage"), ("OK", "AtResult"),
                ("+CDS", "DeliveryReport"), ("reject", "malformed"), ("LINE", "AtLine"),
                ("AT", "AtLine"), ("+CMS ERROR", "AtResult")]
    return data, expected


def build_captures() -> dict[str, tuple[bytes, list[tuple[str, str]]]]:
    return {"terminal_mixed.bin": _beidou_capture(), "gnss_nmea.bin": _nmea_capture(),
            "modem_session.bin": _modem_capture()}


def write() -> None:
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, (data, _) in build_captures().items():
        (FIXTURES / name).write_bytes(data)


def _kinds(result) -> list[tuple[str, str]]:
    return [("reject", str(i.reason)) if hasattr(i, "reason") else (i.type,
                                                                      type(i.event).__name__)
            for i in result.items]


def test_fixture_files_are_what_the_builder_makes():
    for name, (data, _) in build_captures().items():
        assert (FIXTURES / name).read_bytes() == data, f"regenerate {name}: see module docstring"


@pytest.mark.parametrize(("name", "dialect"), [("terminal_mixed.bin", "beidou"),
                                               ("gnss_nmea.bin", "nmea"),
                                               ("modem_session.bin", "at")])
def test_capture_decodes_to_exactly_the_expected_items(name, dialect):
    _data, expected = build_captures()[name]
    result = decode_capture((FIXTURES / name).read_bytes(), "auto" if dialect != "nmea"
                            else "nmea")
    assert result.dialect == dialect
    assert _kinds(result) == expected
    assert sum(result.rejects.values()) == sum(1 for k, _ in expected if k == "reject")
    assert sum(result.sentences.values()) == sum(1 for k, _ in expected if k != "reject")


def test_offsets_point_at_the_sentences():
    data = (FIXTURES / "terminal_mixed.bin").read_bytes()
    for item in decode_capture(data, "beidou").items:
        if not hasattr(item, "reason"):
            start = data[item.offset:item.offset + 6]
            assert start == b"$" + item.type.encode(), (item.offset, start)
        elif item.reason != "noise":
            assert data[item.offset:item.offset + 1] == b"$"


def test_every_chunking_gives_the_same_result():
    data = (FIXTURES / "terminal_mixed.bin").read_bytes()
    whole = _kinds(decode_capture(data, "beidou", chunk=len(data)))
    for chunk in (1, 7, 64, 1000):
        assert _kinds(decode_capture(data, "beidou", chunk=chunk)) == whole


@pytest.fixture
def cli(monkeypatch, capsys):
    """Run the CLI in-process; registers ``comms`` if commands/__init__.py does not yet."""
    probe = build_parser()
    subs = next(a for a in probe._actions if a.dest == "command")
    if "comms" not in subs.choices:
        from commandcentre.cli.commands import comms

        original = commands.register

        def register(sub, common):
            original(sub, common)
            comms.register(sub, common)

        monkeypatch.setattr(commands, "register", register)

    def run(*argv):
        code = main(list(argv))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_cli_json_reports_sentences_rejects_and_totals(cli):
    path = FIXTURES / "terminal_mixed.bin"
    code, out, _ = cli("comms", "decode", str(path), "--json")
    report = json.loads(out)
    _, expected = build_captures()["terminal_mixed.bin"]
    assert code == 0 and report["dialect"] == "beidou" and report["bytes"] == path.stat().st_size
    assert [(s["type"], s["event"]) for s in report["sentences"]] == [
        e for e in expected if e[0] != "reject"]
    assert [r["reason"] for r in report["rejects"]] == [e[1] for e in expected if e[0] == "reject"]
    assert report["totals"]["by_reason"] == {"bad_checksum": 3, "bad_field": 1, "no_checksum": 1,
                                             "noise": 2, "too_long": 1, "truncated": 2,
                                             "unknown_type": 1}
    assert report["totals"]["by_type"]["BDTXR"] == 2
    texts = [s.get("text") for s in report["sentences"] if s["event"] == "ShortMessage"]
    assert "竹箐乡鹿子坪村山体滑坡，已转移群众136人" in texts and "澜溪镇报平安" in texts
    assert all(isinstance(r["offset"], int) for r in report["rejects"])


def test_cli_text_output_in_both_languages(cli):
    path = FIXTURES / "gnss_nmea.bin"
    code, out, _ = cli("comms", "decode", str(path), "--dialect", "nmea")
    assert code == 0 and "合计：语句 4 条，拒收 2 条" in out and "行过长" in out
    code, out, _ = cli("--lang", "en", "comms", "decode", str(path), "--dialect", "nmea")
    assert code == 0 and "Total: 4 sentences, 2 rejected" in out and "line too long" in out


def test_cli_date_option_completes_gga_fixes(cli):
    path = FIXTURES / "gnss_nmea.bin"
    code, out, _ = cli("comms", "decode", str(path), "--date", "2026-11-23", "--json")
    fixes = [s for s in json.loads(out)["sentences"] if s["event"] == "Position"]
    assert code == 0 and fixes[1]["fix_time"] == "2026-11-23T18:43:53.070000+00:00"
    code, _, err = cli("comms", "decode", str(path), "--date", "23/11/2026")
    assert code == 5 and "YYYY-MM-DD" in err


def test_cli_missing_file_is_one_line_error(cli, tmp_path):
    code, out, err = cli("comms", "decode", str(tmp_path / "none.bin"))
    assert code == 5 and out == "" and len(err.strip().splitlines()) == 1
