"""Registers of the production-safety plugin (plugin API 1.1):

- 生产经营单位 (enterprises): sector (003_f46a6e80e859aec0.txt:304), 规模以上, the enterprise
  安全官 (003_f46a6e80e859aec0.txt:296) and its risk colour on the 安全生产风险"四色图"
  (红橙黄蓝, 003_f46a6e80e859aec0.txt:290).
- 重大事故隐患 (major hidden dangers): the steps 排查、治理、记录、通报、报告
  (003_f46a6e80e859aec0.txt:290) with a deadline and an owner; one past its deadline and not
  yet reported done is flagged.
"""

from __future__ import annotations

from datetime import date

from commandcentre.hazards import FieldSpec, RegisterSpec, RowCheck

from .hazard import SECTORS

RISK_COLOURS = ("红", "橙", "黄", "蓝")
STEPS = ("排查", "治理", "记录", "通报", "报告")
SEED_290 = "003_f46a6e80e859aec0.txt:290"


def _overdue(row) -> bool:
    try:
        deadline = date.fromisoformat(str(row["deadline"]))
    except ValueError:
        return False
    return row["step"] != "报告" and deadline < date.today()


ENTERPRISES = RegisterSpec(
    key="enterprises", name_zh="生产经营单位", name_en="Enterprises",
    fields=(
        FieldSpec("name", "单位名称", "Name", "text"),
        FieldSpec("sector", "行业领域", "Sector", "choice", choices=SECTORS),
        FieldSpec("above_size", "规模以上", "Above designated size", "bool"),
        FieldSpec("risk_colour", "风险等级（四色图）", "Risk colour", "choice",
                  choices=RISK_COLOURS),
        FieldSpec("safety_officer", "安全官", "Safety officer", "text"),
        FieldSpec("phone", "联系电话", "Phone", "text"),
    ),
    title="name",
    aliases={"name": ("企业名称", "单位"), "risk_colour": ("风险等级", "四色图")},
    checks=(
        RowCheck("no_officer", "红、橙风险单位未明确安全官",
                 lambda r: r["risk_colour"] in ("红", "橙") and not r["safety_officer"],
                 source="003_f46a6e80e859aec0.txt:290, 296"),
    ),
    source="003_f46a6e80e859aec0.txt:290, 296, 304",
    demo=({"name": "岚桥化工园区青峪精细化工有限公司", "township": "岚桥镇",
           "sector": "危险化学品", "above_size": True, "risk_colour": "红",
           "safety_officer": "赵建平", "phone": "08757201001"},
          {"name": "竹箐乡石料厂", "township": "竹箐乡", "sector": "非煤矿山",
           "above_size": False, "risk_colour": "橙"}),
)

HIDDEN_DANGERS = RegisterSpec(
    key="hidden_dangers", name_zh="重大事故隐患", name_en="Major hidden dangers",
    fields=(
        FieldSpec("title", "隐患", "Hidden danger", "text"),
        FieldSpec("enterprise", "单位", "Enterprise", "text"),
        FieldSpec("found_on", "发现日期", "Found on", "text", help_zh="YYYY-MM-DD"),
        FieldSpec("step", "当前环节", "Step", "choice", choices=STEPS,
                  help_zh="排查、治理、记录、通报、报告（003:290）"),
        FieldSpec("deadline", "整改期限", "Deadline", "text", help_zh="YYYY-MM-DD"),
        FieldSpec("owner", "责任人", "Owner", "text"),
    ),
    title="title",
    checks=(
        RowCheck("overdue", "整改期限已过，尚未报告整改完成", _overdue, source=SEED_290),
        RowCheck("no_owner", "未落实整改责任人", lambda r: not r["owner"], source=SEED_290),
    ),
    source=SEED_290,
    demo=({"title": "储罐区可燃气体报警器失效", "township": "岚桥镇",
           "enterprise": "岚桥化工园区青峪精细化工有限公司", "found_on": "2026-10-12",
           "step": "治理", "deadline": "2026-11-12", "owner": "赵建平"},),
)

REGISTERS = (ENTERPRISES, HIDDEN_DANGERS)
