"""DeviceRunner on a real pseudo-terminal: the driver, the serial link and the store together.

Messages go out through pyserial to the simulated BeiDou terminal and their status follows the
terminal's ``$BDFKI``; incoming messages and positions land in the store; the baud rate is
found by probing; a message left ``sending`` by an earlier run goes out again.
"""

from __future__ import annotations

import time

import pytest

from commandcentre.accounts import AccountService, system_session
from commandcentre.comms.runner import DeviceRunner
from commandcentre.comms.service import CommsService
from commandcentre.comms.simulator import CardSettings, PtyTerminal, SimulatedTerminal
from commandcentre.demo import DEMO_PASSWORD
from commandcentre.storage.verify import verify_store
from tests.core.comms_polling import run_until


def statuses(results) -> list[tuple[str, str]]:
    return [(u.message_id, u.status) for r in results for u in r.updates]


@pytest.fixture
def setup(demo_store):
    sims, runners = [], []

    def make(*, interval_s: int = 60, sim_baud: int | None = None, baudrate: int = 115200,
             **driver_options):
        sim = PtyTerminal(SimulatedTerminal(CardSettings(interval_s=interval_s)),
                          baudrate=sim_baud)
        sims.append(sim)
        service = CommsService(demo_store)
        device_id = service.add_device(system_session("t"), name=f"北斗{len(sims)}",
                                       protocol="beidou", port=sim.path, baudrate=baudrate,
                                       address="0875001")
        runner = DeviceRunner(demo_store, service.device(device_id), **driver_options)
        runners.append(runner)
        return sim, service, runner

    yield make
    for runner in runners:
        runner.stop()
    for sim in sims:
        sim.close()


@pytest.fixture
def operator(demo_store):
    return AccountService(demo_store).authenticate("zhiban", DEMO_PASSWORD)


def test_queued_messages_go_out_paced_and_a_refusal_is_retried(setup, operator, demo_store):
    sim, service, runner = setup(interval_s=2)
    device = runner.device["id"]
    first = service.queue(operator, device, "0100001", "请报告火线位置")
    runner.start()
    results = run_until(runner, lambda rs: ("accepted" in {s for _, s in statuses(rs)}))
    assert statuses(results) == [(first["id"], "sending"), (first["id"], "accepted")]
    assert sim.terminal.sent[0] == ("0100001", "请报告火线位置".encode("gbk"))

    # The terminal's own keypad transmits: our next send is refused with a wait, and retried.
    sim.terminal.keypad_send()
    runner.driver.outbox._last_accepted = None  # we did not see the keypad's send
    second = service.queue(operator, device, "0100001", "第二条")
    results = run_until(runner, lambda rs: (second["id"], "accepted") in statuses(rs))
    assert [s for m, s in statuses(results) if m == second["id"]] == \
        ["sending", "queued", "sending", "accepted"]
    row = demo_store.get("comms_message", second["id"])
    assert row["status"] == "accepted" and row["attempts"] == 2
    assert [text.decode("gbk") for _, text in sim.terminal.sent] == ["请报告火线位置", "第二条"]
    assert verify_store(demo_store.path).ok


def test_incoming_message_and_position_are_stored_in_one_poll(setup, demo_store):
    sim, service, runner = setup()
    card = demo_store.scalar("SELECT beidou_card FROM member WHERE beidou_card IS NOT NULL"
                             " LIMIT 1")
    runner.start()
    run_until(runner, lambda rs: runner.driver.card is not None)
    sim.write(SimulatedTerminal.message(card, "已到达集合点") +
              SimulatedTerminal.position(25.86, 99.52) + b"$GNRMC,garbage*00\r\n")
    results = run_until(runner, lambda rs: sum(r.messages for r in rs) and
                        sum(r.positions for r in rs))
    assert sum(r.messages for r in results) == 1 and sum(r.positions for r in results) == 1
    assert runner.rejects + sum(r.rejects for r in run_until(runner, lambda rs: True)) >= 1
    (message,) = service.messages()
    assert message["text"] == "已到达集合点" and message["member"]
    assert demo_store.scalar("SELECT count(*) FROM position_report") == 1


def test_the_baud_rate_is_found_by_probing(setup, operator):
    sim, service, runner = setup(sim_baud=9600, baudrate=115200, probe_timeout_s=0.4,
                                 interval_s=0)
    queued = service.queue(operator, runner.device["id"], "0100001", "速报")
    runner.start()
    results = run_until(runner, lambda rs: (queued["id"], "accepted") in statuses(rs),
                        timeout=10)
    assert runner.driver.baudrate == 9600 and runner.driver.card.address == "0242407"
    assert runner.link.baudrate == 9600
    assert sim.rate_matches()
    assert (queued["id"], "sending") in statuses(results)


def test_a_message_left_sending_by_an_earlier_run_is_sent_again(setup, operator, demo_store):
    _sim, service, runner = setup(interval_s=0)
    queued = service.queue(operator, runner.device["id"], "0100001", "撤离令")
    service.mark(queued["id"], "sending")  # the earlier run died before the terminal answered
    runner.start()
    results = run_until(runner, lambda rs: (queued["id"], "accepted") in statuses(rs))
    first = results[0].updates + results[1].updates if len(results) > 1 else results[0].updates
    assert statuses(results)[0] == (queued["id"], "queued")
    assert any("上次运行" in u.note for u in first)
    row = demo_store.get("comms_message", queued["id"])
    assert row["status"] == "accepted" and row["attempts"] == 2


def test_unreachable_port_keeps_messages_queued(demo_store, operator):
    service = CommsService(demo_store)
    device_id = service.add_device(system_session("t"), name="未接入", protocol="beidou",
                                   port="/dev/does-not-exist", address="0875001")
    queued = service.queue(operator, device_id, "0100001", "测试")
    runner = DeviceRunner(demo_store, service.device(device_id))
    runner.start()
    try:
        for _ in range(5):
            result = runner.poll()
            time.sleep(0.05)
        assert result.state != "connected" and result.updates == []
    finally:
        runner.stop()
    assert demo_store.get("comms_message", queued["id"])["status"] == "queued"
