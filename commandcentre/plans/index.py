"""The plan search index's tokens: :mod:`commandcentre.search` (one token per character,
NFKC, lower case; see DECISIONS.md #7) with one change for response levels.

NFKC turns Ⅲ into "III", so one token per character would index Ⅲ级响应 as "i i i 级 响 应"
and the query Ⅰ级响应 ("i 级 响 应") would find every Ⅱ and Ⅲ level block, Ⅴ级 every Ⅳ级.
Here a Roman-numeral character (U+2160–217F) is one token ("iii"), so levels never match each
other. Latin letters typed for a numeral ("IV级响应", "iii级") match both ways: as letters
and as the numeral. Everything else, and the FTS5 table (``search.FTS_TOKENIZE``), is as in
:mod:`commandcentre.search`.
"""

from __future__ import annotations

import re
import unicodedata

from ..search import snippet as _snippet

_ROMAN_WORD = re.compile(r"x{0,3}(ix|iv|v?i{0,3})")  # Ⅰ–ⅩⅩⅩⅨ, as letters, lower case


def _is_roman(char: str) -> bool:
    return "\u2160" <= char <= "\u217f"


def tokens(text: str) -> list[tuple[str, int]]:
    """The searchable tokens of ``text``, each with the index of the character it came from."""
    out = []
    for index, char in enumerate(text):
        if "\u4e00" <= char <= "\u9fff" or "a" <= char <= "z" or "0" <= char <= "9":
            out.append((char, index))  # the common case: NFKC and lower() leave these alone
        elif _is_roman(char):
            out.append((unicodedata.normalize("NFKC", char).lower(), index))
        else:
            for folded in unicodedata.normalize("NFKC", char).lower():
                # Letters, marks and numbers are searchable (as unicode61 sees them).
                if unicodedata.category(folded)[0] in "LMN":
                    out.append((folded, index))
    return out


def index_text(*parts: str | None) -> str:
    """The FTS5 document for some fields: space-separated tokens."""
    return " ".join(t for part in parts if part for t, _ in tokens(part))


def _variants(term: str) -> list[list[str]]:
    """The token sequences a query term stands for (letters typed for a numeral: two)."""
    plain = [t for t, _ in tokens(term)]
    joined: list[str] = []
    run: list[str] = []
    for token in [*plain, None]:
        if token is not None and token in ("i", "v", "x"):
            run.append(token)
            continue
        word = "".join(run)
        if run and len(word) <= 4 and _ROMAN_WORD.fullmatch(word):
            joined.append(word)
        else:
            joined += run
        run = []
        if token is not None:
            joined.append(token)
    if not plain:
        return []
    return [plain] if joined == plain else [plain, joined]


def query_terms(query: str) -> list[list[list[str]]]:
    """Per whitespace-separated term of ``query``, its token-sequence variants."""
    return [v for v in (_variants(raw) for raw in query.split()) if v]


def match_query(query: str) -> str | None:
    """The FTS5 MATCH expression (every term must occur), or None for an empty query."""
    groups = []
    for variants in query_terms(query):
        # Tokens are letters, digits or ideographs: no quote can occur inside a phrase.
        phrases = ['"' + " ".join(v) + '"' for v in variants]
        groups.append(phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")")
    return " AND ".join(groups) if groups else None


def _occurrences(found: list[tuple[str, int]], sequence: list[str]) -> list[tuple[int, int]]:
    size = len(sequence)
    return [(found[n][1], found[n + size - 1][1] + 1) for n in range(len(found) - size + 1)
            if [t for t, _ in found[n:n + size]] == sequence]


def find_spans(text: str, query: str) -> list[tuple[int, int]]:
    """[start, end) spans of ``text`` where a query term occurs (merged, in order)."""
    found = tokens(text)
    spans = sorted(span for variants in query_terms(query) for v in variants
                   for span in _occurrences(found, v))
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged


def matches(text: str, query: str) -> bool:
    """The reference meaning of a match, for tests: every term occurs in ``text``."""
    found = tokens(text)
    terms = query_terms(query)
    return bool(terms) and all(any(_occurrences(found, v) for v in variants)
                               for variants in terms)


def snippet(text: str, query: str, *, width: int = 60, mark: tuple[str, str] = ("【", "】"),
            spans: list[tuple[int, int]] | None = None) -> str:
    """A piece of ``text`` around the first match, every match marked (plans' own spans)."""
    return _snippet(text, query, width=width, mark=mark,
                    spans=find_spans(text, query) if spans is None else spans)
