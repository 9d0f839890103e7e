"""Serial links on real pseudo-terminals: both directions through pyserial, the simulator's
service interval, unplug and replug (socat pty pair killed and restarted), the traffic log."""

from __future__ import annotations

import queue
import shutil
import signal
import subprocess
import time

import pytest

from commandcentre.comms import beidou
from commandcentre.comms.events import CardInfo, Position, Reject, SendFeedback, ShortMessage
from commandcentre.comms.link import LinkDown, SerialLink
from commandcentre.comms.simulator import CardSettings, PtyTerminal, SimulatedTerminal
from commandcentre.comms.traffic import TrafficLog, read_log


def next_event(q: queue.Queue, kind, timeout: float = 3.0):
    """The next decoded event of ``kind`` (skipping others), or fail."""
    end = time.monotonic() + timeout
    while True:
        left = end - time.monotonic()
        assert left > 0, f"no {kind.__name__} within {timeout} s"
        item = q.get(timeout=left)
        event = getattr(item, "event", item)
        if isinstance(event, kind):
            return event


@pytest.fixture
def terminal():
    clock = [1000.0]
    sim = PtyTerminal(SimulatedTerminal(CardSettings(interval_s=60), clock=lambda: clock[0]))
    sim.clock = clock
    yield sim
    sim.close()


@pytest.fixture
def link_to(tmp_path):
    links = []

    def make(port: str, **kwargs) -> tuple[SerialLink, queue.Queue, queue.Queue]:
        events, states = queue.Queue(), queue.Queue()
        link = SerialLink("bd1", port, on_event=events.put, on_state=states.put, **kwargs)
        links.append(link)
        link.start()
        return link, events, states

    yield make
    for link in links:
        link.stop()
        assert link._thread is None  # no reader thread outlives its test


def test_card_query_send_and_receive_through_the_real_serial_stack(terminal, link_to, tmp_path):
    traffic = TrafficLog(tmp_path / "traffic.log")
    link, events, states = link_to(terminal.path, traffic=traffic)
    assert states.get(timeout=3) == "connecting"
    assert states.get(timeout=3) == "connected"
    link.send(beidou.encode_ica())
    card = next_event(events, CardInfo)
    assert card.address == "0242407" and card.service_interval_s == 60 and card.present
    link.send(beidou.encode_txa("0100001", "北线火场已控制，请求补给饮用水。"))
    fki = next_event(events, SendFeedback)
    assert fki.accepted
    assert terminal.terminal.sent[0][1].decode("gbk") == "北线火场已控制，请求补给饮用水。"
    terminal.clock[0] += 10  # the card allows one send a minute
    link.send(beidou.encode_txa("0100001", "第二条"))
    refused = next_event(events, SendFeedback)
    assert not refused.accepted and refused.wait_s == 51
    terminal.write(SimulatedTerminal.message("0100002", "鹿子坪村后山发现烟点"))
    message = next_event(events, ShortMessage)
    assert message.sender == "0100002" and message.text == "鹿子坪村后山发现烟点"
    terminal.write(SimulatedTerminal.position(25.8601, 99.5212))
    fix = next_event(events, Position)
    assert abs(float(fix.lat) - 25.8601) < 1e-6 and abs(float(fix.lon) - 99.5212) < 1e-6
    link.stop()
    traffic.close()
    logged = read_log(tmp_path / "traffic.log")
    assert {d for _, _, d, _ in logged} == {"<", ">"}
    assert b"".join(b for _, _, d, b in logged if d == ">").count(b"$CCTXA") == 2


def test_noise_and_bad_checksums_are_counted_not_raised(terminal, link_to):
    link, events, states = link_to(terminal.path)
    while states.get(timeout=3) != "connected":  # pyserial empties the buffer on open
        pass
    good = SimulatedTerminal.message("0100002", "正常")
    terminal.write(b"\x00\xffgarbage$BDTXR,1,0100002,0,,bad*00\r\n" + good)
    assert next_event(events, ShortMessage).text == "正常"
    assert link.decoder.rejects["bad_checksum"] == 1 and link.decoder.rejects["noise"] >= 1


def test_send_while_down_is_refused(tmp_path, link_to):
    link, _, states = link_to(str(tmp_path / "no-such-port"), reconnect_max=0.2)
    assert states.get(timeout=3) == "connecting"
    with pytest.raises(LinkDown):
        link.send(beidou.encode_ica())


SOCAT = shutil.which("socat")


@pytest.mark.skipif(SOCAT is None, reason="socat is installed by scripts/setup.sh")
def test_unplug_and_replug_reconnects_within_two_seconds_and_loses_no_frame(tmp_path,
                                                                           link_to):
    port, peer = tmp_path / "ttyBD", tmp_path / "ttyPEER"

    def plug():
        proc = subprocess.Popen([SOCAT, f"pty,link={port},raw,echo=0",
                                 f"pty,link={peer},raw,echo=0"], stderr=subprocess.DEVNULL)
        end = time.monotonic() + 5
        while not (port.exists() and peer.exists()):
            assert time.monotonic() < end, "socat did not create the pty pair"
            time.sleep(0.01)
        return proc

    proc = plug()
    link, events, states = link_to(str(port))
    assert states.get(timeout=3) == "connecting" and states.get(timeout=3) == "connected"
    sent = [SimulatedTerminal.message("0100002", f"第{n}条") for n in range(20)]
    with open(peer, "wb", buffering=0) as out:
        for line in sent:
            out.write(line)
    received = [next_event(events, ShortMessage).text for _ in sent]
    assert received == [f"第{n}条" for n in range(20)]
    proc.send_signal(signal.SIGTERM)  # unplug
    proc.wait()
    assert states.get(timeout=3) == "reconnecting"
    unplugged = time.monotonic()
    proc = plug()  # replug
    try:
        assert states.get(timeout=3) == "connected"
        assert time.monotonic() - unplugged < 2.0 + 0.5  # socat start-up included
        with open(peer, "wb", buffering=0) as out:
            out.write(SimulatedTerminal.message("0100002", "重连后第一条"))
        assert next_event(events, ShortMessage).text == "重连后第一条"
        assert link.reconnects == 1
        rejects = [i for i in list(events.queue) if isinstance(i, Reject)]
        assert not [r for r in rejects if r.reason != "truncated"]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait()


def test_traffic_log_keeps_chinese_link_names_with_spaces(tmp_path):
    log = TrafficLog(tmp_path / "t.log", max_bytes=200, backups=3)
    log.record("北斗 指挥机", "<", b"$BDICI*00\r\n")
    log.record("北斗 指挥机", ">", bytes(range(256)))
    log.close()
    files = sorted(tmp_path.glob("t.log*"))
    lines = [entry for f in files for entry in read_log(f)]
    assert {(link, direction) for _, link, direction, _ in lines} == {("北斗 指挥机", "<"),
                                                                       ("北斗 指挥机", ">")}
    assert sorted(data for *_, data in lines) == sorted([b"$BDICI*00\r\n", bytes(range(256))])
