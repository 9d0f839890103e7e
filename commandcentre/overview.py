"""Read-only summaries for the duty room's first screen (县情概况) and simple lists.

The full services for rosters, resources and incidents come with their own issues; until then
these queries give the views real data to show, page by page, never "load all" of a big table.
"""

from __future__ import annotations

from dataclasses import dataclass

from .accounts import Permission, Session
from .storage import Store

DEFAULT_LIMIT = 500


@dataclass(frozen=True)
class Overview:
    """Counts that describe the county's readiness at a glance."""

    county: str
    townships: int
    villages: int
    teams: int
    members: int
    experts: int
    warehouses: int
    shelters: int
    shelter_capacity: int
    incidents_open: int
    incidents_total: int
    drills: int


def overview(store: Store, session: Session) -> Overview:
    """The county overview for the first screen."""
    session.require(Permission.READ)

    def count(sql: str) -> int:
        return int(store.scalar(sql) or 0)

    return Overview(
        county=store.scalar("SELECT name FROM org_unit WHERE kind = 'county' LIMIT 1") or "",
        townships=count("SELECT count(*) FROM org_unit WHERE kind = 'township'"),
        villages=count("SELECT count(*) FROM org_unit WHERE kind = 'village'"),
        teams=count("SELECT count(*) FROM team"),
        members=count("SELECT count(*) FROM member"),
        experts=count("SELECT count(*) FROM expert"),
        warehouses=count("SELECT count(*) FROM warehouse"),
        shelters=count("SELECT count(*) FROM shelter"),
        shelter_capacity=count("SELECT coalesce(sum(capacity), 0) FROM shelter"),
        incidents_open=count("SELECT count(*) FROM incident WHERE status = '处置中'"
                             " AND drill = 0"),
        incidents_total=count("SELECT count(*) FROM incident WHERE drill = 0"),
        drills=count("SELECT count(*) FROM incident WHERE drill = 1"),
    )
