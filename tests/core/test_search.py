"""Character-level search: any-length Chinese terms, mixed Latin and digits, full-width forms."""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commandcentre.search import (
    FTS_TOKENIZE,
    contains,
    find_spans,
    index_text,
    match_query,
    snippet,
)

DOCS = [
    "接县森林防火指挥部通知：竹箐乡鹿子坪村发现山火，过火面积约2公顷。",
    "岚桥化工园区危化品运输车侧翻，疑似液氯泄漏，已启动Ⅲ级响应。",
    "PDT 370MHz 组呼 9001 信号中断，应急通信保障小组前往处置。",
    "澜溪镇黑泥沟村发生山体滑坡，转移安置群众１３６人。",
    "县地震局速报：青峪县发生4.2级地震，震源深度10千米。",
]


@pytest.fixture(scope="module")
def conn():
    c = sqlite3.connect(":memory:")
    c.execute(f"CREATE VIRTUAL TABLE t USING fts5 (body, content='', tokenize='{FTS_TOKENIZE}')")
    c.executemany("INSERT INTO t (rowid, body) VALUES (?, ?)",
                  [(n, index_text(d)) for n, d in enumerate(DOCS)])
    yield c
    c.close()


def search(conn, query: str) -> set[int]:
    expr = match_query(query)
    if expr is None:
        return set()
    return {r[0] for r in conn.execute("SELECT rowid FROM t WHERE t MATCH ?", (expr,))}


@pytest.mark.parametrize("query, expected", [
    ("火", {0}), ("地震", {4}), ("危化品", {1}), ("370MHz", {2}), ("370mhz", {2}),
    ("Ⅲ级响应", {1}), ("136人", {3}), ("１３６", {3}), ("滑坡 转移", {3}), ("滑坡 地震", set()),
    ("4.2级", {4}), ("9001", {2}), ("泄漏，", {1}), ("县", {0, 4}),
    ("Ⅰ级响应", set()), ("Ⅱ级", set()), ("Ⅲ", {1}),
])
def test_queries_of_every_length_find_every_occurrence(conn, query, expected):
    assert search(conn, query) == expected


def test_empty_and_punctuation_only_queries_match_nothing():
    assert match_query("") is None
    assert match_query("，。  ") is None


def test_spans_point_into_the_original_text():
    text = DOCS[3]
    spans = find_spans(text, "１３６人")
    assert [text[s:e] for s, e in spans] == ["１３６人"]
    assert find_spans("火火", "火") == [(0, 2)]


def test_snippet_marks_matches():
    assert "【火】" in snippet(DOCS[0], "火")
    assert snippet("短文本", "无") == "短文本"


ALPHABET = list("山火灾地震县乡村滑坡危化品ⅢⅣ级响应0123４５ABCmhz，。 ")
texts = st.text(alphabet=st.sampled_from(ALPHABET), max_size=40)


@settings(max_examples=200, deadline=None)
@given(docs=st.lists(texts, min_size=1, max_size=8), query=texts)
def test_property_fts_agrees_with_a_plain_scan(docs, query):
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE t USING fts5 (body, content='', tokenize='{FTS_TOKENIZE}')")
    conn.executemany("INSERT INTO t (rowid, body) VALUES (?, ?)",
                     [(n, index_text(d)) for n, d in enumerate(docs)])
    expected = {n for n, d in enumerate(docs) if contains(d, query)} if match_query(query) \
        else set()
    assert search(conn, query) == expected
    conn.close()


@given(text=texts, query=texts)
def test_property_every_span_is_a_match(text, query):
    for s, e in find_spans(text, query):
        assert contains(text[s:e], query.split()[0]) or any(
            contains(text[s:e], t) for t in query.split())
