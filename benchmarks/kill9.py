#!/usr/bin/env python3
"""Kill -9 in the middle of writing: nothing reported as committed may be lost.

A child process writes ``--records`` timeline entries (10,000 by default), one durable
transaction each, printing each record's id only after its commit returned. The parent kills
it with SIGKILL at a random moment, then reopens the store and checks that every printed id is
there and that ``verify`` passes. Repeated ``--trials`` times.

    python benchmarks/kill9.py --trials 20
"""

from __future__ import annotations

import argparse
import os
import random
import selectors
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from commandcentre.accounts import AccountService, Permission, system_session  # noqa: E402
from commandcentre.storage import Store  # noqa: E402
from commandcentre.storage.verify import verify_store  # noqa: E402
from commandcentre.timeutil import to_storage  # noqa: E402

PASSWORD = "kill9-pass-2026"


def prepare(path: Path) -> str:
    """A store with one operator and one incident; returns the incident id."""
    with Store.open(path) as store:
        AccountService(store).create(system_session("bench"), username="op",
                                     display_name="值班员", role="operator", password=PASSWORD)
        now = to_storage(store.clock.now())
        with store.write(system_session("bench"), Permission.INCIDENT_WRITE) as w:
            return w.insert("incident", {
                "title": "断电测试", "hazard": "地震", "category": "自然灾害",
                "occurred_at": now, "received_at": now, "created_at": now})


def child(path: str, incident: str, records: int) -> None:
    """Write ``records`` entries, printing each id once it is durably committed."""
    store = Store.open(path)
    session = AccountService(store).authenticate("op", PASSWORD)
    out = sys.stdout
    for n in range(records):
        now = to_storage(store.clock.now())
        with store.write(session, Permission.INCIDENT_WRITE) as w:
            rid = w.insert("timeline_event", {
                "incident_id": incident, "at": now, "kind": "note",
                "text": f"第 {n} 条值班记录：接群众电话报告，某村道路塌方一处。",
                "recorded_by": "op", "recorded_at": now})
        out.write(rid + "\n")  # only now is it "saved" as far as the operator knows
        out.flush()
    store.close()


@dataclass
class Trial:
    reported: int
    found: int
    lost: int
    verify_ok: bool
    seconds_before_kill: float


def trial(workdir: Path, *, records: int, kill_after: float) -> Trial:
    """One run: start the writer, kill it after ``kill_after`` s of writing, check the file."""
    path = workdir / f"kill9-{time.monotonic_ns()}.db"
    incident = prepare(path)
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", str(path), incident, str(records)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ,
                                                             "PYTHONPATH": str(ROOT)})
    assert proc.stdout is not None
    buffer = b""
    reported: list[str] = []
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    started: float | None = None
    while True:
        if started is not None and time.monotonic() - started >= kill_after:
            break
        if not selector.select(timeout=0.05):
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        buffer += chunk
        *lines, buffer = buffer.split(b"\n")
        reported += [line.decode() for line in lines if line]
        if reported and started is None:
            started = time.monotonic()  # the clock starts at the first committed record
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # Lines fully written before the kill count as reported too.
    rest = proc.stdout.read()
    buffer += rest
    *lines, _partial = buffer.split(b"\n")
    reported += [line.decode() for line in lines if line]
    selector.close()
    proc.stdout.close()
    proc.stderr.close()  # type: ignore[union-attr]
    with Store.open(path) as store:
        present = {r["id"] for r in store.query("SELECT id FROM timeline_event")}
    lost = [rid for rid in reported if rid not in present]
    ok = verify_store(path).ok
    return Trial(len(reported), len(present), len(lost), ok, kill_after)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--max-seconds", type=float, default=4.0,
                        help="kill at a random moment up to this long after the first commit")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--child", nargs=3, metavar=("DB", "INCIDENT", "N"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], int(args.child[2]))
        return 0
    rng = random.Random(args.seed)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(args.trials):
            result = trial(Path(tmp), records=args.records,
                           kill_after=rng.uniform(0.05, args.max_seconds))
            failures += bool(result.lost or not result.verify_ok)
            print(f"kill9 trial {n + 1}: killed after {result.seconds_before_kill:.2f} s,"
                  f" reported {result.reported}, in store {result.found}, lost {result.lost},"
                  f" verify {'ok' if result.verify_ok else 'FAILED'}")
    print(f"kill9: {args.trials} trials, {failures} with lost or broken records")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
