"""Cells as offices type them: full-width digits and spaces, phones stored as numbers
(13800138000.0 → "13800138000"), ID numbers Excel has already rounded (refused, not guessed),
dates as Excel serials, date cells or text in the usual forms, 是/否 ticks, lists written with
、 or ， between items. Each reader returns the value or raises :class:`CellError` with a
message for the operator."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta

from ..i18n import tr

EXCEL_EPOCH = datetime(1899, 12, 30)
_SPACE = re.compile(r"\s+")
_SCIENTIFIC = re.compile(r"^[+-]?\d+(\.\d+)?[eE][+-]?\d+$")
_LIST_SPLIT = re.compile(r"[、,，;；/／\n\r|]+")
_UNIT_SUFFIX = re.compile(
    r"(人|名|个|台|辆|件|套|部|艘|架|只|顶|床|张|箱|袋|把|支|条|米|吨|公斤|千克|kg|桶|瓶|包|盒|"
    r"双|副|卷|捆|根|块|组|平方米|平米|m2)$", re.IGNORECASE)
_TRUE = {"是", "√", "✓", "✔", "Y", "YES", "TRUE", "1", "有", "可", "可以", "可征用"}
_FALSE = {"否", "×", "✗", "✘", "N", "NO", "FALSE", "0", "无", "不可", "不可以", "-", "—"}
_NONE_DATES = {"长期", "无", "-", "—", "/", "无期限", "长期有效", "不适用"}


class CellError(ValueError):
    """A cell that cannot be read as what its column holds; the message is for the operator."""



# Full-width Latin letters and digits (Ａ, ３) and the ideographic space become ASCII; Chinese
# punctuation （）：， in free text stays as the office wrote it.
_WIDE = {**{0xFF10 + i: 0x30 + i for i in range(10)}, **{0xFF21 + i: 0x41 + i for i in range(26)},
         **{0xFF41 + i: 0x61 + i for i in range(26)}, 0x3000: 0x20, 0xA0: 0x20, 0xFF0D: 0x2D,
         0xFF0E: 0x2E, 0xFF0B: 0x2B, 0xFF03: 0x23}


def fold(value: object) -> str:
    """A cell as text: full-width letters, digits and spaces folded, trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a number typed into a text column: 2000, not 2000.0
    if isinstance(value, datetime):
        value = value.date() if value.time() == time(0) else value
    if isinstance(value, date):
        value = value.isoformat()
    return str(value).translate(_WIDE).strip()


def _nfkc(value: object) -> str:
    """A cell folded fully (NFKC): for numbers, codes, phones and headers, not free text."""
    return unicodedata.normalize("NFKC", fold(value))


def squash(value: object) -> str:
    """A name as written: folded and with every space removed (offices pad 马　庆)."""
    return _SPACE.sub("", fold(value))


def _tight(value: object) -> str:
    return _SPACE.sub("", _nfkc(value))


def is_blank(value: object) -> bool:
    return value is None or squash(value) == ""


def header_text(value: object) -> str:
    """A header cell normalised for matching: no spaces or line breaks, no * marker, no colon."""
    return _tight(value).lstrip("*").rstrip(":")


def code(value: object) -> str:
    """An identifier Excel may have stored as a number (PDT id, 北斗卡号, 身份证号)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        raise CellError(tr("应为编号，不是是/否"))
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(tr("编号不应带小数：{text}", text=str(value)))
        if abs(value) >= 1e15:
            # Excel keeps 15 significant digits; an 18-digit ID typed as a number has lost its
            # last digits already and must be typed again as text.
            raise CellError(tr("编号被 Excel 当作数字保存，末尾数字已丢失，请把该列设为文本后重填"))
        return str(int(value))
    text = _tight(value)
    if _SCIENTIFIC.match(text):
        raise CellError(tr("编号显示为科学计数法（{text}），请把该列设为文本后重填", text=text))
    return text.upper()


def _one_phone(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    if not 3 <= len(digits) <= 20 or not re.fullmatch(r"\+?[\d\-()（）转#]+", text):
        raise CellError(tr("电话号码无法识别：{text}", text=text))
    if re.fullmatch(r"(\+?86)?1\d{10}", digits):
        return digits[-11:]  # a mobile: 138 0013 8000, 138-0013-8000, +86 13800138000
    if digits.startswith("1") and len(digits) not in (3, 5) and "-" not in text:
        # 110, 12345 are service numbers; any other number starting with 1 is a mobile
        raise CellError(tr("手机号码应为 11 位：{text}", text=text))
    return text


def phone(value: object) -> str:
    """A phone cell: numbers stored as numbers, spaced and dashed mobiles, several numbers."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _one_phone(code(value))
    text = _nfkc(value)
    if not text:
        return ""
    if _SCIENTIFIC.match(_tight(text)):
        raise CellError(tr("电话号码显示为科学计数法（{text}），请把该列设为文本后重填",
                           text=text))
    parts = [p for p in re.split(r"[/／、,，;；\n]+", text) if p.strip()]
    return "、".join(_one_phone(re.sub(r"\s+", "", p)) for p in parts)


def phone_key(text: str) -> str:
    """The digits of a phone (or its first number), for telling the same phone twice."""
    first = text.split("、")[0]
    digits = re.sub(r"\D", "", first)
    return digits[-11:] if re.fullmatch(r"(86)?1\d{10}", digits) else digits


def _number_text(value: object) -> str:
    text = _tight(value).replace(",", "")
    return _UNIT_SUFFIX.sub("", text)


def integer(value: object) -> int | None:
    """A count: 30, 30.0, "30人", "１２０", "1,200"."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(tr("应为整数：{text}", text=str(value)))
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            raise CellError(tr("应为整数：{text}", text=str(value)))
        return int(value)
    text = _number_text(value)
    if not re.fullmatch(r"[+-]?\d+(\.0+)?", text):
        raise CellError(tr("应为整数：{text}", text=fold(value)))
    return int(float(text))


def number(value: object) -> float | None:
    """A quantity or an area: 12, 12.5, "５６０００㎡", "1,200"."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError(tr("应为数字：{text}", text=str(value)))
    if isinstance(value, int | float):
        return float(value)
    text = _number_text(value)
    try:
        result = float(text)
    except ValueError:
        raise CellError(tr("应为数字：{text}", text=fold(value))) from None
    if result != result or result in (float("inf"), float("-inf")):
        raise CellError(tr("应为数字：{text}", text=fold(value)))
    return result


def day(value: object) -> date | None:
    """A date cell: an Excel date or serial, or 2026-12-01, 2026/12/1, 2026.12.1, 2026年12月1日,
    20261201; 长期 / 无 / — mean no date."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 20000 < value < 80000 and float(value).is_integer():  # a serial day (1954–2119)
            return (EXCEL_EPOCH + timedelta(days=int(value))).date()
        if not (19000101 <= value <= 21991231 and float(value).is_integer()):
            raise CellError(tr("无法识别日期：{text}", text=fold(value)))
        value = str(int(value))
    text = _tight(value)
    if text in _NONE_DATES:
        return None
    text = re.sub(r"(\d)[T ]?\d{1,2}:\d{2}(:\d{2})?$", r"\1", text)  # a time after the date
    m = (re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
         or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text))
    if not m:
        raise CellError(tr("无法识别日期：{text}", text=fold(value)))
    try:
        return date(*map(int, m.groups()))
    except ValueError:
        raise CellError(tr("日期无效：{text}", text=fold(value))) from None


def flag(value: object) -> bool | None:
    """A 是/否 cell (√, Y, 有, 1 …); None when blank."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    text = _tight(value).upper()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise CellError(tr("应填“是”或“否”：{text}", text=fold(value)))


def items(value: object) -> list[str]:
    """A list cell: items between 、 ， ; / or line breaks, in order, without repeats."""
    out: list[str] = []
    for part in _LIST_SPLIT.split(fold(value)):
        part = part.strip()
        if part and part not in out:
            out.append(part)
    return out


def cjk_width(text: str) -> int:
    """Display width in Latin digits: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
