"""The 地质灾害隐患点 register of the geological-hazard plugin (plugin API 1.1).

- The six kinds of hidden-danger point a county register counts: 滑坡、危岩（崩塌）、泥石流、
  地面塌陷、不稳定斜坡、库岸 (001_44a2f5524b217aa3.txt:78).
- 四到位: 责任单位、防治资金、监测手段、防治措施; 八落实: 警示牌、防灾预案、监测经费、监测人、
  监测记录、两卡、监测设施、撤离路线 (001_44a2f5524b217aa3.txt:46) — each a field, each gap
  flagged.
- A point threatening 30 people or more must have professional monitoring equipment
  ("对威胁30人以上的地质灾害隐患点实现专业监测设备全覆盖", 003_f46a6e80e859aec0.txt:338).
- Mitigation: 避险搬迁 or 工程治理 (same line) — the point's status.
"""

from __future__ import annotations

from commandcentre.hazards import FieldSpec, RegisterSpec, RowCheck

KINDS = ("滑坡", "危岩（崩塌）", "泥石流", "地面塌陷", "不稳定斜坡", "库岸")
MITIGATION = ("监测中", "工程治理中", "已工程治理", "避险搬迁中", "已避险搬迁", "已核销")
SEED_46 = "001_44a2f5524b217aa3.txt:46"
SEED_338 = "003_f46a6e80e859aec0.txt:338"
PROFESSIONAL_FROM = 30

_FOUR = (("unit", "责任单位"), ("funding", "防治资金"), ("monitoring_means", "监测手段"),
         ("measures", "防治措施"))
_EIGHT = (("warning_sign", "警示牌"), ("plan", "防灾预案"), ("monitoring_funds", "监测经费"),
          ("monitor", "监测人"), ("records", "监测记录"), ("two_cards", "两卡"),
          ("facilities", "监测设施"), ("route", "撤离路线"))
_BOOL = {"funding", "warning_sign", "plan", "monitoring_funds", "records", "two_cards",
         "facilities"}


def _field(key: str, label: str) -> FieldSpec:
    return FieldSpec(key, label, key.replace("_", " ").capitalize(),
                     "bool" if key in _BOOL else "text")


POINTS = RegisterSpec(
    key="points", name_zh="地质灾害隐患点", name_en="Geological hazard points",
    fields=(
        FieldSpec("name", "隐患点名称", "Name", "text"),
        FieldSpec("kind", "灾种类型", "Kind", "choice", choices=KINDS),
        FieldSpec("threatened", "威胁人数", "People threatened", "int", unit="人", minimum=0,
                  help_zh=f"威胁 {PROFESSIONAL_FROM} 人以上须专业监测（003:338）"),
        FieldSpec("threatened_households", "威胁户数", "Households threatened", "int",
                  unit="户", minimum=0),
        FieldSpec("property_wan", "威胁财产", "Property threatened", "float", unit="万元",
                  minimum=0),
        FieldSpec("professional", "专业监测设备", "Professional monitoring", "bool"),
        FieldSpec("monitor_phone", "监测人电话", "Monitor's phone", "text"),
        FieldSpec("mitigation", "防治状态", "Mitigation", "choice", choices=MITIGATION),
        *(_field(key, label) for key, label in _FOUR + _EIGHT),
    ),
    title="name",
    aliases={"kind": ("类型", "灾害类型"), "threatened": ("受威胁人数", "威胁人口"),
             "monitor": ("监测责任人", "群测群防员"), "route": ("避险撤离路线",)},
    checks=(
        RowCheck("needs_professional",
                 f"威胁 {PROFESSIONAL_FROM} 人以上，应布设专业监测设备",
                 lambda r: (r["threatened"] or 0) >= PROFESSIONAL_FROM and not r["professional"]
                 and r["mitigation"] not in ("已避险搬迁", "已核销"), source=SEED_338),
        RowCheck("four_in_place", "“四到位”未全部落实（责任单位、防治资金、监测手段、防治措施）",
                 lambda r: not all(r[k] for k, _ in _FOUR), source=SEED_46),
        RowCheck("eight_done", "“八落实”未全部落实（警示牌、防灾预案、监测经费、监测人、监测记录、"
                 "两卡、监测设施、撤离路线）", lambda r: not all(r[k] for k, _ in _EIGHT),
                 source=SEED_46),
    ),
    source=f"{SEED_46}; 001_44a2f5524b217aa3.txt:78; {SEED_338}",
    demo=({"name": "老鹰岩滑坡", "township": "竹箐乡", "kind": "滑坡", "threatened": 86,
           "threatened_households": 21, "property_wan": 640, "professional": True,
           "monitor": "杨正华", "monitor_phone": "13908750201", "mitigation": "监测中",
           "unit": "竹箐乡人民政府", "funding": True, "monitoring_means": "GNSS 位移计、裂缝计",
           "measures": "监测预警、汛期驻守", "warning_sign": True, "plan": True,
           "monitoring_funds": True, "records": True, "two_cards": True, "facilities": True,
           "route": "沿村道向东撤至鹿子坪村小学操场"},
          {"name": "黑泥沟泥石流", "township": "云坝镇", "kind": "泥石流", "threatened": 42,
           "threatened_households": 11, "professional": False, "monitor": "马永福",
           "mitigation": "监测中", "unit": "云坝镇人民政府", "warning_sign": True,
           "plan": True, "route": "向北撤至村委会"}),
)

REGISTERS = (POINTS,)
