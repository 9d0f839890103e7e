"""``comms locate DEVICE --radio ID``: ask a Hytera radio for its position over UDP.

A simulated radio (:class:`~commandcentre.comms.simulator_udp.SimulatedRadio`) on 127.0.0.1
answers the LP standard location immediate request (A001) with a standard report (A002,
layouts from ok-dmrlib ``location_protocol.py``); the position lands in ``position_report``
for the roster member whose ``pdt_id`` is the radio ID. A radio that answers nothing is a
timeout (exit 1), a failed answer is exit 1 with the reason, a wrong device or radio ID is
refused before anything is sent.
"""

from __future__ import annotations

import json
import socket

import pytest

from commandcentre.cli.main import main
from commandcentre.comms.simulator_udp import SimulatedRadio
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.errors import EXIT_FAILED, EXIT_INVALID, EXIT_OK
from commandcentre.storage import Store

RADIO = "3601001"  # the demo county's first PDT radio


def free_udp_ports(n: int) -> list[int]:
    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(n)]
    try:
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]
    finally:
        for sock in socks:
            sock.close()


@pytest.fixture
def radio_device(demo_copy, monkeypatch):
    """Register an ``hdap`` device for a simulated radio; yields (db, make_radio)."""
    radios: list[SimulatedRadio] = []
    db = str(demo_copy)
    monkeypatch.setenv("COMMANDCENTRE_PASSWORD", DEMO_PASSWORD)

    def make(**options) -> SimulatedRadio:
        tmp, lp = free_udp_ports(2)
        radio = SimulatedRadio(tmp, lp, radio_id=3609000, **options)
        radios.append(radio)
        port = f"127.0.0.1:{radio.tmp_port}:{radio.lp_port}@127.0.0.1:{tmp}:{lp}"
        monkeypatch.setenv("COMMANDCENTRE_USER", "admin")
        assert main(["--db", db, "comms", "device-add", f"电台{len(radios)}", "--protocol",
                     "hdap", "--port", port, "--address", "3609000"]) == EXIT_OK
        monkeypatch.setenv("COMMANDCENTRE_USER", "zhiban")
        return radio

    yield db, make
    for radio in radios:
        radio.close()


def test_locate_stores_the_answered_position(radio_device, capsys):
    db, make = radio_device
    radio = make(location=(25.8733, 99.5188))
    capsys.readouterr()
    assert main(["--db", db, "--json", "comms", "locate", "电台1", "--radio", RADIO,
                 "--timeout", "5"]) == EXIT_OK
    out = json.loads(capsys.readouterr().out)
    assert (out["status"], out["radio"], out["device"]) == ("located", RADIO, "电台1")
    assert float(out["lat"]) == pytest.approx(25.8733) and out["fix_time"]
    assert [r.radio for r in radio.location_requests] == [RADIO]
    with Store.open(db) as store:
        row = store.one("SELECT p.source, p.lat, p.lon, m.pdt_id, t.name AS team FROM"
                        " position_report p JOIN member m ON m.id = p.member_id JOIN team t"
                        " ON t.id = p.team_id")
    assert (row["source"], row["pdt_id"]) == (RADIO, RADIO)
    assert row["lon"] == pytest.approx(99.5188)
    assert row["team"] == "青峪县消防救援大队凤鸣路消防救援站"  # radio 3601001's team


def test_locate_in_words(radio_device, capsys):
    db, make = radio_device
    make()
    capsys.readouterr()
    assert main(["--db", db, "comms", "locate", "电台1", "--radio", RADIO]) == EXIT_OK
    out = capsys.readouterr().out
    assert f"电台 {RADIO} 的位置：纬度 25.86" in out and "已记入位置记录" in out


def test_a_silent_radio_is_a_timeout(radio_device, capsys):
    db, make = radio_device
    radio = make(silent=True)
    capsys.readouterr()
    assert main(["--db", db, "comms", "locate", "电台1", "--radio", RADIO,
                 "--timeout", "1"]) == EXIT_FAILED
    out = capsys.readouterr().out
    assert f"1.0 秒内未收到电台 {RADIO} 的位置回报" in out
    assert len(radio.location_requests) == 1  # asked once, no answer
    with Store.open(db) as store:
        assert store.scalar("SELECT count(*) FROM position_report") == 0


def test_a_failed_answer_says_why(radio_device, capsys):
    db, make = radio_device
    make(location=None)
    capsys.readouterr()
    assert main(["--db", db, "comms", "locate", "电台1", "--radio", RADIO]) == EXIT_FAILED
    assert "回复无法定位：定位失败 position_method_failure" in capsys.readouterr().out
    assert main(["--db", db, "--json", "comms", "locate", "电台1", "--radio", RADIO]) == 1
    assert json.loads(capsys.readouterr().out)["reason"] == "position_method_failure"


def test_wrong_device_or_radio_is_refused(radio_device, monkeypatch, capsys):
    db, make = radio_device
    radio = make()
    assert main(["--db", db, "comms", "locate", "电台1", "--radio", "第三梯队"]) == EXIT_INVALID
    assert "电台号应为" in capsys.readouterr().err
    monkeypatch.setenv("COMMANDCENTRE_USER", "admin")
    assert main(["--db", db, "comms", "device-add", "北斗", "--protocol", "beidou", "--port",
                 "/dev/null"]) == EXIT_OK
    monkeypatch.setenv("COMMANDCENTRE_USER", "zhiban")
    assert main(["--db", db, "comms", "locate", "北斗", "--radio", RADIO]) == EXIT_INVALID
    assert "不是海能达电台" in capsys.readouterr().err
    assert radio.location_requests == []
