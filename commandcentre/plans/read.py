"""Reading plan documents (.docx, .md, .txt) into a flat list of text blocks.

A block is one paragraph (or one table row) with what the file says about its look: a heading
level from a Word heading style, an outline level or Markdown ``#`` marks, and whether the
whole paragraph is bold (offices often number headings by hand and make them bold instead of
using styles). Deciding what is a heading is :mod:`.parse`'s job, not this module's.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import ValidationError
from ..i18n import tr

FORMATS = {".docx": "docx", ".md": "md", ".markdown": "md", ".txt": "txt"}
MAX_BYTES = 50 * 1024 * 1024  # a plan with scanned annexes is big; beyond this it is not a plan


@dataclass(frozen=True)
class Block:
    """One paragraph of a document."""

    text: str
    style_level: int | None = None  # 0: the document title; 1…9: heading level
    bold: bool = False
    table_row: bool = False


@dataclass(frozen=True)
class Document:
    """A document's blocks, its front matter (Markdown only) and its format."""

    blocks: list[Block]
    front_matter: dict[str, str]
    format: str
    name: str


def read_document(path: str | Path) -> Document:
    """Read ``path``; raise :class:`ValidationError` with a clear reason when it cannot be."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValidationError(tr("不支持的文件类型：{name}（可导入 .docx、.md、.txt）",
                                 name=path.name))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ValidationError(tr("文件过大：{name}", name=path.name))
        data = path.read_bytes()
    except OSError as err:
        raise ValidationError(tr("无法读取文件：{name}（{reason}）", name=path.name,
                                 reason=err.strerror or str(err))) from err
    if not data.strip():
        raise ValidationError(tr("文件是空的：{name}", name=path.name))
    if fmt == "docx":
        blocks, front = _read_docx(path), {}
    else:
        text = _decode(data, path.name)
        blocks, front = _read_markdown(text) if fmt == "md" else (_read_text(text), {})
    if not any(b.text.strip() for b in blocks):
        raise ValidationError(tr("文件中没有正文：{name}", name=path.name))
    return Document(blocks, front, fmt, path.name)


def _decode(data: bytes, name: str) -> str:
    # Chinese Windows editors still save GBK; UTF-8 first, then UTF-16 by BOM, then GB18030.
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8-sig", "gb18030"]
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise ValidationError(tr("无法识别文件的文字编码（不是文本文件？）：{name}", name=name))


# -- Word ---------------------------------------------------------------------------------

_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.IGNORECASE)


def _read_docx(path: Path) -> list[Block]:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, SyntaxError,
            AttributeError, TypeError) as err:
        # lxml's XMLSyntaxError derives from SyntaxError: a damaged part inside the zip.
        raise ValidationError(tr("无法读取 Word 文件：{name}（文件已损坏或不是 .docx）",
                                 name=path.name)) from err
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    blocks: list[Block] = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks += _paragraph_blocks(Paragraph(child, document))
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells, seen = [], set()
                for cell in row.cells:  # a merged cell repeats; take it once
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    cells.append(" ".join(cell.text.split()))
                if any(cells):
                    blocks.append(Block("\t".join(cells), table_row=True))
    return blocks


def _outline_level(paragraph) -> int | None:
    from docx.oxml.ns import qn

    for holder in (paragraph._p.pPr, getattr(paragraph.style.element, "pPr", None)):
        if holder is None:
            continue
        node = holder.find(qn("w:outlineLvl"))
        if node is not None:
            value = int(node.get(qn("w:val")))
            return value + 1 if value < 9 else None  # 9 is "body text"
    return None


def _paragraph_blocks(paragraph) -> list[Block]:
    text = paragraph.text
    if not text.strip():
        return []
    style = paragraph.style
    name = style.name if style is not None else ""
    level = None
    if name in ("Title", "标题"):
        level = 0
    else:
        match = _HEADING_STYLE.match(name or "")
        level = int(match.group(1)) if match else _outline_level(paragraph)
    style_bold = bool(style is not None and style.font.bold)
    runs = [r for r in paragraph.runs if r.text.strip()]
    bold = bool(runs) and all(r.bold or (r.bold is None and style_bold) for r in runs)
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return [Block(line, level if n == 0 else None, bold) for n, line in enumerate(lines)]


# -- Markdown and plain text --------------------------------------------------------------

_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_MD_BOLD = re.compile(r"^\*\*(.+)\*\*$|^__(.+)__$")
_MD_RULE = re.compile(r"^\s*\|?\s*:?-{3,}")


def _read_markdown(text: str) -> tuple[list[Block], dict[str, str]]:
    lines = text.splitlines()
    front: dict[str, str] = {}
    start = 0
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].strip() == "---":
        end = next((n for n in range(first + 1, len(lines)) if lines[n].strip() == "---"),
                   None)
        if end is not None:
            for line in lines[first + 1:end]:
                key, sep, value = line.partition(":")
                if sep and key.strip():
                    front[key.strip().lower()] = value.strip().strip("\"'")
            start = end + 1
    blocks = []
    for line in lines[start:]:
        stripped = line.strip()
        if not stripped or _MD_RULE.match(stripped):
            continue
        heading = _MD_HEADING.match(stripped)
        if heading:
            blocks.append(Block(_plain(heading.group(2)), len(heading.group(1))))
            continue
        if stripped.startswith("|"):
            cells = [_plain(c) for c in stripped.strip("|").split("|")]
            blocks.append(Block("\t".join(cells), table_row=True))
            continue
        bold = _MD_BOLD.match(stripped)
        if bold:
            blocks.append(Block(_plain(bold.group(1) or bold.group(2)), bold=True))
            continue
        blocks.append(Block(_plain(re.sub(r"^[-*+]\s+", "", stripped))))
    return [b for b in blocks if b.text], front


def _plain(text: str) -> str:
    """Markdown inline marks removed (emphasis, code), spaces kept as written."""
    text = re.sub(r"\*\*(.+?)\*\*|__(.+?)__", lambda m: m.group(1) or m.group(2), text)
    return text.replace("`", "").strip()


def _read_text(text: str) -> list[Block]:
    # Official documents indent paragraphs with two full-width spaces; strip() removes them.
    return [Block(line.strip()) for line in text.splitlines() if line.strip()]
