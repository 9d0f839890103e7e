#!/usr/bin/env python3
"""Store write performance, as ratios against raw SQLite on the same machine and disk.

1. Durable single-record commit: one timeline entry per transaction through the audited
   writer (permission check, insert, read-back, audit row, hash, COMMIT with WAL +
   synchronous=FULL) against a bare ``INSERT`` + ``COMMIT`` of the same row on a connection
   with the same pragmas. Prints p50 / p99 latency of both and the p50 ratio.
2. Batch insert: 10,000 entries in one transaction through the writer against one
   ``executemany`` of the same rows in one transaction. Prints both rates and the ratio.

    python benchmarks/store_bench.py [--commits 1000] [--batch 10000]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from commandcentre.accounts import Permission, system_session  # noqa: E402
from commandcentre.storage import Store, new_id  # noqa: E402
from commandcentre.timeutil import to_storage  # noqa: E402

SESSION = system_session("bench")
TEXT = "接县气象局电话：预计今夜至明日青峪河上游有大到暴雨，局地大暴雨，请做好防范。"


def _incident(store: Store) -> str:
    now = to_storage(store.clock.now())
    with store.write(SESSION, Permission.INCIDENT_WRITE) as w:
        return w.insert("incident", {"title": "基准", "hazard": "防汛抗旱",
                                     "category": "自然灾害", "occurred_at": now,
                                     "received_at": now, "created_at": now})


def _row(incident: str, n: int) -> dict:
    now = to_storage(datetime.now(UTC))
    return {"id": new_id(), "incident_id": incident, "at": now, "kind": "note",
            "text": f"{TEXT}（{n}）", "data_json": "{}", "recorded_by": "bench",
            "recorded_at": now}


def _raw(path: Path) -> sqlite3.Connection:
    """A bare connection with the store's durability pragmas and the same table."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE timeline_event (id TEXT PRIMARY KEY, incident_id TEXT NOT NULL,"
                 " at TEXT NOT NULL, kind TEXT NOT NULL, text TEXT NOT NULL,"
                 " data_json TEXT NOT NULL, recorded_by TEXT NOT NULL,"
                 " recorded_at TEXT NOT NULL)")
    conn.execute("CREATE INDEX timeline_event_incident ON timeline_event (incident_id, at)")
    return conn


def _pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def single_commits(tmp: Path, n: int) -> tuple[list[float], list[float]]:
    store = Store.open(tmp / "ours.db")
    incident = _incident(store)
    ours = []
    for i in range(n):
        row = _row(incident, i)
        t0 = time.perf_counter()
        with store.write(SESSION, Permission.INCIDENT_WRITE) as w:
            w.insert("timeline_event", row)
        ours.append(time.perf_counter() - t0)
    store.close()
    conn = _raw(tmp / "raw.db")
    raw = []
    cols = list(_row("x", 0))
    sql = f"INSERT INTO timeline_event ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    for i in range(n):
        row = _row(incident, i)
        t0 = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(sql, list(row.values()))
        conn.execute("COMMIT")
        raw.append(time.perf_counter() - t0)
    conn.close()
    return ours, raw


def batch(tmp: Path, n: int) -> tuple[float, float]:
    store = Store.open(tmp / "ours-batch.db")
    incident = _incident(store)
    rows = [_row(incident, i) for i in range(n)]
    t0 = time.perf_counter()
    with store.write(SESSION, Permission.INCIDENT_WRITE) as w:
        for row in rows:
            w.insert("timeline_event", row)
    ours = n / (time.perf_counter() - t0)
    store.close()
    conn = _raw(tmp / "raw-batch.db")
    cols = list(rows[0])
    sql = f"INSERT INTO timeline_event ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    rows = [_row(incident, i) for i in range(n)]
    t0 = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(sql, [list(r.values()) for r in rows])
    conn.execute("COMMIT")
    raw = n / (time.perf_counter() - t0)
    conn.close()
    return ours, raw


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commits", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=10_000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=ROOT) as folder:  # same disk as the project
        tmp = Path(folder)
        ours, raw = single_commits(tmp, args.commits)
        o50, o99 = _pct(ours, 50) * 1e3, _pct(ours, 99) * 1e3
        r50, r99 = _pct(raw, 50) * 1e3, _pct(raw, 99) * 1e3
        print(f"durable single commit (n={args.commits}): ours p50 {o50:.3f} ms p99 {o99:.3f} ms;"
              f" raw sqlite p50 {r50:.3f} ms p99 {r99:.3f} ms; p50 ratio {o50 / r50:.2f}x,"
              f" p99 ratio {o99 / r99:.2f}x")
        ours_rate, raw_rate = batch(tmp, args.batch)
        print(f"batch insert (n={args.batch}, one transaction): ours {ours_rate:,.0f} rows/s;"
              f" raw executemany {raw_rate:,.0f} rows/s; ours/raw {ours_rate / raw_rate:.3f}"
              f" ({raw_rate / ours_rate:.1f}x slower: an audit row and its hash per record)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
