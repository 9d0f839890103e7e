#!/usr/bin/env python3
"""Intake record performance over a realistic 100,000-record duty log, against plain scans.

1. Saving one intake record (validation, serial, audit row, search index, durable COMMIT):
   p50 / p99 over ``--saves`` saves on the full store.
2. Listing and searching (newest 200 matches, the GUI's page size): each query's median time,
   next to the same question answered by a plain scan of the same rows (SQLite ``instr`` over
   the base table, which is what a LIKE/instr design would do); ratio = scan / ours.

    python benchmarks/intake_bench.py [--records 100000] [--saves 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from commandcentre.accounts import AccountService, Role, system_session  # noqa: E402
from commandcentre.duty.intake import CHANNELS, KINDS, IntakeInput, IntakeService  # noqa: E402
from commandcentre.storage import Store  # noqa: E402

PLACES = ["竹箐乡鹿子坪村", "澜溪镇黑泥沟村", "岚桥化工园区", "凤鸣街道", "云坝镇翠湾村",
          "杉坪镇大箐村", "松垭镇", "雾青高速K38+200"]
EVENTS = ["发现山火，过火面积约{n}亩", "发生山体滑坡，转移群众{n}人", "危化品运输车侧翻，疑似泄漏",
          "道路塌方{n}米，交通中断", "感觉到明显震动，房屋有裂缝", "暴雨致{n}户进水",
          "停电，影响{n}户", "PDT 370MHz 组呼9001信号中断", "群众咨询避难场所位置",
          "县气象台发布暴雨黄色预警", "市应急局要求报送隐患排查情况"]
UNITS = ["县林业局", "县气象局", "县水务局", "竹箐乡人民政府", "岚桥镇人民政府", "县公安局",
         "县消防救援大队", "市应急管理局", "群众"]


RARE = ["青峪县发生4.2级地震，震源深度10千米", "液氯储罐区有毒气体报警器报警",
        "护林员在老鹰岩发现雷击火"]


def fake(rng: random.Random, now) -> IntakeInput:
    place = rng.choice(PLACES)
    event = rng.choice(RARE) if rng.random() < 0.002 else rng.choice(EVENTS)
    return IntakeInput(
        content=f"{place}{event.format(n=rng.randint(1, 300))}。",
        channel=rng.choice(CHANNELS), kind=rng.choice(KINDS), caller_unit=rng.choice(UNITS),
        caller_name=rng.choice("王李张刘陈杨黄赵") + rng.choice("明刚华芳军丽"),
        caller_phone=f"139{rng.randint(0, 99999999):08d}", location=place,
        received_at=now - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60)),
        important=rng.random() < 0.05)


def timed(fn, repeat: int = 7) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--saves", type=int, default=300)
    args = parser.parse_args(argv)
    rng = random.Random(2026)
    with tempfile.TemporaryDirectory(dir=ROOT) as folder:
        store = Store.open(Path(folder) / "intake.db")
        AccountService(store).create(system_session("bench"), username="op",
                                     display_name="值班员", role=Role.OPERATOR,
                                     password="bench-pass-2026")
        op = AccountService(store).authenticate("op", "bench-pass-2026")
        service = IntakeService(store)
        now = store.clock.now()
        t0 = time.perf_counter()
        for start in range(0, args.records, 5000):
            batch = [fake(rng, now) for _ in range(min(5000, args.records - start))]
            service.record_many(op, batch)
        load = time.perf_counter() - t0
        print(f"loaded {args.records:,} records in {load:.1f} s"
              f" ({args.records / load:,.0f} records/s, audited, indexed)")

        saves = []
        for _ in range(args.saves):
            item = fake(rng, now)
            item.received_at = None
            t0 = time.perf_counter()
            service.record(op, item)
            saves.append(time.perf_counter() - t0)
        q = statistics.quantiles(saves, n=100, method="inclusive")
        print(f"save one intake record on a {args.records:,}-record store (n={args.saves}):"
              f" p50 {q[49] * 1e3:.2f} ms, p99 {q[98] * 1e3:.2f} ms")

        def scan(term: str) -> list:
            # The same question without the index: every current version, substring test.
            return store.query(
                "SELECT r.id FROM intake_record r WHERE NOT EXISTS (SELECT 1 FROM intake_record"
                " c WHERE c.corrects_id = r.id) AND (instr(r.content, ?) > 0 OR"
                " instr(r.caller_unit || r.caller_name || r.caller_phone, ?) > 0 OR"
                " instr(r.location, ?) > 0) ORDER BY r.received_at DESC LIMIT 200",
                (term, term, term))

        ours, rows = timed(lambda: service.list(limit=200))
        print(f"list newest 200 (no filter): {ours * 1e3:.1f} ms, {len(rows)} rows")
        ours, rows = timed(lambda: service.list(open_only=True, limit=200))
        print(f"list open items (newest 200): {ours * 1e3:.1f} ms, {len(rows)} rows")
        ours, rows = timed(lambda: service.list(channel="电台", important=True, limit=200))
        print(f"filter channel + 要情: {ours * 1e3:.1f} ms, {len(rows)} rows")
        # Common terms (thousands of matches) and rare ones (a few dozen), 1 to 6 characters.
        for term in ("火", "危化品", "370MHz", "黑泥沟村", "地震", "雷击火", "有毒气体报警"):
            ours, rows = timed(lambda t=term: service.list(text=t, limit=200))
            plain, ref = timed(lambda t=term: scan(t))
            print(f"search {term!r}: ours {ours * 1e3:.1f} ms ({len(rows)} rows);"
                  f" plain scan {plain * 1e3:.1f} ms ({len(ref)} rows); scan/ours"
                  f" {plain / ours:.1f}x")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
