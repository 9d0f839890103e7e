"""Registers of the flood-and-drought plugin (plugin API 1.1):

- 水库 (reservoirs): "逐座明确行政、技术、巡查'三个责任人'，落实监测预报、调度运用、应急预案
  '三个重点环节'" (003_f46a6e80e859aec0.txt:334) — a reservoir missing a person or a link is
  flagged.
- 河段 (river sections) with their warning and guaranteed water levels (the levels the incident
  form's water readings are compared with); a warning level above the guaranteed one is a
  typing error.
- 易涝点 (waterlogging points): "逐一明确治理任务、完成时限、责任单位和责任人"
  (001_44a2f5524b217aa3.txt:487), for 低洼地段、人口密集区域、立交桥等集中汇水区域、重要基础设施
  (same line); one missing any of the four, or past its deadline, is flagged.
"""

from __future__ import annotations

from datetime import date

from commandcentre.hazards import FieldSpec, RegisterSpec, RowCheck

from .hazard import RESERVOIR_SCALES

SEED_334 = "003_f46a6e80e859aec0.txt:334"
SEED_487 = "001_44a2f5524b217aa3.txt:487"
POINT_KINDS = ("低洼地段", "人口密集区域", "立交桥及下穿通道", "重要基础设施", "其他")


def _missing(*keys):
    return lambda r: any(not r[k] for k in keys)


def _past(row) -> bool:
    try:
        return date.fromisoformat(str(row["deadline"])) < date.today() and not row["done"]
    except ValueError:
        return False


RESERVOIRS = RegisterSpec(
    key="reservoirs", name_zh="水库", name_en="Reservoirs",
    fields=(
        FieldSpec("name", "水库名称", "Name", "text"),
        FieldSpec("scale", "规模", "Scale", "choice", choices=RESERVOIR_SCALES),
        FieldSpec("river", "所在河流", "River", "text"),
        FieldSpec("admin_person", "行政责任人", "Administrative lead", "text"),
        FieldSpec("tech_person", "技术责任人", "Technical lead", "text"),
        FieldSpec("patrol_person", "巡查责任人", "Patrol lead", "text"),
        FieldSpec("forecasting", "监测预报", "Monitoring and forecasting", "bool"),
        FieldSpec("dispatch_plan", "调度运用方案", "Operating rules", "bool"),
        FieldSpec("emergency_plan", "应急预案", "Emergency plan", "bool"),
        FieldSpec("flood_limit_m", "汛限水位", "Flood-limit level", "float", unit="米",
                  minimum=-200, maximum=6000),
        FieldSpec("phone", "值守电话", "Duty phone", "text"),
    ),
    title="name",
    aliases={"admin_person": ("行政责任人姓名",), "tech_person": ("技术责任人姓名",),
             "patrol_person": ("巡查责任人姓名",)},
    checks=(
        RowCheck("three_persons", "“三个责任人”未逐一明确（行政、技术、巡查）",
                 _missing("admin_person", "tech_person", "patrol_person"), source=SEED_334),
        RowCheck("three_links", "“三个重点环节”未落实（监测预报、调度运用、应急预案）",
                 lambda r: not (r["forecasting"] and r["dispatch_plan"] and r["emergency_plan"]),
                 source=SEED_334),
    ),
    source=SEED_334,
    demo=({"name": "青龙潭水库", "township": "松垭镇", "scale": "中型", "river": "青峪河",
           "admin_person": "张德全（副镇长）", "tech_person": "刘平（县水务局）",
           "patrol_person": "马永福", "forecasting": True, "dispatch_plan": True,
           "emergency_plan": True, "flood_limit_m": 1826.5, "phone": "08757301001"},
          {"name": "黑泥沟水库", "township": "云坝镇", "scale": "小（一）型", "river": "黑泥沟",
           "admin_person": "王建国", "tech_person": "", "patrol_person": "李二",
           "forecasting": True, "dispatch_plan": False, "emergency_plan": True}),
)

RIVER_SECTIONS = RegisterSpec(
    key="river_sections", name_zh="河段", name_en="River sections",
    fields=(
        FieldSpec("name", "河段", "Section", "text"),
        FieldSpec("river", "河流", "River", "text"),
        FieldSpec("station", "水文（水位）站", "Gauge", "text"),
        FieldSpec("warning_level_m", "警戒水位", "Warning level", "float", unit="米",
                  minimum=-200, maximum=6000),
        FieldSpec("guarantee_level_m", "保证水位", "Guaranteed level", "float", unit="米",
                  minimum=-200, maximum=6000),
        FieldSpec("owner", "责任人", "Responsible person", "text"),
    ),
    title="name",
    checks=(
        RowCheck("levels", "警戒水位高于保证水位，请核对",
                 lambda r: r["warning_level_m"] is not None and r["guarantee_level_m"]
                 is not None and r["warning_level_m"] > r["guarantee_level_m"]),
        RowCheck("no_owner", "未明确河段责任人", _missing("owner")),
    ),
    demo=({"name": "青峪河县城段", "township": "凤鸣街道", "river": "青峪河",
           "station": "凤鸣水位站", "warning_level_m": 1712.4, "guarantee_level_m": 1714.0,
           "owner": "县水务局 周明"},),
)

WATERLOGGING = RegisterSpec(
    key="waterlogging", name_zh="易涝点", name_en="Waterlogging points",
    fields=(
        FieldSpec("name", "易涝点", "Point", "text"),
        FieldSpec("kind", "类型", "Kind", "choice", choices=POINT_KINDS),
        FieldSpec("task", "治理任务", "Task", "text"),
        FieldSpec("deadline", "完成时限", "Deadline", "text", help_zh="YYYY-MM-DD"),
        FieldSpec("unit", "责任单位", "Responsible unit", "text"),
        FieldSpec("owner", "责任人", "Responsible person", "text"),
        FieldSpec("done", "已完成", "Done", "bool"),
    ),
    title="name",
    aliases={"deadline": ("完成期限", "时限"), "task": ("整治任务",)},
    checks=(
        RowCheck("four_items", "治理任务、完成时限、责任单位、责任人未逐一明确",
                 _missing("task", "deadline", "unit", "owner"), source=SEED_487),
        RowCheck("overdue", "已过完成时限，治理未完成", _past, source=SEED_487),
    ),
    source=SEED_487,
    demo=({"name": "凤鸣路下穿通道", "township": "凤鸣街道", "kind": "立交桥及下穿通道",
           "task": "增设机排泵站一座，改造雨水口", "deadline": "2027-05-01",
           "unit": "县住房城乡建设局", "owner": "陈志远", "done": False},
          {"name": "东关农贸市场", "township": "凤鸣街道", "kind": "人口密集区域",
           "task": "排水管渠扩容", "unit": "县住房城乡建设局"}),
)

REGISTERS = (RESERVOIRS, RIVER_SECTIONS, WATERLOGGING)
