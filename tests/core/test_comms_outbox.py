"""The outbox respects the card's service interval, retries refusals, never drops a message."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from commandcentre.comms.outbox import Outbox, OutgoingMessage

T0 = datetime(2026, 12, 2, 1, 0, tzinfo=UTC)


def msg(n: int) -> OutgoingMessage:
    return OutgoingMessage(id=f"m{n}", recipient="0100001", text=f"第{n}条")


def test_one_send_per_service_interval_in_order():
    box = Outbox(interval_s=60)
    for n in range(3):
        box.add(msg(n), T0)
    first = box.due(T0)
    assert first.id == "m0" and box.due(T0) is None  # one in flight at a time
    box.feedback(True, T0 + timedelta(seconds=1))
    assert box.due(T0 + timedelta(seconds=30)) is None  # the card is not due yet
    second = box.due(T0 + timedelta(seconds=61))
    assert second.id == "m1"


def test_refusal_waits_the_terminals_time_and_keeps_its_place():
    box = Outbox(interval_s=60)
    box.add(msg(0), T0)
    box.add(msg(1), T0)
    box.due(T0)
    back = box.feedback(False, T0, wait_s=40)
    assert back.status == "queued" and back.not_before == T0 + timedelta(seconds=40)
    assert box.due(T0 + timedelta(seconds=39)) is None
    assert box.due(T0 + timedelta(seconds=40)).id == "m0"


def test_too_many_refusals_mark_failed_not_dropped():
    box = Outbox(interval_s=0, max_attempts=2, retry_s=1)
    box.add(msg(0), T0)
    box.due(T0)
    box.feedback(False, T0)
    box.due(T0 + timedelta(seconds=1))
    failed = box.feedback(False, T0 + timedelta(seconds=1))
    assert failed.status == "failed" and failed.attempts == 2
    assert [s for _, s in failed.history] == ["queued", "sending", "queued", "sending", "failed"]


@given(outcomes=st.lists(st.booleans(), min_size=1, max_size=40),
       count=st.integers(1, 8))
def test_property_every_message_ends_accepted_or_failed_in_order(outcomes, count):
    box = Outbox(interval_s=10, max_attempts=3, retry_s=2)
    for n in range(count):
        box.add(msg(n), T0)
    now, done = T0, []
    results = iter(outcomes * 50)
    for _ in range(2000):
        now += timedelta(seconds=1)
        message = box.due(now)
        if message is not None:
            final = box.feedback(next(results), now)
            if final.status in ("accepted", "failed"):
                done.append(final)
        if len(done) == count:
            break
    assert [m.id for m in done] == [f"m{n}" for n in range(count)]
    accepted = [m for m in done if m.status == "accepted"]
    gaps = [b.history[-1][0] - a.history[-1][0] for a, b in itertools.pairwise(accepted)]
    assert all(g >= timedelta(seconds=10) for g in gaps)
