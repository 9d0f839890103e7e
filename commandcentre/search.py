"""Chinese full-text search that finds terms of any length, on any SQLite with FTS5.

SQLite's trigram tokenizer cannot match queries under three characters, and its LIKE is
broken for short patterns before 3.41 (research-standards.md §5). So the text is indexed as
one token per character: :func:`index_text` turns "青峪河370MHz" into "青 峪 河 3 7 0 m h z"
for a ``unicode61`` FTS5 table, and :func:`match_query` turns each query term into an FTS5
*phrase* of its characters, so a term matches wherever its characters stand together: 火, 地震,
危化品, 370MHz and Ⅲ级响应 alike. Text is NFKC-normalised and lower-cased first (full-width
digits match half-width ones), except Roman numerals, which stay one token each so that Ⅰ级
never matches inside Ⅱ级 or Ⅲ级; punctuation and spaces are ignored on both sides.
Highlighting works on the original text (:func:`find_spans`), because FTS5 ``highlight()``
would return the spaced copy.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

FTS_TOKENIZE = "unicode61 remove_diacritics 0"


def _fold(char: str) -> str:
    if "\u2160" <= char <= "\u217f":
        # NFKC would spell Ⅲ as "III", and one token per letter would then let Ⅰ级 match Ⅱ级
        # and Ⅲ级: a Roman numeral stays one token (its lower-case form).
        return char.lower()
    return unicodedata.normalize("NFKC", char).lower()


def _is_token_char(char: str) -> bool:
    # Letters, marks and numbers are searchable (as unicode61 sees them); the rest separates.
    return unicodedata.category(char)[0] in "LMN"


def _folded_chars(text: str) -> list[tuple[str, int]]:
    """The searchable characters of ``text`` after folding, each with its source index."""
    out = []
    for index, char in enumerate(text):
        for folded in _fold(char):
            if _is_token_char(folded):
                out.append((folded, index))
    return out


def index_text(*parts: str | None) -> str:
    """The FTS5 document for some fields: one space-separated token per character."""
    chars = [c for part in parts if part for c, _ in _folded_chars(part)]
    return " ".join(chars)


def query_terms(query: str) -> list[str]:
    """The folded character sequences of a query's whitespace-separated terms."""
    terms = []
    for raw in query.split():
        chars = "".join(c for c, _ in _folded_chars(raw))
        if chars:
            terms.append(chars)
    return terms


def match_query(query: str) -> str | None:
    """The FTS5 MATCH expression for ``query`` (all terms must occur), or None if empty."""
    terms = query_terms(query)
    if not terms:
        return None
    # Tokens are single letters/digits/ideographs, so no quote can appear inside a phrase.
    return " AND ".join('"' + " ".join(term) + '"' for term in terms)


def find_spans(text: str, query: str) -> list[tuple[int, int]]:
    """[start, end) spans of ``text`` where a query term occurs (merged, in order)."""
    chars = _folded_chars(text)
    folded = "".join(c for c, _ in chars)
    spans: list[tuple[int, int]] = []
    for term in query_terms(query):
        start = folded.find(term)
        while start != -1:
            first, last = chars[start][1], chars[start + len(term) - 1][1]
            spans.append((first, last + 1))
            start = folded.find(term, start + 1)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def snippet(text: str, query: str, *, width: int = 60, mark: tuple[str, str] = ("【", "】"),
            spans: list[tuple[int, int]] | None = None) -> str:
    """A piece of ``text`` around the first match, with every match inside it marked
    (``spans``: the matches, when the caller found them already)."""
    spans = find_spans(text, query) if spans is None else spans
    if not spans:
        return text[:width] + ("…" if len(text) > width else "")
    begin = max(0, spans[0][0] - width // 3)
    end = min(len(text), begin + width)
    out, pos = [], begin
    for s, e in spans:
        if e <= begin or s >= end:
            continue
        s, e = max(s, begin), min(e, end)
        out += [text[pos:s], mark[0], text[s:e], mark[1]]
        pos = e
    out.append(text[pos:end])
    return ("…" if begin > 0 else "") + "".join(out) + ("…" if end < len(text) else "")


def contains(text: str, query: str) -> bool:
    """The reference semantics of a match, for tests: every term occurs in the folded text."""
    folded = "".join(c for c, _ in _folded_chars(text))
    return all(term in folded for term in query_terms(query))


def fts5_available(conn) -> bool:
    """Whether this SQLite was built with FTS5."""
    options: Iterable[tuple[str]] = conn.execute("PRAGMA compile_options").fetchall()
    return any(o[0] == "ENABLE_FTS5" for o in options)
