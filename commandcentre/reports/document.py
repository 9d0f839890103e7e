"""A reusable builder for official-looking PDF reports (值班日报, 续报, 专报).

:class:`OfficialDocument` lays out a title block (title, 文号, 签发人, red rule), then whatever
headings, paragraphs and tables the caller adds; every page gets a header with the issuing unit,
a footer with the generation time and "第 N 页 共 M 页", and, for drills, a 演练 watermark.
Text is plain (escaped); all paragraphs break lines by the Chinese rules in :mod:`.style`.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from itertools import zip_longest
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    HRFlowable,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ..timeutil import DEFAULT_ZONE, to_local
from .fonts import CJKFonts, cjk_fonts
from .style import (
    CELL_PAD,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    GRID_COLOUR,
    HEADER_FILL,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TEXT_SIZE,
    MARGIN_TOP,
    MUTED_TEXT,
    PAGE_SIZE,
    RULE_COLOUR,
    CJKParagraph,
    cn_datetime,
    fit_widths,
    make_styles,
    markup,
    para,
)

DRILL_MARK = "演练"
DRILL_PREFIX = "【演练】"
NONE_TEXT = "无"
CREATOR = "Command Centre 应急值守指挥台"

DRILL_BANNER = "【演练】本文件为演练材料"
DRAFT_MARK = "草稿"
DRAFT_BANNER = "草稿：未经签发，不得报送"
SIGNER_FORMAT = "签发人：{name}"
GENERATED_FORMAT = "生成时间：{when}（{zone}）"
PAGE_FORMAT = "第 {page} 页 共 {pages} 页"
CHINA_TIME = "北京时间"

_ALIGN = {"left": "cell", "centre": "cell_centre", "center": "cell_centre", "right": "cell_right"}


def zone_label(zone: str) -> str:
    """How the zone is named after a time: 北京时间 for China's zone, else the zone id."""
    return CHINA_TIME if zone in ("Asia/Shanghai", "Asia/Chongqing", "PRC") else zone


class OfficialDocument:
    """An A4 report in the official-document look; add content, then :meth:`build`.

    ``issuer`` heads every page (e.g. 青峪县应急管理局值班室); ``doc_number`` (文号 or 期号)
    and ``signer`` (签发人) go under the title when given; ``generated_at`` (aware) is shown in
    ``zone`` in every footer. ``drill=True`` prefixes the title with 【演练】 and puts a 演练
    watermark on every page.
    """

    def __init__(self, path: str | os.PathLike[str], *, title: str, issuer: str,
                 generated_at: datetime, doc_number: str | None = None,
                 signer: str | None = None, zone: str = DEFAULT_ZONE, drill: bool = False,
                 subject: str | None = None, fonts: CJKFonts | None = None,
                 draft: bool = False):
        if generated_at.tzinfo is None:
            raise ValueError("generated_at must be an aware datetime")
        self.path = Path(path)
        self.title = (DRILL_PREFIX + title) if drill else title
        self.issuer = issuer
        self.doc_number = doc_number
        self.signer = signer
        self.zone = zone
        self.drill = drill
        self.draft = draft  # unsigned: 草稿 on every page, so it cannot pass for a signed copy
        self.subject = subject
        self.generated_at = generated_at
        self.fonts = fonts or cjk_fonts()
        self.styles = make_styles(self.fonts)
        self._story: list[Flowable] = []

    # -- content ---------------------------------------------------------------------------

    def add_heading(self, text: str, level: int = 1) -> None:
        """A section heading: level 1 (一、…) or level 2 (（一）…); the caller numbers it."""
        style = self.styles.heading1 if level <= 1 else self.styles.heading2
        # Room for the heading and a few lines, so it is never left alone at a page foot.
        # (keepWithNext would glue it to a long table and push both to the next page.)
        self._story += [CondPageBreak(style.leading * 4), para(text, style)]

    def add_paragraph(self, text: str, *, indent: bool = True) -> None:
        """Body text, plain (``<`` and ``&`` are text); newlines start new lines."""
        style = self.styles.body if indent else self.styles.body_flush
        self._story.append(para(text, style))

    def add_key_values(self, pairs: Sequence[tuple[str, object]], *, columns: int = 2) -> None:
        """A label / value table with ``columns`` pairs per row (labels shaded)."""
        if pairs:
            self._story += [self.key_value_table(pairs, columns=columns), Spacer(1, 2 * mm)]

    def add_table(self, header: Sequence[str], rows: Sequence[Sequence[object]], *,
                  widths: Sequence[float] | None = None, align: Sequence[str] | None = None,
                  empty: str = NONE_TEXT) -> None:
        """A data table across the frame; see :meth:`data_table`. With no rows, ``empty`` is
        written instead."""
        if not rows:
            self.add_paragraph(empty)
            return
        self._story += [self.data_table(header, rows, widths=widths, align=align),
                        Spacer(1, 2 * mm)]

    def add_side_by_side(self, columns: Sequence[Sequence[Flowable]], *,
                         gap: float = 6 * mm) -> None:
        """Put blocks of flowables next to each other (e.g. two small tables made with
        ``data_table(..., width=doc.column_width(2))`` under :meth:`caption` lines)."""
        width = self.column_width(len(columns), gap=gap)
        cells = [list(block) for block in columns]
        outer = Table([cells], colWidths=[width + gap] * (len(cells) - 1) + [width],
                      hAlign="LEFT")
        outer.setStyle(self._table_style([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            *[("RIGHTPADDING", (c, 0), (c, 0), gap) for c in range(len(cells) - 1)]]))
        self._story += [outer, Spacer(1, 2 * mm)]

    def add_signature(self, lines: Sequence[str]) -> None:
        """A right-aligned block at the end (unit, person, date)."""
        self._story.append(Spacer(1, 6 * mm))
        self._story += [para(line, self.styles.signature) for line in lines]

    def add_spacer(self, height: float = 4 * mm) -> None:
        """Vertical space, in points."""
        self._story.append(Spacer(1, height))

    def add_page_break(self) -> None:
        """Start a new page."""
        self._story.append(PageBreak())

    def add_flowable(self, flowable: Flowable) -> None:
        """Any reportlab flowable (a chart, a map image); it must fit :data:`FRAME_WIDTH`."""
        self._story.append(flowable)

    # -- building blocks (for layouts the add_* methods do not cover) -----------------------

    @staticmethod
    def column_width(columns: int, *, gap: float = 6 * mm) -> float:
        """The width of one of ``columns`` side-by-side blocks."""
        return (FRAME_WIDTH - gap * (columns - 1)) / columns

    def caption(self, text: str) -> Flowable:
        """A level-2 heading line, for use inside :meth:`add_side_by_side`."""
        return para(text, self.styles.heading2)

    def text(self, text: str, *, indent: bool = True) -> Flowable:
        """A body paragraph, for use inside :meth:`add_side_by_side`."""
        return para(text, self.styles.body if indent else self.styles.body_flush)

    def data_table(self, header: Sequence[str], rows: Sequence[Sequence[object]], *,
                   width: float = FRAME_WIDTH, widths: Sequence[float] | None = None,
                   align: Sequence[str] | None = None) -> Table:
        """A grid table with a shaded header row that repeats on every page.

        Cells are plain text and wrap by the Chinese rules. ``widths`` are relative weights;
        by default the columns are sized from their content (:func:`fit_widths`) so the table
        is exactly ``width`` wide. ``align`` is "left" / "centre" / "right" per column.
        """
        st = self.styles
        if any(len(row) > len(header) for row in rows):
            raise ValueError("a table row has more cells than the header")
        texts = [[_text(v) for v in row] + [""] * (len(header) - len(row)) for row in rows]
        align = [*(align or []), *["left"] * (len(header) - len(align or []))]
        if widths:
            col_widths = [width * w / sum(widths) for w in widths]
        else:
            col_widths = fit_widths([list(header), *texts], width, st.cell.fontName,
                                    st.cell.fontSize)
        head = [para(h, st.cell_head) for h in header]
        body = [[para(value, getattr(st, _ALIGN.get(align[c], "cell")))
                 for c, value in enumerate(row)] for row in texts]
        table = Table([head, *_split_tall_rows(body, col_widths)], colWidths=col_widths,
                      repeatRows=1, hAlign="LEFT")
        table.setStyle(self._table_style([*_GRID, ("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL)]))
        return table

    def key_value_table(self, pairs: Sequence[tuple[str, object]], *,
                        columns: int = 2, width: float = FRAME_WIDTH) -> Table:
        """Label / value pairs, ``columns`` pairs per row; a short last row is spanned."""
        st = self.styles
        columns = max(1, columns)
        pair_width = width / columns
        label_width = min(pair_width * 0.45, CELL_PAD * 2 + max(
            stringWidth(str(label), st.cell_label.fontName, st.cell_label.fontSize)
            for label, _ in pairs))
        col_widths = [label_width, pair_width - label_width] * columns
        rows: list[list[object]] = []
        spans = []
        for r in range(0, len(pairs), columns):
            chunk = pairs[r:r + columns]
            row: list[object] = []
            for label, value in chunk:
                row += [para(label, st.cell_label), para(_text(value), st.cell)]
            last_value = len(row) - 1
            row += [""] * (2 * (columns - len(chunk)))
            pieces = _split_tall_rows([row], col_widths)
            if len(chunk) < columns:  # the last value takes the rest of the row
                spans += [("SPAN", (last_value, k), (-1, k))
                          for k in range(len(rows), len(rows) + len(pieces))]
            rows += pieces
        table = Table(rows, colWidths=col_widths, hAlign="LEFT")
        shaded = [("BACKGROUND", (c, 0), (c, -1), HEADER_FILL) for c in range(0, 2 * columns, 2)]
        table.setStyle(self._table_style([*_GRID, *shaded, *spans]))
        return table

    def _table_style(self, commands: list[tuple]) -> TableStyle:
        # Plain-string cells (even empty fillers) are drawn in the table's own font, Helvetica
        # unless told otherwise, which would put an unembedded font into the PDF.
        font = ("FONTNAME", (0, 0), (-1, -1), self.fonts.regular)
        return TableStyle([font, *commands])

    # -- output ----------------------------------------------------------------------------

    def build(self) -> Path:
        """Write the PDF (through a temporary file, so a failure leaves no half file)."""
        partial = self.path.with_name(self.path.name + ".part")
        # The frame has no inner padding (SimpleDocTemplate's is 6 pt), so FRAME_WIDTH is the
        # width content really gets and tables line up with the header and footer rules.
        frame = Frame(MARGIN_LEFT, MARGIN_BOTTOM, FRAME_WIDTH, FRAME_HEIGHT, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        doc = BaseDocTemplate(
            str(partial), pagesize=PAGE_SIZE, leftMargin=MARGIN_LEFT, rightMargin=MARGIN_RIGHT,
            topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM, title=self.title,
            author=self.issuer, subject=self.subject or self.title, creator=CREATOR,
            lang="zh-CN", initialFontName=self.fonts.regular,
            pageTemplates=[PageTemplate("page", [frame], onPage=self._under_page)])
        try:
            doc.build([*self._title_block(), *self._story], canvasmaker=self._canvas_class())
            os.replace(partial, self.path)
        finally:
            partial.unlink(missing_ok=True)
        return self.path

    def _title_block(self) -> list[Flowable]:
        st = self.styles
        block: list[Flowable] = [CJKParagraph(markup(self.title), st.title)]
        left = self.doc_number or ""
        right = SIGNER_FORMAT.format(name=self.signer) if self.signer else ""
        if left or right:
            line = Table([[para(left, st.body_flush), para(right, st.signature)]],
                         colWidths=[FRAME_WIDTH / 2] * 2, hAlign="LEFT")
            line.setStyle(self._table_style([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                             ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
            block.append(line)
        block += [HRFlowable(width="100%", thickness=1.2, color=RULE_COLOUR, spaceBefore=2,
                             spaceAfter=8)]
        return block

    def _under_page(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        """Drawn before the page's content: the drill / draft watermarks sit under the text."""
        marks = [m for m, on in ((DRILL_MARK, self.drill), (DRAFT_MARK, self.draft)) if on]
        if not marks:
            return
        canvas.saveState()
        canvas.setFillColor(colors.Color(0.6, 0.6, 0.6, alpha=0.28))
        canvas.setFont(self.fonts.bold, 120)
        canvas.translate(PAGE_SIZE[0] / 2, PAGE_SIZE[1] / 2)
        canvas.rotate(45)
        for n, mark in enumerate(marks):
            canvas.drawCentredString(0, -40 - n * 170 + (85 if len(marks) == 2 else 0), mark)
        canvas.restoreState()

    def _decorate(self, canvas: Canvas, page: int, pages: int) -> None:
        """Header and footer, drawn once the page count is known."""
        font, size = self.fonts.regular, MARGIN_TEXT_SIZE
        left, right = MARGIN_LEFT, PAGE_SIZE[0] - MARGIN_RIGHT
        top = PAGE_SIZE[1] - MARGIN_TOP + 12 * mm
        bottom = MARGIN_BOTTOM - 14 * mm
        canvas.saveState()
        canvas.setFont(font, size)
        canvas.setFillColor(MUTED_TEXT)
        canvas.drawString(left, top, self.issuer)
        banner = "　".join(b for b, on in ((DRILL_BANNER, self.drill),
                                          (DRAFT_BANNER, self.draft)) if on)
        if banner:
            canvas.setFillColor(RULE_COLOUR)
            canvas.setFont(self.fonts.bold, size + 1)
            canvas.drawRightString(right, top, banner)
        canvas.setStrokeColor(GRID_COLOUR)
        canvas.setLineWidth(0.5)
        canvas.line(left, top - 2.5 * mm, right, top - 2.5 * mm)
        canvas.line(left, bottom + 4 * mm, right, bottom + 4 * mm)
        canvas.setFont(font, size)
        canvas.setFillColor(MUTED_TEXT)
        local = to_local(self.generated_at, self.zone)
        canvas.drawString(left, bottom, GENERATED_FORMAT.format(when=cn_datetime(local),
                                                                zone=zone_label(self.zone)))
        canvas.drawRightString(right, bottom, PAGE_FORMAT.format(page=page, pages=pages))
        canvas.restoreState()

    def _canvas_class(self) -> type[Canvas]:
        decorate = self._decorate

        class _CountingCanvas(Canvas):
            """Holds pages back until the end so each footer can say how many there are."""

            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self._held: list[dict] = []

            def showPage(self):
                self._held.append(dict(self.__dict__))
                self._startPage()

            def save(self):
                for state in self._held:
                    self.__dict__.update(state)
                    decorate(self, self._pageNumber, len(self._held))
                    super().showPage()
                super().save()

        return _CountingCanvas


_GRID = [
    ("GRID", (0, 0), (-1, -1), 0.5, GRID_COLOUR),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("LEFTPADDING", (0, 0), (-1, -1), CELL_PAD),
    ("RIGHTPADDING", (0, 0), (-1, -1), CELL_PAD),
    ("TOPPADDING", (0, 0), (-1, -1), 3),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
]


# A table row taller than _MAX_ROW_HEIGHT is cut into continuation rows of _PIECE_HEIGHT:
# reportlab cannot split a row across pages (its splitInRow option draws the rest over the
# bottom margin when the header row repeats, reportlab 5.1.0), and a row taller than the frame
# fails the whole build. Pieces of a quarter page pack well at page ends.
_MAX_ROW_HEIGHT = FRAME_HEIGHT * 0.5
_PIECE_HEIGHT = FRAME_HEIGHT * 0.25


def _split_tall_rows(rows: list[list[object]], col_widths: Sequence[float]) -> list[list[object]]:
    inner = [w - 2 * CELL_PAD for w in col_widths]
    out: list[list[object]] = []
    for row in rows:
        pieces = [_split_cell(cell, w) for cell, w in zip(row, inner, strict=True)]
        out += [list(r) for r in zip_longest(*pieces, fillvalue="")]
    return out


def _split_cell(cell: object, width: float) -> list[object]:
    """A tall cell's paragraph cut into pieces of about _PIECE_HEIGHT."""
    if not isinstance(cell, Flowable) or cell.wrap(width, FRAME_HEIGHT)[1] <= _MAX_ROW_HEIGHT:
        return [cell]
    parts: list[object] = []
    while cell.wrap(width, FRAME_HEIGHT)[1] > _PIECE_HEIGHT:
        halves = cell.split(width, _PIECE_HEIGHT)
        if len(halves) < 2:  # not splittable (an image): leave it whole
            break
        parts.append(halves[0])
        cell = halves[1]
    parts.append(cell)
    return parts


def _text(value: object) -> str:
    return "" if value is None else str(value)
