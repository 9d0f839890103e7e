"""Response levels (分级响应) in a parsed section tree: each level's 启动条件 and its 响应措施,
parsed into who does what within how long. Pure; used by :mod:`.parse`."""

from __future__ import annotations

import re
import unicodedata

from ..i18n import tr
from .model import LEVELS, ParsedAction, ParsedLevel, ParsedSection
from .numbering import BULLET, MARKERS, cn_number, strip_number

_TRIGGER = re.compile(r"启动条件|启动标准|响应条件|启动情形")
_ACTIONS = re.compile(r"措施|响应行动|工作任务|职责分工|处置")
_LEVEL = re.compile(r"^(IV|III|II|I|[一二三四1-4])级(?:应急)?响应")
_LEVEL_NAMES = {"I": "Ⅰ", "II": "Ⅱ", "III": "Ⅲ", "IV": "Ⅳ", "一": "Ⅰ", "二": "Ⅱ", "三": "Ⅲ",
                "四": "Ⅳ", "1": "Ⅰ", "2": "Ⅱ", "3": "Ⅲ", "4": "Ⅳ"}
_INLINE_LABEL = re.compile(r"^(启动条件|启动标准|响应条件|响应措施|处置措施|应急措施)"
                           r"\s*[:：]\s*(.*)$")
_OWNER = re.compile(r"^([^，,。；;：:]{1,40})[:：]\s*(.*)$", re.S)
_TIME = re.compile(r"(?P<n>\d+(?:\.\d+)?|[零一二两三四五六七八九十半]+)\s*"
                   r"(?P<u>分钟|个小时|小时|个工作日|工作日|天|日|h|min)(?P<w>内|以内|之内)?")
# A duration without 内 is a limit only next to words that make it one: "接报后30分钟赶到",
# not "连续作业不超过12小时" or "实行24小时值班".
_BARE_BEFORE = re.compile(r"(后|在|于|用)\s*$")
_BARE_AFTER = re.compile(r"^\s*(到达|赶到|赶赴|抵达|完成|到场|到位|出动|报告|上报|报送|发布)")
_UNIT_MINUTES = {"分钟": 1, "min": 1, "个小时": 60, "小时": 60, "h": 60, "天": 1440, "日": 1440,
                 "个工作日": 1440, "工作日": 1440}


def level_name(text: str) -> str | None:
    """Ⅳ for "Ⅳ", "IV", "4", "四", "Ⅳ级", "四级响应"; None when it names no level."""
    folded = unicodedata.normalize("NFKC", text.strip()).upper().replace(" ", "")
    folded = re.sub(r"级.*$", "", folded)
    return _LEVEL_NAMES.get(folded)


def minutes_within(text: str) -> int | None:
    """The time limit an action states (接报后30分钟内 → 30, 2小时内 → 120), or None.

    "每2小时报告一次" is a frequency, not a limit; days count only as "3日内" / "3天内".
    """
    found = []
    for match in _TIME.finditer(text):
        before = text[max(0, match.start() - 2):match.start()]
        if "每" in before:
            continue
        unit, within = match.group("u"), match.group("w")
        if not within and (unit in ("天", "日", "个工作日", "工作日") or not (
                _BARE_BEFORE.search(text[:match.start()])
                or _BARE_AFTER.match(text[match.end():]))):
            continue
        raw = match.group("n")
        value = 0.5 if raw == "半" else (float(raw) if raw[0].isdigit() else cn_number(raw))
        if value is None:
            continue
        found.append((not within, match.start(), round(value * _UNIT_MINUTES[unit])))
    return min(found)[2] if found else None  # the first "…内", else the first duration


def parse_action(line: str) -> ParsedAction:
    """（1）县应急管理局：接报后30分钟内派出工作组。 → owner, action text, 30 minutes."""
    raw = line.strip()
    text = strip_number(raw)
    owner, body = "", text
    match = _OWNER.match(text)
    if match and match.group(2).strip():
        owner, body = match.group(1).strip(), match.group(2).strip()
    elif "\n" in text:  # a heading naming the unit, the measures on the lines below it
        first, rest = text.split("\n", 1)
        if len(first) <= 20:
            owner, body = first.strip(), rest.strip()
    body = " ".join(body.split("\n"))
    return ParsedAction(owner, body, minutes_within(body), raw)


def _descendants(sections: list[ParsedSection], index: int) -> list[int]:
    out, wanted = [], {index}
    for n in range(index + 1, len(sections)):
        if sections[n].parent in wanted:
            out.append(n)
            wanted.add(n)
    return out


def _flatten(sections: list[ParsedSection], indices: list[int]) -> list[str]:
    """The lines of some sections as one list, each heading as a line of its own (a heading
    with nothing under it, such as "（1）补充说明", is left out: it is no measure)."""
    lines = []
    for n in indices:
        if sections[n].heading and (sections[n].body or ":" in sections[n].title
                                    or "：" in sections[n].title):
            lines.append(sections[n].heading)
        lines += sections[n].body
    return lines


def _items(lines: list[str]) -> list[str]:
    """Numbered items, each with its continuation lines. Text before the first item is an
    introduction ("各成员单位按职责做好以下工作：") and dropped; with no numbering at all,
    each line is an item."""
    starts = [bool(any(p.match(line) for _m, _r, p in MARKERS) or BULLET.match(line))
              for line in lines]
    if not any(starts):
        return [line for line in lines if line.strip()]
    items: list[str] = []
    for line, start in zip(lines, starts, strict=True):
        if start:
            items.append(line)
        elif items:
            items[-1] += "\n" + line
    return items


def _split_level_body(lines: list[str]) -> tuple[list[str], list[str]]:
    """启动条件 and 响应措施 written straight under a level heading, with or without labels."""
    trigger, actions, mode = [], [], "trigger"
    for line in lines:
        content = strip_number(line)
        label = _INLINE_LABEL.match(content)
        if label:
            mode = "trigger" if _TRIGGER.search(label.group(1)) else "actions"
            content = label.group(2).strip()
            if content:
                (trigger if mode == "trigger" else actions).append(content)
            continue
        if mode == "trigger" and content != line and _OWNER.match(content):
            mode = "actions"  # a numbered "单位：…" line: the measures have begun
        (trigger if mode == "trigger" else actions).append(line)
    return trigger, actions


def extract_levels(sections: list[ParsedSection], notes: list[str]) -> list[ParsedLevel]:
    levels: list[ParsedLevel] = []
    for index, section in enumerate(sections):
        match = _LEVEL.match(unicodedata.normalize("NFKC", section.title).replace(" ", ""))
        if not match:
            continue
        level = _LEVEL_NAMES[match.group(1)]
        if any(lv.level == level for lv in levels):
            notes.append(tr("重复的{level}级响应章节，已忽略：{heading}", level=level,
                            heading=section.heading))
            continue
        below = _descendants(sections, index)
        triggers = [n for n in below if _TRIGGER.search(sections[n].title)]
        measures = [n for n in below if _ACTIONS.search(sections[n].title)
                    and not _TRIGGER.search(sections[n].title)]
        trigger_lines: list[str] = []
        for n in triggers:
            trigger_lines += sections[n].body + _flatten(sections, _descendants(sections, n))
        action_lines: list[str] = []
        for n in measures:
            action_lines += sections[n].body + _flatten(sections, _descendants(sections, n))
        if not triggers and not measures:  # everything written under the level heading
            trigger_lines, action_lines = _split_level_body(section.body)
        parsed = ParsedLevel(level, section.heading, index, "\n".join(trigger_lines).strip())
        parsed.actions = [parse_action(item) for item in _items(action_lines)]
        if not parsed.trigger:
            notes.append(tr("{level}级响应未找到启动条件：{heading}", level=level,
                            heading=section.heading))
        if not parsed.actions:
            notes.append(tr("{level}级响应未找到响应措施：{heading}", level=level,
                            heading=section.heading))
        for n, action in enumerate(parsed.actions, 1):
            if not action.owner_unit:
                notes.append(tr("{level}级响应第 {n} 项措施未写明责任单位：{text}",
                                level=level, n=n, text=action.text[:30]))
        levels.append(parsed)
    return sorted(levels, key=lambda lv: LEVELS.index(lv.level))
