"""Finding a register in an .xlsx or .csv file: the header is searched for below title rows,
a second header row under merged group headings (联系方式 → 手机 | 办公电话) is understood,
vertically merged cells give their value to every row they span, GBK-encoded CSV from Excel is
decoded; .xlsx is streamed (openpyxl read-only), so a 50,000-row sheet is never held as cell
objects."""

from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from ..errors import ValidationError
from ..i18n import tr
from .cells import fold, header_text, is_blank

HEADER_SCAN_ROWS = 30
_BRACKETS = re.compile(r"[(\[（【].*?[)\]）】]")


@dataclass
class Table:
    """The register found in a file: where its header is and an iterator over its data rows."""

    path: Path
    sheet: str
    header_row: int                      # 1-based, the (last) header row
    columns: dict[str, int]              # field key -> 0-based column
    headers: dict[str, str]              # field key -> the header as written in the file
    ignored: list[str] = field(default_factory=list)  # headers no field matched
    rows: Iterator[tuple[int, list[object]]] = field(default_factory=lambda: iter(()))


def _merges(book_path: Path) -> list[dict[tuple[int, int], tuple[int, int]]]:
    """Per sheet (workbook order): every cell of a vertical merge -> its top-left corner."""
    ns_rel = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    ns_doc = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    out: list[dict[tuple[int, int], tuple[int, int]]] = []
    try:
        with zipfile.ZipFile(book_path) as z:
            rels = {r.get("Id"): r.get("Target") for r in
                    ElementTree.fromstring(z.read("xl/_rels/workbook.xml.rels")).iter(
                        f"{ns_rel}Relationship")}
            book = ElementTree.fromstring(z.read("xl/workbook.xml"))
            for sheet in book.iter():
                if not sheet.tag.endswith("}sheet"):
                    continue
                target = rels.get(sheet.get(f"{ns_doc}id"), "")
                name = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                spans: dict[tuple[int, int], tuple[int, int]] = {}
                with z.open(name) as f:
                    # mergeCells sits at the end of the sheet XML; a byte scan is far cheaper
                    # than parsing a 50,000-row sheet a second time.
                    tail = b""
                    while chunk := f.read(1 << 20):
                        buf = tail + chunk
                        for m in re.finditer(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):'
                                             rb'([A-Z]+)(\d+)"', buf):
                            r0, r1 = int(m[2]), int(m[4])
                            if r1 > r0:
                                c0, c1 = _col(m[1].decode()), _col(m[3].decode())
                                for r in range(r0, r1 + 1):
                                    for c in range(c0, c1 + 1):
                                        spans[(r, c)] = (r0, c0)
                        tail = buf[-200:]
                out.append(spans)
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return []  # without merge information the cells are still read; nothing is invented
    return out


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _xlsx_sheets(path: Path, stack) -> list[tuple[str, Iterator[tuple[int, list[object]]]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it skips (data validation, print
            # extensions); they do not change the cell values we read.
            warnings.simplefilter("ignore")
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as err:
        if isinstance(err, FileNotFoundError):
            raise ValidationError(tr("找不到文件：{path}", path=str(path))) from None
        raise ValidationError(tr("无法读取表格文件：{path}", path=str(path))) from None
    stack.append(book.close)
    merges = _merges(path)
    sheets = list(book.worksheets)
    order = [book.active, *(w for w in sheets if w is not book.active)] if book.active else sheets

    def rows(ws, spans):
        corner_values: dict[tuple[int, int], object] = {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
                line = list(values)
                if spans:
                    for c in range(len(line)):
                        if (n, c) in spans:
                            corner = spans[(n, c)]
                            if corner == (n, c):
                                corner_values[corner] = line[c]
                            else:
                                line[c] = corner_values.get(corner)
                yield n, line

    return [(ws.title, rows(ws, merges[sheets.index(ws)] if len(merges) == len(sheets) else {}))
            for ws in order]


def read_csv_text(path: Path) -> str:
    """A CSV file's text: UTF-8 (with or without BOM), else GBK as Excel saves it in China."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ValidationError(tr("找不到文件：{path}", path=str(path))) from None
    except OSError:
        raise ValidationError(tr("无法读取表格文件：{path}", path=str(path))) from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace")  # Excel on Chinese Windows saves GBK


def _csv_rows(path: Path) -> Iterator[tuple[int, list[object]]]:
    text = read_csv_text(path)
    sample = text[:4096]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    for n, line in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        yield n, list(line)


def _match(row: list[object], headers: Mapping[str, str]) -> tuple[dict[str, int], list[str]]:
    found: dict[str, int] = {}
    unknown: list[str] = []
    for c, value in enumerate(row):
        if is_blank(value):
            continue
        text = header_text(value)
        key = headers.get(text) or headers.get(_BRACKETS.sub("", text))
        if key and key not in found:
            found[key] = c
        elif not key and text not in ("序号", "编号", "No.", "NO", "No"):
            unknown.append(fold(value))
    return found, unknown


@contextmanager
def open_table(path: str | Path, headers: Mapping[str, str],
               required: Sequence[str]) -> Iterator[Table]:
    """Open ``path`` and find the register in it.

    ``headers`` maps each normalised header (see :func:`header_text`) to a field key;
    ``required`` are the keys that must all be present in the header row. The first sheet
    (the active one first) with such a row within its first 30 rows is used.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    closers: list = []
    try:
        if suffix in (".xlsx", ".xlsm"):
            sheets = _xlsx_sheets(path, closers)
        elif suffix == ".csv":
            sheets = [(path.stem, _csv_rows(path))]
        elif suffix in (".xls", ".et", ".wps"):
            raise ValidationError(tr("不支持旧版 {suffix} 格式，请在 Excel/WPS 中另存为 .xlsx："
                                     "{path}", suffix=suffix, path=str(path)))
        else:
            raise ValidationError(tr("只支持 .xlsx 和 .csv 格式：{path}", path=str(path)))
        for name, rows in sheets:
            head: list[tuple[int, list[object]]] = []
            for item in rows:
                head.append(item)
                if len(head) >= HEADER_SCAN_ROWS:
                    break
            table = _find_header(path, name, head, headers, required)
            if table is None:
                continue
            start = next(i for i, (n, _) in enumerate(head) if n == table.header_row) + 1

            def data(rest=head[start:], more=rows):
                yield from rest
                yield from more

            table.rows = data()
            yield table
            return
        raise ValidationError(tr("未找到表头（需要列：{columns}）：{path}",
                                 columns="、".join(required), path=str(path)))
    finally:
        for close in closers:
            close()


def _find_header(path: Path, sheet: str, head: list[tuple[int, list[object]]],
                 headers: Mapping[str, str], required: Sequence[str]) -> Table | None:
    # The row naming the most columns is the header: a title such as 避难场所 may match one.
    best, most = None, 0
    for i, (_, row) in enumerate(head):
        cols, _ = _match(row, headers)
        if all(k in cols for k in required) and len(cols) > most:
            best, most = i, len(cols)
    for i, (n, row) in enumerate(head):
        if i != best:
            continue
        cols, unknown = _match(row, headers)
        names = {k: fold(row[c]) for k, c in cols.items()}
        last = n
        # A second header row under merged group headings: 联系方式 over 手机 | 办公电话.
        if i + 1 < len(head):
            below_n, below = head[i + 1]
            sub, _ = _match(below, headers)
            sub = {k: c for k, c in sub.items() if c >= len(row) or below[c] != row[c]}
            repeats = all(is_blank(v) or (c < len(row) and v == row[c])
                          for c, v in enumerate(below) if c not in sub.values())
            if sub and repeats:
                groups = {fold(row[c]) for c in sub.values() if c < len(row)}
                for key, c in sub.items():
                    cols = {k: v for k, v in cols.items() if v != c}
                    cols[key] = c
                    names[key] = fold(below[c])
                unknown = [u for u in unknown if u not in groups]
                last = below_n
        return Table(path, sheet, last, cols, {k: names.get(k, "") for k in cols},
                     [u for u in unknown if u not in names.values()])
    return None
