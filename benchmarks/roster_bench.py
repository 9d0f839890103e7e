#!/usr/bin/env python3
"""Roster import over a 50,000-row members sheet typed the way offices type it (merged title
row, 填报单位 line, 序号, phones stored as numbers, full-width digits in PDT ids, padded
names), against reading the same file with openpyxl alone.

1. reference: openpyxl read-only, every cell value of the sheet (the floor for any importer);
2. dry run (preview: every row read, checked and planned against the store, nothing written):
   time, and ratio = dry run / reference;
3. peak Python memory of the dry run (tracemalloc, a separate run, since tracing slows it);
4. import (the same plan written in one audited transaction: member rows + audit rows):
   time, rows per second, and the process's peak resident size (ru_maxrss) after it.

    python benchmarks/roster_bench.py [--rows 50000] [--teams 500]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from commandcentre.accounts import Permission, system_session  # noqa: E402
from commandcentre.rosters import import_register, preview_import  # noqa: E402
from commandcentre.storage import Store  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥"
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def build_sheet(path: Path, rows: int, teams: list[str], rng: random.Random) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)  # a 50,000-row sheet is built fast only this way
    ws = book.create_sheet("花名册")
    ws.append(["青峪县应急救援队员花名册"])
    ws.append(["填报单位：青峪县应急管理局    填报日期：2026年3月1日"])
    ws.append(["序号", "姓  名", "所属队伍", "职务", "手机号码", "PDT号", "北斗卡号", "政治面貌",
               "是否民兵", "身份证号"])
    for n in range(1, rows + 1):
        # distinct names (a padded one now and then), spread over the teams
        k = (n * 7919) % (len(SURNAMES) * len(GIVEN) ** 2)
        s, rest = divmod(k, len(GIVEN) ** 2)
        name = SURNAMES[s] + GIVEN[rest // len(GIVEN)] + ("　" if rng.random() < 0.2 else "") \
            + GIVEN[rest % len(GIVEN)]
        pdt = f"{3000000 + n}"
        ws.append([n, name, teams[n % len(teams)], "队员" if n % 10 else "班长",
                   float(13000000000 + n),                        # a phone stored as a number
                   pdt.translate(WIDE) if n % 3 == 0 else pdt,    # full-width digits
                   4000000 + n if n % 2 else None,
                   "中共党员" if n % 4 == 0 else "群众", "是" if n % 5 == 0 else "否",
                   f"530000{19700101 + n % 9000:08d}{n % 10000:04d}"])
    ws.append([])
    ws.append(["制表人：王晓", None, "审核人：李强"])
    book.save(path)


def read_raw(path: Path) -> int:
    from openpyxl import load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(1 for row in book.active.iter_rows(values_only=True) for _ in row)
    finally:
        book.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--teams", type=int, default=500)
    args = parser.parse_args(argv)
    rng = random.Random(2026)
    session = system_session("bench")
    with tempfile.TemporaryDirectory(dir=ROOT) as folder:
        store = Store.open(Path(folder) / "rosters.db")
        names = [f"第{n:03d}应急分队" for n in range(args.teams)]
        with store.write(session, Permission.REGISTER_WRITE) as w:
            for name in names:
                w.insert("team", {"name": name, "category": "乡镇应急队", "level": "乡镇",
                                  "headcount": 100})
        sheet = Path(folder) / "members.xlsx"
        build_sheet(sheet, args.rows, names, rng)
        print(f"sheet: {args.rows} rows, {sheet.stat().st_size / 1e6:.1f} MB")

        t0 = time.perf_counter()
        cells = read_raw(sheet)
        reference = time.perf_counter() - t0
        print(f"reference (openpyxl read-only, {cells} cells): {reference:.2f} s")

        t0 = time.perf_counter()
        preview = preview_import(store, session, "people", sheet)
        dry = time.perf_counter() - t0
        assert preview.ok and preview.counts["insert"] == args.rows, preview.problems[:5]
        print(f"dry run: {dry:.2f} s ({args.rows / dry:,.0f} rows/s); "
              f"ratio to reference: {dry / reference:.2f}")
        del preview

        tracemalloc.start()
        preview_import(store, session, "people", sheet)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"dry run peak Python memory (tracemalloc): {peak / 2**20:.0f} MiB "
              f"({peak / args.rows:,.0f} bytes/row)")

        audit_before = store.scalar("SELECT count(*) FROM audit_log")
        t0 = time.perf_counter()
        result = import_register(store, session, "people", sheet)
        took = time.perf_counter() - t0
        assert result.written and store.scalar("SELECT count(*) FROM member") == args.rows
        audit = store.scalar("SELECT count(*) FROM audit_log") - audit_before
        print(f"import (one transaction, {audit} audit rows): {took:.2f} s "
              f"({args.rows / took:,.0f} rows/s); ratio to reference: {took / reference:.2f}")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
        print(f"process peak resident size after import (ru_maxrss): {rss / 1024:.0f} MiB")
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
