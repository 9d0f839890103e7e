"""The daily duty report (值班日报): gathering one local day's duty from the store.

The day runs midnight to midnight in the workstation's zone. Counts cover the newest version
of every record received that day; 要情 are that day's important records; open items are all
records not yet 办结 at the time of the report (whenever they came in), because that is what
the next shift and the leaders need to see.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

from ..accounts import Permission, Session
from ..i18n import tr
from ..reports.daily import (
    DailyReportData,
    HandoverLine,
    IntakeLine,
    ShiftLine,
    render_daily_pdf,
    render_daily_xlsx,
)
from ..settings import Settings
from ..storage import Store
from ..timeutil import format_local, zone
from .handover import HandoverService
from .intake import CHANNELS, KINDS, IntakeService
from .shifts import ShiftService


def _line(row: dict, zone_name: str) -> IntakeLine:
    caller = " ".join(x for x in (row["caller_unit"], row["caller_name"], row["caller_phone"])
                      if x)
    return IntakeLine(row["serial"], format_local(row["received_at"], zone_name),
                      row["channel"], row["kind"], caller, row["content"], row["state"],
                      bool(row["important"]))


def gather(store: Store, session: Session, day: date) -> DailyReportData:
    """Everything the report for ``day`` shows."""
    session.require(Permission.READ)
    settings = Settings(store)
    zone_name = settings.get("ui.timezone")
    tz = zone(zone_name)
    start = datetime.combine(day, datetime.min.time(), tz)
    end = start + timedelta(days=1)
    intake = IntakeService(store, zone_name=zone_name)
    rows = intake.list(start=start, end=end, limit=5000)
    by_channel = Counter(r["channel"] for r in rows)
    by_kind = Counter(r["kind"] for r in rows)
    shifts = [ShiftLine(format_local(v.starts_at, zone_name), format_local(v.ends_at, zone_name),
                        v.leader_name, [p["display_name"] for p in v.operators], v.enhanced)
              for v in ShiftService(store).between(start, end)]
    handovers = [HandoverLine(
        format_local(h.incoming_signed_at or h.created_at, zone_name),
        h.outgoing["display_name"], h.incoming["display_name"] if h.incoming else tr("（未接班）"),
        len(h.open_items), h.notes) for h in HandoverService(store).between(start, end)]
    county = settings.get("county.name") or (store.scalar(
        "SELECT name FROM org_unit WHERE kind = 'county' LIMIT 1") or "")
    return DailyReportData(
        county=county, unit=tr("{county}应急管理局值班室", county=county), day=day,
        generated_at=store.clock.now(), zone=zone_name, prepared_by=session.display_name,
        shifts=shifts, total=len(rows),
        by_channel={c: by_channel[c] for c in CHANNELS if by_channel[c]},
        by_kind={k: by_kind[k] for k in KINDS if by_kind[k]},
        important=[_line(r, zone_name) for r in reversed(rows) if r["important"]],
        open_items=[_line(r, zone_name) for r in reversed(intake.list(open_only=True,
                                                                      limit=5000))],
        handovers=handovers)


def export_daily(store: Store, session: Session, day: date, *, pdf: str | Path | None = None,
                 xlsx: str | Path | None = None) -> list[Path]:
    """Write the day's report as PDF and/or xlsx; return the files written."""
    data = gather(store, session, day)
    written = []
    if pdf:
        written.append(render_daily_pdf(data, pdf))
    if xlsx:
        written.append(render_daily_xlsx(data, xlsx))
    return written
