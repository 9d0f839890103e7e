"""Writing a register as an .xlsx a person can print (title row, bold header, CJK column
widths, frozen header, A4 with the header repeated on every page, page numbers, phones and ids
as text) or as a UTF-8 CSV with a BOM so Excel opens it correctly; always written beside the
target and renamed, so a failure never leaves half a file."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from ..errors import CommandCentreError, ValidationError
from ..i18n import tr
from .cells import cjk_width


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _save_xlsx(target: Path, title: str, headers: Sequence[str], rows: Sequence[Sequence],
               text_columns: set[int], subtitle: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    ws.title = re.sub(r"[\\/?*\[\]:：]", "", title)[:31] or "Sheet1"
    ws.append([title])
    ncol = max(len(headers), 1)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncol)
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    head = 2
    if subtitle:
        ws.append([subtitle])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=ncol)
        ws["A2"].alignment = Alignment(horizontal="right")
        head = 3
    ws.append(list(headers))
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in ws[head]:
        cell.font = Font(name="宋体", bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body_font = Font(name="宋体")
    wrap = Alignment(vertical="center", wrap_text=True)
    widths = [cjk_width(h) for h in headers]
    for row in rows:
        values = []
        for c, value in enumerate(row):
            if c in text_columns or isinstance(value, list | tuple):
                value = "、".join(map(str, value)) if isinstance(value, list | tuple) \
                    else _cell_text(value)
            values.append(value)
            widths[c] = max(widths[c], cjk_width(_cell_text(value)))
        ws.append(values)
        for c, cell in enumerate(ws[ws.max_row]):
            cell.border = border
            cell.font = body_font
            cell.alignment = wrap
            if c in text_columns:
                cell.number_format = "@"  # phones and ids stay text when the sheet is edited
            elif isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    for n, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(n)].width = min(max(width + 3, 8), 48)
    ws.freeze_panes = ws.cell(row=head + 1, column=1)
    ws.print_title_rows = f"{head}:{head}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = (ws.ORIENTATION_LANDSCAPE if sum(widths) > 90
                                 else ws.ORIENTATION_PORTRAIT)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"
    book.save(target)


def _save_csv(target: Path, headers: Sequence[str], rows: Sequence[Sequence]) -> None:
    # UTF-8 with a BOM: Excel opens it as UTF-8 instead of guessing the ANSI code page.
    with target.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(headers)
        out.writerows([("、".join(map(str, v)) if isinstance(v, list | tuple) else _cell_text(v))
                       for v in row] for row in rows)


def save_table(path: str | Path, title: str, headers: Sequence[str], rows: Sequence[Sequence],
               *, text_columns: Sequence[int] = (), subtitle: str = "") -> Path:
    """Write a register to ``path`` (.xlsx ready to print, or .csv); a failure leaves no file.

    ``text_columns`` (0-based) are written as text: phone numbers and ids.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError(tr("只支持 .xlsx 和 .csv 格式：{path}", path=str(path)))
    partial = path.with_name(f".{path.name}.partial")
    try:
        if suffix == ".xlsx":
            _save_xlsx(partial, title, headers, rows, set(text_columns), subtitle)
        else:
            _save_csv(partial, headers, rows)
        os.replace(partial, path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise CommandCentreError(tr("无法写入文件：{path}（{reason}）", path=str(path),
                                    reason=err.strerror or str(err))) from None
    return path
