#!/usr/bin/env python3
"""Situation-report generation for a big incident, against reportlab laying out the same text.

An incident with ``--events`` timeline entries (2,000) and ``--snapshots`` casualty snapshots
(50): time to build the 首报 draft from the store, time to render the PDF (official layout,
embedded CJK font, Chinese line-breaking, chart), and, side by side, reportlab's own time to
lay out the same text plainly (SimpleDocTemplate, one Paragraph per line, same font) — the
ratio is what the official-document look costs.

    python benchmarks/sitrep_bench.py [--events 2000] [--snapshots 50]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.lib.styles import ParagraphStyle  # noqa: E402
from reportlab.platypus import Paragraph, SimpleDocTemplate  # noqa: E402

from commandcentre.accounts import AccountService, Permission, system_session  # noqa: E402
from commandcentre.demo import DEMO_PASSWORD, build_demo  # noqa: E402
from commandcentre.hazards import load_hazards  # noqa: E402
from commandcentre.incidents.model import FIGURES, IncidentInput  # noqa: E402
from commandcentre.incidents.service import IncidentService  # noqa: E402
from commandcentre.reports.fonts import cjk_fonts  # noqa: E402
from commandcentre.reports.sitrep import SECTIONS, render_sitrep_pdf  # noqa: E402
from commandcentre.reports.sitrep_service import SitrepService  # noqa: E402
from commandcentre.storage import Store  # noqa: E402
from commandcentre.timeutil import to_storage  # noqa: E402


def build(path: Path, events: int, snapshots: int):
    build_demo(path)
    store = Store.open(path)
    hazards, _ = load_hazards(store)
    op = AccountService(store).authenticate("zhiban", DEMO_PASSWORD)
    now = store.clock.now()
    start = now - timedelta(days=3)
    iid = IncidentService(store, hazards).create(op, IncidentInput(
        title="竹箐乡老鹰岩森林火灾", hazard="forest_fire", occurred_at=start,
        received_at=start + timedelta(minutes=8), township="竹箐乡", place="老鹰岩",
        summary="竹箐乡老鹰岩林区发生森林火灾，火场位于海拔1800米山脊。"))
    kinds = ("note", "dispatch", "radio")
    step = timedelta(days=3) / (events + snapshots + 2)
    with store.write(system_session("bench"), Permission.INCIDENT_WRITE) as w:
        for n in range(events):
            at = to_storage(start + step * (n + 1))
            w.insert("timeline_event", {
                "incident_id": iid, "at": at, "kind": kinds[n % 3],
                "text": f"第{n}条：北线扑火队沿山脊推进，清理烟点{n % 17}处，火线长约{n % 9}公里。",
                "recorded_by": "op", "recorded_at": at})
        for n in range(snapshots):
            at = to_storage(start + step * (events + n + 1))
            figures = {k: 0 for k in FIGURES}
            figures.update({"injured": n // 5, "relocated": 100 + 10 * n})
            w.insert("casualty_snapshot", {"incident_id": iid, "at": at, **figures,
                                           "source": "竹箐乡政府", "recorded_by": "op",
                                           "recorded_at": at})
    return store, hazards, iid


def plain_reference(draft, path: Path) -> float:
    fonts = cjk_fonts()
    style = ParagraphStyle("plain", fontName=fonts.regular, fontSize=12, leading=18)
    story = [Paragraph(draft.title, style)]
    for key, heading in SECTIONS:
        story.append(Paragraph(heading, style))
        story += [Paragraph(line, style) for line in getattr(draft, key).split("\n") if line]
    t0 = time.perf_counter()
    SimpleDocTemplate(str(path), pagesize=A4).build(story)
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--snapshots", type=int, default=50)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        store, hazards, iid = build(tmp / "bench.db", args.events, args.snapshots)
        service = SitrepService(store, hazards)
        t0 = time.perf_counter()
        draft = service.draft(iid, "首报")
        drafting = time.perf_counter() - t0
        t0 = time.perf_counter()
        out = render_sitrep_pdf(draft, tmp / "sitrep.pdf", generated_at=store.clock.now(),
                                signer="段志刚")
        rendering = time.perf_counter() - t0
        reference = plain_reference(draft, tmp / "plain.pdf")
        lines = sum(len(getattr(draft, k).split("\n")) for k, _ in SECTIONS)
        print(f"sitrep draft from the store ({args.events} events, {args.snapshots} snapshots):"
              f" {drafting * 1e3:.0f} ms")
        print(f"sitrep PDF render ({lines} lines, {out.stat().st_size // 1024} KiB, chart,"
              f" embedded font): {rendering:.2f} s; reportlab plain layout of the same text:"
              f" {reference:.2f} s; ratio {rendering / reference:.2f}x")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
