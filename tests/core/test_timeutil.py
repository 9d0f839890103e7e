"""Time is stored as UTC with offset and shown in the workstation's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commandcentre.timeutil import FixedClock, format_local, from_storage, to_storage


@given(st.datetimes(min_value=datetime(1970, 1, 2), max_value=datetime(2200, 1, 1),
                    timezones=st.sampled_from([UTC, timezone(timedelta(hours=8)),
                                               timezone(timedelta(hours=-5))])))
def test_storage_round_trip_keeps_the_instant(when):
    text = to_storage(when)
    assert text.endswith("+00:00")
    assert from_storage(text) == when


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        to_storage(datetime(2026, 1, 1))
    with pytest.raises(ValueError):
        from_storage("2026-01-01T00:00:00")


def test_display_in_shanghai():
    assert format_local("2026-12-01T16:30:00+00:00") == "2026-12-02 00:30"
    assert format_local(None) == ""


def test_fixed_clock_moves_only_when_told():
    clock = FixedClock(datetime(2026, 12, 1, tzinfo=UTC))
    first = clock.now()
    clock.advance(timedelta(minutes=5))
    assert clock.now() - first == timedelta(minutes=5)
