"""commandcentre.tabular: cells and sheets as offices type them."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from commandcentre import tabular as t
from commandcentre.errors import ValidationError


@pytest.mark.parametrize(("cell", "expected"), [
    (13800138000.0, "13800138000"), (13800138000, "13800138000"),
    ("１３８００１３８０００", "13800138000"), ("138 0013 8000", "13800138000"),
    ("138-0013-8000", "13800138000"), ("+86 138 0013 8000", "13800138000"),
    ("0875-6213110", "0875-6213110"), ("０８７５－６２１３１１０", "0875-6213110"),
    ("13800138000/0875-6213110", "13800138000、0875-6213110"), ("119", "119"),
    (None, ""), ("  ", ""),
])
def test_phone_cells(cell, expected):
    assert t.phone(cell) == expected


@pytest.mark.parametrize("cell", ["1.38001E+10", "1380013800", "138001380001", "电话坏了",
                                  "12"])
def test_bad_phone_cells_are_refused_not_guessed(cell):
    with pytest.raises(t.CellError):
        t.phone(cell)


def test_codes_keep_digits_and_refuse_what_excel_already_rounded():
    assert t.code(3209901.0) == "3209901"
    assert t.code("０４２００１") == "042001"
    assert t.code("53010119900101123x") == "53010119900101123X"
    with pytest.raises(t.CellError, match="末尾数字已丢失"):
        t.code(5.30101199001011e17)
    with pytest.raises(t.CellError, match="科学计数法"):
        t.code("5.30101E+17")
    with pytest.raises(t.CellError):
        t.code(12.5)


@pytest.mark.parametrize(("cell", "expected"), [
    (datetime(2027, 5, 31), date(2027, 5, 31)), (46538, date(2027, 5, 31)),
    ("2027-05-31", date(2027, 5, 31)), ("2027/5/31", date(2027, 5, 31)),
    ("2027.5.31", date(2027, 5, 31)), ("2027年5月31日", date(2027, 5, 31)),
    ("２０２７年５月３１日", date(2027, 5, 31)), ("20270531", date(2027, 5, 31)),
    (20270531, date(2027, 5, 31)), ("2027-05-31 00:00:00", date(2027, 5, 31)),
    ("长期", None), ("—", None), (None, None),
])
def test_date_cells(cell, expected):
    assert t.day(cell) == expected


@pytest.mark.parametrize("cell", ["2027-02-30", "明年", "5月31日", 12.5])
def test_bad_dates(cell):
    with pytest.raises(t.CellError):
        t.day(cell)


def test_numbers_flags_and_lists():
    assert t.integer("３０人") == 30 and t.integer(30.0) == 30 and t.integer("1,200") == 1200
    assert t.number("５６０００㎡") == 56000 and t.number("2.5吨") == 2.5
    with pytest.raises(t.CellError):
        t.integer("约30")
    with pytest.raises(t.CellError):
        t.integer(30.5)
    assert [t.flag(v) for v in ("是", "√", "Y", "否", "×", None)] == [True, True, True, False,
                                                                     False, None]
    with pytest.raises(t.CellError):
        t.flag("也许")
    assert t.items("水域救援、山岳救援，水域救援;绳索") == ["水域救援", "山岳救援", "绳索"]
    assert t.squash("马　庆") == "马庆"
    # Full-width digits fold; Chinese punctuation in free text stays as written.
    assert t.fold("杉坪镇（林场路６号）") == "杉坪镇（林场路6号）"


def _book(path, rows, merges=()):
    book = Workbook()
    ws = book.active
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    book.save(path)
    return path


HEADERS = {"姓名": "name", "所属队伍": "team", "手机": "mobile", "办公电话": "office",
           "联系电话": "mobile"}


def test_header_below_titles_two_row_header_and_vertical_merges(tmp_path):
    path = _book(tmp_path / "a.xlsx", [
        ["青峪县应急队员通讯录"], ["填报单位：县应急管理局"], [],
        ["序号", "姓 名", "所属队伍", "联系方式", None, "备注"],
        [None, None, None, "手机", "办公电话", None],
        [1, "张三", "水域救援队", 13800138000, "0875-6213110", None],
        [2, "李四", None, "13900139000", None, "兼"],
    ], merges=("A1:F1", "A4:A5", "B4:B5", "C4:C5", "D4:E4", "F4:F5", "C6:C7"))
    with t.open_table(path, HEADERS, ["name", "team"]) as table:
        assert table.header_row == 5
        assert table.columns == {"name": 1, "team": 2, "mobile": 3, "office": 4}
        assert table.ignored == ["备注"]
        rows = list(table.rows)
    assert rows[0] == (6, [1, "张三", "水域救援队", 13800138000, "0875-6213110", None])
    assert rows[1][1][2] == "水域救援队"  # the merged team name reaches the second member


def test_csv_in_gbk_with_tabs_and_utf8_bom(tmp_path):
    gbk = tmp_path / "g.csv"
    gbk.write_bytes("姓名,所属队伍,联系电话\n张三,水域救援队,13800138000\n".encode("gbk"))
    with t.open_table(gbk, HEADERS, ["name", "team"]) as table:
        assert list(table.rows) == [(2, ["张三", "水域救援队", "13800138000"])]
    tabs = tmp_path / "t.csv"
    tabs.write_text("\ufeff姓名\t所属队伍\n李四\t防汛队\n", encoding="utf-8")
    with t.open_table(tabs, HEADERS, ["name", "team"]) as table:
        assert list(table.rows) == [(2, ["李四", "防汛队"])]


def test_files_that_cannot_be_read_say_why(tmp_path):
    with pytest.raises(ValidationError, match=r"另存为 \.xlsx"):
        with t.open_table(tmp_path / "old.xls", HEADERS, ["name"]):
            pass
    with pytest.raises(ValidationError, match="找不到文件"):
        with t.open_table(tmp_path / "none.xlsx", HEADERS, ["name"]):
            pass
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ValidationError, match="无法读取"):
        with t.open_table(bad, HEADERS, ["name"]):
            pass
    other = _book(tmp_path / "other.xlsx", [["日期", "事项"], ["2026-01-01", "x"]])
    with pytest.raises(ValidationError, match="未找到表头"):
        with t.open_table(other, HEADERS, ["name", "team"]):
            pass


def test_saved_sheet_is_ready_to_print(tmp_path):
    path = t.save_table(tmp_path / "out.xlsx", "青峪县应急救援队员名册", ["姓名", "联系电话"],
                        [["张三", "13800138000"], ["欧阳修远", 13900139000]],
                        text_columns=[1], subtitle="导出时间")
    ws = load_workbook(path).active
    assert ws["A1"].value == "青峪县应急救援队员名册" and ws["A1"].font.b
    assert "A1:B1" in {str(r) for r in ws.merged_cells.ranges}
    assert [c.value for c in ws[3]] == ["姓名", "联系电话"] and ws["A3"].font.b
    assert ws["B5"].value == "13900139000" and ws["B5"].data_type == "s"
    assert ws["B5"].number_format == "@"
    assert ws.freeze_panes == "A4" and ws.print_title_rows == "$3:$3"
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1
    assert ws.column_dimensions["A"].width >= t.cjk_width("欧阳修远")
    assert not list(tmp_path.glob(".*partial"))
    with pytest.raises(ValidationError):
        t.save_table(tmp_path / "out.pdf", "x", ["a"], [])
