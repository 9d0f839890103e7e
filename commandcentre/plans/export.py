"""Writing a plan out as a Word document or an official-looking PDF.

The Word file carries the headings as real heading styles (so it imports back into the same
section tree) and runs of table rows as tables. The PDF is built with
:class:`~commandcentre.reports.document.OfficialDocument` and ends with a table of every
level's actions (响应措施一览), the page a duty officer prints. Both are Chinese documents,
so their labels are not translated (as in the daily report).
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from .model import PlanView

LABELS = (("type", "预案类型"), ("hazards", "适用灾种"), ("issuer", "发布单位"),
          ("owner", "牵头单位"), ("version", "版本"), ("status", "状态"),
          ("issued_on", "发布日期"), ("revised_on", "修订日期"),
          ("next_evaluation_on", "下次评估"), ("filed_on", "备案日期"),
          ("last_drill_on", "最近演练"), ("parent_title", "上级预案"))
ACTIONS_TITLE = "附：响应措施一览"
LEVEL_HEADING = "{level}级响应"
ACTION_HEADER = ("序号", "责任单位", "响应措施", "时限")
SUBJECT = "应急预案"
DEFAULT_ISSUER = "应急预案"
FONTS = {"Title": "方正小标宋简体", "Heading 1": "黑体", "Heading 2": "楷体", "Normal": "仿宋"}


def limit_text(minutes: int | None) -> str:
    """30 → 30分钟, 120 → 2小时, 1440 → 24小时; '' when the plan sets no limit."""
    if minutes is None:
        return ""
    if minutes >= 60 and minutes % 60 == 0:
        return f"{minutes // 60}小时"
    return f"{minutes}分钟"


def meta_pairs(view: PlanView) -> list[tuple[str, str]]:
    """The register fields as (label, value) for the head of an exported plan."""
    pairs = []
    for key, label in LABELS:
        value = view.plan.get(key)
        if isinstance(value, list):
            value = "、".join(value)
        if value:
            pairs.append((label, str(value)))
    return pairs


def _blocks(body: str) -> list[str | list[list[str]]]:
    """Body lines, with each run of tab-separated lines (an imported table) as one table."""
    out: list[str | list[list[str]]] = []
    for line in body.split("\n"):
        if not line.strip():
            continue
        if "\t" in line:
            if out and isinstance(out[-1], list):
                out[-1].append(line.split("\t"))
            else:
                out.append([line.split("\t")])
        else:
            out.append(line)
    return out


def _heading(section: dict, plan_title: str) -> str:
    return plan_title if section["marker"] == "preamble" else section["number"] + section["title"]


# -- Word ---------------------------------------------------------------------------------

def _set_font(style, name: str) -> None:
    from docx.oxml.ns import qn
    from docx.shared import RGBColor

    style.font.name = name
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)  # without it Word shows Chinese in its default face


def to_docx(view: PlanView, path: Path) -> Path:
    """Write ``view`` as a .docx at ``path`` (through a temporary file)."""
    import docx

    document = docx.Document()
    for style_name, font in FONTS.items():
        _set_font(document.styles[style_name], font)
    for level in range(3, 10):
        _set_font(document.styles[f"Heading {level}"], FONTS["Normal"])
    document.add_heading(view.title, level=0)
    pairs = meta_pairs(view)
    if pairs:
        table = document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        for label, value in pairs:
            cells = table.add_row().cells
            cells[0].text, cells[1].text = label, value
    for section in view.sections:
        if section["marker"] != "preamble":
            document.add_heading(_heading(section, view.title), level=min(section["depth"] + 1, 9))
        for block in _blocks(section["body"]):
            if isinstance(block, str):
                document.add_paragraph(block)
                continue
            width = max(len(row) for row in block)
            table = document.add_table(rows=0, cols=width)
            table.style = "Table Grid"
            for row in block:
                cells = table.add_row().cells
                for n, value in enumerate(row):
                    cells[n].text = value
    partial = path.with_name(path.name + ".part")
    try:
        document.save(str(partial))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


# -- PDF ----------------------------------------------------------------------------------

def to_pdf(view: PlanView, path: Path, generated_at: datetime) -> Path:
    """Write ``view`` as an A4 PDF at ``path``."""
    from ..reports.document import OfficialDocument

    doc = OfficialDocument(path, title=view.title, issuer=view.plan["issuer"] or DEFAULT_ISSUER,
                           generated_at=generated_at, doc_number=view.plan["version"] or None,
                           subject=SUBJECT)
    doc.add_key_values(meta_pairs(view))
    for section in view.sections:
        if section["marker"] != "preamble":
            doc.add_heading(_heading(section, view.title), 1 if section["depth"] == 0 else 2)
        for block in _blocks(section["body"]):
            if isinstance(block, str):
                doc.add_paragraph(block)
                continue
            width = max(len(row) for row in block)
            rows = [row + [""] * (width - len(row)) for row in block]
            doc.add_table(rows[0], rows[1:])
    if any(level["actions"] for level in view.levels):
        doc.add_heading(ACTIONS_TITLE, 1)
        for level in view.levels:
            doc.add_heading(LEVEL_HEADING.format(level=level["level"]), 2)
            doc.add_table(ACTION_HEADER, [
                (a["ordinal"], a["owner_unit"], a["text"], limit_text(a["within_minutes"]))
                for a in level["actions"]], widths=(1, 3, 9, 2), align=("centre",))
    return doc.build()
