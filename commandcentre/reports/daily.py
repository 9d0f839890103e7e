"""The daily duty report (值班日报): one day's shifts, intake figures, 要情, open items and
handovers, as an A4 PDF and as an Excel workbook.

The data arrive already gathered and formatted (times are local strings) in a
:class:`DailyReportData`; this module only lays them out.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..timeutil import to_local
from .document import DRILL_PREFIX, NONE_TEXT, OfficialDocument, zone_label
from .style import cn_date, cn_datetime, cn_number

TITLE_FORMAT = "{county}应急值守日报（{day}）"
SUBJECT = "值班日报"
SECTION_SHIFTS = "一、值班情况"
SECTION_INTAKE = "二、接报统计"
SECTION_IMPORTANT = "三、要情"
SECTION_OPEN = "四、未办结事项"
SECTION_HANDOVER = "五、交接班"
BY_CHANNEL = "（一）按接报渠道"
BY_KIND = "（二）按事件类别"
INTAKE_SUMMARY = "当日共接报各类信息{total}件，其中要情{important}件，截至生成时未办结{open}件。"
IMPORTANT_MARK = "【要情】"
PREPARED_BY = "填报人：{name}"
ITEMS = "{n} 件"
TIMES = "{n} 次"
DAY, UNIT, PREPARER, GENERATED, COUNTY, DRILL = (
    "值班日期", "填报单位", "填报人", "生成时间", "县（区）", "演练")
TOTAL, IMPORTANT, OPEN, HANDOVERS = "接报总数", "要情", "未办结", "交接班"
RECEIVED, CHANNEL, CALLER, STATE = "接报时间", "接报渠道", "报告人", "办理状态"

SHIFT_HEADER = ("开始时间", "结束时间", "带班领导", "值班员", "加强值守")
COUNT_HEADER = ("件数", "占比")
OPEN_HEADER = ("序号", "编号／接报时间", "类别", "报告人", "事项内容", "状态")
HANDOVER_HEADER = ("交接时间", "交班人", "接班人", "移交未办结", "交接说明")
ITEM_HEADER = ("编号", "接报时间", "渠道", "类别", "报告人", "内容", "办理状态", "要情")
STATS_HEADER = ("统计口径", "项目", "件数", "占比")
CHANNEL_LABEL = "接报渠道"
KIND_LABEL = "事件类别"
TOTAL_LABEL = "合计"
YES, NO = "是", "否"
SHEET_SUMMARY, SHEET_STATS, SHEET_IMPORTANT, SHEET_OPEN, SHEET_HANDOVER = (
    "概况", "接报统计", "要情", "未办结", "交接班")


@dataclass(frozen=True)
class ShiftLine:
    """One duty shift (值班班次) of the day."""

    starts: str
    ends: str
    leader: str
    operators: list[str]
    enhanced: str  # 加强值守 reason, "" when a normal shift


@dataclass(frozen=True)
class IntakeLine:
    """One intake record (接报记录) as shown in the report."""

    serial: str
    received: str
    channel: str
    kind: str
    caller: str
    content: str
    state: str
    important: bool


@dataclass(frozen=True)
class HandoverLine:
    """One handover (交接班) between shifts."""

    at: str
    outgoing: str
    incoming: str
    open_items: int
    notes: str


@dataclass(frozen=True)
class DailyReportData:
    """Everything the daily report shows, gathered by the caller."""

    county: str
    unit: str
    day: date
    generated_at: datetime
    zone: str
    prepared_by: str
    shifts: list[ShiftLine]
    total: int
    by_channel: dict[str, int]
    by_kind: dict[str, int]
    important: list[IntakeLine]
    open_items: list[IntakeLine]
    handovers: list[HandoverLine]
    drill: bool = False


def daily_title(data: DailyReportData) -> str:
    """``青峪县应急值守日报（2026年3月15日）`` (without the drill prefix)."""
    return TITLE_FORMAT.format(county=data.county, day=cn_date(data.day))


def _share(count: int, total: int) -> str:
    return f"{count / total:.1%}" if total else "—"


def _count_rows(counts: dict[str, int], total: int) -> list[tuple[str, str, str]]:
    rows = [(name, str(n), _share(n, total)) for name, n in counts.items()]
    if rows:
        rows.append((TOTAL_LABEL, str(sum(counts.values())), _share(sum(counts.values()), total)))
    return rows


def render_daily_pdf(data: DailyReportData, path: str | os.PathLike[str]) -> Path:
    """Write the daily report as an A4 PDF at ``path``; return the path."""
    doc = OfficialDocument(path, title=daily_title(data), issuer=data.unit,
                           generated_at=data.generated_at, zone=data.zone, drill=data.drill,
                           subject=SUBJECT)
    local = to_local(data.generated_at, data.zone)
    doc.add_key_values([
        (DAY, cn_date(data.day)), (UNIT, data.unit),
        (PREPARER, data.prepared_by), (GENERATED, cn_datetime(local)),
        (TOTAL, ITEMS.format(n=data.total)), (IMPORTANT, ITEMS.format(n=len(data.important))),
        (OPEN, ITEMS.format(n=len(data.open_items))),
        (HANDOVERS, TIMES.format(n=len(data.handovers))),
    ])

    doc.add_heading(SECTION_SHIFTS)
    doc.add_table(SHIFT_HEADER, [(s.starts, s.ends, s.leader, "、".join(s.operators),
                                  s.enhanced or "—") for s in data.shifts],
                  align=("centre", "centre", "centre", "left", "left"))

    doc.add_heading(SECTION_INTAKE)
    doc.add_paragraph(INTAKE_SUMMARY.format(total=data.total, important=len(data.important),
                                            open=len(data.open_items)))
    # The two breakdowns are short; side by side they read as one figure and save a page.
    if data.by_channel or data.by_kind:
        half = doc.column_width(2)
        blocks = []
        for label, subtitle, counts in ((CHANNEL_LABEL, BY_CHANNEL, data.by_channel),
                                        (KIND_LABEL, BY_KIND, data.by_kind)):
            rows = _count_rows(counts, data.total)
            blocks.append([doc.caption(subtitle),
                           doc.data_table((label, *COUNT_HEADER), rows, width=half,
                                          align=("left", "right", "right"))
                           if rows else doc.text(NONE_TEXT)])
        doc.add_side_by_side(blocks)

    doc.add_heading(SECTION_IMPORTANT)
    if not data.important:
        doc.add_paragraph(NONE_TEXT)
    for number, item in enumerate(data.important, start=1):
        doc.add_heading(f"（{cn_number(number)}）{item.kind}　{item.serial}", level=2)
        doc.add_key_values([(RECEIVED, item.received), (CHANNEL, item.channel),
                            (CALLER, item.caller), (STATE, item.state)])
        doc.add_paragraph(item.content)

    doc.add_heading(SECTION_OPEN)
    # Serial and time share a column: seven columns at 10.5 pt leave the content too narrow.
    doc.add_table(OPEN_HEADER, [
        (str(n), f"{item.serial}\n{item.received}", item.kind, item.caller,
         (IMPORTANT_MARK if item.important else "") + item.content, item.state)
        for n, item in enumerate(data.open_items, start=1)],
        align=("centre", "left", "left", "left", "left", "centre"))

    doc.add_heading(SECTION_HANDOVER)
    doc.add_table(HANDOVER_HEADER, [(h.at, h.outgoing, h.incoming, str(h.open_items), h.notes)
                                    for h in data.handovers],
                  align=("left", "centre", "centre", "right", "left"))

    doc.add_signature([PREPARED_BY.format(name=data.prepared_by), data.unit, cn_date(data.day)])
    return doc.build()


# -- Excel ---------------------------------------------------------------------------------

_THIN = Side(style="thin", color="808080")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="E6E6E6")
_HEAD_FONT = Font(name="宋体", bold=True)
_BODY_FONT = Font(name="宋体")
_TEXT = "@"
_MAX_WIDTH = 60   # characters (a CJK character counts two); longer cells wrap


def render_daily_xlsx(data: DailyReportData, path: str | os.PathLike[str]) -> Path:
    """Write the daily report as an .xlsx workbook at ``path``; return the path.

    Sheets: 概况 (facts and shifts), 接报统计, 要情, 未办结, 交接班. Text stays text (a phone
    number is not turned into a number, a leading ``=`` is not a formula).
    """
    path = Path(path)
    title = (DRILL_PREFIX if data.drill else "") + daily_title(data)
    wb = Workbook()
    wb.properties.title = title
    wb.properties.creator = data.unit
    local = to_local(data.generated_at, data.zone)

    ws = wb.active
    ws.title = SHEET_SUMMARY
    _put(ws, 1, 1, title).font = Font(name="黑体", bold=True, size=16)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(SHIFT_HEADER))
    facts = [(COUNTY, data.county), (UNIT, data.unit), (DAY, cn_date(data.day)),
             (PREPARER, data.prepared_by),
             (GENERATED, f"{cn_datetime(local)}（{zone_label(data.zone)}）"),
             (TOTAL, data.total), (IMPORTANT, len(data.important)),
             (OPEN, len(data.open_items)), (HANDOVERS, len(data.handovers)),
             (DRILL, YES if data.drill else NO)]
    for r, (label, value) in enumerate(facts, start=3):
        _put(ws, r, 1, label).font = _HEAD_FONT
        _put(ws, r, 2, value)
    top = 3 + len(facts) + 1
    _put(ws, top, 1, SECTION_SHIFTS).font = _HEAD_FONT
    _table(ws, top + 1, SHIFT_HEADER, [(s.starts, s.ends, s.leader, "、".join(s.operators),
                                        s.enhanced) for s in data.shifts])
    _finish(ws, title, header_row=1)

    ws = wb.create_sheet(SHEET_STATS)
    rows: list[tuple[object, ...]] = []
    for label, counts in ((CHANNEL_LABEL, data.by_channel), (KIND_LABEL, data.by_kind)):
        rows += [(label, name, n, n / data.total if data.total else None)
                 for name, n in counts.items()]
    rows.append((TOTAL_LABEL, TOTAL, data.total, 1.0 if data.total else None))
    _table(ws, 1, STATS_HEADER, rows)
    for (cell,) in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        cell.number_format = "0.0%"
    _finish(ws, title, header_row=1)

    for name, items in ((SHEET_IMPORTANT, data.important), (SHEET_OPEN, data.open_items)):
        ws = wb.create_sheet(name)
        _table(ws, 1, ITEM_HEADER, [(i.serial, i.received, i.channel, i.kind, i.caller,
                                     i.content, i.state, YES if i.important else NO)
                                    for i in items])
        _finish(ws, title, header_row=1, landscape=True)

    ws = wb.create_sheet(SHEET_HANDOVER)
    _table(ws, 1, HANDOVER_HEADER, [(h.at, h.outgoing, h.incoming, h.open_items, h.notes)
                                    for h in data.handovers])
    _finish(ws, title, header_row=1)

    partial = path.with_name(path.name + ".part")
    try:
        wb.save(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def _put(ws: Worksheet, row: int, column: int, value: object):
    """Write one cell; strings are stored as text whatever they look like."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        # openpyxl makes "=..." a formula; operator text must never be evaluated.
        cell.data_type = "s"
        cell.number_format = _TEXT
    else:
        cell.value = value
    cell.font = _BODY_FONT
    return cell


def _table(ws: Worksheet, top: int, header: Sequence[str],
           rows: Sequence[Sequence[object]]) -> None:
    for c, text in enumerate(header, start=1):
        cell = _put(ws, top, c, text)
        cell.font, cell.fill, cell.border = _HEAD_FONT, _HEAD_FILL, _BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(rows, start=top + 1):
        for c, value in enumerate(row, start=1):
            cell = _put(ws, r, c, value)
            cell.border = _BORDER
            cell.alignment = Alignment(vertical="top", wrap_text=True)


def _display_width(value: object) -> int:
    """Width in Excel character units: CJK and full-width characters count two."""
    text = f"{value:.1%}" if isinstance(value, float) else str(value)
    longest = max(text.split("\n"), key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def _finish(ws: Worksheet, title: str, *, header_row: int, landscape: bool = False) -> None:
    """Column widths from content, frozen header, A4 print setup with page numbers."""
    merged = {cell for rng in ws.merged_cells.ranges for cell in rng.cells}
    widths: dict[int, int] = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.value is None or (cell.row, cell.column) in merged:
                continue
            widths[cell.column] = max(widths.get(cell.column, 0), _display_width(cell.value))
    for column, width in widths.items():
        ws.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), _MAX_WIDTH)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddHeader.center.text = title.replace("&", "&&")  # & starts a header code
    ws.oddFooter.center.text = "第 &P 页 共 &N 页"
