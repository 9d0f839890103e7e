"""Driving a DeviceRunner from a test as the CLI's loop does, and reading what it reported."""

from __future__ import annotations

import time

from commandcentre.comms.runner import DeviceRunner


def run_until(runner: DeviceRunner, done, timeout: float = 6.0, pause: float = 0.05):
    """Poll until ``done(results)`` holds; returns every PollResult (fails after ``timeout``)."""
    results, end = [], time.monotonic() + timeout
    while time.monotonic() < end:
        results.append(runner.poll())
        if done(results):
            return results
        time.sleep(pause)
    raise AssertionError(f"not done within {timeout} s: {results[-1] if results else None}")


def history(results, message_id: str) -> list[str]:
    """The statuses one outgoing message went through, in order."""
    return [u.status for r in results for u in r.updates if u.message_id == message_id]
