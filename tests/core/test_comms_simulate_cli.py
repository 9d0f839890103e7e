"""``comms simulate --kind sms|nmea`` in its own process, used by ``comms send`` / ``listen``
over the pty it prints, as in a drill: one terminal runs the simulator, another the duty desk.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time

import serial

from commandcentre.cli.main import main
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.storage import Store
from tests.conftest import ROOT


def simulate(*args: str) -> tuple[subprocess.Popen, str]:
    """Start ``comms simulate --json`` with ``args``; return the process and its port."""
    proc = subprocess.Popen([sys.executable, "-m", "commandcentre.cli.main", "--json", "comms",
                             "simulate", *args], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, encoding="utf-8")
    first = proc.stdout.readline()
    assert first, proc.stderr.read()
    return proc, json.loads(first)["port"]


def finish(proc: subprocess.Popen) -> list[dict]:
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_simulated_sms_modem_sends_replies_and_takes_messages(demo_copy, monkeypatch, capsys):
    proc, port = simulate("--kind", "sms", "--duration", "6", "--every", "0.7")
    try:
        db = str(demo_copy)
        monkeypatch.setenv("COMMANDCENTRE_PASSWORD", DEMO_PASSWORD)
        monkeypatch.setenv("COMMANDCENTRE_USER", "admin")
        assert main(["--db", db, "comms", "device-add", "短信猫", "--protocol", "sms",
                     "--port", port]) == 0
        monkeypatch.setenv("COMMANDCENTRE_USER", "zhiban")
        capsys.readouterr()
        assert main(["--db", db, "--json", "comms", "send", "短信猫", "--to", "15808750002",
                     "--text", "请报告位置", "--timeout", "5"]) == 0
        assert json.loads(capsys.readouterr().out)["status"] in ("accepted", "delivered")
        assert main(["--db", db, "--json", "comms", "listen", "短信猫", "--duration",
                     "2.5"]) == 0
        assert json.loads(capsys.readouterr().out)["messages"] >= 1
    finally:
        events = finish(proc)
    assert {"event": "outgoing", "to": "15808750002", "text": "请报告位置"} in events
    incoming = [e for e in events if e["event"] == "incoming"]
    assert len(incoming) >= 4 and incoming[0]["from"] == "+8615808750001"
    with Store.open(db) as store:
        rows = store.query("SELECT c.text, m.name FROM comms_message c LEFT JOIN member m ON"
                           " m.id = c.member_id WHERE c.direction = 'in'")
    assert rows and all(r["name"] for r in rows)  # +86 form matched to the roster
    assert {r["text"] for r in rows} <= {e["text"] for e in incoming}


def test_simulated_nmea_source_only_talks():
    proc, port = simulate("--kind", "nmea", "--duration", "1.5", "--every", "0.3")
    try:
        with serial.Serial(port, 9600, timeout=0.2) as link:
            link.write(b"$CCICA,0,00*7B\r\n")
            data, end = b"", time.monotonic() + 1.2
            while time.monotonic() < end:
                data += link.read(4096)
    finally:
        assert finish(proc) == []
    assert data.count(b"$GNRMC") >= 2 and b"BDICI" not in data


def free_udp_ports(n: int) -> list[int]:
    import socket

    socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(n)]
    for sock in socks:
        sock.bind(("127.0.0.1", 0))
    ports = [sock.getsockname()[1] for sock in socks]
    for sock in socks:
        sock.close()
    return ports


def test_simulated_pdt_radio_over_udp(demo_copy, monkeypatch, capsys):
    tmp, lp = free_udp_ports(2)
    proc, port = simulate("--kind", "hdap", "--host-ports", f"{tmp}:{lp}", "--duration", "5",
                          "--every", "0.4")
    try:
        db = str(demo_copy)
        monkeypatch.setenv("COMMANDCENTRE_PASSWORD", DEMO_PASSWORD)
        monkeypatch.setenv("COMMANDCENTRE_USER", "admin")
        assert main(["--db", db, "comms", "device-add", "电台", "--protocol", "hdap",
                     "--port", port, "--address", "3609000"]) == 0
        monkeypatch.setenv("COMMANDCENTRE_USER", "zhiban")
        capsys.readouterr()
        assert main(["--db", db, "--json", "comms", "send", "电台", "--to", "3601002",
                     "--text", "请报告位置", "--timeout", "3"]) == 0
        assert json.loads(capsys.readouterr().out)["status"] == "accepted"
        assert main(["--db", db, "--json", "comms", "listen", "电台", "--duration", "2.5"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["positions"] >= 3 and out["messages"] >= 1
    finally:
        events = finish(proc)
    assert {"event": "outgoing", "to": "3601002", "text": "请报告位置"} in events
    with Store.open(db) as store:
        team = store.scalar("SELECT t.name FROM position_report p JOIN team t ON"
                            " t.id = p.team_id LIMIT 1")
    assert team == "青峪县消防救援大队凤鸣路消防救援站"  # radio 3601001 is on that team
