"""气象灾害 (meteorological disaster): warning signals and their colours, form, checklists.

Seed citations are ``file:line`` in /work/shared/seeds (extracted in /work/shared/domain);
"[C]" marks a regulation or standard read on a stored public page (often a mirror or a
repost: verify against the official text), "[INF]" this plugin's own inference, "[M]" from
memory, unverified.

What is sourced:

- Warning signals: 《气象灾害预警信号发布与传播办法》（中国气象局令第16号，2007年）第三条:
  预警信号由名称、图标、标准和防御指南组成，分为台风、暴雨、暴雪、寒潮、大风、沙尘暴、高温、
  干旱、雷电、冰雹、霜冻、大雾、霾、道路结冰; 第四条: 一般划分为四级 Ⅳ级（一般）、Ⅲ级（较重）、
  Ⅱ级（严重）、Ⅰ级（特别严重），依次用蓝色、黄色、橙色和红色表示, and "根据不同种类气象灾害的
  特征、预警能力等，确定不同种类气象灾害的预警信号级别" — so a signal type has only some
  colours [C, article text quoted at https://www.51dongshi.net/wzztf/rvabb/rvabbhdgh; the
  same 14 types in a 天津应急管理 repost
  http://news.big5.enorth.com.cn/system/2013/07/26/011176127.shtml]. research-standards §1.3
  says the same: "The app must not assume that every hazard has all four colours". The
  colours of each type, from the 办法's annex (《气象灾害预警信号及防御指南》):

  * 台风、暴雨、暴雪、寒潮、大风: 蓝、黄、橙、红 ("分四级，分别以蓝色、黄色、橙色和红色表示"
    [C, http://426z.com/s-23-307139-0.html]);
  * 高温: 黄、橙、红 [C, same page];
  * 沙尘暴: 黄、橙、红 ("沙尘暴预警信号分三级" [C, http://aihuau.com/a/3349371/26602801.html];
    a Q&A page claiming four levels, https://m.kfkhr.com/1/2431210.html, contradicts the
    annex and is not followed);
  * 干旱: 橙、红 (橙色 "是干旱预警信号中的第一级别" [C, http://14919.com/n/5496888.html];
    orange and red signals actually issued by county 气象台 [C,
    http://cnfanrong.com/09/09129262E2023.html,
    http://bbs.xinganzx.com/archiver/showtopic-16007.aspx]);
  * 雷电: 黄、橙、红 (黄色 "是雷电预警信号中的第一级别", 标准 "6小时内可能发生雷电活动" [C,
    https://www.baike.com/wikiid/280342862843147418]);
  * 冰雹: 橙、红 ("冰雹预警信号分二级，分别以橙色、红色表示" [C,
    https://mip.yxlady.com/jingyan/1869218.shtml; http://yunnanlong.com/c/2712828.html]);
  * 霜冻: 蓝、黄、橙 (blue / yellow / orange standards at 0 ℃ / −3 ℃ / −5 ℃ [C,
    https://www.edu.cn/rd/kexuetansuo/ji_gou/201207/t20120727_817458_4.shtml]);
  * 大雾: 黄、橙、红 ("大雾预警信号分三级，分别以黄色、橙色、红色表示" [C, 上海市气象局
    http://sh.cma.gov.cn/sh/news/yjjz/zhtqyj/201903/t20190329_243108.html]);
  * 霾: 黄、橙、红. The 2007 annex had only 黄 and 橙; 中国气象局 revised the haze signal in 2013
    and added 红, with PM2.5 in the criteria ("霾预警信号分为三级，以黄色、橙色和红色表示" [C,
    http://m.agrintha.com/science/201702/69.html;
    http://gsfhg.cn/news/wendayingxiao/2023/0119/12746.html]; the revision's document number
    is not in the sources). A county whose 气象台 still issues the 2007 two-level haze signal
    loses nothing: 红 is simply never used;
  * 道路结冰: 黄、橙、红 ("道路结冰预警信号分三级" [C, 中国天气网
    http://weather.com.cn/henan/tqyj/daolujiebing.shtml]).

  The table is data (``SIGNAL_COLOURS``): the form's type and colour fields take their
  choices from it, and :func:`signal_problem` checks a (type, colour) pair, because
  ``HazardType.warning_colours`` holds one tuple for the whole hazard and the core has no
  cross-field check. Local signals outside the national annex (e.g. 雷雨大风, or 广东's
  台风白色) are not included.
- Issuing unit: 气象主管机构所属的气象台站 (第三条 above); "统一发布制度", no other
  organisation may issue a signal (第八条 [M]).
- Seeds: 干旱、暴雨、暴雪 monitoring and 人工影响天气 (003_f46a6e80e859aec0.txt:346, 372);
  雷电、暴雨、冰雹 among the 2025 monitoring targets (003_f46a6e80e859aec0.txt:378);
  "做好重大自然灾害期间转移安置点气象服务工作" (003_f46a6e80e859aec0.txt:346); 乡镇（街道）
  as the grid unit of 短临 warnings (003_f46a6e80e859aec0.txt:473); 11 warning-sensitive
  types incl. 暴雨、高温 (001_44a2f5524b217aa3.txt:28); 台风 early warning
  (002_ed85d84b272c40f8.txt:47); "恶劣气象条件下道路交通安全风险分析研判"
  (002_ed85d84b272c40f8.txt:189).
- Checklists: the 防御指南 of the annex — 道路结冰 "交通运输、公安等部门注意指挥和疏导行驶车辆，
  必要时关闭结冰道路" [C, weather.com.cn above]; 大雾 "高速公路暂时封闭" [C, edu.cn above];
  冰雹 "气象部门做好人工防雹作业准备并择机进行作业" [C, http://rrrg.com.cn/d/a1451];
  沙尘暴 "停止露天活动和高空、水上等户外危险作业", "学校、幼儿园推迟上学或者放学" [C,
  aihuau.com above]. 受灾人员基本生活得到有效救助时间 "缩短至10小时以内"
  (004_e9965606c96d1573.txt:95-98) is the one timed item. "重要信息必须即收即办"
  (research-standards §6 [C]). Every other item has no time limit because no source gives one.
- Reporting: 首报 30 min by phone, 1 h in writing, county practice (research-standards §1.6
  [M]), inside the 2 h county 初报 of the natural-disaster rules (县级 "在灾害发生后2小时内"
  [C, a provincial 自然灾害救助应急预案 at
  http://fsou.com/html/text/lar/174138/17413829_4.html]); 气象灾害（台风、风雹、低温冷冻、
  雪灾、沙尘暴）are within 《自然灾害情况统计调查制度》（应急〔2020〕19号）, 乡镇 as the
  statistical unit [C,
  https://m.iread.qq.com/read/1044259226/11]. 续报 for 较大以上 before 08:00 and 17:00 (河南省
  应急管理厅, research-standards §1.6 [C]); for 一般 and ungraded once a day by 09:00, the
  "县级…每日9时前" of the 24小时零报告 [C, fsou.com above]. The same rules as the flood plugin.

What is NOT sourced:

- Grading: ``grading=None``. 突发事件应对法 第三条 leaves the grading standards to the State
  Council and its departments (research-standards §1.1); the domain documents give no numeric
  table for meteorological disasters, and seed 003 defines no level scheme
  (seeds-003.md §2.4, 003_f46a6e80e859aec0.txt:272). A meteorological event is graded by
  its consequences under the county's general plan, so the duty leader grades it by hand (the
  core then refuses automatic grading with "该灾种没有分级标准，请人工定级").
- 补报 window: no natural-disaster source gives one (国务院令第493号 第十三条 is for
  生产安全事故). 30 days, the core's default, is the plugin setting
  ``plugin.meteorological.supplement_days``, read when the plugin loads.
- Wind force 0–17 级: GB/T 28591-2012《风力等级》[M, verify].
- Per-township warnings: a warning is issued to several 乡镇 and each must acknowledge it;
  that is a register kept between incidents, not a form field. ``TOWNSHIP_WARNING_FIELDS`` is
  the shape of one row (the 乡镇 itself is the register's ``township_id`` column); it is not
  registered until the plugin moves to the register API.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from commandcentre.hazards import ChecklistItem, FieldSpec, HazardType

PLUGIN_ID = "meteorological"

# Ascending severity, as the 办法 lists them: Ⅳ 蓝 < Ⅲ 黄 < Ⅱ 橙 < Ⅰ 红.
COLOUR_ORDER: tuple[str, ...] = ("蓝", "黄", "橙", "红")
COLOUR_EN: Mapping[str, str] = MappingProxyType(
    {"蓝": "Blue", "黄": "Yellow", "橙": "Orange", "红": "Red"})

# Every signal type of 第16号令 第三条, in its order, with the colours it has (ascending).
SIGNAL_COLOURS: Mapping[str, tuple[str, ...]] = MappingProxyType({
    "台风": ("蓝", "黄", "橙", "红"),
    "暴雨": ("蓝", "黄", "橙", "红"),
    "暴雪": ("蓝", "黄", "橙", "红"),
    "寒潮": ("蓝", "黄", "橙", "红"),
    "大风": ("蓝", "黄", "橙", "红"),
    "沙尘暴": ("黄", "橙", "红"),
    "高温": ("黄", "橙", "红"),
    "干旱": ("橙", "红"),
    "雷电": ("黄", "橙", "红"),
    "冰雹": ("橙", "红"),
    "霜冻": ("蓝", "黄", "橙"),
    "大雾": ("黄", "橙", "红"),
    "霾": ("黄", "橙", "红"),  # 2013 revision; the 2007 annex had 黄、橙 only
    "道路结冰": ("黄", "橙", "红"),
})
SIGNAL_EN: Mapping[str, str] = MappingProxyType({
    "台风": "Typhoon", "暴雨": "Rainstorm", "暴雪": "Snowstorm", "寒潮": "Cold wave",
    "大风": "Gale", "沙尘暴": "Sandstorm", "高温": "Heat wave", "干旱": "Drought",
    "雷电": "Lightning", "冰雹": "Hail", "霜冻": "Frost", "大雾": "Heavy fog", "霾": "Haze",
    "道路结冰": "Road icing",
})
SIGNAL_TYPES: tuple[str, ...] = tuple(SIGNAL_COLOURS)

SUPPLEMENT_NAME = "supplement_days"
SUPPLEMENT_SETTING = f"plugin.{PLUGIN_ID}.{SUPPLEMENT_NAME}"
SUPPLEMENT_DAYS_DEFAULT = 30  # not sourced: the core's default (see the module docstring)


def signal_problem(signal_type: str | None, colour: str | None) -> str | None:
    """Why a (signal type, colour) pair cannot be, or None when it can (or is incomplete).

    E.g. ``("冰雹", "黄")`` → "冰雹预警信号没有黄色（只有橙色、红色）". The hazard's
    ``form_check`` refuses such a form (plugin API 1.1).
    """
    if not signal_type or not colour:
        return None
    if signal_type not in SIGNAL_COLOURS:
        return f"“预警信号类型”应为以下之一：{'、'.join(SIGNAL_TYPES)}"
    allowed = SIGNAL_COLOURS[signal_type]
    if colour not in allowed:
        return (f"{signal_type}预警信号没有{colour}色"
                f"（只有{'、'.join(c + '色' for c in allowed)}）")
    return None


FIELDS = (
    FieldSpec("signal_type", "预警信号类型", "Warning signal", "choice", choices=SIGNAL_TYPES,
              help_zh="按《气象灾害预警信号发布与传播办法》的 14 类"),
    FieldSpec("signal_colour", "预警颜色", "Warning colour", "choice", choices=COLOUR_ORDER,
              help_zh="各类信号的颜色不同：如冰雹只有橙、红，霜冻只有蓝、黄、橙"),
    FieldSpec("issuing_unit", "发布单位", "Issued by", "text",
              help_zh="发布预警信号的气象台站，如：××县气象台"),
    FieldSpec("issued_at", "发布时间", "Issued at", "datetime"),
    FieldSpec("affected_townships", "影响乡镇（街道）", "Affected townships", "text",
              help_zh="用顿号分隔，如：城关镇、河西乡"),
    FieldSpec("rain_total_mm", "过程累计雨量", "Total rainfall", "float", unit="毫米",
              minimum=0),
    FieldSpec("rain_max_hourly_mm", "最大小时雨量", "Maximum hourly rainfall", "float",
              unit="毫米", minimum=0),
    FieldSpec("wind_force", "平均风力", "Mean wind force", "int", unit="级", minimum=0,
              maximum=17),
    FieldSpec("gust_force", "阵风风力", "Gust force", "int", unit="级", minimum=0, maximum=17),
    FieldSpec("max_wind_speed_ms", "极大风速", "Maximum wind speed", "float", unit="米/秒",
              minimum=0),
)

# One row of the per-township warning register (乡镇预警台账); township = township_id column.
TOWNSHIP_WARNING_FIELDS = (
    FieldSpec("signal_type", "预警信号类型", "Warning signal", "choice", choices=SIGNAL_TYPES,
              required=True),
    FieldSpec("signal_colour", "预警颜色", "Warning colour", "choice", choices=COLOUR_ORDER,
              required=True),
    FieldSpec("issuing_unit", "发布单位", "Issued by", "text"),
    FieldSpec("issued_at", "发布时间", "Issued at", "datetime", required=True),
    FieldSpec("received_at", "乡镇接收时间", "Received by township at", "datetime"),
    FieldSpec("received_by", "乡镇接收人", "Received by", "text"),
    FieldSpec("lifted_at", "解除时间", "Lifted at", "datetime"),
    FieldSpec("note", "备注", "Note", "text"),
)

_L = ChecklistItem
_RELIEF = ("保障受灾群众基本生活（有效救助时间 10 小时以内）", "县应急管理局、属地乡镇政府", 600)
CHECKLISTS = (
    # Ⅳ级: the county watches, relays and checks.
    _L("Ⅳ", "接收气象台预警信号，核实类型、颜色、影响乡镇和时段，即收即办并登记值班日志",
       "县应急管理局值班室", None),
    _L("Ⅳ", "将预警信号和防御指南传达到受影响乡镇（街道）值班室，确认接收人", "县应急管理局值班室",
       None),
    _L("Ⅳ", "督促乡镇按网格巡查山洪沟、地质灾害隐患点和低洼易涝点", "属地乡镇政府", None),
    _L("Ⅳ", "道路结冰、大雾：加强路面巡查和交通疏导，必要时封闭道路",
       "县交通运输局、县公安局交警大队", None),
    _L("Ⅳ", "冰雹、干旱：做好人工影响天气作业准备并择机作业", "县气象局", None),
    _L("Ⅳ", "做好转移安置点气象服务", "县气象局", None),
    _L("Ⅳ", *_RELIEF),
    # Ⅲ级: the county convenes and moves people.
    _L("Ⅲ", "组织气象、水利、自然资源等部门会商研判，提出防御建议", "县应急管理局", None),
    _L("Ⅲ", "组织受威胁群众转移到安置点", "属地乡镇政府", None),
    _L("Ⅲ", *_RELIEF),
    _L("Ⅲ", "每日 8 时、17 时前续报灾情和防御工作", "县应急管理局值班室", None),
    # Ⅱ、Ⅰ级: province / nation lead; the county holds its ground and supports.
    _L("Ⅱ", "县政府主要负责人坐镇指挥，成员单位到岗到位", "县政府", None),
    _L("Ⅱ", "停止露天集体活动和高空、水上等户外危险作业，学校、幼儿园视情停课",
       "县教育体育局、县应急管理局", None),
    _L("Ⅱ", *_RELIEF),
    _L("Ⅱ", "每日 8 时、17 时前续报，配合上级工作组", "县应急管理局", None),
    _L("Ⅰ", "县政府主要负责人坐镇指挥，全力配合国家和省工作组", "县政府", None),
    _L("Ⅰ", "保障通信、电力、交通等生命线和救灾物资运输通道", "县政府办、县交通运输局", None),
    _L("Ⅰ", *_RELIEF),
    _L("Ⅰ", "每日 8 时、17 时前续报，统一信息发布口径", "县应急管理局、县委宣传部", None),
)


def reporting_rules(supplement_days: int = SUPPLEMENT_DAYS_DEFAULT) -> tuple[dict, ...]:
    """The default reporting rules, with the county's 补报 window."""
    common = {"categories": ["自然灾害"], "first_phone_minutes": 30,
              "first_written_minutes": 60, "final_hours_after_close": 24,
              "supplement_days": supplement_days, "supplement_minutes": 60}
    return (
        {"grades": ["特别重大", "重大", "较大"], **common,
         "followup": {"at": ["08:00", "17:00"]}},
        {"grades": ["一般", None], **common, "followup": {"at": ["09:00"]}},
    )


def build_hazard(*, supplement_days: int = SUPPLEMENT_DAYS_DEFAULT) -> HazardType:
    """The hazard type, with the county's 补报 window (``SUPPLEMENT_SETTING``)."""
    return HazardType(
        id=PLUGIN_ID,
        name_zh="气象灾害",
        name_en="Meteorological disaster",
        category="自然灾害",
        fields=FIELDS,
        grading=None,  # no numeric table in the sources: graded by hand (see above)
        # The union of every signal's colours; which colour a signal may take is SIGNAL_COLOURS.
        warning_colours=tuple(c for c in ("红", "橙", "黄", "蓝")
                              if any(c in cs for cs in SIGNAL_COLOURS.values())),
        reporting_rules=reporting_rules(supplement_days),
        checklists=CHECKLISTS,
        report_sections=("预警信号发布情况", "影响范围与受灾情况", "防御措施落实情况",
                         "群众转移安置情况"),
        supplement_days=supplement_days,
        form_check=_form_check,  # plugin API 1.1
    )


def _form_check(values) -> list[str]:
    problem = signal_problem(values.get("signal_type"), values.get("signal_colour"))
    return [problem] if problem else []


HAZARD = build_hazard()
