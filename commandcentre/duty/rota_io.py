"""The rota as offices keep it (值班表): .xlsx or .csv, one row per shift.

Columns 日期, 开始, 结束, 带班领导, 主班, 副班, 加强值班 and optionally 备注; people by 姓名
or username. Reading is forgiving about how a sheet was typed (title rows above the header,
merged date cells, Excel dates and times or text in several forms, full-width digits, padded
names, GBK-encoded CSV from Excel) and strict about what it means: every row is checked
first, all problems are reported with their row numbers, and either every shift is written in
one audited transaction or none is.
"""

from __future__ import annotations

import csv
import io
import os
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

from ..accounts import Permission, Session
from ..county import CountyService
from ..errors import CommandCentreError, ValidationError
from ..i18n import tr
from ..storage import Store
from ..tabular.reading import read_csv_text
from ..timeutil import to_local
from .rota import People, PlannedShift, RotaRejected, clean_name, rota_zone, validate_shifts
from .rota import write_shifts as _write
from .shifts import ShiftService

# The sheet is the office's document in the county's language and is read back by
# import_rota, so its headers stay Chinese whatever the UI language.
COLUMNS = ("日期", "开始", "结束", "带班领导", "主班", "副班", "加强值班", "备注")
REQUIRED = COLUMNS[:5]
_ALIASES = {
    "日期": ("值班日期",), "开始": ("开始时间", "接班时间", "起始时间"),
    "结束": ("结束时间", "交班时间", "截止时间"), "带班领导": ("值班领导", "带班"),
    "主班": ("主班人员", "主班值班员"), "副班": ("副班人员", "副班值班员"),
    "加强值班": ("加强值班期", "加强"), "备注": ("说明",)}
_HEADER = {a: key for key in COLUMNS for a in (key, *_ALIASES.get(key, ()))}
_YES = {"是", "√", "✓", "✔", "Y", "YES"}
_NO = {"否", "无", "-", "—", "N", "NO"}
_HEADER_SCAN_ROWS = 30
_EXCEL_EPOCH = datetime(1899, 12, 30)


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote (or, checking only, would write)."""

    shifts: list[PlannedShift]
    ids: list[str]


def _text(value: object) -> str:
    """A cell as text with full-width letters, digits and punctuation folded (NFKC)."""
    return unicodedata.normalize("NFKC", str(value)).strip()


def _blank(value: object) -> bool:
    return value is None or clean_name(value) == ""


# -- reading cells ------------------------------------------------------------------------

def _date(value: object, year: int | None) -> date:
    """A 日期 cell: an Excel date or serial, or text like 2026-12-01, 2026/12/1, 12月1日."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 < value < 80000:  # an Excel serial day number (1954–2119)
            return (_EXCEL_EPOCH + timedelta(days=int(value))).date()
        raise ValidationError(tr("无法识别日期：{text}", text=str(value)))
    text = re.sub(r"[(\[（【].*?[)\]）】]", "", _text(value))  # (周二), （星期二）
    text = re.sub(r"\s+|(星期|周|礼拜)[一二三四五六日天七]", "", text)
    m = (re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
         or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text))
    parts: tuple[int, ...] | None = tuple(map(int, m.groups())) if m else None
    if parts is None and (m := re.fullmatch(r"(\d{1,2})[-/.月](\d{1,2})日?", text)):
        if year is None:
            raise ValidationError(tr("日期“{text}”没有年份：请在标题中写明年份或指定年份",
                                     text=text))
        parts = (year, int(m[1]), int(m[2]))
    if parts is None:
        raise ValidationError(tr("无法识别日期：{text}", text=text))
    try:
        return date(*parts)
    except ValueError:
        raise ValidationError(tr("日期无效：{text}", text=text)) from None


def _time_of_day(text: str) -> tuple[time, int]:
    """'08:00', '8:00', '8时30分', '8点半', '0800', '晚上8点', '24:00' → (time, extra days)."""
    later = bool(re.match(r"(下午|晚上|晚|夜间|夜里)", text))
    core = re.sub(r"^(上午|早上|早晨|早|下午|晚上|晚|夜间|夜里|凌晨)", "", text)
    m = (re.fullmatch(r"(\d{1,2}):(\d{2})(?::\d{2})?", core)
         or re.fullmatch(r"(\d{1,2})[时点](?:(\d{1,2})分?|(半))?", core)
         or re.fullmatch(r"(\d{1,2})(\d{2})", core) or re.fullmatch(r"(\d{1,2})", core))
    if not m:
        raise ValidationError(tr("无法识别时间：{text}", text=text))
    groups = m.groups()
    hour = int(groups[0])
    minute = 30 if len(groups) > 2 and groups[2] else int(groups[1] or 0) if len(groups) > 1 \
        else 0
    if later and hour < 12:
        hour += 12
    if (hour, minute) == (24, 0):
        return time(0, 0), 1
    if hour > 23 or minute > 59:
        raise ValidationError(tr("无法识别时间：{text}", text=text))
    return time(hour, minute), 0


def _clock(value: object, year: int | None) -> datetime | tuple[time, int]:
    """A 开始 / 结束 cell: a full local date-time, or (time of day, days after the row's date)."""
    if isinstance(value, datetime):
        if value.year >= 1950:
            return value.replace(tzinfo=None)
        return value.time().replace(second=0, microsecond=0), 0  # an Excel time past 24 h
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None), 0
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 0 <= value < 1:  # an Excel time typed into a General cell: a fraction of a day
            minutes = round(value * 1440)
            return (time(0, 0), 1) if minutes == 1440 else (time(*divmod(minutes, 60)), 0)
        value = str(int(value)) if float(value).is_integer() else str(value)
    text = re.sub(r"\s+", " ", _text(value))
    days = 0
    if m := re.match(r"(次日|翌日|第二天|隔日|当日|当天)\s*", text):
        days = 0 if m[1] in ("当日", "当天") else 1
        text = text[m.end():]
    for pattern in (r"(.+?)[ T](\S+)", r"(.+日)(.+)"):  # a date and a time: 2026-12-02 08:00
        if m := re.fullmatch(pattern, text):
            try:
                day = _date(m[1], year)
            except ValidationError:
                continue
            tod, extra = _time_of_day(m[2])
            return datetime.combine(day + timedelta(days=extra), tod)
    tod, extra = _time_of_day(text.replace(" ", ""))
    return tod, days + extra


# -- reading files ------------------------------------------------------------------------

def _xlsx_grids(path: Path) -> list[list[list[object]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it skips (data validation, print
            # extensions); they do not change the cell values we read.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        if isinstance(err, FileNotFoundError):
            raise ValidationError(tr("找不到文件：{path}", path=str(path))) from None
        raise ValidationError(tr("无法读取表格文件：{path}", path=str(path))) from None
    grids = []
    for ws in [book.active, *(w for w in book.worksheets if w is not book.active)]:
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        # A merged cell holds its value only in its top-left corner; a date (or leader)
        # written once for a 白班/夜班 pair applies to every row it spans.
        for rng in ws.merged_cells.ranges:
            if rng.max_row > rng.min_row:
                value = grid[rng.min_row - 1][rng.min_col - 1]
                for r in range(rng.min_row - 1, min(rng.max_row, len(grid))):
                    for c in range(rng.min_col - 1, min(rng.max_col, len(grid[r]))):
                        grid[r][c] = value
        grids.append(grid)
    return grids


def _csv_grid(path: Path) -> list[list[object]]:
    return [list(r) for r in csv.reader(io.StringIO(read_csv_text(path)))]


def _find_header(grid: list[list[object]]) -> tuple[int, dict[str, int]] | None:
    for i, row in enumerate(grid[:_HEADER_SCAN_ROWS]):
        cols: dict[str, int] = {}
        for c, value in enumerate(row):
            key = _HEADER.get(clean_name(value).rstrip(":")) if value is not None else None
            if key and key not in cols:
                cols[key] = c
        if all(k in cols for k in REQUIRED):
            return i, cols
    return None


def _load(path: Path) -> tuple[list[list[object]], int, dict[str, int]]:
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        grids = _xlsx_grids(path)
    elif suffix == ".csv":
        grids = [_csv_grid(path)]
    else:
        raise ValidationError(tr("只支持 .xlsx 和 .csv 格式的值班表：{path}", path=str(path)))
    for grid in grids:
        if found := _find_header(grid):
            return grid, found[0], found[1]
    raise ValidationError(tr("未找到表头（需要列：{columns}）：{path}",
                             columns="、".join(REQUIRED), path=str(path)))


def _row_shift(cells: dict[str, object], day: date | None, year: int | None, people: People,
               tz) -> PlannedShift:
    start = _clock(cells["开始"], year)
    end = _clock(cells["结束"], year)
    if day is None and isinstance(start, datetime):
        day = start.date()  # 开始 written as a full date-time needs no 日期
    if day is None:
        raise ValidationError(tr("缺少日期"))
    if isinstance(start, datetime):
        starts_at = start.replace(tzinfo=tz)
    else:
        starts_at = datetime.combine(day + timedelta(days=start[1]), start[0], tz)
    if isinstance(end, datetime):
        ends_at = end.replace(tzinfo=tz)
    elif end[1]:
        ends_at = datetime.combine(day + timedelta(days=end[1]), end[0], tz)
    else:
        ends_at = datetime.combine(starts_at.date(), end[0], tz)
        if ends_at <= starts_at:  # 20:00 → 08:00, 08:00 → 08:00: the shift runs overnight
            ends_at += timedelta(days=1)
    if ends_at <= starts_at:
        raise ValidationError(tr("结束时间早于或等于开始时间"))
    leaders = people.names_in(cells["带班领导"])
    if len(leaders) != 1:
        raise ValidationError(tr("缺少带班领导") if not leaders else tr("带班领导只能填一人"))
    operators = people.names_in(cells["主班"])
    if not operators:
        raise ValidationError(tr("缺少主班值班员"))
    operators += people.names_in(cells.get("副班"))
    flag = clean_name(cells.get("加强值班") or "")
    # A tick in the column marks enhanced duty without naming the period.
    enhanced = "加强值班" if flag.upper() in _YES else "" if flag.upper() in _NO else flag
    note = "" if _blank(cells.get("备注")) else _text(cells["备注"])
    local = starts_at.astimezone(tz), ends_at.astimezone(tz)
    return PlannedShift(starts_at, ends_at, leaders[0], tuple(operators),
                        f"{local[0]:%H:%M}-{local[1]:%H:%M}", enhanced, note)


def read_rota(store: Store, path: str | Path, *, year: int | None = None,
              zone_name: str | None = None) -> tuple[list[PlannedShift], list[str]]:
    """Read and check a rota file; return its good shifts (people as usernames) and every
    problem; the shifts are the whole file only when there are no problems.

    ``year`` completes dates written without one (12月1日); without it, a year in a title
    row above the header (青峪县应急管理局2026年12月值班表) is used.
    """
    path = Path(path)
    grid, head, cols = _load(path)
    if year is None:
        titles = " ".join(_text(v) for row in grid[:head] for v in row if v is not None)
        if m := re.search(r"((?:19|20)\d{2})\s*年", titles):
            year = int(m[1])
    tz = rota_zone(store, zone_name)
    people = People(store)
    shifts: list[PlannedShift] = []
    rows: list[int] = []
    problems: list[tuple[int, str]] = []
    day: date | None = None
    for i in range(head + 1, len(grid)):
        values = grid[i]
        cells = {k: values[c] if c < len(values) else None for k, c in cols.items()}
        if all(_blank(cells.get(k)) for k in ("开始", "结束", "带班领导", "主班", "副班")):
            continue  # a blank line, a note under the table, a 制表人 line
        if _HEADER.get(clean_name(cells["日期"] or "")) == "日期":
            continue  # the header repeated on every printed page
        try:
            if not _blank(cells["日期"]):
                day = None  # a bad date is not carried on to the rows below
                day = _date(cells["日期"], year)
            shifts.append(_row_shift(cells, day, year, people, tz))
            rows.append(i + 1)
        except ValidationError as err:
            problems.append((i + 1, tr("{where}：{problem}", where=tr("第 {row} 行", row=i + 1),
                                       problem=str(err))))
    labels = [tr("第 {row} 行", row=r) for r in rows]
    good, found = validate_shifts(store, shifts, labels, zone_name=str(tz))
    problems += [(rows[n], message) for n, message in found]
    problems.sort(key=lambda p: p[0])
    if not shifts and not problems:
        raise ValidationError(tr("值班表中没有班次：{path}", path=str(path)))
    return good, [message for _, message in problems]


def import_rota(store: Store, session: Session, path: str | Path, *, year: int | None = None,
                zone_name: str | None = None, check_only: bool = False) -> ImportResult:
    """Import a rota file: all its shifts in one audited transaction, or, if any row has a
    problem, nothing (:class:`RotaRejected` lists every problem with its row)."""
    session.require(Permission.REGISTER_WRITE)
    path = Path(path)
    shifts, problems = read_rota(store, path, year=year, zone_name=zone_name)
    if problems:
        raise RotaRejected(problems)
    if check_only:
        return ImportResult(shifts, [])
    ids = _write(store, session, shifts, action="duty_rota.import",
                 detail={"file": path.name, "format": path.suffix.lower().lstrip(".")})
    return ImportResult(shifts, ids)


# -- writing ------------------------------------------------------------------------------

def rota_rows(store: Store, start: datetime, end: datetime, *,
              zone_name: str | None = None) -> list[dict[str, object]]:
    """The shifts starting in [start, end) as sheet rows keyed by :data:`COLUMNS`.

    结束 is a time of day when the reader's rule (an end at or before the start is next day)
    gives it back, else a full date-time.
    """
    tz = rota_zone(store, zone_name)
    people = People(store)
    out = []
    for view in ShiftService(store).between(start, end):
        if view.starts_at < start:
            continue  # a month's sheet holds the shifts that start in that month
        s, e = to_local(view.starts_at, str(tz)), to_local(view.ends_at, str(tz))
        overnight = e.date() == s.date() + timedelta(days=1) and e.time() <= s.time()
        same_day = e.date() == s.date() and e.time() > s.time()
        names = [people.unique_name(p) for p in view.operators]
        out.append({
            "日期": s.date(), "开始": s.time().replace(tzinfo=None),
            "结束": e.time().replace(tzinfo=None) if overnight or same_day
            else e.replace(tzinfo=None),
            "带班领导": people.unique_name(view.leader) if view.leader else "",
            "主班": names[0] if names else "", "副班": "、".join(names[1:]),
            "加强值班": view.enhanced,
            "备注": store.scalar("SELECT note FROM duty_shift WHERE id = ?", (view.id,)) or ""})
    return out


def _cell_text(value: object) -> str:
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, time):
        return f"{value:%H:%M}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _save_xlsx(target: Path, rows: list[dict[str, object]], title: str) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    ws.title = "值班表"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(COLUMNS))
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    ws.append(list(COLUMNS))
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in ws[2]:
        cell.font = Font(name="宋体", bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
    for row in rows:
        ws.append([row[k] for k in COLUMNS])
    formats = {datetime: "yyyy-mm-dd hh:mm", date: "yyyy-mm-dd", time: "hh:mm"}
    for line in ws.iter_rows(min_row=2):
        for cell in line:
            cell.border = border
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            if line[0].row > 2:
                cell.font = Font(name="宋体")
                kind = next((t for t in formats if isinstance(cell.value, t)), None)
                if kind:
                    cell.number_format = formats[kind]
    for n, key in enumerate(COLUMNS, start=1):
        # Excel's width unit is one Latin digit; a CJK character takes two.
        widest = max([_width(key), *(_width(_cell_text(r[key])) for r in rows)])
        ws.column_dimensions[get_column_letter(n)].width = min(max(widest + 4, 10), 40)
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"
    book.save(target)


def _save_csv(target: Path, rows: list[dict[str, object]]) -> None:
    # UTF-8 with a BOM: Excel opens it as UTF-8 instead of guessing the ANSI code page.
    with target.open("w", encoding="utf-8-sig", newline="") as f:
        out = csv.writer(f)
        out.writerow(COLUMNS)
        out.writerows([_cell_text(r[k]) for k in COLUMNS] for r in rows)


def export_rota(store: Store, path: str | Path, start: datetime, end: datetime, *,
                title: str | None = None, zone_name: str | None = None) -> int:
    """Write the shifts starting in [start, end) to ``path`` (.xlsx with a title row and print
    set-up, or .csv in UTF-8 with BOM); return how many shifts were written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise ValidationError(tr("只支持 .xlsx 和 .csv 格式的值班表：{path}", path=str(path)))
    rows = rota_rows(store, start, end, zone_name=zone_name)
    if title is None:
        tz = rota_zone(store, zone_name)
        first, last = start.astimezone(tz).date(), (end - timedelta(microseconds=1)).astimezone(
            tz).date()
        county = CountyService(store).county()
        title = "{org}值班表（{a}至{b}）".format(
            org=county["name"] if county else "",
            a=f"{first.year}年{first.month}月{first.day}日",
            b=f"{last.year}年{last.month}月{last.day}日")
    # Write beside the target and rename, so a failure never leaves half a file behind.
    partial = path.with_name(f".{path.name}.partial")
    try:
        if suffix == ".xlsx":
            _save_xlsx(partial, rows, title)
        else:
            _save_csv(partial, rows)
        os.replace(partial, path)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise CommandCentreError(tr("无法写入文件：{path}（{reason}）", path=str(path),
                                    reason=err.strerror or str(err))) from None
    return len(rows)
