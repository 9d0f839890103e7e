"""地质灾害 (geological hazard): the six types, grading, form, 汛期, checklists.

Seed citations are ``file:line`` in /work/shared/seeds (extracted in /work/shared/domain);
"[C]" marks a regulation read on a stored public page (often a mirror: verify against the
official text), "[INF]" this plugin's own inference, "[M]" unverified practice.

- Types: 《国家突发地质灾害应急预案》（国务院办公厅 2006）1.3 适用范围: 山体崩塌、滑坡、泥石流、
  地面塌陷、地裂缝、地面沉降 [C, quoted by the 广东 and 和平县 plans that follow it,
  http://yanshiren.com/gkmlpt/content/0/141/post_141044.html]. 忠县's six 隐患 types differ
  (滑坡、危岩（崩塌）、泥石流、地面塌陷、不稳定斜坡、库岸, 001_44a2f5524b217aa3.txt:78): the help
  text maps them onto the plan's types.
- Grading: the same plan, 地质灾害险情和灾情分级 [C, https://15tianqi.com/news23072 and
  https://code.fabao365.com/law_586549_3.html]:
  特大型（Ⅰ级）险情 受灾害威胁需搬迁转移 1000人以上 或 潜在经济损失 1亿元以上; 灾情 因灾死亡
  30人以上 或 直接经济损失 1000万元以上. 大型（Ⅱ级）500–1000人 / 5000万–1亿; 10–30人 /
  500万–1000万. 中型（Ⅲ级）100–500人 / 500万–5000万; 3–10人 / 100万–500万. 小型（Ⅳ级）below
  those, so 小型 (一般) is the floor. "以上" is taken as including the figure (as 493号 第三条
  says for its own table). 特大型/大型/中型/小型 are graded as 特别重大/重大/较大/一般 (the plan's
  Ⅰ–Ⅳ). 险情 and 灾情 criteria sit in one table joined by "或": the higher of the two decides
  [INF]. The plan counts 因灾死亡; 国土资源部's 地质灾害速报制度 counts 死亡和失踪 [C, as
  republished at http://www.carfloormat.com.cn/dzdzzh/7968.jhtml]: this table follows the plan
  (deaths only).
- 速报: the plan has the county 国土资源 (now 自然资源) department report 特大型、大型
  within 4 h and 中、小型 within 12 h to the county government and the city department
  [C, 15tianqi page]. The duty room's own 首报 (30 min phone, 1 h written: county practice,
  research-standards §1.6 [M]) is stricter. 续报 较大以上 before 08:00 and 17:00
  (research-standards §1.6, 河南 [C]); 一般 and ungraded daily by 09:00 (24小时零报告 of
  《国家自然灾害救助应急预案》5.3.2 [C, quoted in https://code.fabao365.com/law_497780_3.html]).
  补报 30 days is the core default (no geological source found). Report sections follow the
  plan's 速报内容 (地点和时间、类型、灾害体规模、可能的引发因素和发展趋势; 伤亡和失踪人数、
  直接经济损失).
- Monitoring: "对威胁30人以上的地质灾害隐患点实现专业监测设备全覆盖", 群专结合, 城镇、乡村、组
  (003_f46a6e80e859aec0.txt:338): field help and a checklist item. 八落实 incl. 监测人、撤离路线、
  警示牌 (001_44a2f5524b217aa3.txt:46). 群测群防监测预警覆盖面 100 % (001_44a2f5524b217aa3.txt:419).
  汛期地质灾害防治专业技术指导单位 and 54 experts (003_f46a6e80e859aec0.txt:174). 隐患排查 → 监测
  预警 → 应急响应 → 应急处置 → 调查评估 (001_44a2f5524b217aa3.txt:473). 次生灾害 and 救援通道
  (003_f46a6e80e859aec0.txt:458).
- Warning colours 红橙黄蓝: 地质灾害 is a warning category (000_77c36af3f192f3c9.txt:156;
  暴雨诱发地质灾害预警 002_ed85d84b272c40f8.txt:223); 地质灾害气象风险预警 signals are
  蓝、黄、橙、红 [C, http://lady.gansulong.com/c/032929240W2024.html].
- 汛期: rain-triggered hazards and 汛期 guidance units (003_f46a6e80e859aec0.txt:174;
  002_ed85d84b272c40f8.txt:175); the dates are the county's setting
  ``plugin.geological.flood_season`` with the flood plugin's default 05-01 to 09-30 (source
  there: 《四川省〈中华人民共和国防洪法〉实施办法》, 防洪法第四十一条). A county that moves its
  汛期 sets it for both plugins: API 1.0 has no setting shared between plugins.
- Checklist minutes are this plugin's defaults for a county duty room (except the 4 h / 12 h
  速报, from the plan): check them against the county's 突发地质灾害应急预案.
"""

from __future__ import annotations

from commandcentre.hazards import (
    ChecklistItem,
    Criterion,
    FieldSpec,
    GradingTable,
    HazardType,
    Season,
)

PLUGIN_ID = "geological"
SOURCE = "《国家突发地质灾害应急预案》地质灾害险情和灾情分级（特大型、大型、中型、小型）"

GEO_TYPES = ("滑坡", "崩塌", "泥石流", "地面塌陷", "地裂缝", "地面沉降")
TRIGGERS = ("降雨", "地震", "人类工程活动", "其他", "不明")
PROFESSIONAL_MONITORING_PEOPLE = 30  # 003_f46a6e80e859aec0.txt:338

SEASON_NAME = "flood_season"
SEASON_SETTING = f"plugin.{PLUGIN_ID}.{SEASON_NAME}"
SEASON_DEFAULT = {"start": "05-01", "end": "09-30"}

# Keys deaths / direct_loss_wan match the core casualty snapshot, so a snapshot grades directly.
GRADING = GradingTable(
    criteria=(
        Criterion("deaths", "因灾死亡", "人", {"特别重大": 30, "重大": 10, "较大": 3},
                  label_en="Deaths"),
        Criterion("direct_loss_wan", "直接经济损失", "万元",
                  {"特别重大": 1000, "重大": 500, "较大": 100}, label_en="Direct loss"),
        Criterion("threatened_people", "受威胁需搬迁转移人数", "人",
                  {"特别重大": 1000, "重大": 500, "较大": 100}, label_en="People threatened"),
        Criterion("potential_loss_wan", "潜在经济损失", "万元",
                  {"特别重大": 10000, "重大": 5000, "较大": 500}, label_en="Potential loss"),
    ),
    source=SOURCE,
    floor="一般",  # 小型: every geological event reaches at least 小型险情或灾情
)

_COMMON = {"categories": ["自然灾害"], "first_phone_minutes": 30, "first_written_minutes": 60,
           "final_hours_after_close": 24, "supplement_days": 30, "supplement_minutes": 60}
REPORTING_RULES = (
    {"grades": ["特别重大", "重大", "较大"], **_COMMON, "followup": {"at": ["08:00", "17:00"]}},
    {"grades": ["一般", None], **_COMMON, "followup": {"at": ["09:00"]}},
)

FIELDS = (
    FieldSpec("geo_type", "灾害类型", "Hazard type", "choice", choices=GEO_TYPES,
              help_zh="危岩归入崩塌；不稳定斜坡、库岸按可能发生的灾害（多为滑坡）填写"),
    FieldSpec("point_name", "隐患点名称或编号", "Hidden-danger point", "text",
              help_zh="已登记隐患点填台账名称或编号；新发灾害点写明乡镇、村、组"),
    FieldSpec("registered_point", "是否已登记隐患点", "Registered point", "bool"),
    FieldSpec("trigger", "可能的引发因素", "Likely trigger", "choice", choices=TRIGGERS),
    FieldSpec("volume_m3", "灾害体规模（方量）", "Volume", "float", unit="立方米", minimum=0,
              maximum=1e10),
    FieldSpec("threatened_people", "受威胁人数", "People threatened", "int", unit="人",
              minimum=0, help_zh="受灾害威胁、需搬迁转移的人数，用于险情定级（100、500、1000 人）。"
              "威胁 30 人以上的隐患点应实现专业监测设备全覆盖（003:338）"),
    FieldSpec("threatened_objects", "受威胁对象", "Threatened objects", "text",
              help_zh="城镇、乡村、组，学校、道路、水库等"),
    FieldSpec("potential_loss_wan", "潜在经济损失", "Potential loss", "float", unit="万元",
              minimum=0, help_zh="受威胁财产的估计值，用于险情定级（500 万、5000 万、1 亿元）"),
    FieldSpec("evacuation_done", "受威胁群众是否已撤离", "Evacuation done", "bool"),
    FieldSpec("evacuated", "已撤离人数", "People evacuated", "int", unit="人", minimum=0),
    FieldSpec("monitor_person", "群测群防监测人", "Monitor", "text",
              help_zh="姓名和电话（八落实之一：监测人）"),
    FieldSpec("professional_monitoring", "是否有专业监测设备", "Professional monitoring", "bool",
              help_zh="威胁 30 人以上的隐患点应当有（003:338）"),
)

_L = ChecklistItem
CHECKLISTS = (
    # Ⅳ级 (小型): the county leads.
    _L("Ⅳ", "核实灾害点位置、类型、规模，伤亡失踪人数和受威胁人员",
       "县应急管理局值班室、县自然资源局", 30),
    _L("Ⅳ", "电话报告县政府、市应急管理局和市自然资源主管部门", "县应急管理局值班室", 30),
    _L("Ⅳ", "监测人发出预警，受威胁群众按撤离路线避险转移（001:46 八落实）",
       "属地乡镇政府、隐患点监测人", 60),
    _L("Ⅳ", "调派消防救援和地质灾害应急队伍搜救被困、被埋压人员",
       "县消防救援大队、县应急管理局", 60),
    _L("Ⅳ", "划定危险区，设置警示牌和警戒线，禁止人员车辆进入", "属地乡镇政府、县公安局", 60),
    _L("Ⅳ", "派出应急调查组和技术指导单位专家到场研判稳定性和发展趋势（003:174）", "县自然资源局",
       120),
    _L("Ⅳ", "中、小型：12 小时内速报县政府和市级自然资源主管部门"
       "（地点、类型、规模、引发因素、趋势、伤亡失踪和直接经济损失）", "县自然资源局", 720),
    _L("Ⅳ", "威胁 30 人以上的隐患点核查专业监测设备，未覆盖的立即布设并加密监测（003:338）",
       "县自然资源局", None),
    # Ⅲ级 (中型): the county acts first and supports the city.
    _L("Ⅲ", "县政府分管负责人赶赴现场，成立现场指挥部", "县政府", 60),
    _L("Ⅲ", "请求市级自然资源主管部门派出专家组和应急队伍", "县自然资源局", 60),
    _L("Ⅲ", "排查周边同类隐患点和次生灾害（堵江、堰塞、再次滑动），防止灾害扩大（003:458）",
       "县自然资源局、县水利局", None),
    _L("Ⅲ", "每日 8 时、17 时前续报灾情和处置进展", "县应急管理局", None),
    # Ⅱ、Ⅰ级 (大型、特大型): province / nation lead; the county does first response and support.
    _L("Ⅱ", "县政府主要负责人赶赴现场，开展先期处置", "县政府", 60),
    _L("Ⅱ", "大型：4 小时内速报县政府和市级自然资源主管部门，可直接速报省级", "县自然资源局", 240),
    _L("Ⅱ", "组织受威胁区域群众大范围转移安置", "属地乡镇政府、县民政局", 120),
    _L("Ⅰ", "县政府主要负责人在前线指挥部坐镇，配合国家、省工作组", "县政府", 60),
    _L("Ⅰ", "特大型：4 小时内速报县政府和市级自然资源主管部门，同时越级速报", "县自然资源局", 240),
    _L("Ⅰ", "抢通地面和空中救援通道（003:458）", "县交通运输局", 120),
    _L("Ⅰ", "每日 8 时、17 时前续报，统一信息发布口径", "县应急管理局、县委宣传部", None),
)

FLOOD_SEASON = Season(SEASON_NAME, "汛期", SEASON_DEFAULT["start"], SEASON_DEFAULT["end"],
                      setting=SEASON_SETTING)

HAZARD = HazardType(
    id="geological_hazard",  # the id the core already names (commandcentre.hazards.names)
    name_zh="地质灾害",
    name_en="Geological hazard",
    category="自然灾害",
    fields=FIELDS,
    grading=GRADING,
    warning_colours=("红", "橙", "黄", "蓝"),  # 地质灾害气象风险预警 uses all four
    reporting_rules=REPORTING_RULES,
    seasons=(FLOOD_SEASON,),
    checklists=CHECKLISTS,
    report_sections=("灾害体基本情况（类型、规模、引发因素）", "受威胁对象与撤离情况",
                     "监测与专家研判", "发展趋势"),
    supplement_days=30,
)
