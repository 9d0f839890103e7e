"""Registers of the hazardous-chemicals plugin (plugin API 1.1):

- 危险化学品企业 (enterprises): every 生产 enterprise registered ("危险化学品生产企业入库率
  100%", 003_f46a6e80e859aec0.txt:300); those with a 重大危险源 under online monitoring
  (003_f46a6e80e859aec0.txt:312, 320).
- 重大危险源 (major hazard sources) per GB 18218-2018: level 一级–四级, the substance and its
  quantity, the evacuation distance the duty room needs at the first call, and whether its
  online monitoring reaches the command centre (003_f46a6e80e859aec0.txt:320, 471); one
  without monitoring or without an evacuation distance is flagged.
"""

from __future__ import annotations

from commandcentre.hazards import FieldSpec, RegisterSpec, RowCheck

from .hazard import cas_problem

ACTIVITIES = ("生产", "储存", "使用", "经营", "运输")
LEVELS = ("一级", "二级", "三级", "四级")
SEED_320 = "003_f46a6e80e859aec0.txt:320"

ENTERPRISES = RegisterSpec(
    key="enterprises", name_zh="危险化学品企业", name_en="Hazardous-chemical enterprises",
    fields=(
        FieldSpec("name", "企业名称", "Name", "text"),
        FieldSpec("activity", "经营类别", "Activity", "choice", choices=ACTIVITIES),
        FieldSpec("licence", "许可证号", "Licence", "text"),
        FieldSpec("major_sources", "重大危险源个数", "Major hazard sources", "int", minimum=0),
        FieldSpec("duty_phone", "24 小时值班电话", "24-hour phone", "text"),
        FieldSpec("in_database", "已入库", "In the database", "bool"),
    ),
    title="name",
    checks=(
        RowCheck("not_in_database", "生产企业未入库（入库率应为 100%）",
                 lambda r: r["activity"] == "生产" and not r["in_database"],
                 source="003_f46a6e80e859aec0.txt:300"),
        RowCheck("no_phone", "未登记 24 小时值班电话", lambda r: not r["duty_phone"]),
    ),
    source="003_f46a6e80e859aec0.txt:300, 312",
    demo=({"name": "岚桥化工园区青峪精细化工有限公司", "township": "岚桥镇",
           "activity": "生产", "licence": "（云）WH安许证字〔2024〕0031", "major_sources": 1,
           "duty_phone": "08757201001", "in_database": True},),
)

MAJOR_SOURCES = RegisterSpec(
    key="major_sources", name_zh="重大危险源", name_en="Major hazard sources",
    fields=(
        FieldSpec("name", "危险源名称", "Name", "text"),
        FieldSpec("enterprise", "所属企业", "Enterprise", "text"),
        FieldSpec("level", "级别", "Level", "choice", choices=LEVELS,
                  help_zh="GB 18218-2018《危险化学品重大危险源辨识》"),
        FieldSpec("substance", "危险化学品", "Substance", "text"),
        FieldSpec("cas_no", "CAS 号", "CAS number", "text"),
        FieldSpec("quantity_t", "最大储量", "Maximum quantity", "float", unit="吨", minimum=0),
        FieldSpec("evacuation_m", "疏散距离", "Evacuation distance", "int", unit="米",
                  minimum=0),
        FieldSpec("online_monitoring", "在线监测接入", "Online monitoring", "bool"),
    ),
    title="name",
    checks=(
        RowCheck("no_monitoring", "重大危险源未接入在线监测预警",
                 lambda r: not r["online_monitoring"], source=SEED_320),
        RowCheck("no_distance", "未登记疏散距离（接报时即需用到）",
                 lambda r: r["evacuation_m"] is None),
        RowCheck("cas", "CAS 号校验位不对", lambda r: cas_problem(r["cas_no"]) is not None),
    ),
    source=f"GB 18218-2018; {SEED_320}",
    demo=({"name": "液氯储罐区", "township": "岚桥镇",
           "enterprise": "岚桥化工园区青峪精细化工有限公司", "level": "二级", "substance": "氯",
           "cas_no": "7782-50-5", "quantity_t": 60, "evacuation_m": 800,
           "online_monitoring": True},
          {"name": "液氨罐区", "township": "岚桥镇",
           "enterprise": "岚桥化工园区青峪精细化工有限公司", "level": "四级", "substance": "氨",
           "cas_no": "7664-41-7", "quantity_t": 12, "online_monitoring": False}),
)

REGISTERS = (ENTERPRISES, MAJOR_SOURCES)
