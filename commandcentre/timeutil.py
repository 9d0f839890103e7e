"""Time: stored as UTC ISO 8601 with offset, shown in the workstation's zone.

Services take a :class:`Clock` so tests inject time instead of patching it.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"


class Clock:
    """The real wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock(Clock):
    """A clock that stands still until moved; for tests and drill time compression."""

    def __init__(self, start: datetime):
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, when: datetime) -> None:
        self._now = when.astimezone(UTC)


def to_storage(when: datetime) -> str:
    """Return the stored form of an aware datetime: UTC, ISO 8601, with ``+00:00``."""
    if when.tzinfo is None:
        raise ValueError("naive datetimes are not stored; attach a zone first")
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def from_storage(text: str) -> datetime:
    """Parse a stored (or any ISO 8601 with offset) timestamp into an aware UTC datetime."""
    when = datetime.fromisoformat(text)
    if when.tzinfo is None:
        raise ValueError(f"timestamp without offset: {text!r}")
    return when.astimezone(UTC)


def zone(name: str | None = None) -> tzinfo:
    """The display zone (Asia/Shanghai unless configured otherwise)."""
    return ZoneInfo(name or DEFAULT_ZONE)


def to_local(when: datetime, zone_name: str | None = None) -> datetime:
    """Convert an aware datetime to the display zone."""
    return when.astimezone(zone(zone_name))


def format_local(when: datetime | str | None, zone_name: str | None = None,
                 fmt: str = "%Y-%m-%d %H:%M") -> str:
    """Format a stored or aware timestamp for display in the workstation's zone."""
    if when is None or when == "":
        return ""
    if isinstance(when, str):
        when = from_storage(when)
    return to_local(when, zone_name).strftime(fmt)
