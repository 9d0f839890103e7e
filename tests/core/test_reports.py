"""PDF and xlsx reports, checked on real files: pypdf text and fonts, pdftoppm, openpyxl."""

from __future__ import annotations

import itertools
import logging
import os
import re
import shutil
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from commandcentre.reports import (
    DailyReportData,
    HandoverLine,
    IntakeLine,
    OfficialDocument,
    ShiftLine,
    cjk_fonts,
    render_daily_pdf,
    render_daily_xlsx,
)
from commandcentre.reports import daily as daily_mod
from commandcentre.reports.fonts import CID_FALLBACK
from commandcentre.reports.style import (
    CLOSING_PUNCTUATION,
    FRAME_WIDTH,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    NO_LINE_START,
    PAGE_SIZE,
    CJKParagraph,
    break_cjk_lines,
    cn_number,
    fit_widths,
    make_styles,
)
from tests.pdfcheck import font_files

PHONE = "13907451234"
FLOOD = ("3月15日14时20分，青峪县石门镇龙潭村村民报告：受持续强降雨影响，龙潭河水位快速上涨，"
         "村东侧漫水桥已被淹没，约30户村民出行受阻，暂无人员伤亡。镇政府已组织巡查并设置警示标志，"
         "请求县水利局派员查看河堤险情。")


def _intake(n: int, *, important: bool = False, content: str | None = None) -> IntakeLine:
    kinds = ("自然灾害", "事故灾难", "公共卫生事件", "社会安全事件")
    return IntakeLine(
        serial=f"JB-20260315-{n:03d}", received=f"2026-03-15 {8 + n % 14:02d}:{n * 7 % 60:02d}",
        channel=("值班电话", "传真", "政务微信", "北斗短报文")[n % 4], kind=kinds[n % 4],
        caller=f"王建国 {PHONE}" if n % 3 == 0 else "0745-2261234",
        content=content or (f"第{n}件：城关镇第{n}组报告道路边坡出现裂缝，长约{n + 5}米，"
                            "已安排专人值守，正在组织人员排查周边住户，待国土所回复。"),
        state=("办理中", "待反馈", "已转办")[n % 3], important=important)


@pytest.fixture
def data() -> DailyReportData:
    important = [
        replace(_intake(1, important=True, content=FLOOD), kind="自然灾害", channel="值班电话"),
        replace(_intake(2, important=True, content="G210国道K1234+500处发生两车相撞事故，"
                                                   "造成1人受伤，交警、120已到场处置，道路单向通行。"),
                kind="事故灾难"),
    ]
    return DailyReportData(
        county="青峪县", unit="青峪县应急管理局值班室", day=date(2026, 3, 15),
        generated_at=datetime(2026, 3, 15, 16, 5, tzinfo=UTC), zone="Asia/Shanghai",
        prepared_by="李晓梅",
        shifts=[ShiftLine("03-15 08:30", "03-16 08:30", "张卫东", ["李晓梅", "陈志强"],
                          "汛期加强值守"),
                ShiftLine("03-14 08:30", "03-15 08:30", "赵国华", ["周敏"], "")],
        total=27, by_channel={"值班电话": 15, "传真": 4, "政务微信": 6, "北斗短报文": 2},
        by_kind={"自然灾害": 11, "事故灾难": 9, "公共卫生事件": 3, "社会安全事件": 4},
        important=important, open_items=[*important, *(_intake(n) for n in range(3, 30))],
        handovers=[HandoverLine("2026-03-15 08:30", "周敏", "李晓梅", 3,
                                "龙潭河水位持续上涨，需每小时与石门镇联系一次；传真机缺纸已补。")],
    )


def _page_texts(path) -> list[str]:
    # pypdf puts line breaks inside wrapped phrases; compare with all whitespace removed.
    return [re.sub(r"\s+", "", page.extract_text()) for page in PdfReader(path).pages]


_font_files = font_files


def test_this_machine_has_an_embeddable_font():
    fonts = cjk_fonts()
    assert fonts.embedded, "fonts-wqy-microhei should be installed (scripts/setup.sh)"
    assert fonts.regular != CID_FALLBACK and fonts.regular_file is not None


def test_daily_pdf_text_fonts_and_pages(data, tmp_path):
    path = render_daily_pdf(data, tmp_path / "daily.pdf")
    pages = _page_texts(path)
    assert len(pages) >= 2, "enough open items to need a second page"
    whole = "".join(pages)
    assert "青峪县应急值守日报（2026年3月15日）" in pages[0]
    assert "【演练】" not in whole and "演练" not in whole
    for heading in ("一、值班情况", "二、接报统计", "三、要情", "四、未办结事项", "五、交接班"):
        assert heading in whole
    assert re.sub(r"\s+", "", FLOOD) in whole          # an important item in full
    assert "JB-20260315-029" in whole                   # the last open item
    assert "龙潭河水位持续上涨" in whole
    for n, text in enumerate(pages, start=1):
        assert f"第{n}页共{len(pages)}页" in text
        assert "青峪县应急管理局值班室" in text           # page header
        assert "生成时间：2026年3月16日0时05分（北京时间）" in text  # 16:05 UTC in Shanghai
    fonts = _font_files(path)
    assert fonts and all(fonts.values()), fonts          # every font embedded (FontFile2)
    for page in PdfReader(path).pages:                   # the golden 禁则 check, §D
        for line in page.extract_text().splitlines():
            assert not line.strip() or line.strip()[0] not in "，。；：！？、）》”’…", line
    assert not (tmp_path / "daily.pdf.part").exists()


def test_drill_pdf_is_marked_on_every_page(data, tmp_path):
    path = render_daily_pdf(replace(data, drill=True), tmp_path / "drill.pdf")
    pages = _page_texts(path)
    assert len(pages) >= 2
    assert "【演练】青峪县应急值守日报（2026年3月15日）" in pages[0]
    for text in pages:
        assert "演练" in text


def test_a_quiet_day(data, tmp_path):
    quiet = replace(data, total=0, by_channel={}, by_kind={}, important=[], open_items=[],
                    handovers=[])
    pdf = _page_texts(render_daily_pdf(quiet, tmp_path / "quiet.pdf"))
    assert len(pdf) == 1
    for heading in ("三、要情无", "四、未办结事项无", "五、交接班无"):
        assert heading in pdf[0]
    wb = load_workbook(render_daily_xlsx(quiet, tmp_path / "quiet.xlsx"))
    assert wb["未办结"].max_row == 1
    assert [c.value for c in wb["接报统计"][2]][:3] == ["合计", "接报总数", 0]


def test_pdf_renders_with_pdftoppm(data, tmp_path):
    exe = shutil.which("pdftoppm")
    if exe is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    path = render_daily_pdf(data, tmp_path / "daily.pdf")
    subprocess.run([exe, "-r", "50", "-png", "-f", "1", "-l", "1", str(path),
                    str(tmp_path / "page")], check=True, timeout=60)
    png = next(tmp_path.glob("page*.png"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 20_000   # a blank A4 page at 50 dpi is a few kilobytes


def _pgm(path) -> tuple[int, int, bytes]:
    """Width, height and pixels of a binary greyscale PGM (what ``pdftoppm -gray`` writes)."""
    raw = path.read_bytes()
    fields = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", raw)
    assert fields, raw[:20]
    width, height = int(fields.group(1)), int(fields.group(2))
    return width, height, raw[fields.end():]


def test_nothing_is_drawn_in_the_side_margins(data, tmp_path):
    """Tables and text stay inside the frame on every page (the header and footer rules end
    exactly at the margins)."""
    exe = shutil.which("pdftoppm")
    if exe is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    path = render_daily_pdf(data, tmp_path / "daily.pdf")
    subprocess.run([exe, "-r", "40", "-gray", str(path), str(tmp_path / "p")], check=True,
                   timeout=60)
    pages = sorted(tmp_path.glob("p*.pgm"))
    assert len(pages) == len(PdfReader(path).pages)
    for page in pages:
        width, height, pixels = _pgm(page)
        scale = width / PAGE_SIZE[0]
        left = int(MARGIN_LEFT * scale) - 2
        right = int((PAGE_SIZE[0] - MARGIN_RIGHT) * scale) + 2
        for y in range(height):
            row = pixels[y * width:(y + 1) * width]
            assert min(row[:left]) > 240 and min(row[right:]) > 240, (page.name, y)


def test_markup_characters_are_text(tmp_path):
    path = tmp_path / "plain.pdf"
    doc = OfficialDocument(path, title="测试<报告>", issuer="青峪县应急管理局值班室",
                           generated_at=datetime(2026, 1, 1, tzinfo=UTC),
                           doc_number="青应值〔2026〕1号", signer="张卫东")
    doc.add_paragraph("水位>警戒线 & 流量<2000立方米/秒\n第二行")
    doc.add_table(("甲", "乙"), [])
    doc.build()
    text = _page_texts(path)[0]
    assert "测试<报告>" in text and "水位>警戒线&流量<2000立方米/秒" in text
    assert "签发人：张卫东" in text and "青应值〔2026〕1号" in text and "无" in text


def test_a_cell_taller_than_a_page_is_continued(tmp_path):
    """reportlab cannot split one table row over pages; the builder cuts it into rows."""
    path = tmp_path / "long.pdf"
    doc = OfficialDocument(path, title="长内容测试", issuer="青峪县应急管理局值班室",
                           generated_at=datetime(2026, 1, 1, tzinfo=UTC))
    long_text = "".join(f"第{n}段：河堤巡查发现渗水点，已组织抢护。" for n in range(150))
    doc.add_table(("序号", "内容"), [("1", long_text), ("2", "短")])
    doc.add_key_values([("报告人", "王建国"), ("情况", long_text), ("状态", "办理中")])
    doc.build()
    whole = "".join(_page_texts(path))
    assert len(PdfReader(path).pages) >= 4
    assert "第0段" in whole and "第149段：河堤巡查发现渗水点，已组织抢护。" in whole
    assert whole.count("第77段：河堤巡查发现渗水点") == 2


def test_naive_generation_time_is_refused(tmp_path):
    with pytest.raises(ValueError):
        OfficialDocument(tmp_path / "x.pdf", title="t", issuer="i",
                         generated_at=datetime(2026, 1, 1))


# -- line breaking (禁则) --------------------------------------------------------------------

def _lines(text: str, width: float) -> list[str]:
    styles = make_styles(cjk_fonts())
    p = CJKParagraph(text, styles.body_flush)
    p.wrap(width, 10_000)
    assert p.blPara.kind == 1
    return ["".join(w.text for w in line.words) for line in p.blPara.lines]


def test_closing_punctuation_list_is_complete():
    for mark in "，。；：！？）》」』”’、…—％．":
        assert mark in CLOSING_PUNCTUATION and mark in NO_LINE_START


@pytest.mark.parametrize("mark", list("，。；：！？）》”’、…％"))
def test_no_line_starts_with_closing_punctuation(mark):
    styles = make_styles(cjk_fonts())
    size = styles.body_flush.fontSize
    # Exactly ten ideographs fit; the mark is the eleventh character, where a naive
    # character-by-character wrap would start the second line with it.
    width = 10 * size + 0.5
    text = "应急管理局值班室接报" + mark + "请立即核实并续报情况。"
    lines = _lines(text, width)
    assert len(lines) >= 2
    assert "".join(lines) == text
    for line in lines:
        assert line and line[0] not in NO_LINE_START, lines


def test_wrapped_lines_stay_inside_the_width():
    styles = make_styles(cjk_fonts())
    width = 200.0
    p = CJKParagraph("，".join(["龙潭河水位上涨"] * 12) + "。", styles.body_flush)
    p.wrap(width, 10_000)
    for line in p.blPara.lines:
        assert line.currentWidth <= width + 1e-6


def test_numbers_and_latin_words_are_not_cut():
    lines = _lines("请联系石门镇值班室电话" + PHONE + "或者" + "G210国道养护站。" * 3, 12 * 13)
    assert any(PHONE in line for line in lines), lines


def test_a_number_moves_down_whole_in_a_narrow_cell():
    styles = make_styles(cjk_fonts())
    p = CJKParagraph("王建国 " + PHONE, styles.cell)
    p.wrap(80, 1000)
    lines = ["".join(w.text for w in line.words).strip() for line in p.blPara.lines]
    assert lines == ["王建国", PHONE]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(list("应急值守接报龙潭河水位村民") + list("，。；：！？、》）…")),
                min_size=1, max_size=80),
       st.floats(min_value=30, max_value=400))
def test_break_rule_holds_for_any_text(chars, width):
    widths = [12.0] * len(chars)
    spans = break_cjk_lines(chars, widths, [width])
    assert spans[0][0] == 0 and spans[-1][1] == len(chars)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    for start, end in spans:
        assert end > start
        # A line may begin with a mark only when everything before it is marks too (no
        # ideograph could be carried down).
        if start and chars[start] in NO_LINE_START:
            assert chars[start - 1] in NO_LINE_START


def test_cn_numbers():
    assert [cn_number(n) for n in (1, 10, 11, 20, 23, 99, 100)] == [
        "一", "十", "十一", "二十", "二十三", "九十九", "100"]


# -- fonts ---------------------------------------------------------------------------------

def test_configured_font_path_wins(monkeypatch):
    font = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
    if not os.path.exists(font):
        pytest.skip("fonts-wqy-zenhei is not installed")
    monkeypatch.setenv("COMMANDCENTRE_PDF_FONT", font + "#0")
    fonts = cjk_fonts()
    assert "zenhei" in fonts.regular and fonts.bold == fonts.regular and fonts.embedded


def test_missing_font_falls_back_to_cid_with_a_warning(monkeypatch, caplog):
    from commandcentre.reports import fonts as fonts_mod

    monkeypatch.setattr(fonts_mod, "_system_candidates", lambda *, heading: [])
    monkeypatch.setenv("COMMANDCENTRE_PDF_FONT", "/nonexistent/font.ttf")
    with caplog.at_level(logging.WARNING, logger=fonts_mod.__name__):
        fonts = cjk_fonts()
    assert fonts.regular == CID_FALLBACK and not fonts.embedded
    assert any("NOT embedded" in r.getMessage() for r in caplog.records)


# -- xlsx ----------------------------------------------------------------------------------

def test_daily_xlsx(data, tmp_path):
    tricky = replace(data.open_items[3], content="=HYPERLINK(\"http://x\")\x07 危险", caller=PHONE)
    data = replace(data, open_items=[*data.open_items[:3], tricky, *data.open_items[4:]])
    path = render_daily_xlsx(data, tmp_path / "daily.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["概况", "接报统计", "要情", "未办结", "交接班"]

    summary = wb["概况"]
    assert summary["A1"].value == "青峪县应急值守日报（2026年3月15日）"
    facts = {summary.cell(r, 1).value: summary.cell(r, 2).value for r in range(3, 13)}
    assert facts["接报总数"] == 27 and facts["未办结"] == len(data.open_items)
    assert list(daily_mod.SHIFT_HEADER) in (
        [c.value for c in row] for row in summary.iter_rows(max_col=5))

    stats = wb["接报统计"]
    assert [c.value for c in stats[1]] == list(daily_mod.STATS_HEADER)
    rows = [[c.value for c in row] for row in stats.iter_rows(min_row=2)]
    assert ["接报渠道", "值班电话", 15, pytest.approx(15 / 27)] in rows
    assert rows[-1][:3] == ["合计", "接报总数", 27]

    sheet = wb["未办结"]
    assert [c.value for c in sheet[1]] == list(daily_mod.ITEM_HEADER)
    assert sheet.max_row == 1 + len(data.open_items)
    assert sheet.freeze_panes == "A2"
    assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    content = sheet.cell(5, 6)
    assert content.data_type == "s" and content.value == "=HYPERLINK(\"http://x\") 危险"
    phone = sheet.cell(5, 5)
    assert phone.data_type == "s" and phone.value == PHONE and phone.number_format == "@"
    assert sheet.column_dimensions["F"].width >= 40          # CJK content column is wide
    assert 8 <= sheet.column_dimensions["A"].width <= 25

    assert wb["要情"].max_row == 1 + len(data.important)
    handover = wb["交接班"]
    assert [c.value for c in handover[2]][:4] == ["2026-03-15 08:30", "周敏", "李晓梅", 3]


def test_table_widths_fill_the_frame(data, tmp_path):
    styles = make_styles(cjk_fonts())
    rows = [list(daily_mod.OPEN_HEADER),
            *([str(n), f"{i.serial}\n{i.received}", i.kind, i.caller, i.content * 3, i.state]
              for n, i in enumerate(data.open_items))]
    widths = fit_widths(rows, FRAME_WIDTH, styles.cell.fontName, styles.cell.fontSize)
    assert sum(widths) == pytest.approx(FRAME_WIDTH)
    assert min(widths) > 20
