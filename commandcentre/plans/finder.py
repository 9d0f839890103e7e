"""Searching the plan library: matching sections, ranked, filtered, with marked snippets.

Ranking is bm25 (a heading counts four times the body) over every matching section, which
costs time in proportion to the matches. A term found in thousands of sections — a single
common character such as 县 while the first key is typed — would cost over 100 ms on 2,000
plans, so past :data:`RANK_CAP` matches the order is cheaper and still sensible: sections whose
heading holds the term first, then the others, each in document order. Either way every match
is found; only the order differs (benchmarks/plans_bench.py).

A plan's sections are numbered consecutively in the index (``plan.doc_from`` … ``doc_to``), so
an unranked search filtered by type, hazard or status looks only at the filtered plans'
stretches of the index instead of walking every match and dropping most of them.
"""

from __future__ import annotations

from typing import Any

from ..storage import Store
from .index import find_spans, match_query, snippet
from .model import PlanFilter, SearchHit

CURRENT_SQL = "NOT EXISTS (SELECT 1 FROM plan c WHERE c.supersedes_id = p.id)"
TITLE_WEIGHT, BODY_WEIGHT = 4.0, 1.0  # a heading that names the term ranks above a mention
RANK_CAP = 5000  # rank exactly up to this many matching sections (about 10 ms)
MAX_RANGES = 300  # more stretches than this: one pass over all matches is cheaper
MAX_HITS = 1000
_BM25 = f"bm25(plan_fts, {TITLE_WEIGHT}, {BODY_WEIGHT})"
_COLUMNS = ("s.id, s.doc, s.plan_id, s.path, s.number, s.title, s.marker, s.body,"
            " p.title AS plan_title, p.type, p.status")


def filter_sql(filters: PlanFilter | None) -> tuple[list[str], list[Any]]:
    """WHERE conditions (on ``plan p``) and their parameters for ``filters``."""
    filters = filters or PlanFilter()
    where: list[str] = [] if filters.include_superseded else [CURRENT_SQL]
    params: list[Any] = []
    if filters.type:
        where.append("p.type = ?")
        params.append(filters.type)
    if filters.status:
        where.append("p.status = ?")
        params.append(filters.status)
    if filters.hazard:
        where.append("instr(p.hazards, ?) > 0")
        params.append("," + filters.hazard + ",")
    return where, params


def _ranges(store: Store, where: list[str], params: list[Any]) -> list[tuple[int, int]]:
    """The stretches of the index that hold the filtered plans, adjacent ones merged."""
    out: list[tuple[int, int]] = []
    for r in store.query("SELECT p.doc_from, p.doc_to FROM plan p"
                         + (f" WHERE {' AND '.join(where)}" if where else "")
                         + " ORDER BY p.doc_from", params):
        if out and r["doc_from"] == out[-1][1] + 1:
            out[-1] = (out[-1][0], r["doc_to"])
        else:
            out.append((r["doc_from"], r["doc_to"]))
    return out


class _Scope:
    """Where to look: every current section (joined and filtered), or stretches of the index."""

    def __init__(self, store: Store, where: list[str], params: list[Any],
                 ranges: list[tuple[int, int]] | None = None):
        self.store, self.where, self.params, self.ranges = store, where, params, ranges

    def count(self, expr: str, cap: int) -> int:
        """How many sections of the whole index match, counting no further than ``cap``."""
        return self.store.scalar("SELECT count(*) FROM (SELECT 1 FROM plan_fts WHERE"
                                 " plan_fts MATCH ? LIMIT ?)", (expr, cap))

    def ranked(self, expr: str, limit: int) -> list[tuple[int, float]]:
        """The best ``limit`` matches by bm25 (for at most RANK_CAP matches)."""
        # Rank inside the index first (the LIMIT keeps SQLite from flattening the subquery),
        # then join and filter: joining first would pay two lookups for every match. One
        # statement, because bm25 counts every match of each phrase once per statement.
        sql = (f"WITH ranked AS (SELECT rowid AS doc, {_BM25} AS score FROM plan_fts"
               f" WHERE plan_fts MATCH ? ORDER BY score LIMIT {RANK_CAP}) SELECT ranked.doc,"
               " ranked.score FROM ranked JOIN plan_section s ON s.doc = ranked.doc"
               " JOIN plan p ON p.id = s.plan_id"
               + (f" WHERE {' AND '.join(self.where)}" if self.where else "")
               + " ORDER BY ranked.score LIMIT ?")
        return [(r[0], r[1]) for r in self.store.conn.execute(sql, [expr, *self.params,
                                                                     limit])]

    def _first(self, expr: str, limit: int, *, stretches: bool = True) -> list[int]:
        """The first ``limit`` matching sections in document order (no ranking)."""
        conn = self.store.conn
        if self.ranges is None or not stretches:
            # No ORDER BY: SQLite walks the index in rowid order and stops at the limit.
            sql = ("SELECT plan_fts.rowid FROM plan_fts JOIN plan_section s ON"
                   " s.doc = plan_fts.rowid JOIN plan p ON p.id = s.plan_id WHERE plan_fts"
                   " MATCH ?" + "".join(f" AND {w}" for w in self.where) + " LIMIT ?")
            return [r[0] for r in conn.execute(sql, [expr, *self.params, limit])]
        docs: list[int] = []
        sql = "SELECT rowid FROM plan_fts WHERE plan_fts MATCH ? AND rowid BETWEEN ? AND ?" \
              " LIMIT ?"
        for lo, hi in self.ranges:
            docs += [r[0] for r in conn.execute(sql, (expr, lo, hi, limit - len(docs)))]
            if len(docs) >= limit:
                break
        return docs

    def in_order(self, expr: str, limit: int) -> list[tuple[int, float]]:
        """Heading matches first, then the other matches, each in document order."""
        # A column filter defeats FTS5's seek to a rowid range (it reads the whole doclist
        # each time), so heading matches are found in one walk, joined and filtered.
        docs = self._first(f"{{title}} : ({expr})", limit, stretches=False)
        if len(docs) < limit:
            seen = set(docs)
            more = self._first(expr, limit + len(docs))
            docs += [d for d in more if d not in seen][:limit - len(docs)]
        return [(doc, 0.0) for doc in docs]


def search(store: Store, query: str, filters: PlanFilter | None = None, limit: int = 50, *,
           mark: tuple[str, str] = ("【", "】"), width: int = 60) -> list[SearchHit]:
    """Sections matching every term of ``query``, best first, with snippets."""
    expr = match_query(query)
    if expr is None:
        return []
    limit = max(1, min(limit, MAX_HITS))
    where, params = filter_sql(filters)
    scope = _Scope(store, where, params)
    if scope.count(expr, RANK_CAP + 1) <= RANK_CAP:
        found = scope.ranked(expr, limit)
    else:
        if filters and (filters.type or filters.hazard or filters.status):
            ranges = _ranges(store, where, params)
            if not ranges:
                return []
            if len(ranges) <= MAX_RANGES:
                scope = _Scope(store, where, params, ranges)
        found = scope.in_order(expr, limit)
    if not found:
        return []
    score = dict(found)
    marks = ",".join("?" for _ in found)
    rows = {r["doc"]: r for r in store.query(
        f"SELECT {_COLUMNS} FROM plan_section s JOIN plan p ON p.id = s.plan_id"
        f" WHERE s.doc IN ({marks})", list(score))}
    hits = []
    for doc, _score in found:
        r = rows[doc]
        heading = r["plan_title"] if r["marker"] == "preamble" else r["number"] + r["title"]
        spans = find_spans(r["body"], query)
        # One line for a result list: newlines become spaces (the offsets stay the same).
        text = (r["body"] if spans else heading).replace("\n", " ")
        hits.append(SearchHit(r["plan_id"], r["plan_title"], r["type"], r["status"], r["id"],
                              r["path"], snippet(text, query, width=width, mark=mark,
                                                 spans=spans or None), score[doc]))
    return hits
