#!/usr/bin/env python3
"""Plan library search over a synthetic corpus of 2,000 plans, against a plain LIKE scan.

1. Build: importing the corpus through PlanService (parse, audited rows, search rows, one
   transaction per batch), and rebuilding only the search index from the stored sections.
2. Search: p50 / p95 of ``PlanService.search`` (bm25-ranked, top 20, snippets made) for
   1-, 2- and 4-character queries, common and rare, and for the prefixes of a query as it is
   typed; next to the same question answered by a plain ``LIKE '%q%'`` scan of the sections
   in the same run: stopping at the first 20 rows (what an unranked list could show) and
   finding every match (what ranking them would need).

    python benchmarks/plans_bench.py [--plans 2000] [--repeat 30] [--size 1]
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from commandcentre.accounts import system_session  # noqa: E402
from commandcentre.plans import PlanFilter, PlanService  # noqa: E402
from commandcentre.storage import Store, migrations  # noqa: E402
from commandcentre.storage.migrations import m1_8  # noqa: E402

HAZARDS = [("森林草原火灾", "forest_fire"), ("防汛抗旱", "flood"),
           ("地质灾害", "geological_hazard"), ("地震", "earthquake"),
           ("危险化学品事故", "hazardous_chemicals"),
           ("生产安全事故", "production_safety"), ("城市火灾", "urban_fire"),
           ("道路交通事故", "road_traffic"), ("气象灾害", "meteorological")]
TYPES = ["专项", "专项", "专项", "部门", "乡镇简明操作手册", "企业现场处置方案", "重大活动",
         "专项救援行动方案"]
PLACES = ["竹箐乡", "澜溪镇", "岚桥镇", "凤鸣街道", "云坝镇", "杉坪镇", "松垭镇", "鹿子坪村",
          "黑泥沟村", "翠湾水库", "岚桥化工园区", "雾青高速"]
UNITS = ["县应急管理局", "县林业和草原局", "县水务局", "县自然资源局", "县公安局",
         "县卫生健康局", "县交通运输局", "县民政局", "县气象局", "县消防救援大队",
         "事发地乡镇（街道）", "县供电公司"]
PHRASES = ["做好人员转移安置和物资保障工作", "加强监测预警和信息报告",
           "组织专家会商研判灾情发展趋势",
           "及时发布预警信息并通知受威胁群众", "落实应急值守和领导带班制度", "开展隐患排查和巡查",
           "保障应急通信畅通，启用370MHz PDT组呼", "统筹调派应急救援队伍和装备",
           "做好伤员救治和卫生防疫工作", "实施交通管制并开辟救援通道", "核查统计灾情并按时限续报",
           "组织群众有序撤离至避难场所", "协调解决救灾资金和物资", "做好新闻发布和舆情引导"]
RARE = ["液氯储罐泄漏", "雷击火", "堰塞湖", "尾矿库溃坝"]
CN = "一二三四五六七八九十"
LEVELS = ("Ⅳ", "Ⅲ", "Ⅱ", "Ⅰ")


def sentence(rng: random.Random) -> str:
    text = f"{rng.choice(UNITS)}会同{rng.choice(PLACES)}{rng.choice(PHRASES)}"
    if rng.random() < 0.3:
        text += f"，{rng.randint(1, 48)}小时内完成"
    if rng.random() < 0.01:
        text += f"，重点防范{rng.choice(RARE)}"
    return text + "。"


def plan_markdown(n: int, rng: random.Random, size: int = 1) -> str:
    name, hazard = rng.choice(HAZARDS)
    kind = rng.choice(TYPES)
    lines = [f"---\ntitle: 青峪县{rng.choice(PLACES)}{name}{kind}应急预案（第{n}号）\n"
             f"type: {kind}\nhazards: {hazard}\nissuer: 青峪县人民政府\nstatus: 实施\n"
             "issued: 2024-05-20\n---\n"]
    chapters = [("总则", ["编制目的", "编制依据", "适用范围", "工作原则", "事件分级"]),
                ("组织指挥体系", ["指挥机构", "成员单位及职责", "现场指挥部"]),
                ("监测预警", ["监测", "预警分级", "预警发布", "预警措施"]),
                ("应急响应", []),
                ("后期处置", ["善后处置", "调查评估", "恢复重建"]),
                ("保障措施", ["队伍保障", "物资保障", "通信保障", "资金保障"]),
                ("预案管理", ["演练", "评估与修订", "宣传培训"])]
    for c, (chapter, subs) in enumerate(chapters):
        lines.append(f"## {CN[c]}、{chapter}\n")
        if chapter == "应急响应":
            for k, level in enumerate(LEVELS):
                lines.append(f"### （{CN[k]}）{level}级响应\n\n#### 1. 启动条件\n\n"
                             f"{sentence(rng)}\n\n#### 2. 响应措施\n")
                for a in range(rng.randint(4, 7)):
                    lines.append(f"（{a + 1}）{rng.choice(UNITS)}：接报后{rng.choice([15, 30, 60])}"
                                 f"分钟内{rng.choice(PHRASES)}。\n")
            continue
        for s, sub in enumerate(subs):
            lines.append(f"### （{CN[s]}）{sub}\n\n" + "".join(
                sentence(rng) for _ in range(rng.randint(2, 6) * size)) + "\n")
    return "\n".join(lines)


def percentiles(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def timed(fn, repeat: int) -> tuple[float, float, object]:
    fn()  # warm the page cache and the statement cache
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return (*percentiles(times), result)


def like(store: Store, query: str, limit: int | None):
    # The same question as PlanService.search: a section's heading or body holds the text (the
    # plan's title counts as the heading of the text before the first heading).
    sql = ("SELECT s.id FROM plan_section s JOIN plan p ON p.id = s.plan_id WHERE"
           " (s.number || s.title LIKE ? OR s.body LIKE ? OR (s.marker = 'preamble' AND"
           " p.title LIKE ?)) AND NOT EXISTS (SELECT 1 FROM plan c WHERE"
           " c.supersedes_id = p.id)")
    pattern = f"%{query}%"
    if limit:
        return store.query(sql + " LIMIT ?", (pattern, pattern, pattern, limit))
    return store.query(sql, (pattern, pattern, pattern))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plans", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--size", type=int, default=1,
                        help="text per section: 1 (about 4,000 characters a plan), 2, 3 …")
    args = parser.parse_args(argv)
    if all(m.title != m1_8.MIGRATION.title for m in migrations.MIGRATIONS):
        last = migrations.MIGRATIONS[-1].version
        step = m1_8.MIGRATION if last < m1_8.MIGRATION.version else dataclasses.replace(
            m1_8.MIGRATION, version=(last[0], last[1] + 1))
        migrations.MIGRATIONS.append(step)
        migrations.CURRENT_VERSION = step.version
    rng = random.Random(2026)
    session = system_session("bench")
    with tempfile.TemporaryDirectory() as folder:
        base = Path(folder)
        files = []
        for n in range(args.plans):
            path = base / f"plan{n:05d}.md"
            path.write_text(plan_markdown(n, rng, args.size), encoding="utf-8")
            files.append(path)
        chars = sum(len(p.read_text(encoding="utf-8")) for p in files)
        store = Store.open(base / "plans.db")
        svc = PlanService(store)
        start = time.perf_counter()
        for k in range(0, len(files), args.batch):
            svc.import_files(session, files[k:k + args.batch])
        build = time.perf_counter() - start
        sections = store.scalar("SELECT count(*) FROM plan_section")
        start = time.perf_counter()
        svc.rebuild_index(session)
        rebuild = time.perf_counter() - start
        print(f"corpus: {args.plans} plans, {sections} sections, {chars / 1e6:.1f} M characters")
        print(f"import (parse + audited rows + search rows), batches of {args.batch}:"
              f" {build:.1f} s ({args.plans / build:.0f} plans/s)")
        print(f"rebuild the search index from the sections: {rebuild:.2f} s"
              f" ({sections / rebuild:.0f} sections/s)")
        print("query | hits (top 20 shown) | ours p50/p95 ms | LIKE first 20 p50/p95 ms |"
              " LIKE all matches p50/p95 ms | all / ours (p50)")
        queries = [("火", 1), ("震", 1), ("县", 1), ("坝", 1), ("地震", 2), ("转移", 2),
                   ("危化", 2), ("堰塞", 2), ("应急响应", 4), ("转移安置", 4), ("液氯储罐", 4),
                   ("雷击火灾", 4), ("370MHz", 6), ("Ⅲ级响应", 4)]
        for query, _length in queries:
            ours50, ours95, _ = timed(lambda q=query: svc.search(q, limit=20), args.repeat)
            first50, first95, _ = timed(lambda q=query: like(store, q, 20), args.repeat)
            all50, all95, rows = timed(lambda q=query: like(store, q, None), args.repeat)
            print(f"{query} | {len(rows)} | {ours50:.1f} / {ours95:.1f} | {first50:.1f} /"
                  f" {first95:.1f} | {all50:.1f} / {all95:.1f} | {all50 / ours50:.1f}x")
        for query, filters in (("县", PlanFilter(type="重大活动")),
                               ("转移", PlanFilter(hazard="earthquake")),
                               ("县", PlanFilter(hazard="no_such_hazard")),
                               ("应急响应", PlanFilter(status="实施", type="部门"))):
            p50, p95, hits = timed(lambda q=query, f=filters: svc.search(q, f, limit=20),
                                   args.repeat)
            print(f"filtered: {query} {filters.type or ''}{filters.hazard or ''}"
                  f"{'/' + filters.status if filters.status else ''} | {len(hits)} shown |"
                  f" {p50:.1f} / {p95:.1f} ms")
        typed = "地震应急"
        worst = []
        for k in range(1, len(typed) + 1):
            p50, p95, _ = timed(lambda q=typed[:k]: svc.search(q, limit=20), args.repeat)
            worst.append((typed[:k], p50, p95))
        print("typing 地震应急, one keystroke at a time (p50/p95 ms): " + ", ".join(
            f"{q} {a:.1f}/{b:.1f}" for q, a, b in worst))
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
