"""comms devices / send / listen against the simulated terminal on a real pty."""

from __future__ import annotations

import json
import threading

import pytest

from commandcentre.cli.main import main
from commandcentre.comms.simulator import CardSettings, PtyTerminal, SimulatedTerminal
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.storage import Store


@pytest.fixture
def terminal():
    sim = PtyTerminal(SimulatedTerminal(CardSettings(interval_s=60)))
    yield sim
    sim.close()


@pytest.fixture
def db(demo_copy, monkeypatch, terminal, capsys):
    monkeypatch.setenv("COMMANDCENTRE_PASSWORD", DEMO_PASSWORD)
    monkeypatch.setenv("COMMANDCENTRE_USER", "admin")
    assert main(["--db", str(demo_copy), "comms", "device-add", "北斗指挥机", "--protocol",
                 "beidou", "--port", terminal.path, "--address", "0875001"]) == 0
    monkeypatch.setenv("COMMANDCENTRE_USER", "zhiban")
    capsys.readouterr()
    return str(demo_copy)


def test_send_is_accepted_then_waits_in_the_outbox_within_the_service_interval(db, terminal,
                                                                               capsys):
    code = main(["--db", db, "--json", "comms", "send", "北斗指挥机", "--to", "0100001",
                 "--text", "请报告火线位置"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["status"] == "accepted" and out["attempts"] == 1
    assert terminal.terminal.sent[0][1].decode("gbk") == "请报告火线位置"
    # A second run knows nothing of the first send: the terminal refuses with a wait, and the
    # message stays queued (not failed) with the reason, for the next listen to send.
    code = main(["--db", db, "--json", "comms", "send", "北斗指挥机", "--to", "0100001",
                 "--text", "第二条", "--timeout", "3"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and out["status"] == "queued" and "等待" in out["note"]
    with Store.open(db) as store:
        statuses = [r["status"] for r in store.query(
            "SELECT status FROM comms_message WHERE direction = 'out' ORDER BY rowid")]
    assert statuses == ["accepted", "queued"]
    assert len(terminal.terminal.sent) == 1


def test_listen_sends_what_send_left_queued(demo_copy, monkeypatch, capsys):
    sim = PtyTerminal(SimulatedTerminal(CardSettings(interval_s=2)))
    try:
        monkeypatch.setenv("COMMANDCENTRE_PASSWORD", DEMO_PASSWORD)
        monkeypatch.setenv("COMMANDCENTRE_USER", "admin")
        db = str(demo_copy)
        assert main(["--db", db, "comms", "device-add", "北斗", "--protocol", "beidou",
                     "--port", sim.path]) == 0
        sim.terminal.keypad_send()
        assert main(["--db", db, "--json", "comms", "send", "北斗", "--to", "0100001",
                     "--text", "集合", "--timeout", "0.5"]) == 1
        capsys.readouterr()
        assert main(["--db", db, "--json", "comms", "listen", "北斗", "--duration", "5"]) == 0
        out = json.loads(capsys.readouterr().out)
        assert out["sent"] == 1
        assert [t.decode("gbk") for _, t in sim.terminal.sent] == ["集合"]
    finally:
        sim.close()


def test_listen_ingests_messages_and_positions(db, terminal, capsys):
    with Store.open(db) as store:
        card = store.scalar("SELECT beidou_card FROM member WHERE beidou_card IS NOT NULL"
                            " LIMIT 1")
    talk = threading.Timer(1.0, lambda: terminal.write(
        SimulatedTerminal.message(card, "已到达集合点") +
        SimulatedTerminal.position(25.86, 99.52)))
    talk.start()
    try:
        code = main(["--db", db, "--json", "comms", "listen", "北斗指挥机", "--duration", "3"])
    finally:
        talk.cancel()
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["messages"] == 1 and out["positions"] == 1
    with Store.open(db) as store:
        assert store.scalar("SELECT count(*) FROM comms_message WHERE direction = 'in'") == 1
        assert store.scalar("SELECT count(*) FROM position_report") == 1


def test_devices_list(db, capsys):
    assert main(["--db", db, "--json", "comms", "devices"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["name"] == "北斗指挥机"
