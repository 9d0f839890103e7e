"""危险化学品事故 (hazardous-chemical accident): grading, form, checklists, reporting.

Seed citations are ``file:line`` in /work/shared/seeds (extracted in /work/shared/domain);
"[C]" marks a regulation or standard read on a stored public page (often a mirror: verify
against the official text), "[INF]" this plugin's own inference, "[M]" from memory, unverified.

What is sourced:

- Grading: 《生产安全事故报告和调查处理条例》（国务院令第493号）第三条, the same table as the
  production_safety plugin (research-standards §1.5 [C]): 特别重大 30人以上死亡, 或100人以上
  重伤（包括急性工业中毒）, 或1亿元以上直接经济损失; 重大 10 / 50 / 5000万元; 较大 3 / 10 /
  1000万元; 一般 below, the floor. "以上包括本数，以下不包括本数" (第三条第二款); the criteria
  are joined by "或者", so the grade is the highest any one reaches. Acute poisoning counts as
  serious injury — the reason 重伤 is labelled "含急性工业中毒" here.
- Reporting: 第九条 单位负责人1小时内报县级安全生产监督管理部门; 第十条、第十一条 逐级上报每级
  不超过2小时; 第十三条 30日内伤亡人数变化应当补报 (research-standards §1.6 [C]). 续报 once a
  day for 一般/较大, twice (08:00, 17:00) for 重大/特别重大 (research-standards §1.6 [C, a
  Q&A site]; said to come from 原安监总局令第21号 [M]). Same rules as production_safety.
- 重大危险源 and its level 一级–四级: GB 18218-2018《危险化学品重大危险源辨识》 identifies it;
  the level comes from the grading index R of 《危险化学品重大危险源监督管理暂行规定》
  (原安监总局令第40号) 附件1, "一级…R≥100" [C, https://w.sf024.com/info/380043098.html];
  二级 50 ≤ R < 100, 三级 10 ≤ R < 50, 四级 R < 10 [M]. The form records the level the
  enterprise was assessed at; this plugin does not compute R.
- Seeds: 重大危险源 online monitoring and video into the county system
  (000_77c36af3f192f3c9.txt:211; 003_f46a6e80e859aec0.txt:320: 12 enterprises, 18 points);
  11 key enterprises under 24 h online watch (004_e9965606c96d1573.txt:28); toxic gases
  光气、氯气、氨气 and explosive 硝酸铵、硝基胍、氯酸铵 under "禁限控"
  (000_77c36af3f192f3c9.txt:217);
  the transport chain 托运、承运、装卸、车辆运行 (002_ed85d84b272c40f8.txt:183); 化学事故处置队
  of the fire-and-rescue service (001_44a2f5524b217aa3.txt:396); 危险化学品事故 as a drill
  scenario (003_f46a6e80e859aec0.txt:519) and a county plan of its own, 《危险化学品事故应急
  预案》 (004_e9965606c96d1573.txt:26).
- Checklists: 493号 第九条 (1 h, the unit's report) and 第十一条 (2 h, the county's report) are
  the timed items; 第十五条 负责人立即赶赴事故现场, 第十六条 保护事故现场 (as in
  production_safety). 《危险化学品安全管理条例》（国务院令第591号）第七十一条: 事故单位主要负责人
  立即组织救援, 向安全生产监督管理部门和环境保护、公安、卫生主管部门报告; 第七十二条: 营救和
  救治, 疏散、撤离; 迅速控制危害源, 测定危险化学品的性质、事故的危害区域及危害程度; 封闭、隔离、
  洗消; 对环境污染和生态破坏进行监测、评估 [M, verify the article numbers]. The other items say
  "立即" or nothing about time, so they carry no time limit. Items not named above (消防废水,
  饮用水, 临时安置点) are ordinary county practice [INF].

What is NOT sourced:

- Evacuation distance: no source gives a default distance by substance. The form records the
  distance the on-scene command set (from the substance, quantity and wind); the checklist
  points at that field, never at a number of its own.
- Wind direction is the direction the wind comes FROM ("西北" = 西北风); people move up- or
  cross-wind of the release [M, common practice].
- CAS number check digit: the CAS Registry convention (digits weighted 1, 2, 3 … from the
  right, sum mod 10) [M]; :func:`cas_problem` applies it.
- Environmental grading: 493号 第二条 leaves out 环境污染事故; a release that becomes a
  突发环境事件 is graded under the environmental plan, whose table is not in the sources and is
  not encoded here.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from commandcentre.hazards import (
    ChecklistItem,
    FieldSpec,
    HazardType,
    regulation_493,
)

PLUGIN_ID = "hazardous_chemicals"  # the id the core names (commandcentre.hazards.names)
SOURCE = "《生产安全事故报告和调查处理条例》（国务院令第493号）第三条"

HAZARD_SOURCE_LEVELS = ("一级", "二级", "三级", "四级")  # GB 18218-2018; 一级 most severe
RELEASE_TYPES = ("泄漏", "火灾", "爆炸", "中毒")
WIND_DIRECTIONS = ("北", "东北", "东", "东南", "南", "西南", "西", "西北", "静风", "风向不定")
_CAS = re.compile(r"^(\d{2,7})-(\d{2})-(\d)$")

# Keys match the casualty_snapshot columns, so a snapshot grades directly.
GRADING = regulation_493(source=SOURCE)

_COMMON = {"categories": ["事故灾难"], "first_phone_minutes": 60, "first_written_minutes": 120,
           "final_hours_after_close": 24, "supplement_days": 30, "supplement_minutes": 60}
REPORTING_RULES = (
    {"grades": ["特别重大", "重大"], **_COMMON, "followup": {"at": ["08:00", "17:00"]}},
    {"grades": ["较大", "一般", None], **_COMMON, "followup": {"every_hours": 24}},
)

FIELDS = (
    FieldSpec("enterprise", "事故单位", "Enterprise", "text",
              help_zh="单位全称；运输途中的写承运单位（第十二条：事故发生单位概况）"),
    FieldSpec("major_hazard", "是否构成重大危险源", "Major hazard installation", "bool",
              help_zh="按 GB 18218-2018 辨识"),
    FieldSpec("major_hazard_level", "重大危险源级别", "Major hazard level", "choice",
              choices=HAZARD_SOURCE_LEVELS, help_zh="企业备案的级别，一级最高"),
    FieldSpec("substance", "危险化学品名称", "Substance", "text", help_zh="如：液氨、液氯、汽油"),
    FieldSpec("cas_no", "CAS 号", "CAS number", "text", help_zh="可不填，如：7664-41-7（氨）"),
    FieldSpec("quantity_t", "涉及数量", "Quantity involved", "float", unit="吨", minimum=0,
              help_zh="泄漏、燃烧或处于危险中的数量"),
    FieldSpec("release_type", "事故类型", "Release type", "choice", choices=RELEASE_TYPES),
    FieldSpec("evacuation_m", "疏散距离", "Evacuation distance", "int", unit="米", minimum=0,
              help_zh="现场指挥部确定的警戒疏散半径"),
    FieldSpec("wind_direction", "风向", "Wind direction", "choice", choices=WIND_DIRECTIONS,
              help_zh="风的来向，如“西北”即西北风；群众向上风向、侧风向疏散"),
)


def cas_problem(text: str | None) -> str | None:
    """Why ``text`` is not a CAS number (form or check digit), or None when it is / is empty."""
    if not text:
        return None
    match = _CAS.match(text.strip())
    if not match:
        return f"“CAS 号”格式应为 ×××××××-××-×：{text}"
    digits = (match[1] + match[2])[::-1]
    check = sum(i * int(d) for i, d in enumerate(digits, start=1)) % 10
    if check != int(match[3]):
        return f"“CAS 号”校验位不对：{text}（应为 {check}）"
    return None


def form_problems(values: Mapping[str, Any]) -> list[str]:
    """Cross-field problems of a validated form (the hazard's ``form_check``)."""
    problems = []
    if values.get("major_hazard_level") and values.get("major_hazard") is False:
        problems.append("填写了“重大危险源级别”，但“是否构成重大危险源”为否")
    cas = cas_problem(values.get("cas_no"))
    if cas:
        problems.append(cas)
    return problems


_L = ChecklistItem
CHECKLISTS = (
    # Ⅳ级: the county leads (一般事故).
    _L("Ⅳ", "事故单位负责人向县应急管理局和生态环境、公安、卫生健康部门报告"
       "（493号第九条、591号第七十一条）", "事故单位", 60),
    _L("Ⅳ", "核实危险化学品名称、数量、事故类型、是否重大危险源和现场风向", "县应急管理局值班室",
       None),
    _L("Ⅳ", "调派消防救援队伍（化学事故处置队）处置，控制危险源", "县消防救援大队", None),
    _L("Ⅳ", "按“疏散距离”划定警戒区，设置警戒线，实行交通管制", "县公安局、属地乡镇政府", None),
    _L("Ⅳ", "组织警戒区内和下风向群众向上风向、侧风向疏散", "属地乡镇政府", None),
    _L("Ⅳ", "开展大气、水体环境监测，确定污染范围，防止消防废水外流", "县生态环境局", None),
    _L("Ⅳ", "组织中毒、受伤人员救治，调派急救车辆", "县卫生健康局", None),
    _L("Ⅳ", "书面报告县政府和市应急管理局（第十一条：每级不超过 2 小时）", "县应急管理局", 120),
    _L("Ⅳ", "保护事故现场和相关证据（第十六条）", "事故单位、县公安局", None),
    # Ⅲ级: the county acts first and supports the city (较大事故).
    _L("Ⅲ", "县政府分管负责人赶赴现场，成立现场指挥部（第十五条）", "县政府", None),
    _L("Ⅲ", "启动县危险化学品事故应急预案，调集危化专业救援队伍和专家", "县应急管理局", None),
    _L("Ⅲ", "请求市级危化救援力量、环境监测力量支援", "县应急管理局、县生态环境局", None),
    _L("Ⅲ", "每日至少续报一次事故处置和环境监测进展", "县应急管理局值班室", None),
    # Ⅱ、Ⅰ级: province / State Council lead; the county does first response and support.
    _L("Ⅱ", "县政府主要负责人赶赴现场，开展先期处置", "县政府", None),
    _L("Ⅱ", "扩大警戒疏散范围，开设临时安置点，保障饮用水安全", "属地乡镇政府、县水利局", None),
    _L("Ⅱ", "每日 8 时、17 时前续报，配合上级工作组", "县应急管理局", None),
    _L("Ⅰ", "县政府主要负责人赶赴现场，开展先期处置", "县政府", None),
    _L("Ⅰ", "全力配合国务院工作组，提供企业图纸、危化品清单和人员名单", "县政府", None),
    _L("Ⅰ", "每日 8 时、17 时前续报，统一信息发布口径", "县应急管理局、县委宣传部", None),
)

HAZARD = HazardType(
    id=PLUGIN_ID,
    name_zh="危险化学品事故",
    name_en="Hazardous-chemical accident",
    category="事故灾难",
    fields=FIELDS,
    grading=GRADING,
    warning_colours=(),  # sudden accidents are not warned of (as production_safety)
    reporting_rules=REPORTING_RULES,
    checklists=CHECKLISTS,
    report_sections=("事故单位概况", "危险化学品及泄漏情况", "警戒疏散情况", "环境监测情况"),
    supplement_days=30,  # 第十三条: 自事故发生之日起30日内伤亡人数变化应当及时补报
    form_check=form_problems,  # plugin API 1.1
)
