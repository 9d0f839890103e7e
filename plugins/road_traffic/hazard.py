"""道路交通事故 (road traffic accident): grading and reporting by 国务院令第493号, form, checklists.

Seed citations are ``file:line`` in /work/shared/seeds (extracted in /work/shared/domain);
"[C]" marks a regulation or standard read on a stored public page (often a mirror: verify
against the official text), "[INF]" this plugin's own inference, "[M]" from memory, unverified.

What is sourced:

- Grading: 《生产安全事故报告和调查处理条例》（国务院令第493号）第三条 (research-standards §1.5
  [C]): 特别重大 30人以上死亡 / 100人以上重伤 / 1亿元以上直接经济损失; 重大 10 / 50 / 5000万元;
  较大 3 / 10 / 1000万元; 一般 below, the floor; "以上包括本数，以下不包括本数". The regulation
  names 道路交通事故 itself (第十三条), so it reaches accidents of 生产经营 (营运) vehicles; a
  county grades other road accidents on the same table for 突发事件 purposes [INF].
- 补报 within 7 days: 第十三条 "道路交通事故、火灾事故自发生之日起7日内" (research-standards §1.6
  [C]). 首报: 第九条 1 h to the county, 第十一条 each level ≤ 2 h; 续报 as production_safety
  (research-standards §1.6 [C]; 原安监总局令第21号 [M]).
- Key vehicles "两客一危一货" (000_77c36af3f192f3c9.txt:223; seeds-000-004.md §8.4): 两客 =
  旅游包车 and 三类以上班线客车, 一危 = 运输危险化学品、烟花爆竹、民用爆炸物品的道路专用车辆
  [C, http://www.szctc.com/ask/351242.html], 一货 = 重型载货汽车 [M: with 半挂牵引车]. 校车 is named
  beside them (000_77c36af3f192f3c9.txt:223; 004_e9965606c96d1573.txt:138). Several vehicles of
  different kinds meet in one accident, so each kind is a yes/no flag, not one choice.
- Seeds: 老旧客车、卧铺客车、旅游客车 and 常压液体危险货物罐车 (000_77c36af3f192f3c9.txt:223);
  危险货物运输车辆 远程提醒监控系统 and GPS 车辆卫星定位系统监控平台 (004_e9965606c96d1573.txt:138);
  82 危货运输车辆 with 4G video, 485 农村客运 (001_44a2f5524b217aa3.txt:56); 长途客运班车、
  市际包车、危险货物运输; 超速、超员、超载、疲劳驾驶; 恶劣气象条件
  (002_ed85d84b272c40f8.txt:189); 道路交通 as a key sector (003_f46a6e80e859aec0.txt:304);
  交通事故 as a drill scenario (003_f46a6e80e859aec0.txt:519).
- Checklists: 493号 第九条 (1 h) and 第十一条 (2 h) are the timed items; 第十六条 保护事故现场.
  《中华人民共和国道路交通安全法》第七十条 (驾驶人立即停车, 保护现场, 抢救受伤人员, 迅速报告)
  and 第七十二条 (交通警察立即赶赴现场, 先组织抢救受伤人员, 勘验现场) [M, verify the article
  numbers]. A dangerous-goods leak is handled as a hazardous-chemical accident (the hazchem
  plugin's checklist) [INF]. Other items carry no time limit because no source gives one.

What is NOT sourced:

- 桩号 "K123+400": the usual form of a kilometre post on Chinese highways [M];
  :func:`km_post_problem` checks it, the field itself accepts any text.
- The form repeats 死亡 / 受伤 / 重伤 because the first report gives them; their keys are the
  casualty-snapshot columns, so once a snapshot exists it is what grades.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from commandcentre.hazards import (
    ChecklistItem,
    FieldSpec,
    HazardType,
    regulation_493,
)

PLUGIN_ID = "road_traffic"
SOURCE = "《生产安全事故报告和调查处理条例》（国务院令第493号）第三条"

# 两客一危一货 (+ 校车): field key → label; each is a yes/no flag on the form.
KEY_VEHICLES: Mapping[str, str] = MappingProxyType({
    "tour_coach": "旅游包车",
    "scheduled_coach": "三类以上班线客车",
    "hazmat_vehicle": "危险化学品运输车",
    "heavy_truck": "重型载货汽车",
    "school_bus": "校车",
})
_KEY_VEHICLES_EN = {"tour_coach": "Tour / charter coach",
                    "scheduled_coach": "Scheduled coach (class 3 or above)",
                    "hazmat_vehicle": "Dangerous-goods vehicle",
                    "heavy_truck": "Heavy goods vehicle", "school_bus": "School bus"}
_KM_POST = re.compile(r"^K\d{1,4}(\+\d{1,3})?$")

GRADING = regulation_493(source=SOURCE, injured_label="重伤", injured_label_en="Seriously injured")

_COMMON = {"categories": ["事故灾难"], "first_phone_minutes": 60, "first_written_minutes": 120,
           "final_hours_after_close": 24, "supplement_days": 7, "supplement_minutes": 60}
REPORTING_RULES = (
    {"grades": ["特别重大", "重大"], **_COMMON, "followup": {"at": ["08:00", "17:00"]}},
    {"grades": ["较大", "一般", None], **_COMMON, "followup": {"every_hours": 24}},
)

FIELDS = (
    FieldSpec("vehicles", "涉事车辆", "Vehicles involved", "text",
              help_zh="车牌号和车型，如：川W12345 大型客车；川W6789挂 危化品罐车"),
    *(FieldSpec(key, label, _KEY_VEHICLES_EN[key], "bool", help_zh="两客一危一货、校车")
      for key, label in KEY_VEHICLES.items()),
    FieldSpec("deaths", "死亡", "Deaths", "int", unit="人", minimum=0,
              help_zh="首报数字；有伤亡统计后以伤亡统计为准"),
    FieldSpec("injured", "受伤", "Injured", "int", unit="人", minimum=0),
    FieldSpec("seriously_injured", "其中重伤", "Seriously injured", "int", unit="人", minimum=0,
              help_zh="用于定级"),
    FieldSpec("road_name", "道路名称", "Road", "text",
              help_zh="如：G108 国道、S217 省道、乡道名称"),
    FieldSpec("km_post", "桩号", "Kilometre post", "text", help_zh="如：K123+400"),
    FieldSpec("hazmat_leak", "危险货物泄漏", "Dangerous-goods leak", "bool",
              help_zh="有泄漏的，同时按危险化学品事故处置"),
)


def km_post_problem(text: str | None) -> str | None:
    """Why ``text`` is not a kilometre post like K123+400, or None when it is / is empty."""
    if not text:
        return None
    if not _KM_POST.match(text.strip().upper()):
        return f"“桩号”格式应为 K123+400：{text}"
    return None


def key_vehicles(values: Mapping[str, Any]) -> list[str]:
    """The 两客一危一货 (and 校车) kinds flagged on a validated form, in the list's order."""
    return [label for key, label in KEY_VEHICLES.items() if values.get(key) is True]


def form_problems(values: Mapping[str, Any]) -> list[str]:
    """Cross-field problems of a validated form (the hazard's ``form_check``)."""
    problems = []
    if values.get("hazmat_leak") is True and values.get("hazmat_vehicle") is False:
        problems.append("填写了“危险货物泄漏”，但“危险化学品运输车”为否")
    post = km_post_problem(values.get("km_post"))
    if post:
        problems.append(post)
    return problems


_L = ChecklistItem
CHECKLISTS = (
    # Ⅳ级: the county leads (一般事故).
    _L("Ⅳ", "核实事故地点（道路名称、桩号）、车辆、伤亡和被困人数，是否涉及两客一危一货或校车",
       "县应急管理局值班室", None),
    _L("Ⅳ", "交警赶赴现场，设置警示标志、疏导交通，防止二次事故", "县公安局交警大队", None),
    _L("Ⅳ", "调派急救车辆，先行抢救受伤人员", "县卫生健康局", None),
    _L("Ⅳ", "破拆救出被困人员", "县消防救援大队", None),
    _L("Ⅳ", "危险货物泄漏：按危险化学品事故处置，划定警戒区、疏散群众、开展环境监测",
       "县应急管理局、县生态环境局", None),
    _L("Ⅳ", "调取车辆卫星定位动态监控数据，核查运输企业、车辆和驾驶人资质", "县交通运输局", None),
    _L("Ⅳ", "营运车辆所属单位负责人向县应急管理局和交通运输部门报告（第九条）", "运输企业", 60),
    _L("Ⅳ", "书面报告县政府和市应急管理局（第十一条：每级不超过 2 小时）", "县应急管理局", 120),
    _L("Ⅳ", "勘验、保护事故现场，固定证据（第十六条）", "县公安局交警大队", None),
    # Ⅲ级: the county acts first and supports the city (较大事故).
    _L("Ⅲ", "县政府分管负责人赶赴现场，成立现场指挥部", "县政府", None),
    _L("Ⅲ", "协调转运伤员到有救治能力的医院，请求市级医疗支援", "县卫生健康局", None),
    _L("Ⅲ", "客车事故：核对乘客名单，做好伤亡人员家属接待和善后", "运输企业、属地乡镇政府", None),
    _L("Ⅲ", "每日至少续报一次处置进展", "县应急管理局值班室", None),
    # Ⅱ、Ⅰ级: province / State Council lead; the county does first response and support.
    _L("Ⅱ", "县政府主要负责人赶赴现场，开展先期处置", "县政府", None),
    _L("Ⅱ", "实行区域交通管制，开辟救援通道", "县公安局交警大队、县交通运输局", None),
    _L("Ⅱ", "每日 8 时、17 时前续报，配合上级工作组", "县应急管理局", None),
    _L("Ⅰ", "县政府主要负责人赶赴现场，开展先期处置", "县政府", None),
    _L("Ⅰ", "全力配合国务院工作组，提供车辆、企业和人员资料", "县政府", None),
    _L("Ⅰ", "每日 8 时、17 时前续报，统一信息发布口径", "县应急管理局、县委宣传部", None),
)

HAZARD = HazardType(
    id=PLUGIN_ID,
    name_zh="道路交通事故",
    name_en="Road traffic accident",
    category="事故灾难",
    fields=FIELDS,
    grading=GRADING,
    warning_colours=(),  # sudden accidents are not warned of (as production_safety)
    reporting_rules=REPORTING_RULES,
    checklists=CHECKLISTS,
    report_sections=("事故车辆及运输企业概况", "事故现场情况", "伤员救治情况"),
    supplement_days=7,  # 493号 第十三条: 道路交通事故 7 日内补报
    form_check=form_problems,  # plugin API 1.1
)
