"""Heading numbering in Chinese official documents: 第一章 › 第一节 › 一、 › （一） › 1. ›
（1） › 1） › ①, or decimal (1 / 1.1 / 1.1.1), each with its rank in that order."""

from __future__ import annotations

import re

from .read import Block

_CN = "零〇一二三四五六七八九十百"

# (marker, rank, pattern): group 1 is the number as written, group 2 the rest of the line.
MARKERS = (
    ("chapter", 0, re.compile(rf"^(第[{_CN}\d]+章)\s*(.*)$")),
    ("part", 1, re.compile(rf"^(第[{_CN}\d]+节)\s*(.*)$")),
    ("cn", 2, re.compile(r"^([一二三四五六七八九十]+[、.．])\s*(.*)$")),
    ("paren_cn", 3, re.compile(r"^([（(][一二三四五六七八九十]+[）)])\s*(.*)$")),
    ("decimal", 3, re.compile(r"^(\d{1,2}(?:[.．]\d{1,2})+)\s+(.*)$")),
    ("arabic", 4, re.compile(r"^(\d{1,2}[.．、])(?![\d.．])\s*(.*)$")),
    ("paren_arabic", 5, re.compile(r"^([（(]\d{1,2}[）)])\s*(.*)$")),
    ("arabic_paren", 6, re.compile(r"^(\d{1,2}[）)])\s*(.*)$")),
    ("circled", 7, re.compile(r"^([①-⑳])\s*(.*)$")),
)
_DECIMAL_TOP = re.compile(r"^(\d{1,2})\s+(\S.*)$")  # "1 总则": only when styled or bold
BULLET = re.compile(r"^[-•·●▪]\s*(.*)$")


def cn_number(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十四 → 24, 两 → 2; digits as digits; None when not a number."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
              "七": 7, "八": 8, "九": 9}
    if not text or any(c not in digits and c not in "十百" for c in text):
        return None
    total, current = 0, 0
    for char in text:
        if char == "百":
            total, current = total + (current or 1) * 100, 0
        elif char == "十":
            total, current = total + (current or 1) * 10, 0
        else:
            current = digits[char]
    return total + current


def number_value(number: str) -> int | None:
    core = re.sub(r"[第章节、.．（）()）]", "", number)
    return cn_number(core)


def strip_number(line: str) -> str:
    for _marker, _rank, pattern in MARKERS:
        match = pattern.match(line)
        if match:
            return match.group(2).strip()
    bullet = BULLET.match(line)
    return bullet.group(1).strip() if bullet else line.strip()


def numbered(block: Block) -> tuple[str, int, str, str] | None:
    """(marker, rank, number, rest) for a line that starts with heading numbering."""
    text = block.text.strip()
    for marker, rank, pattern in MARKERS:
        match = pattern.match(text)
        if match:
            if marker == "decimal":
                rank = 1 + len(re.split(r"[.．]", match.group(1)))
            return marker, rank, match.group(1), match.group(2).strip()
    if block.style_level is not None or block.bold:
        match = _DECIMAL_TOP.match(text)
        if match and len(match.group(2)) <= 30:
            return "decimal", 2, match.group(1), match.group(2).strip()
    return None
