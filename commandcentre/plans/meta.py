"""A plan's register fields (类型、灾种、发布单位、状态、日期 …) from a document's front matter,
or guessed from its title when a plain document has none. Pure; no database."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from ..errors import ValidationError
from ..i18n import tr
from .model import PLAN_STATUSES, PLAN_TYPES

# Front-matter keys (English as the demo corpus writes them, Chinese as offices might).
KEYS = {
    "title": "title", "标题": "title", "名称": "title",
    "type": "type", "类型": "type", "预案类型": "type",
    "hazards": "hazards", "灾种": "hazards",
    "issuer": "issuer", "发布单位": "issuer", "印发单位": "issuer", "制定单位": "issuer",
    "owner": "owner", "责任单位": "owner", "管理单位": "owner", "牵头单位": "owner",
    "version": "version", "版本": "version",
    "status": "status", "状态": "status",
    "issued": "issued_on", "发布日期": "issued_on", "印发日期": "issued_on",
    "revised": "revised_on", "修订日期": "revised_on",
    "next_evaluation": "next_evaluation_on", "下次评估": "next_evaluation_on",
    "评估日期": "next_evaluation_on",
    "filed": "filed_on", "备案日期": "filed_on",
    "last_drill": "last_drill_on", "最近演练": "last_drill_on", "演练日期": "last_drill_on",
    "parent": "parent_title", "上级预案": "parent_title",
    "peers": "peers", "同级预案": "peers", "衔接预案": "peers",
}
DATE_KEYS = ("issued_on", "revised_on", "next_evaluation_on", "filed_on", "last_drill_on")

# Title words → hazard plugin ids (the ids commandcentre.demo.builder.HAZARD_IDS fixes);
# longer words first, so 森林草原火灾 wins over 火灾.
TITLE_HAZARDS = (
    ("森林草原火灾", "forest_fire"), ("森林火灾", "forest_fire"), ("森林草原防灭火", "forest_fire"),
    ("草原火灾", "forest_fire"), ("危险化学品", "hazardous_chemicals"),
    ("危化品", "hazardous_chemicals"), ("生产安全事故", "production_safety"),
    ("安全生产", "production_safety"), ("地质灾害", "geological_hazard"),
    ("防汛抗旱", "flood"), ("防汛", "flood"), ("洪涝", "flood"), ("抗旱", "flood"),
    ("地震", "earthquake"), ("气象灾害", "meteorological"), ("道路交通", "road_traffic"),
    ("城市火灾", "urban_fire"), ("火灾", "urban_fire"),
)
_HAZARD_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_EMPTY = ("", "无", "-", "—", "null", "none")


def normalise_front_matter(front: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """Front-matter keys mapped to field names; unknown keys come back as notes."""
    out, notes = {}, []
    for key, value in front.items():
        field = KEYS.get(key.strip().lower()) or KEYS.get(key.strip())
        if field is None:
            notes.append(tr("忽略文件头中的未知字段：{key}", key=key))
        else:
            out[field] = value.strip()
    return out, notes


def parse_date(value: str | None, what: str) -> str | None:
    """A calendar date as ``YYYY-MM-DD``, or None when empty; ValidationError when garbled."""
    if value is None or value.strip().lower() in _EMPTY:
        return None
    match = _DATE.match(value.strip())
    try:
        if not match:
            raise ValueError(value)
        return date(*map(int, match.groups())).isoformat()
    except ValueError:
        raise ValidationError(tr("日期格式无效：{what} = {value}（应为 YYYY-MM-DD）",
                                 what=what, value=value)) from None


def parse_type(value: str) -> str:
    """One of PLAN_TYPES; 总体应急预案 and the like are accepted for 总体."""
    text = value.strip()
    if text in PLAN_TYPES:
        return text
    for suffix in ("应急预案", "预案"):
        if text.endswith(suffix) and text[: -len(suffix)] in PLAN_TYPES:
            return text[: -len(suffix)]
    raise ValidationError(tr("预案类型应为：{choices}（实为 {value}）",
                             choices="、".join(PLAN_TYPES), value=value))


def parse_status(value: str) -> str:
    """One of PLAN_STATUSES."""
    text = value.strip()
    if text not in PLAN_STATUSES:
        raise ValidationError(tr("预案状态应为：{choices}（实为 {value}）",
                                 choices="、".join(PLAN_STATUSES), value=value))
    return text


def parse_hazards(value: str) -> list[str]:
    """Hazard plugin ids from ``a, b`` / ``a、b``, in order, without repeats."""
    out: list[str] = []
    for item in re.split(r"[,，、;；\s]+", value.strip()):
        if not item:
            continue
        if not _HAZARD_ID.match(item):
            raise ValidationError(tr("灾种应为插件 id（如 forest_fire）：{value}", value=item))
        if item not in out:
            out.append(item)
    return out


def guess_type(title: str) -> str:
    """The plan type a title suggests (专项 when it says nothing clearer)."""
    if "现场处置方案" in title:
        return "企业现场处置方案"
    if "手册" in title:
        return "乡镇简明操作手册"
    if "行动方案" in title:
        return "专项救援行动方案"
    if "重大活动" in title or ("活动" in title and "保障" in title):
        return "重大活动"
    if "总体应急预案" in title:
        return "总体"
    if re.search(r"县.{0,10}(局|委员会|办公室|中心|大队)", title):
        return "部门"
    return "专项"


def guess_hazards(title: str, extra: Mapping[str, str] | None = None) -> list[str]:
    """Hazard ids whose names occur in the title (the first, most specific match)."""
    words = sorted([*TITLE_HAZARDS, *(extra or {}).items()], key=lambda kv: -len(kv[0]))
    for word, hazard in words:
        if word in title:
            return [hazard]
    return []


def plan_meta(front: Mapping[str, str], title: str, *,
              hazard_names: Mapping[str, str] | None = None) -> tuple[dict, list[str]]:
    """The register fields for a plan: front matter where given, guesses otherwise.

    Returns (fields, notes); the notes say what was guessed. Raises ValidationError for a
    front-matter value that is not valid (a wrong type or status, a garbled date).
    """
    values, notes = normalise_front_matter(front)
    meta: dict = {"title": values.get("title") or title}
    if values.get("type"):
        meta["type"] = parse_type(values["type"])
    else:
        meta["type"] = guess_type(meta["title"])
        notes.append(tr("未注明预案类型，按标题登记为“{type}”。", type=meta["type"]))
    if "hazards" in values:
        meta["hazards"] = parse_hazards(values["hazards"])
    else:
        meta["hazards"] = guess_hazards(meta["title"], hazard_names)
        if meta["hazards"]:
            notes.append(tr("未注明灾种，按标题登记为 {ids}。", ids=", ".join(meta["hazards"])))
        elif meta["type"] != "总体":
            notes.append(tr("未注明灾种，也无法从标题判断。"))
    if values.get("status"):
        meta["status"] = parse_status(values["status"])
    else:
        meta["status"] = "实施"
        notes.append(tr("未注明预案状态，按“实施”登记。"))
    for key in ("issuer", "owner", "version", "parent_title"):
        meta[key] = values.get(key, "")
    meta["peers"] = [p for p in re.split(r"[,，、;；]+", values.get("peers", "")) if p.strip()]
    for key in DATE_KEYS:
        meta[key] = parse_date(values.get(key), key.removesuffix("_on"))
    return meta, notes
