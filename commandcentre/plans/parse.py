"""A plan's structure from its text: headings, the section tree, response levels and actions.

Chinese official documents number their headings in a fixed order: 第一章 › 第一节 › 一、 ›
（一） › 1. › （1） › 1） › ①, or decimally (1 / 1.1 / 1.1.1). A heading's place in the tree
comes from that order, not from its style, so hand-numbered bold paragraphs nest the same way
as Word heading styles or Markdown ``#`` marks. A numbered line counts as a heading when it is
styled, bold, or short and not a sentence; inside 启动条件 / 响应措施 blocks numbered lines are
list items. Pure: blocks in, :class:`ParsedPlan` out.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import PurePath

from ..errors import ValidationError
from ..i18n import tr
from .levels import extract_levels
from .meta import plan_meta
from .model import ParsedPlan, ParsedSection
from .numbering import number_value, numbered, strip_number
from .read import Block, Document

_ANNEX = re.compile(r"^(附件\s*[\d一二三四五六七八九十]*)\s*[:：]?\s*(.*)$")
_INLINE = re.compile(r"^([^，,。；;：:！？!?]{1,20})[。．]\s*(\S.*)$")  # （一）编制目的。为…
_SENTENCE_END = "。；;！？!?：:，,"
# Sections whose numbered lines are list items, not sub-headings (保障措施 is not one).
_ITEM_CONTEXT = re.compile(r"启动条件|启动标准|响应条件|启动情形|"
                           r"响应措施|处置措施|应急措施|响应行动")
_LEVEL_MENTION = re.compile(r"[ⅠⅡⅢⅣ]级(?:应急)?响应|[一二三四]级(?:应急)?响应")
_PHONE = re.compile(r"(?<!\d)(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{3,4}-\d{7,8}|\d{7,8})(?!\d)")
_CITATION = re.compile(r"《([^《》]{2,60}?(?:预案|方案|手册))》")
_KINDS = (("联系方式", ("联系", "通讯录", "通信录", "联络")), ("附件", ("附件",)),
          ("附则", ("附则",)), ("总则", ("总则",)),
          ("后期处置", ("后期处置", "恢复", "善后", "重建")),
          ("保障措施", ("保障",)), ("监测预警", ("监测", "预警", "预防", "信息报告")),
          ("应急响应", ("响应", "应急处置", "处置与救援")),
          ("组织指挥体系", ("组织指挥", "指挥体系", "组织机构", "组织体系", "应急组织",
                            "指挥机构")),
          ("预案管理", ("预案管理", "管理与更新", "宣传", "培训", "演练")))


class _Builder:
    """Walks the blocks once, keeping the stack of open sections."""

    def __init__(self, fmt: str):
        self.fmt = fmt
        # Section 0 is always the text before the first heading (maybe none): it is where
        # the plan's title is searched, so a plan is found by its title.
        self.sections: list[ParsedSection] = [ParsedSection("", "", "preamble", 0, None)]
        self.ranks: list[int] = [-1]
        self.stack: list[int] = []
        self.style_ranks: dict[int, int] = {}
        self.last_number: dict[tuple[int | None, str], tuple[int, str]] = {}
        self.notes: list[str] = []
        self.top_rank: int | None = None

    def _open(self, number: str, title: str, marker: str, rank: int) -> None:
        while self.stack and self.ranks[self.stack[-1]] >= rank:
            self.stack.pop()
        parent = self.stack[-1] if self.stack else None
        self._check_sequence(parent, marker, number, title)
        self.sections.append(ParsedSection(number, title, marker, len(self.stack), parent))
        self.ranks.append(rank)
        self.stack.append(len(self.sections) - 1)
        if self.top_rank is None:
            self.top_rank = rank

    def _check_sequence(self, parent: int | None, marker: str, number: str, title: str) -> None:
        if marker not in ("chapter", "cn", "paren_cn", "arabic", "paren_arabic"):
            return
        value = number_value(number)
        if value is None:
            return
        previous = self.last_number.get((parent, marker))
        expected = previous[0] + 1 if previous else 1
        if value != expected:
            self.notes.append(tr("标题编号不连续：{heading}（前一个是 {previous}）",
                                 heading=number + title,
                                 previous=previous[1] if previous else "-"))
        self.last_number[(parent, marker)] = (value, number + title)

    def _body(self, line: str) -> None:
        self.sections[self.stack[-1] if self.stack else 0].body.append(line)

    def _in_item_context(self, rank: int) -> bool:
        if not self.stack:
            return False
        current = self.stack[-1]
        return (bool(_ITEM_CONTEXT.search(self.sections[current].title))
                and rank > self.ranks[current])

    def add(self, block: Block) -> None:
        text = block.text.strip()
        if block.table_row:
            self._body(text)
            return
        styled = block.style_level is not None and block.style_level >= 1
        found = numbered(block)
        if found:
            marker, rank, number, rest = found
            if styled:
                self.style_ranks.setdefault(block.style_level, rank)
                self._open(number, rest, marker, rank)
                return
            if self._in_item_context(rank):
                self._body(text)
                return
            inline = _INLINE.match(rest) if rank <= 5 else None
            if block.bold and len(rest) <= 60 and not inline:
                self._open(number, rest, marker, rank)
            elif inline:
                self._open(number, inline.group(1), marker, rank)
                self._body(inline.group(2))
            elif not rest or (len(rest) <= 30 and rest[-1] not in _SENTENCE_END
                              and not re.search("[。；;！？]", rest)):
                self._open(number, rest, marker, rank)
            else:
                self._body(text)
            return
        annex = _ANNEX.match(text)
        if annex and (styled or len(text) <= 40):
            self._open(annex.group(1), annex.group(2), "annex",
                       2 if self.top_rank is None else self.top_rank)
        elif text == "附则" or styled:
            default = block.style_level if self.fmt == "md" else (block.style_level or 1) + 1
            rank = self.top_rank if text == "附则" and self.top_rank is not None else \
                self.style_ranks.get(block.style_level or 0, default)
            self._open("", text, "none", rank)
        else:
            self._body(text)


def _kind(title: str) -> str:
    for kind, words in _KINDS:
        if any(w in title for w in words):
            return kind
    return ""


def _title(doc: Document) -> tuple[str, list[Block]]:
    """The document's title and the blocks after it is taken out (a title given in the
    front matter takes out only a heading that says the same)."""
    blocks = list(doc.blocks)
    given = doc.front_matter.get("title", "").strip()
    for n, block in enumerate(blocks[:5]):
        if block.style_level == 0 or (block.style_level == 1 and doc.format == "md"
                                      and not numbered(block)):
            if given and block.text != given:
                break
            return block.text, blocks[:n] + blocks[n + 1:]
    first = blocks[0]
    if (not given or first.text == given) and not numbered(first) \
            and first.style_level in (None, 0, 1) and len(first.text) <= 50 \
            and re.search("预案|方案|手册", first.text):
        return first.text, blocks[1:]
    return given or PurePath(doc.name).stem, blocks


def parse_document(doc: Document, *, hazard_names: Mapping[str, str] | None = None,
                   ) -> ParsedPlan:
    """The structure of a read document; ValidationError when it holds no plan text."""
    title, blocks = _title(doc)
    meta, notes = plan_meta(doc.front_matter, title, hazard_names=hazard_names)
    builder = _Builder(doc.format)
    for block in blocks:
        builder.add(block)
    sections = builder.sections
    if len(sections) == 1 and not sections[0].body:
        raise ValidationError(tr("文件中只有标题，没有正文：{name}", name=doc.name))
    notes += builder.notes
    for section in sections:
        own = _kind(section.title)
        parent_kind = sections[section.parent].kind if section.parent is not None else ""
        section.kind = own or parent_kind
    levels = extract_levels(sections, notes)
    full_text = "\n".join([meta["title"], *(b.text for b in blocks)])
    if not levels and _LEVEL_MENTION.search(full_text):
        notes.append(tr("文中提到了响应级别，但没有找到分级响应的章节。"))
    links = [("上级", meta["parent_title"])] if meta["parent_title"] else []
    links += [("同级", p.strip()) for p in meta.pop("peers")]
    named = {meta["title"], *(t for _r, t in links)}
    for cited in dict.fromkeys(_CITATION.findall(full_text)):
        if cited not in named:
            links.append(("引用", cited))
    contacts, attachments = [], []
    for section in sections:
        if section.kind == "联系方式":
            for line in section.body:
                phones = _PHONE.findall(line)
                if phones:
                    name = " ".join(_PHONE.sub("", line).replace("\t", " ").split())
                    contacts.append({"name": name, "phone": "、".join(phones)})
        if section.marker == "annex" and section.title:
            attachments.append(section.heading)
        elif section.title.strip("：:") == "附件" or section.marker == "annex":
            attachments += [strip_number(line) for line in section.body
                            if numbered(Block(line))]
            attachments += [s.title for s in sections if s.parent is not None
                            and sections[s.parent] is section]
    return ParsedPlan(meta, sections, levels, links, contacts, attachments, full_text, notes)
