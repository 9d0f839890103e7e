"""The official-document look of PDF reports (公文版式, after GB/T 9704) and Chinese line breaking.

Page: A4, margins 37 mm top / 35 mm bottom / 28 mm left / 26 mm right. Title centred in the
heading (Hei) face, body 12 pt with 1.5 leading and a two-character first-line indent.

Line breaking (禁则): reportlab's ``wordWrap='CJK'`` keeps its "may not start a line" set in
``reportlab.lib.textsplit.ALL_CANNOT_START``, copied by value into
``reportlab.platypus.paragraph`` at import time. That set lacks the full-width ，；：！？》”’…
(research-standards §4.2), and reportlab lets only one mark hang into the right margin. We do
not patch those module globals (they would change every Paragraph in the process). Instead
:class:`CJKParagraph` overrides ``breakLinesCJK`` with :func:`break_cjk_lines`, which honours
:data:`NO_LINE_START` / :data:`NO_LINE_END` by carrying the preceding character down to the next
line, so a line never exceeds its width (table cells stay inside their borders). Every
paragraph in a report is a :class:`CJKParagraph`; use :func:`para` to make one from plain text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.textsplit import ALL_CANNOT_START
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph
from reportlab.platypus.paragraph import ParaLines, _handleBulletWidth, cjkU, makeCJKParaLine
from reportlab.rl_config import _FUZZ

from .fonts import CJKFonts

PAGE_SIZE = A4
MARGIN_TOP = 37 * mm
MARGIN_BOTTOM = 35 * mm
MARGIN_LEFT = 28 * mm
MARGIN_RIGHT = 26 * mm
FRAME_WIDTH = PAGE_SIZE[0] - MARGIN_LEFT - MARGIN_RIGHT
FRAME_HEIGHT = PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM

TITLE_SIZE = 20
BODY_SIZE = 12
CELL_SIZE = 10.5       # 五号, the usual size for table text in Chinese documents
MARGIN_TEXT_SIZE = 9   # page header and footer
CELL_PAD = 4.0         # table cell padding, left and right

RULE_COLOUR = colors.HexColor("#B22222")   # the red separator line of a 公文 版头
HEADER_FILL = colors.HexColor("#E6E6E6")
GRID_COLOUR = colors.HexColor("#404040")
MUTED_TEXT = colors.HexColor("#555555")

#: Chinese closing punctuation that may not start a line.
CLOSING_PUNCTUATION: tuple[str, ...] = tuple("，。；：！？）》」』”’、…—％．】〕〉］｝")
#: Chinese opening punctuation that may not end a line.
OPENING_PUNCTUATION: tuple[str, ...] = tuple("（《「『“‘【〔〈［｛")
# reportlab's own set (Japanese small kana, ASCII marks, ...) is kept, except the ASCII quotes,
# which are as often opening as closing.
NO_LINE_START = frozenset(CLOSING_PUNCTUATION) | (frozenset(ALL_CANNOT_START) - {"'", '"'})
NO_LINE_END = frozenset(OPENING_PUNCTUATION) | frozenset("([{$£¥￥")


def _latin(ch: str) -> bool:
    """Part of a Latin word or a number (a phone number, 13:05, G210, 3.5): never split."""
    return len(ch) == 1 and ch.isascii() and (ch.isalnum() or ch in "-_./:@#+%&")


def _breakable(before: str, after: str, *, keep_words: bool) -> bool:
    if after in NO_LINE_START or before in NO_LINE_END:
        return False
    return not (keep_words and _latin(before) and _latin(after))


def break_cjk_lines(chars: Sequence[str], widths: Sequence[float],
                    max_widths: Sequence[float],
                    hard_breaks: frozenset[int] = frozenset()) -> list[tuple[int, int]]:
    """Split a run of characters into lines; return ``(start, end)`` index pairs.

    Fills each line greedily up to ``max_widths[line]`` (the last entry repeats), then moves
    the break point back so that no line starts with :data:`NO_LINE_START`, no line ends with
    :data:`NO_LINE_END` and no Latin word or number is cut. A line ends after every index in
    ``hard_breaks`` (``<br/>``). A single unbreakable run wider than the line is cut anyway.
    """
    lines: list[tuple[int, int]] = []
    n = len(chars)
    start = 0
    while start < n:
        limit = max_widths[min(len(lines), len(max_widths) - 1)]
        used = 0.0
        i = start
        hard = False
        while i < n:
            if used + widths[i] > limit + _FUZZ and i > start:
                break
            used += widths[i]
            i += 1
            if i - 1 in hard_breaks:
                hard = True
                break
        if i < n and not hard:
            i = _back_off(chars, widths, start, i, limit)
            while i < n and chars[i].isspace():  # spaces at a break hang invisibly
                i += 1
        lines.append((start, i))
        start = i
    return lines


def _back_off(chars: Sequence[str], widths: Sequence[float], start: int, i: int,
              limit: float) -> int:
    """The best break at or before ``i`` (the first character that did not fit)."""
    n = len(chars)
    for j in range(i, start, -1):
        if _breakable(chars[j - 1], chars[j], keep_words=True):
            # Carry a word down whole only if it then fits on a line of its own; a longer
            # one (a URL) is cut where the line is full instead.
            end = i
            while end < n and _latin(chars[end - 1]) and _latin(chars[end]):
                end += 1
            if j == i or sum(widths[j:end]) <= limit:
                return j
            break
    # Cutting a word: still keep closing punctuation off the start of the next line.
    for j in range(i, start, -1):
        if _breakable(chars[j - 1], chars[j], keep_words=False):
            return j
    return i


class CJKParagraph(Paragraph):
    """A Paragraph whose ``wordWrap='CJK'`` line breaking follows :func:`break_cjk_lines`."""

    def breakLinesCJK(self, maxWidths):  # reportlab's method name
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        style = self.style
        self.height = 0
        _handleBulletWidth(self.bulletText, style, maxWidths)
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara  # the second half of a split keeps the lines already made
        if not self.frags:
            return super().breakLinesCJK(maxWidths)
        auto_leading = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        calc_bounds = auto_leading not in ("", "off")
        # A table wraps each cell again on every page it splits over; the lines only depend
        # on the widths, so keep the last answer.
        key = (tuple(maxWidths), calc_bounds)
        cached = getattr(self, "_cc_lines", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        units = []
        hard: set[int] = set()
        for frag in self.frags:
            text = frag.text
            if isinstance(text, bytes):
                text = text.decode("utf8")
            # An empty unit carries a <br/> or an inline image, as in reportlab's cjkFragSplit.
            for ch in text or [text]:
                units.append(cjkU(ch, frag, "utf8"))
            if hasattr(frag, "lineBreak"):
                hard.add(len(units) - 1)
        widths = [u.width for u in units]
        lines = []
        for number, (start, end) in enumerate(
                break_cjk_lines(units, widths, maxWidths, frozenset(hard))):
            limit = maxWidths[min(number, len(maxWidths) - 1)]
            used = sum(widths[start:end])
            line_break = end - 1 in hard
            lines.append(makeCJKParaLine(units[start:end], limit, used, limit - used,
                                         line_break, calc_bounds))
        result = ParaLines(kind=1, lines=lines)
        self._cc_lines = (key, result)
        return result


def markup(text: object) -> str:
    """Plain text as Paragraph markup: escape ``& < >``, keep line breaks as ``<br/>``."""
    lines = str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br/>".join(escape(_printable(line)) for line in lines)


def _printable(text: str) -> str:
    # Control characters (from a radio or a pasted message) would end up as boxes or break
    # the PDF text layer; tabs become spaces.
    return "".join(" " if ch == "\t" else ch for ch in text
                   if ch == "\t" or unicodedata.category(ch) != "Cc")


def para(text: object, style: ParagraphStyle) -> CJKParagraph:
    """A paragraph of plain text (escaped) in ``style``."""
    return CJKParagraph(markup(text), style)


@dataclass(frozen=True)
class ReportStyles:
    """The paragraph styles of a report, all with ``wordWrap='CJK'``."""

    fonts: CJKFonts
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading1: ParagraphStyle
    heading2: ParagraphStyle
    body: ParagraphStyle
    body_flush: ParagraphStyle   # no first-line indent (after a label, in lists)
    signature: ParagraphStyle
    cell: ParagraphStyle
    cell_centre: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    cell_label: ParagraphStyle


def make_styles(fonts: CJKFonts) -> ReportStyles:
    """The report styles in the given fonts."""
    base = ParagraphStyle("cc-base", fontName=fonts.regular, fontSize=BODY_SIZE,
                          leading=BODY_SIZE * 1.5, wordWrap="CJK", alignment=TA_LEFT,
                          allowWidows=0)
    body = ParagraphStyle("cc-body", parent=base, firstLineIndent=2 * BODY_SIZE,
                          spaceAfter=3)
    cell = ParagraphStyle("cc-cell", parent=base, fontSize=CELL_SIZE, leading=CELL_SIZE * 1.4)
    return ReportStyles(
        fonts=fonts,
        title=ParagraphStyle("cc-title", parent=base, fontName=fonts.bold, fontSize=TITLE_SIZE,
                             leading=TITLE_SIZE * 1.5, alignment=TA_CENTER, spaceAfter=6),
        subtitle=ParagraphStyle("cc-subtitle", parent=base, fontSize=BODY_SIZE,
                                alignment=TA_CENTER, textColor=MUTED_TEXT),
        heading1=ParagraphStyle("cc-h1", parent=base, fontName=fonts.bold, fontSize=14,
                                leading=21, spaceBefore=12, spaceAfter=5),
        heading2=ParagraphStyle("cc-h2", parent=base, fontName=fonts.bold, fontSize=12.5,
                                leading=19, spaceBefore=7, spaceAfter=3),
        body=body,
        body_flush=ParagraphStyle("cc-body-flush", parent=body, firstLineIndent=0),
        signature=ParagraphStyle("cc-signature", parent=base, alignment=TA_RIGHT),
        cell=cell,
        cell_centre=ParagraphStyle("cc-cell-c", parent=cell, alignment=TA_CENTER),
        cell_right=ParagraphStyle("cc-cell-r", parent=cell, alignment=TA_RIGHT),
        cell_head=ParagraphStyle("cc-cell-h", parent=cell, fontName=fonts.bold,
                                 alignment=TA_CENTER),
        cell_label=ParagraphStyle("cc-cell-l", parent=cell, fontName=fonts.bold),
    )


def cn_date(day: date) -> str:
    """``2026年3月5日`` (no leading zeros, as in official documents)."""
    return f"{day.year}年{day.month}月{day.day}日"


def cn_datetime(when: datetime) -> str:
    """``2026年3月5日8时05分`` (24-hour clock), in the zone ``when`` carries."""
    return f"{cn_date(when.date())}{when.hour}时{when.minute:02d}分"


# A number, code or Latin word; a date and time ("2026-03-15 09:07") counts as one.
_LATIN_RUN = re.compile(r"[A-Za-z0-9\-_./:@#+%&]+(?: \d[\d:]*)*")


def fit_widths(rows: Sequence[Sequence[str]], total: float, font: str, size: float, *,
               header: bool = True) -> list[float]:
    """Column widths that add up to ``total``, from the cell texts (``rows[0]`` is the header
    row when ``header``).

    Each column first gets its minimum: its header unbroken (up to an equal share of the
    width), four characters, and its longest number or Latin word (a serial, a phone number,
    a date and time). What is left is shared in proportion to how much more each column's
    widest cell wants, so short columns stay on one line and the long text column wraps.
    """
    columns = max(len(r) for r in rows)
    natural = [2 * CELL_PAD] * columns
    minimum = [2 * CELL_PAD] * columns
    for number, row in enumerate(rows):
        for c, text in enumerate(row):
            text = str(text)
            wide = max(stringWidth(line, font, size) for line in text.split("\n"))
            if header and number == 0:
                least = min(wide, total / columns)
            else:
                words = [stringWidth(w, font, size) for w in _LATIN_RUN.findall(text)]
                least = min(max([stringWidth(text[:4], font, size), *words]), total / 2)
            natural[c] = max(natural[c], wide + 2 * CELL_PAD)
            minimum[c] = max(minimum[c], least + 2 * CELL_PAD)
    minimum = [min(m, n) for m, n in zip(minimum, natural, strict=True)]
    if sum(natural) <= total:
        spare = total - sum(natural)
        return [n + spare * n / sum(natural) for n in natural]
    if sum(minimum) >= total:
        return [total * m / sum(minimum) for m in minimum]
    wants = [n - m for n, m in zip(natural, minimum, strict=True)]
    spare = total - sum(minimum)
    return [m + spare * w / sum(wants) for m, w in zip(minimum, wants, strict=True)]


_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """Chinese numerals for section numbers: 1 → 一, 12 → 十二, 40 → 四十, 105 → 105."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    text = ""
    if tens:
        text = ("" if tens == 1 else _DIGITS[tens]) + "十"
    return text + (_DIGITS[ones] if ones else "")
