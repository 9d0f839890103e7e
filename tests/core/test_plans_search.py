"""Search across plans: every occurrence of 1-, 2- and 3+-character Chinese and mixed terms is
found, nothing absent is, hits are ranked and filtered, and snippets mark the matches.

The reference is a plain scan of the stored sections with :func:`commandcentre.plans.index.matches`
(one section matches when each term occurs in its heading or in its body); the substring
properties use the raw text only."""

from __future__ import annotations

import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commandcentre.accounts import system_session
from commandcentre.plans import PlanFilter, PlanService, finder
from commandcentre.plans.index import matches, query_terms
from commandcentre.storage import Store
from tests.core.test_plans_parse import DEMO_MD, PLAIN_TXT, write_docx
from tests.core.test_plans_service import plans_schema  # noqa: F401  (autouse fixture)

EXTRA_MD = """---
title: 青峪县危化品道路运输事故专项救援行动方案
type: 专项救援行动方案
hazards: hazardous_chemicals, road_traffic
status: 备案
---

## 一、总则

县气象局负责监测预警。危化品运输车辆途经雾青高速。

## 二、监测预警

做好监测。

## 三、通信保障

现场使用370MHz PDT园区危化联动组（9004组呼），备用北斗短报文。

## 四、应急响应

### （一）Ⅲ级响应

#### 1. 启动条件

危化品运输车侧翻并泄漏。

#### 2. 响应措施

（1）县消防救援大队：接报后15分钟内出动。
"""

SESSION = system_session("test")


@pytest.fixture
def library(tmp_path):
    store = Store.open(tmp_path / "plans.db")
    svc = PlanService(store)
    files = []
    for name, text in (("fire.md", DEMO_MD), ("chem.md", EXTRA_MD)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        files.append(tmp_path / name)
    (tmp_path / "manual.txt").write_bytes(PLAIN_TXT.encode("gb18030"))
    files += [tmp_path / "manual.txt", write_docx(tmp_path / "dz.docx", styled=True)]
    ids = dict(zip(("fire", "chem", "manual", "quake"), svc.import_files(SESSION, files),
                   strict=True))
    yield svc, ids
    store.close()


def reference(svc: PlanService, query: str, filters: PlanFilter | None = None) -> set[str]:
    """The sections a plain scan finds for ``query`` among the plans ``filters`` cover."""
    terms = [t for t in query.split() if query_terms(t)]  # punctuation alone is no term
    plans = {p["id"]: p for p in svc.list(filters)}
    found = set()
    for s in svc.store.query("SELECT * FROM plan_section"):
        if s["plan_id"] not in plans:
            continue
        heading = plans[s["plan_id"]]["title"] if s["marker"] == "preamble" \
            else s["number"] + s["title"]
        if terms and all(matches(heading, t) or matches(s["body"], t) for t in terms):
            found.add(s["id"])
    return found


def found(svc, query, filters=None) -> set[str]:
    return {h.section_id for h in svc.search(query, filters, limit=1000)}


@pytest.mark.parametrize("query", [
    "地震", "火", "危化品", "370MHz", "370mhz", "Ⅲ级响应", "ⅲ级响应", "30分钟", "３０分钟",
    "县应急管理局 彭建华", "9004组呼", "Ⅳ", "县", "灾", "北斗短报文", "0875-6213110",
])
def test_every_occurrence_is_found(library, query):
    svc, _ = library
    expected = reference(svc, query)
    assert expected, f"{query} occurs in the corpus"
    assert found(svc, query) == expected


@pytest.mark.parametrize("query", ["雪灾", "台风", "火山爆发", "380MHz", "Ⅴ级响应", "，。", ""])
def test_absent_strings_find_nothing(library, query):
    svc, _ = library
    assert svc.search(query) == []


def test_response_levels_never_match_each_other(library):
    """NFKC spells Ⅲ as III; a numeral is still one token, so Ⅰ级 is not inside Ⅲ级."""
    svc, _ = library

    def headings(query):
        return sorted(h.section_path.rsplit(" > ", 1)[-1] for h in svc.search(query, limit=100))

    assert headings("Ⅰ级响应") == []
    assert headings("Ⅲ级响应") == ["（一）Ⅲ级响应", "（三）Ⅲ级响应", "（二）Ⅲ级响应"]
    assert headings("III级响应") == headings("iii级响应") == headings("Ⅲ级响应")
    assert headings("Ⅱ级") == ["（一）响应分级"]  # "分为Ⅳ级、Ⅲ级、Ⅱ级、Ⅰ级"
    assert headings("IV级") == ["（一）Ⅳ级响应", "（一）响应分级", "（二）Ⅳ级响应"]
    assert "【Ⅲ级响应】" in svc.search("III级响应")[0].snippet


def test_hits_carry_plan_section_and_a_marked_snippet(library):
    svc, ids = library
    hits = svc.search("370MHz")
    assert [h.plan_id for h in hits] == [ids["chem"]]
    hit = hits[0]
    assert hit.plan_title == "青峪县危化品道路运输事故专项救援行动方案"
    assert hit.section_path == "三、通信保障" and hit.plan_type == "专项救援行动方案"
    assert "【370MHz】" in hit.snippet and hit.status == "备案"
    deep = svc.search("接报后15分钟内出动")[0]
    assert deep.section_path == "四、应急响应 > （一）Ⅲ级响应 > 2.响应措施"
    title_only = svc.search("道路运输事故专项救援")[0]
    assert title_only.section_path == "" and "【道路运输事故专项救援】" in title_only.snippet


@pytest.mark.parametrize("query", ["县", "火", "响应", "Ⅳ级响应", "县 30分钟"])
def test_past_the_ranking_cap_every_match_is_still_found_headings_first(library, monkeypatch,
                                                                         query):
    """A term in more sections than finder.RANK_CAP is listed without bm25: heading matches
    first, then the rest in document order; the set of hits is the same."""
    svc, _ = library
    expected = reference(svc, query)
    monkeypatch.setattr(finder, "RANK_CAP", 1)
    assert len(expected) > 1
    assert found(svc, query) == expected
    hits = svc.search(query, limit=len(expected))
    in_heading = [matches(h.section_path.rsplit(" > ", 1)[-1] or h.plan_title, query)
                  for h in hits]
    assert in_heading == sorted(in_heading, reverse=True)
    assert len(svc.search(query, limit=2)) == 2


@pytest.mark.parametrize("cap, ranges", [(5000, 300), (1, 300), (1, 0)],
                         ids=["ranked", "listed-in-stretches", "listed-joined"])
def test_every_search_strategy_finds_the_same_sections(library, monkeypatch, cap, ranges):
    svc, ids = library
    monkeypatch.setattr(finder, "RANK_CAP", cap)
    monkeypatch.setattr(finder, "MAX_RANGES", ranges)
    svc.update(SESSION, ids["quake"], {"status": "备案"})
    for f in (None, PlanFilter(type="专项"), PlanFilter(status="备案"),
              PlanFilter(hazard="hazardous_chemicals"), PlanFilter(type="总体")):
        for query in ("县", "响应", "30分钟", "Ⅳ级响应", "县 措施", "雪"):
            assert found(svc, query, f) == reference(svc, query, f), (query, f)


def test_a_heading_match_ranks_above_a_mention(library):
    svc, _ = library
    hits = svc.search("监测预警", PlanFilter(type="专项救援行动方案"))
    assert [h.section_path for h in hits] == ["二、监测预警", "一、总则"]
    assert hits[0].score < hits[1].score  # bm25: lower is better


def test_filters_by_type_hazard_and_status(library):
    svc, ids = library
    assert {h.plan_id for h in svc.search("县", limit=1000)} == set(ids.values())
    assert {h.plan_id for h in svc.search("县", PlanFilter(type="乡镇简明操作手册"))} == {
        ids["manual"]}
    assert {h.plan_id for h in svc.search("县", PlanFilter(hazard="road_traffic"))} == {
        ids["chem"]}
    assert {h.plan_id for h in svc.search("县", PlanFilter(hazard="forest_fire"))} == {
        ids["fire"]}
    assert {h.plan_id for h in svc.search("县", PlanFilter(status="备案"))} == {ids["chem"]}
    svc.update(SESSION, ids["quake"], {"status": "废止"})
    assert {h.plan_id for h in svc.search("地震", PlanFilter(status="废止"))} == {ids["quake"]}
    for f in (PlanFilter(type="总体"), PlanFilter(hazard="flood"), PlanFilter(status="编制")):
        assert svc.search("县", f) == []
        assert found(svc, "县", f) == reference(svc, "县", f) == set()


def test_every_one_and_two_character_chinese_substring_of_the_corpus_is_found(library):
    svc, ids = library
    for plan_id in ids.values():
        text = svc.get(plan_id).plan["full_text"]
        for query in sorted(_han_substrings(text)):
            assert plan_id in {h.plan_id for h in svc.search(query, limit=1000)}, query


def _is_han(char: str) -> bool:
    return unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")


def _han_substrings(text: str) -> set[str]:
    out = set()
    for n, char in enumerate(text):
        if _is_han(char):
            out.add(char)
            if n + 1 < len(text) and _is_han(text[n + 1]):
                out.add(text[n:n + 2])
    return out


HAN = "山火灾地震县乡村滑坡危化品级响应应急预案"
ALPHABET = list(HAN + "ⅢⅣ0123４５ABCmhz，。：")
lines = st.text(alphabet=st.sampled_from(ALPHABET), min_size=1, max_size=24).filter(str.strip)
titles = st.text(alphabet=st.sampled_from(HAN), min_size=1, max_size=8)
plans = st.lists(st.tuples(titles, st.lists(lines, max_size=3)), min_size=1, max_size=5)
queries = st.lists(st.text(alphabet=st.sampled_from(ALPHABET), min_size=1, max_size=4),
                   min_size=1, max_size=2).map(" ".join)
CN = "一二三四五"


def _markdown(title: str, sections) -> str:
    body = [f"---\ntitle: {title}\ntype: 专项\nhazards:\nstatus: 实施\n---\n"]
    for n, (heading, paragraphs) in enumerate(sections):
        body.append(f"## {CN[n]}、{heading}\n")
        body += [p + "\n" for p in paragraphs]
    return "\n".join(body)


# One fresh store per example (a function-scoped fixture would be shared between examples);
# the autouse schema fixture only patches the list of migrations, which holds for them all.
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=titles, sections=plans, extra=st.lists(queries, max_size=6))
def test_property_search_agrees_with_a_plain_scan(title, sections, extra):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.md"
        path.write_text(_markdown(title, sections), encoding="utf-8")
        with Store.open(Path(folder) / "s.db") as store:
            svc = PlanService(store)
            plan_id = svc.import_file(SESSION, path)
            text = svc.get(plan_id).plan["full_text"]
            for query in _han_substrings(text):  # every 1- and 2-character Chinese substring
                assert {h.plan_id for h in svc.search(query, limit=1000)} == {plan_id}, query
            for query in extra:  # any query: exactly the sections a plain scan finds
                assert found(svc, query) == reference(svc, query), query
                if not matches(text, query):
                    assert svc.search(query) == [], query
            assert svc.search("雪") == [] and svc.search("Ⅴ") == []
