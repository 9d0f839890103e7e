#!/usr/bin/env python3
"""Serial-to-store ingest rate: a BeiDou terminal on a real pty, the real SerialLink, the store.

The simulated terminal (``PtyTerminal``) writes ``--n`` NMEA RMC position reports with a
Chinese ``$BDTXR`` short message every ``--message-every`` of them, as fast as the pty takes
them (a pty has no baud rate: this is a backlog / burst rate, not a line rate). The program's
``SerialLink`` reads and decodes them on its reader thread and queues the events; the main
thread stores them into a copy of the demo county, with one real incident being handled so
that each message also lands on its timeline. In one run, side by side:

1. decode only: pty + link, events counted and dropped (the ceiling for the rest);
2. (a) batched: drain the queue and call ``CommsService.ingest`` once per batch, as
   ``commandcentre comms listen`` does (one audited transaction, one fsync, a batch);
3. (b) per event: ``ingest`` once per event (one transaction and fsync each), on the first
   ``--per-event`` events (fsync-bound, so fewer make the same point in less time);
4. (c) the reference: the rows (a) stored, as plain ``INSERT``s into bare tables of the same
   shape on a connection with the same pragmas (WAL, synchronous=FULL), with (a)'s own batch
   sizes, one transaction a batch — no audit chain, no roster look-ups, no read-back.

Prints events/s for each and the ratios, then checks every store: the ``position_report`` and
``comms_message`` counts equal what was sent and ``verify_store`` (``commandcentre verify``)
passes; exits 1 otherwise.

    python -m benchmarks.comms_ingest_bench [--n 20000] [--per-event 2000]
"""

from __future__ import annotations

import argparse
import queue
import sqlite3
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from commandcentre.accounts import AccountService, system_session  # noqa: E402
from commandcentre.comms.events import Decoded, Position, Reject, ShortMessage  # noqa: E402
from commandcentre.comms.link import SerialLink  # noqa: E402
from commandcentre.comms.service import CommsService  # noqa: E402
from commandcentre.comms.simulator import PtyTerminal, SimulatedTerminal  # noqa: E402
from commandcentre.demo import DEMO_PASSWORD, build_demo  # noqa: E402
from commandcentre.hazards import load_hazards  # noqa: E402
from commandcentre.incidents.model import IncidentInput  # noqa: E402
from commandcentre.incidents.service import IncidentService  # noqa: E402
from commandcentre.storage import Store, new_id  # noqa: E402
from commandcentre.storage.verify import verify_store  # noqa: E402
from commandcentre.timeutil import to_storage  # noqa: E402

DEVICE = "北斗指挥机"
MESSAGES = ["北线火头已扑灭，正在清理余火", "竹箐乡鹿子坪村发现山火，过火面积约2公顷",
            "澜溪镇黑泥沟村山体滑坡，转移群众136人", "二分队已到达老鹰岩，请求补给饮用水",
            "平安", "风向转西北，东侧防火隔离带需加宽"]
LINE_BAUD = 115200  # the terminal's usual setting, 8N1: 10 bits on the wire per byte
STALL_S = 10.0  # no event for this long means bytes were lost: stop and report


def county(path: Path) -> tuple[str, str]:
    """The demo county with one real incident being handled; return (device card, team)."""
    build_demo(path, plans=False)
    with Store.open(path) as store:
        op = AccountService(store).authenticate("zhiban", DEMO_PASSWORD)
        IncidentService(store, load_hazards()[0]).create(op, IncidentInput(
            title="老鹰岩山火", hazard="forest_fire",
            occurred_at=store.clock.now() - timedelta(minutes=30)))
        row = store.one("SELECT m.beidou_card AS card, t.name AS team FROM member m JOIN team t"
                        " ON t.id = m.team_id WHERE m.beidou_card IS NOT NULL ORDER BY m.rowid"
                        " LIMIT 1")
        return row["card"], row["team"]


def stream(n: int, every: int, cards: list[str]) -> tuple[bytes, int, int]:
    """n RMC fixes walking up a valley, a short message (known card or not) every ``every``."""
    parts, messages = [], 0
    for i in range(n):
        s = i % 86400
        when = f"{s // 3600:02d}{s // 60 % 60:02d}{s % 60:02d}.00"
        parts.append(SimulatedTerminal.position(25.86 + (i % 2000) * 0.00005,
                                                99.52 + (i % 3000) * 0.00004, when=when))
        if every and i % every == every - 1:
            sender = cards[messages % len(cards)] if messages % 4 else "0999999"
            parts.append(SimulatedTerminal.message(sender, MESSAGES[messages % len(MESSAGES)],
                                                   mode="mixed" if messages % 3 == 0 else
                                                   "hanzi"))
            messages += 1
    return b"".join(parts), n, messages


class Run:
    """One pass of the bytes through a fresh pty and SerialLink into ``consume``."""

    def __init__(self, data: bytes, expected: int):
        self.data, self.expected = data, expected
        self.events: queue.Queue = queue.Queue()
        self.rejects = 0
        self.received = 0
        self.stalled = False

    def take(self, block: bool) -> list:
        """What the link queued (waiting for the first when ``block``), as cmd_listen does."""
        batch = []
        try:
            batch.append(self.events.get(timeout=STALL_S) if block else
                         self.events.get_nowait())
            while True:
                batch.append(self.events.get_nowait())
        except queue.Empty:
            pass
        if block and not batch:
            self.stalled = True
        for item in batch:
            self.rejects += isinstance(item, Reject)
        self.received += len(batch)
        return [item for item in batch if isinstance(item, Decoded)]

    def go(self, consume) -> float:
        """Feed the bytes, call ``consume(self)`` until it has seen them all; return seconds."""
        terminal = PtyTerminal()
        link = SerialLink("bench", terminal.path, dialect="beidou", on_event=self.events.put)
        link.start()
        deadline = time.monotonic() + 5
        while link.state != "connected" and time.monotonic() < deadline:
            time.sleep(0.01)
        if link.state != "connected":
            raise SystemExit(f"link did not connect to {terminal.path}")

        def feed() -> None:
            for i in range(0, len(self.data), 4096):
                terminal.write(self.data[i:i + 4096])

        feeder = threading.Thread(target=feed, name="bench-feed", daemon=True)
        t0 = time.perf_counter()
        feeder.start()
        try:
            while self.received < self.expected and not self.stalled:
                consume(self)
            elapsed = time.perf_counter() - t0
        finally:
            feeder.join(STALL_S)
            link.stop()
            terminal.close()
        self.rejects += sum(link.decoder.rejects.values())
        return elapsed


def decode_only(data: bytes, expected: int) -> tuple[float, Run]:
    run = Run(data, expected)
    return run.go(lambda r: r.take(block=True)), run


def batched(path: Path, data: bytes, expected: int):
    """(a): one ingest a batch; return (seconds, run, seconds inside ingest, batch sizes)."""
    store = Store.open(path)
    service = CommsService(store)
    device = service.device(DEVICE)["id"]
    sizes: list[int] = []
    spent = [0.0]
    captured: list = []

    def consume(run: Run) -> None:
        batch = run.take(block=True)
        if batch:
            t = time.perf_counter()
            service.ingest(device, batch, device_name=DEVICE)
            spent[0] += time.perf_counter() - t
            sizes.append(len(batch))
            captured.extend(batch)

    run = Run(data, expected)
    try:
        elapsed = run.go(consume)
    finally:
        store.close()
    return elapsed, run, spent[0], sizes, captured


def per_event(path: Path, data: bytes, expected: int) -> tuple[float, Run, float]:
    """(b): one ingest (one transaction, one fsync) per event."""
    store = Store.open(path)
    service = CommsService(store)
    device = service.device(DEVICE)["id"]
    spent = [0.0]

    def consume(run: Run) -> None:
        for item in run.take(block=True):
            t = time.perf_counter()
            service.ingest(device, [item], device_name=DEVICE)
            spent[0] += time.perf_counter() - t

    run = Run(data, expected)
    try:
        elapsed = run.go(consume)
    finally:
        store.close()
    return elapsed, run, spent[0]


RAW_SCHEMA = """
CREATE TABLE comms_message (id TEXT PRIMARY KEY, device_id TEXT NOT NULL,
    direction TEXT NOT NULL, peer TEXT NOT NULL, member_id TEXT, team_id TEXT,
    text TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
    reference TEXT, note TEXT NOT NULL DEFAULT '', incident_id TEXT, at TEXT NOT NULL,
    updated_at TEXT NOT NULL);
CREATE INDEX comms_message_peer ON comms_message (peer, at);
CREATE INDEX comms_message_at ON comms_message (at);
CREATE TABLE position_report (id TEXT PRIMARY KEY, device_id TEXT NOT NULL,
    source TEXT NOT NULL, member_id TEXT, team_id TEXT, lat REAL NOT NULL, lon REAL NOT NULL,
    fix_time TEXT, received_at TEXT NOT NULL);
CREATE INDEX position_report_team ON position_report (team_id, received_at);
"""


def raw(path: Path, events: list, sizes: list[int], card: str) -> tuple[float, int]:
    """(c): the same rows, bare INSERTs, (a)'s batch sizes, one transaction a batch."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.executescript(RAW_SCHEMA)
    pos_sql = ("INSERT INTO position_report (id, device_id, source, member_id, team_id, lat,"
               " lon, fix_time, received_at) VALUES (?,?,?,?,?,?,?,?,?)")
    msg_sql = ("INSERT INTO comms_message (id, device_id, direction, peer, member_id, team_id,"
               " text, status, incident_id, at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)")
    device, member, team, incident = new_id(), new_id(), new_id(), new_id()
    t0 = time.perf_counter()
    start = 0
    for size in sizes:
        now = to_storage(datetime.now(UTC))
        positions, messages = [], []
        for item in events[start:start + size]:
            event = item.event
            if isinstance(event, Position):
                fix = event.fix_time
                positions.append((new_id(), device, card, member, team, float(event.lat),
                                  float(event.lon), to_storage(fix) if fix else None, now))
            elif isinstance(event, ShortMessage):
                messages.append((new_id(), device, "in", event.sender, member, team,
                                 event.text, "received", incident, now, now))
        start += size
        conn.execute("BEGIN IMMEDIATE")
        conn.executemany(pos_sql, positions)
        conn.executemany(msg_sql, messages)
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - t0
    count = conn.execute("SELECT (SELECT count(*) FROM position_report) +"
                         " (SELECT count(*) FROM comms_message)").fetchone()[0]
    conn.close()
    return elapsed, count


def check(path: Path, positions: int, messages: int, radio_before: int,
          label: str) -> list[str]:
    """What is wrong with the store at ``path`` after a run (nothing, we hope)."""
    problems = []
    with Store.open(path, readonly=True, migrate=False) as store:
        got_p = store.scalar("SELECT count(*) FROM position_report")
        got_m = store.scalar("SELECT count(*) FROM comms_message WHERE direction = 'in'")
        radio = store.scalar("SELECT count(*) FROM timeline_event WHERE kind = 'radio'"
                             ) - radio_before
    if got_p != positions:
        problems.append(f"{label}: {got_p} position_report rows, {positions} sent")
    if got_m != messages:
        problems.append(f"{label}: {got_m} comms_message rows, {messages} sent")
    if radio != messages:
        problems.append(f"{label}: {radio} radio timeline entries, {messages} messages sent")
    report = verify_store(path)
    if not report.ok:
        problems += [f"{label}: verify: {p.message}" for p in report.problems[:5]]
    print(f"check {label}: position_report {got_p:,}/{positions:,}, comms_message "
          f"{got_m:,}/{messages:,}, new radio timeline entries {radio:,}; verify "
          f"{'ok' if report.ok else 'FAILED'} ({report.audit_rows:,} audit rows, "
          f"{report.records_checked:,} records checked)")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="position reports to send")
    parser.add_argument("--message-every", type=int, default=50,
                        help="a short message after every this many positions")
    parser.add_argument("--per-event", type=int, default=2000,
                        help="positions for the per-event run (at most --n)")
    args = parser.parse_args(argv)
    n_slow = min(args.per_event, args.n)

    with tempfile.TemporaryDirectory(dir=ROOT) as folder:  # same disk as the project
        tmp = Path(folder)
        base = tmp / "county.db"
        card, team = county(base)
        with Store.open(base) as store:
            CommsService(store).add_device(system_session("bench"), name=DEVICE,
                                           protocol="beidou", port="/dev/ttyUSB0",
                                           address=card, team=team)
            cards = [r["beidou_card"] for r in store.query(
                "SELECT beidou_card FROM member WHERE beidou_card IS NOT NULL ORDER BY rowid"
                " LIMIT 40")]
            radio_before = store.scalar("SELECT count(*) FROM timeline_event WHERE"
                                        " kind = 'radio'")
            for name in ("batched.db", "per-event.db"):
                store.backup(tmp / name)

        data, positions, messages = stream(args.n, args.message_every, cards)
        total = positions + messages
        slow_data, slow_pos, slow_msg = stream(n_slow, args.message_every, cards)
        slow_total = slow_pos + slow_msg
        problems: list[str] = []

        t_dec, run_dec = decode_only(data, total)
        t_a, run_a, in_a, sizes, captured = batched(tmp / "batched.db", data, total)
        t_b, run_b, in_b = per_event(tmp / "per-event.db", slow_data, slow_total)
        t_c, raw_count = raw(tmp / "raw.db", captured, sizes, card)
        for label, run, want in (("decode only", run_dec, total), ("batched", run_a, total),
                                 ("per event", run_b, slow_total)):
            if run.stalled or run.received != want or run.rejects:
                problems.append(f"{label}: {run.received:,} of {want:,} events, "
                                f"{run.rejects} rejects{' (stalled)' if run.stalled else ''}")
        if raw_count != len(captured):
            problems.append(f"raw: {raw_count} rows, {len(captured)} events")

        r_dec, r_a, r_b, r_c = total / t_dec, total / t_a, slow_total / t_b, len(captured) / t_c
        line_rate = LINE_BAUD / 10 / (len(data) / total)
        rows = [("decode only: pty + SerialLink, no store", total, 0, t_dec, r_dec),
                ("(a) batched ingest: pty + link + store", total, len(sizes), t_a, r_a),
                ("    of which inside CommsService.ingest", total, len(sizes), in_a,
                 total / in_a),
                ("(b) per-event ingest: pty + link + store", slow_total, slow_total, t_b, r_b),
                ("    of which inside CommsService.ingest", slow_total, slow_total, in_b,
                 slow_total / in_b),
                ("(c) raw sqlite, (a)'s rows and batches", len(captured), len(sizes), t_c, r_c)]
        print(f"{positions:,} RMC positions + {messages:,} BDTXR short messages "
              f"({len(data) / 1e6:.2f} MB) over a pty; per-event run on the first "
              f"{slow_total:,} events")
        print(f"{'path':<44}{'events':>8}{'commits':>9}{'seconds':>9}{'events/s':>11}")
        for label, events, commits, seconds, speed in rows:
            print(f"{label:<44}{events:>8,}{commits:>9,}{seconds:>9.2f}{speed:>11,.0f}")
        print(f"(a) batches: {len(sizes):,}, mean {total / len(sizes):,.1f} events, "
              f"largest {max(sizes):,}")
        print(f"ratio batched / per-event: {r_a / r_b:.1f}x (end to end), "
              f"{(total / in_a) / (slow_total / in_b):.1f}x (inside ingest)")
        print(f"ratio batched / raw sqlite: {r_a / r_c:.3f} end to end, "
              f"{(total / in_a) / r_c:.3f} inside ingest ({in_a / t_c:.1f}x the raw "
              "time: audit row + hash + read-back + roster look-ups per event)")
        print(f"for scale: one port at {LINE_BAUD} baud carries at most ~{line_rate:,.0f} of "
              "these events/s")

        problems += check(tmp / "batched.db", positions, messages, radio_before, "batched")
        problems += check(tmp / "per-event.db", slow_pos, slow_msg, radio_before, "per event")
    for problem in problems:
        print(f"FAILED: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
