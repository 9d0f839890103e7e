"""地震 (earthquake): the 三要素 quick report, intensity, grading, infrastructure, checklists.

Seed citations are ``file:line`` in /work/shared/seeds (extracted in /work/shared/domain);
"[C]" marks a regulation read on a stored public page (often a mirror: verify against the
official text), "[INF]" this plugin's own inference, "[M]" unverified practice.

- Quick report: "精确定位地震三要素（时间、地点、震级）" (003_f46a6e80e859aec0.txt:358);
  "地震烈度速报与预警" and 震情会商 (003_f46a6e80e859aec0.txt:342); "秒级地震预警和分钟级地震
  烈度速报" (002_ed85d84b272c40f8.txt:217). Lead body 抗震救灾指挥部 (003_f46a6e80e859aec0.txt:272).
- Infrastructure: "城乡水、电、气、油等重要基础设施遭受破坏性地震灾害……后的影响，避免扩大次生
  灾害", "地面和空中救援通道快速开通" (003_f46a6e80e859aec0.txt:458); 路 and 通信 are added because
  the rescue corridors and the communications chapter (003_f46a6e80e859aec0.txt:481) depend on
  them. Each is 正常 / 中断 / 部分中断 / 未知.
- County regional rescue action plan: 灾情研判、指挥调度、交通保畅、舆情管控; 应急、地震、交通、
  公安联动; 州-县-乡三级协同 (003_f46a6e80e859aec0.txt:360).
- Grading: 《国家地震应急预案》（2012年8月28日修订）3.1 地震灾害分级 [C, the gov.cn gazette
  http://big5.www.gov.cn/gate/big5/www.gov.cn/gongbao/content/2012/content_2238963.htm; the
  grades as revised, in a 2012 新华社 report
  https://readfree.net/bbs/forum.php?goto=lastpost&mod=redirect&tid=5653973]:
  特别重大 300人以上死亡（含失踪）, 或直接经济损失占地震发生地省（区、市）上年国内生产总值 1% 以上;
  重大 50–300人; 较大 10–50人; 一般 10人以下. 初判: 人口较密集地区 7.0 / 6.0 / 5.0 / 4.0 级以上
  (特别重大 / 重大 / 较大 / 一般), 人口密集地区 6.0 / 5.0 / 4.0 级以上 (特别重大 / 重大 / 较大).
  research-standards §1.5 lists the same deaths from memory ([M], "verify before use"); the
  2006 plan had 20–50 人 and 6.0–6.5 级 for 较大, which the 2012 revision replaced.
  Thresholds are inclusive ("以上"). What the table cannot say:

  * The magnitude criterion uses the 人口较密集地区 column only. A criterion cannot depend on
    another field (API 1.0), so an epicentre in a 人口密集地区 (one magnitude lower) or in a
    sparsely populated area (the plan gives no magnitude 初判 there) is regraded by hand; the
    field help and the Ⅳ级 checklist say so. Where 密集 / 较密集 is drawn is not in the
    national plan (some local tables use 200 人/平方公里 for the county of the epicentre [C,
    https://yzwku.com/doc/408537.html]); follow the county's plan.
  * Deaths: the plan counts 死亡（含失踪）; the criterion reads ``deaths`` from the casualty
    snapshot, which keeps 失踪 apart, and API 1.0 cannot add two figures: until it can, the
    duty leader regrades when 死亡 + 失踪 crosses a line that 死亡 alone does not.
  * 一般 from deaths starts at 1 death [INF]: "10人以下死亡" with no deaths and no magnitude
    初判 is not graded from figures; 一般 also covers "造成一定经济损失", which has no number.
  * No floor: an earthquake reaching no threshold is left ungraded (a 3-级 tremor that harms
    no one is not a 地震灾害).
- No warning colours: earthquakes are not forecast in hours or days the way 暴雨 or 森林火险 are.
  The national plan has no 红橙黄蓝 earthquake warning levels; 地震预报 is issued only by the
  province under 《防震减灾法》 ([M]) and 地震预警 (002_ed85d84b272c40f8.txt:217) is an automatic
  alert seconds ahead of the shaking, not a coloured warning. No season either.
- Reporting: 首报 by phone within 15 min for every grade, because at first only the magnitude is
  known; written 35 min for 特别重大/重大 (河南省应急管理厅 15 min / 35 min, research-standards
  §1.6 [C]) and 1 h otherwise (河南 较大 1 h; county practice [M]). 续报 较大以上 before 08:00 and
  17:00 (research-standards §1.6 [C]); 一般 and ungraded daily by 09:00 (24小时零报告,
  《国家自然灾害救助应急预案》5.3.2 [C, quoted in https://code.fabao365.com/law_497780_3.html]).
  补报 30 days is the core default (no earthquake source found).
- Checklist minutes are this plugin's defaults for a county duty room, not from a regulation:
  check them against the county's 地震应急预案.
"""

from __future__ import annotations

from commandcentre.hazards import (
    ChecklistItem,
    Criterion,
    FieldSpec,
    GradingTable,
    HazardType,
)

SOURCE = ("《国家地震应急预案》（2012年修订）3.1 地震灾害分级；震级按人口较密集地区初判标准，"
          "人口密集地区和死亡含失踪须人工复核")

INFRASTRUCTURE_STATES = ("正常", "中断", "部分中断", "未知")
# (key, label, label_en) of the infrastructure status fields, 003_f46a6e80e859aec0.txt:458.
INFRASTRUCTURE = (
    ("water_status", "供水", "Water supply"),
    ("power_status", "供电", "Power"),
    ("gas_status", "供气", "Gas"),
    ("oil_status", "供油", "Fuel"),
    ("road_status", "道路", "Roads"),
    ("comms_status", "通信", "Communications"),
)
AREAS = ("人口密集地区", "人口较密集地区", "其他地区")

# Key deaths matches the core casualty snapshot (deaths only; see the docstring on 失踪).
GRADING = GradingTable(
    criteria=(
        Criterion("deaths", "死亡", "人", {"特别重大": 300, "重大": 50, "较大": 10, "一般": 1},
                  label_en="Deaths"),
        Criterion("magnitude", "震级（人口较密集地区初判）", "级",
                  {"特别重大": 7.0, "重大": 6.0, "较大": 5.0, "一般": 4.0},
                  label_en="Magnitude (fairly populated area)"),
        Criterion("loss_gdp_percent", "直接经济损失占上年全省GDP", "%", {"特别重大": 1.0},
                  label_en="Direct loss as % of provincial GDP"),
    ),
    source=SOURCE,
    floor=None,
)

_COMMON = {"categories": ["自然灾害"], "first_phone_minutes": 15,
           "final_hours_after_close": 24, "supplement_days": 30, "supplement_minutes": 60}
REPORTING_RULES = (
    {"grades": ["特别重大", "重大"], **_COMMON, "first_written_minutes": 35,
     "followup": {"at": ["08:00", "17:00"]}},
    {"grades": ["较大"], **_COMMON, "first_written_minutes": 60,
     "followup": {"at": ["08:00", "17:00"]}},
    {"grades": ["一般", None], **_COMMON, "first_written_minutes": 60,
     "followup": {"at": ["09:00"]}},
)

FIELDS = (
    # 三要素 (003_f46a6e80e859aec0.txt:358)
    FieldSpec("origin_time", "发震时刻", "Origin time", "datetime",
              help_zh="以中国地震台网或省地震局正式速报为准（北京时间）"),
    FieldSpec("epicentre", "震中位置", "Epicentre", "text",
              help_zh="如：某县某镇附近；正式速报后更正"),
    FieldSpec("magnitude", "震级", "Magnitude", "float", unit="级", minimum=0, maximum=10,
              help_zh="M，保留一位小数。定级门槛（4.0、5.0、6.0、7.0 级）为国家预案"
              "人口较密集地区的初判标准；震中在人口密集地区时每级门槛低 1 级，"
              "在人口稀少地区无震级初判，均须人工复核改判"),
    FieldSpec("epicentre_lat", "震中纬度", "Epicentre latitude", "float", unit="°",
              minimum=-90, maximum=90),
    FieldSpec("epicentre_lon", "震中经度", "Epicentre longitude", "float", unit="°",
              minimum=-180, maximum=180),
    FieldSpec("depth_km", "震源深度", "Depth", "float", unit="千米", minimum=0, maximum=700),
    FieldSpec("intensity", "震中烈度", "Epicentral intensity", "int", unit="度", minimum=1,
              maximum=12, help_zh="烈度速报或现场调查的最高烈度，Ⅰ–Ⅻ 度填阿拉伯数字（Ⅷ 度填 8）"),
    FieldSpec("epicentre_area", "震中区域人口分布", "Population at epicentre", "choice",
              choices=AREAS, help_zh="按本县地震应急预案的划分；决定震级初判用哪一栏"),
    FieldSpec("affected_townships", "受影响乡镇", "Affected townships", "text",
              help_zh="有感和受灾的乡镇（街道），用顿号分隔"),
    FieldSpec("loss_gdp_percent", "直接经济损失占上年全省GDP", "Loss as % of provincial GDP",
              "float", unit="%", minimum=0, maximum=100,
              help_zh="1% 以上为特别重大（国家地震应急预案 3.1）；由上级评估给出"),
    FieldSpec("collapsed_houses", "倒塌房屋", "Collapsed houses", "int", unit="间", minimum=0),
    *(FieldSpec(key, f"{label}状况", f"{label_en} status", "choice",
                choices=INFRASTRUCTURE_STATES,
                help_zh="水、电、气、油、路、通信逐项核查（003:458）")
      for key, label, label_en in INFRASTRUCTURE),
)

_L = ChecklistItem
CHECKLISTS = (
    # Ⅳ级 (一般): the county 抗震救灾指挥部 leads. First report within minutes.
    _L("Ⅳ", "接收并核实地震三要素（时间、地点、震级）和烈度速报（003:358）",
       "县应急管理局值班室", 10),
    _L("Ⅳ", "电话报告县政府和市应急管理局、市防震减灾部门", "县应急管理局值班室", 15),
    _L("Ⅳ", "震中在人口密集地区或人口稀少地区时，按国家预案复核震级初判并人工改判", "值班带班领导",
       30),
    _L("Ⅳ", "向各乡镇了解震感和灾情：人员伤亡、房屋损坏、被困人员", "属地乡镇政府", 30),
    _L("Ⅳ", "核查水、电、气、油、路、通信等基础设施状况（003:458）",
       "县住房城乡建设局、县交通运输局、供电和通信企业", 60),
    _L("Ⅳ", "排查水库、尾矿库、危险化学品企业和地质灾害点等次生灾害隐患（003:458）",
       "县水利局、县应急管理局、县自然资源局", 120),
    _L("Ⅳ", "发布震情信息，平息地震谣传", "县委宣传部、县防震减灾部门", 120),
    # Ⅲ级 (较大): the county commander goes; the city is asked for help.
    _L("Ⅲ", "县抗震救灾指挥部启动应急响应，指挥长赶赴灾区成立现场指挥部", "县抗震救灾指挥部", 60),
    _L("Ⅲ", "调派地震和地质灾害救援队伍、消防救援队伍搜救被困人员", "县应急管理局、县消防救援大队",
       60),
    _L("Ⅲ", "开放应急避难场所，转移安置受灾群众", "属地乡镇政府、县民政局", 120),
    _L("Ⅲ", "抢通地面和空中救援通道（003:458）", "县交通运输局、县公安局", 120),
    _L("Ⅲ", "每日 8 时、17 时前续报灾情和处置进展", "县应急管理局", None),
    # Ⅱ、Ⅰ级 (重大、特别重大): province / nation lead; the county does first response and support.
    _L("Ⅱ", "县政府主要负责人赶赴灾区，启动重特大地震灾害区域救援行动方案（003:360）",
       "县政府", 60),
    _L("Ⅱ", "灾情研判、指挥调度、交通保畅、舆情管控分组运转，应急、地震、交通、公安联动（003:360）",
       "县抗震救灾指挥部", 120),
    _L("Ⅱ", "组织受灾群众大范围转移安置，保障基本生活", "属地乡镇政府、县民政局", 240),
    _L("Ⅰ", "县政府主要负责人在前线指挥部坐镇，配合国家、省工作组，州-县-乡三级协同（003:360）",
       "县政府", 60),
    _L("Ⅰ", "开设救援力量集结点和直升机临时起降点，保障外来救援队伍", "县应急管理局、县交通运输局",
       180),
    _L("Ⅰ", "每日 8 时、17 时前续报，统一信息发布口径", "县应急管理局、县委宣传部", None),
)

HAZARD = HazardType(
    id="earthquake",
    name_zh="地震",
    name_en="Earthquake",
    category="自然灾害",
    fields=FIELDS,
    grading=GRADING,
    warning_colours=(),  # not forecast: see the docstring
    reporting_rules=REPORTING_RULES,
    seasons=(),  # event-driven (seeds-003.md §4.7)
    checklists=CHECKLISTS,
    report_sections=("地震三要素与烈度", "震情趋势与余震", "基础设施（水、电、气、油、路、通信）",
                     "次生灾害隐患"),
    supplement_days=30,
)
