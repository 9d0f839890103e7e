"""防汛抗旱 (flood and drought): 洪水、山洪、城市内涝、干旱; grading, form, 汛期, checklists.

Seed citations are ``file:line`` in /work/shared/seeds (extracted in /work/shared/domain);
"[C]" marks a regulation or standard read on a stored public page (often a mirror: verify
against the official text), "[INF]" this plugin's own inference, "[M]" unverified practice.

What is sourced:

- Scope and lead body: 防汛抗旱指挥部 (003_f46a6e80e859aec0.txt:272); 江河洪水、山洪、内涝
  (001_44a2f5524b217aa3.txt:382); 干旱 and 供水调度 (003_f46a6e80e859aec0.txt:334, 346);
  水库、水闸、堤防 and 山洪灾害 (003_f46a6e80e859aec0.txt:334; 002_ed85d84b272c40f8.txt:203, 215);
  the 汛期 risk list 水利工程、城镇内涝、小流域山洪 (002_ed85d84b272c40f8.txt:175).
- 汛期: the seeds use the word with no dates (003_f46a6e80e859aec0.txt:174, 334;
  002_ed85d84b272c40f8.txt:175). 《中华人民共和国防洪法》第四十一条: 省级防汛指挥机构
  "根据当地的洪水规律，规定汛期起止日期" [C], so the dates are the county's setting
  ``plugin.flood.flood_season``. Default 05-01 to 09-30: 《四川省〈中华人民共和国防洪法〉实施办法》
  "本省汛期为每年5月1日至9月30日" [C, quoted in a 2023 news repost,
  https://bbs.meishanren.com/forum.php?goto=lastpost&mod=redirect&tid=980024]; 凉山 (seed 003)
  is in 四川, and another province's regulation uses the same dates [C,
  http://www.fymate.net/html/text/lar/167899/16789915_5.html]. 长江 runs 05-01 to 10-31 [C,
  https://www.360docs.net/doc/4717252352.html]: such counties change the setting.
- Warning colours 红橙黄蓝: the four-level scheme of 突发事件应对法 (research-standards §1.3);
  洪水预警 uses all four (水利部《水情预警发布管理办法（试行）》[M]): 蓝 水位接近警戒水位或
  重现期接近5年; 黄 达到/超过警戒水位或重现期 ≥5年; 橙 达到/超过保证水位或 ≥20年; 红 达到/超过
  历史最高水位或 ≥50年 [C, https://miaozhibang.com/xiaoxiao/tianqichangshi/g18p4.html].
  暴雨、干旱 are warning categories in seed 000 (000_77c36af3f192f3c9.txt:156).
- 紧急防汛期: 《中华人民共和国防汛条例》第二十三条, 水情接近保证水位或者安全流量、或防洪工程
  设施发生重大险情时县级以上地方人民政府可以宣布 [C, http://npbww.com/gujishanben/oe9y1x94kx.html].
- Checklists: 水库 "逐座明确行政、技术、巡查'三个责任人'，落实监测预报、调度运用、应急预案
  '三个重点环节'"; 群测群防; 城市低洼地段、下穿式立交、行洪河道和排水防涝主出口; 汛后隐患排查、
  修复水毁工程; 供水调度 (all 003_f46a6e80e859aec0.txt:334). 易涝点 "逐一明确治理任务、完成时限、
  责任单位和责任人", 移动泵车、发电机 (001_44a2f5524b217aa3.txt:487). 山洪危险区、水库、水电站
  排查 (003_f46a6e80e859aec0.txt:168). 水旱灾害防御专家组 (003_f46a6e80e859aec0.txt:174).
  县、乡、村三级防汛责任人 (001_44a2f5524b217aa3.txt:410). The minutes of each item are this
  plugin's defaults for a county duty room, not taken from any regulation: check them against
  the county's 防汛抗旱应急预案.
- Reporting: 首报 30 min by phone, 1 h in writing is county practice (research-standards §1.6
  [M]) and falls inside the 2 h 初报 of 《自然灾害情况统计调查制度》（应急〔2020〕19号）[C,
  https://m.bingdoc.com/p-5312391.html]. 续报 for 较大以上 before 08:00 and 17:00 (河南省应急管理厅,
  research-standards §1.6 [C]); for 一般 and ungraded once a day by 09:00, the 24小时零报告 of
  《国家自然灾害救助应急预案》5.3.2 (县级每日9时前) [C, quoted in
  https://code.fabao365.com/law_497780_3.html].

What is NOT sourced, and is therefore a setting or a plain note:

- Grading. 《国家防汛抗旱应急预案》（国办函〔2022〕48号）starts Ⅰ–Ⅳ级 responses on conditions,
  not figures (Ⅰ级 e.g. 某个流域发生特大洪水、重点大型水库发生垮坝; Ⅳ级 e.g. 数省同时发生一般
  洪水、大中型水库出现险情 [C, 2005 text at https://mlnxb.com/xfsh/xinli/koqv16.html]). No
  numeric flood table exists in the domain documents, so the figures below are stated as
  borrowed and every threshold is the county setting ``plugin.flood.grading`` (a mapping
  criterion key → {grade: threshold} or null to drop the criterion):

  * ``deaths`` 30 / 10 / 3 and ``direct_loss_wan`` 10000 / 5000 / 1000 万元 are 国务院令第493号
    第三条 (research-standards §1.5), the only numeric casualty and loss scale in the domain
    documents; it is a production-safety regulation, borrowed here [INF].
  * ``return_period_years`` 50 / 20 / 5: the flood classes of GB/T 22482-2008《水文情报预报规范》
    (小洪水 <5年, 中洪水 5–20年, 大洪水 20–50年, 特大洪水 >50年) [C,
    https://miaozhibang.com/xiaoxiao/tianqichangshi/g18p4.html]; 特大洪水 → 特别重大, 大洪水 →
    重大, 中洪水 → 较大 follows the plan's words and is this plugin's mapping [INF]; each bound is
    taken as "以上包括本数".
  * No floor: a flood that reaches no figure is left ungraded for the duty leader, because the
    plan's Ⅳ级 conditions (险情, 一般洪水) are not figures.
  * Drought is not graded from figures (轻度/中度/严重/特大干旱 are judged by the water and
    agriculture departments); the ``drought_level`` field records the judgement.
- 补报 window 30 days: the core's default (the 493号 第十三条 figure); no natural-disaster source
  was found. A county edits its reporting rule set if its own plan says otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from commandcentre.hazards import (
    ChecklistItem,
    Criterion,
    FieldSpec,
    GradingTable,
    HazardType,
    PluginError,
    Season,
)

PLUGIN_ID = "flood"
SOURCE = ("《国家防汛抗旱应急预案》按条件启动响应，无数字分级标准；本表死亡、直接经济损失门槛借用"
          "国务院令第493号第三条，重现期门槛按 GB/T 22482《水文情报预报规范》洪水等级对应，"
          "均为县级设置 plugin.flood.grading，请与本县防汛抗旱应急预案核对")

SUB_TYPES = ("洪水", "山洪", "内涝", "干旱", "水库险情", "堤防险情", "其他")
RESERVOIR_SCALES = ("大型", "中型", "小（一）型", "小（二）型")
DROUGHT_LEVELS = ("轻度干旱", "中度干旱", "严重干旱", "特大干旱")

SEASON_NAME = "flood_season"
SEASON_SETTING = f"plugin.{PLUGIN_ID}.{SEASON_NAME}"
SEASON_DEFAULT = {"start": "05-01", "end": "09-30"}
GRADING_NAME = "grading"
GRADING_SETTING = f"plugin.{PLUGIN_ID}.{GRADING_NAME}"

# (key, label, unit, thresholds, label_en): the plugin's default thresholds (see docstring).
_CRITERIA: tuple[tuple[str, str, str, dict[str, float], str], ...] = (
    ("deaths", "死亡", "人", {"特别重大": 30, "重大": 10, "较大": 3}, "Deaths"),
    ("direct_loss_wan", "直接经济损失", "万元", {"特别重大": 10000, "重大": 5000, "较大": 1000},
     "Direct loss"),
    ("return_period_years", "洪水重现期", "年", {"特别重大": 50, "重大": 20, "较大": 5},
     "Flood return period"),
)


def grading_default() -> dict[str, dict[str, float]]:
    """The default of setting ``plugin.flood.grading``: criterion key → {grade: threshold}."""
    return {key: dict(thresholds) for key, _label, _unit, thresholds, _en in _CRITERIA}


def build_grading(county: Mapping[str, Any] | None = None) -> GradingTable:
    """The grading table, with the county's thresholds from ``plugin.flood.grading`` if given.

    ``county`` maps a criterion key to its thresholds ({grade: number}) or to None to drop the
    criterion; keys left out keep the plugin's default. Anything else raises PluginError.
    """
    county = {} if county is None else county
    if not isinstance(county, Mapping):
        raise PluginError(f"{GRADING_SETTING} 应为对象（指标 → 门槛）")
    known = {c[0] for c in _CRITERIA}
    unknown = sorted(set(county) - known)
    if unknown:
        raise PluginError(f"{GRADING_SETTING} 含未知指标：{'、'.join(map(str, unknown))}")
    criteria = []
    for key, label, unit, thresholds, label_en in _CRITERIA:
        if key in county and county[key] is None:
            continue
        chosen = county.get(key, thresholds)
        if not isinstance(chosen, Mapping):
            raise PluginError(f"{GRADING_SETTING} 的 {key} 应为 {{等级: 门槛}}")
        criteria.append(Criterion(key, label, unit, dict(chosen), label_en=label_en))
    source = SOURCE + ("（本县已调整门槛）" if county else "")
    return GradingTable(criteria=tuple(criteria), source=source, floor=None)


_COMMON = {"categories": ["自然灾害"], "first_phone_minutes": 30, "first_written_minutes": 60,
           "final_hours_after_close": 24, "supplement_days": 30, "supplement_minutes": 60}
REPORTING_RULES = (
    {"grades": ["特别重大", "重大", "较大"], **_COMMON, "followup": {"at": ["08:00", "17:00"]}},
    {"grades": ["一般", None], **_COMMON, "followup": {"at": ["09:00"]}},
)

_LEVEL_MIN = -200.0  # water levels are heights above the station datum (黄海/吴淞), often >1000 m
_LEVEL_MAX = 6000.0
FIELDS = (
    FieldSpec("sub_type", "灾害类型", "Sub-type", "choice", choices=SUB_TYPES,
              help_zh="洪水（江河洪水）、山洪、城市内涝、干旱，或水库、堤防出现险情"),
    FieldSpec("water_body", "河流或水库名称", "River or reservoir", "text",
              help_zh="如：安宁河（某水文站）、某某水库；内涝填易涝点名称"),
    FieldSpec("reservoir_scale", "水库规模", "Reservoir scale", "choice",
              choices=RESERVOIR_SCALES, help_zh="水库险情时填写"),
    FieldSpec("water_level_m", "实时水位", "Water level", "float", unit="米", minimum=_LEVEL_MIN,
              maximum=_LEVEL_MAX, help_zh="按测站基面的高程；与警戒水位、保证水位比较确定预警颜色："
              "接近警戒为蓝色，达到或超过警戒为黄色，达到或超过保证为橙色，超过历史最高为红色"),
    FieldSpec("warning_level_m", "警戒水位", "Warning level", "float", unit="米",
              minimum=_LEVEL_MIN, maximum=_LEVEL_MAX),
    FieldSpec("guarantee_level_m", "保证水位", "Guaranteed level", "float", unit="米",
              minimum=_LEVEL_MIN, maximum=_LEVEL_MAX,
              help_zh="水位接近保证水位时，县级以上人民政府可以宣布进入紧急防汛期（防汛条例第二十三条）"),
    FieldSpec("return_period_years", "洪水重现期", "Flood return period", "float", unit="年",
              minimum=0, maximum=10000,
              help_zh="水文部门给出的洪峰或洪量重现期（几年一遇），用于定级：≥5年中洪水、≥20年大洪水、"
              "≥50年特大洪水（GB/T 22482）"),
    FieldSpec("rainfall_mm", "累计降雨量", "Rainfall", "float", unit="毫米", minimum=0,
              maximum=5000, help_zh="最大站点累计雨量，与“降雨历时”一起填写"),
    FieldSpec("rainfall_hours", "降雨历时", "Rainfall duration", "int", unit="小时", minimum=1,
              maximum=720, help_zh="上面累计雨量所对应的小时数，如 3 小时、24 小时"),
    FieldSpec("inundated_area_km2", "受淹面积", "Inundated area", "float", unit="平方公里",
              minimum=0, maximum=200000),
    FieldSpec("evacuated", "转移避险人数", "People evacuated", "int", unit="人", minimum=0,
              help_zh="提前转移避险的群众；需政府安置的人数在伤亡统计“转移安置”中填报"),
    FieldSpec("drought_level", "旱情等级", "Drought level", "choice", choices=DROUGHT_LEVELS,
              help_zh="干旱时按水利、农业农村部门的旱情评估填写；干旱不按数字自动定级"),
    FieldSpec("drinking_water_short", "因旱饮水困难人数", "People short of drinking water",
              "int", unit="人", minimum=0),
)

_L = ChecklistItem
CHECKLISTS = (
    # Ⅳ级: the county 防汛抗旱指挥部 leads.
    _L("Ⅳ", "核实雨情、水情、工情、险情、灾情，明确发生地点和影响范围",
       "县防汛抗旱指挥部办公室", 30),
    _L("Ⅳ", "电话报告县政府和市防汛抗旱指挥部办公室", "县防汛抗旱指挥部办公室", 30),
    _L("Ⅳ", "通知相关水库的行政、技术、巡查“三个责任人”到岗到位（003:334）",
       "县水利局、属地乡镇政府", 30),
    _L("Ⅳ", "落实水库“三个重点环节”：监测预报、调度运用方案、应急预案（003:334）",
       "县水利局", 60),
    _L("Ⅳ", "县、乡、村三级防汛责任人到岗，群测群防人员加密巡查山洪危险区、水库、水电站",
       "属地乡镇政府", 60),
    _L("Ⅳ", "山洪、内涝威胁区域群众提前转移避险", "属地乡镇政府", 120),
    _L("Ⅳ", "城市低洼地段、下穿式立交、行洪河道、排水防涝主出口设置警戒，必要时交通管制",
       "县住房城乡建设局、县公安局交警大队", 60),
    _L("Ⅳ", "易涝点按清单落实治理任务、完成时限、责任单位和责任人，调派移动泵车、发电机（001:487）",
       "县住房城乡建设局", 60),
    _L("Ⅳ", "干旱：加强供水调度，保障城乡供水（003:334）", "县水利局", None),
    _L("Ⅳ", "汛后：排查隐患，修复水毁工程（003:334）", "县水利局、属地乡镇政府", None),
    # Ⅲ级: the county commander takes charge and the city is asked for help.
    _L("Ⅲ", "县防汛抗旱指挥部指挥长主持会商，启动县级Ⅲ级应急响应", "县防汛抗旱指挥部", 60),
    _L("Ⅲ", "防汛抗洪抢险队伍、水旱灾害防御专家赶赴现场（003:174）", "县防汛抗旱指挥部", 60),
    _L("Ⅲ", "请求市防汛抗旱指挥部派出工作组和抢险力量", "县防汛抗旱指挥部办公室", 60),
    _L("Ⅲ", "每日 8 时、17 时前续报雨情、水情、险情和处置进展", "县防汛抗旱指挥部办公室", None),
    # Ⅱ、Ⅰ级: province / nation lead; the county holds the line and supports.
    _L("Ⅱ", "县政府主要负责人坐镇县防汛抗旱指挥部，配合省、市工作组", "县政府", 60),
    _L("Ⅱ", "水情接近保证水位或工程出现重大险情时，报请县政府宣布进入紧急防汛期"
       "（防汛条例第二十三条）", "县防汛抗旱指挥部", 60),
    _L("Ⅱ", "组织受威胁区域群众大范围转移安置", "属地乡镇政府、县民政局", 120),
    _L("Ⅰ", "县政府主要负责人在前线指挥部坐镇，配合国家、省工作组", "县政府", 60),
    _L("Ⅰ", "保障抢险物资、交通、通信和电力，开通应急通道", "县政府办、县交通运输局", 120),
    _L("Ⅰ", "每日 8 时、17 时前续报，统一信息发布口径", "县防汛抗旱指挥部办公室、县委宣传部", None),
)

FLOOD_SEASON = Season(SEASON_NAME, "汛期", SEASON_DEFAULT["start"], SEASON_DEFAULT["end"],
                      setting=SEASON_SETTING)


def build_hazard(county_grading: Mapping[str, Any] | None = None) -> HazardType:
    """The hazard type, graded with the county's thresholds (see :func:`build_grading`)."""
    return HazardType(
        id="flood",
        name_zh="防汛抗旱",
        name_en="Flood and drought",
        category="自然灾害",
        fields=FIELDS,
        grading=build_grading(county_grading),
        warning_colours=("红", "橙", "黄", "蓝"),  # 洪水预警 uses all four
        reporting_rules=REPORTING_RULES,
        seasons=(FLOOD_SEASON,),
        checklists=CHECKLISTS,
        report_sections=("雨情水情", "工情险情（水库、堤防、山洪危险区、易涝点）",
                         "转移避险与受灾情况", "防汛抗旱力量投入"),
        supplement_days=30,
    )


HAZARD = build_hazard()
