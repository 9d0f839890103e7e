"""生产安全事故 (production-safety accident), graded and reported by 国务院令第493号.

Sources (research-standards §1.5, §1.6; the regulation's text was read on mirror sites):

- Grading: 《生产安全事故报告和调查处理条例》（国务院令第493号）第三条. 特别重大: 30人以上死亡,
  或100人以上重伤（包括急性工业中毒）, 或1亿元以上直接经济损失; 重大: 10–29 / 50–99 /
  5000万–1亿; 较大: 3–9 / 10–49 / 1000万–5000万; 一般: 3人以下死亡、10人以下重伤、1000万元以下
  — so 一般 is the floor, not a threshold. "以上包括本数，以下不包括本数" (第三条第二款).
- Reporting: 第九条 单位负责人接到报告后1小时内报县级安全生产监督管理部门; 第十条、第十一条
  逐级上报每级不超过2小时 (the written 首报 due at 2 h); 第十三条 伤亡人数30日内变化应当补报.
  续报 once a day for 一般/较大, twice (08:00, 17:00) for 重大/特别重大: research-standards §1.6,
  said to come from 《生产安全事故信息报告和处置办法》（原安监总局令第21号） [M, verify].
- Report contents: 第十二条 (事故发生单位概况; 时间、地点和现场情况; 简要经过; 伤亡和损失;
  已采取的措施) — the first three are this hazard's extra report sections.
- On-scene duties: 第十四条 (unit starts its plan), 第十五条 (负责人立即赶赴事故现场),
  第十六条 (妥善保护事故现场以及相关证据).
- Accident types: GB 6441-1986《企业职工伤亡事故分类》, 20 categories.
"""

from __future__ import annotations

from commandcentre.hazards import (
    ChecklistItem,
    FieldSpec,
    HazardType,
    regulation_493,
)

SOURCE = "《生产安全事故报告和调查处理条例》（国务院令第493号）第三条"

# 重点行业领域 (003_f46a6e80e859aec0.txt:304), with 燃气、水电站 (same line), 尾矿库、烟花爆竹
# (003_f46a6e80e859aec0.txt:292) and 冶金、机械、金属冶炼 (003_f46a6e80e859aec0.txt:314, 426)
# named elsewhere in the seed; 工贸 groups the last three as county offices do.
SECTORS = ("非煤矿山", "煤矿", "尾矿库", "建筑施工", "工贸", "危险化学品", "烟花爆竹", "特种设备",
           "燃气", "水电站", "道路交通", "城乡消防", "人员密集场所", "旅游景区", "农业农村",
           "城市安全运行", "其他")
# GB 6441-1986 事故类别, in the standard's order.
ACCIDENT_TYPES = (
    "物体打击", "车辆伤害", "机械伤害", "起重伤害", "触电", "淹溺", "灼烫", "火灾", "高处坠落",
    "坍塌", "冒顶片帮", "透水", "放炮", "火药爆炸", "瓦斯爆炸", "锅炉爆炸", "容器爆炸",
    "其他爆炸", "中毒和窒息", "其他伤害",
)

# Keys match the casualty_snapshot columns, so a snapshot grades directly.
GRADING = regulation_493(source=SOURCE)

_COMMON = {"categories": ["事故灾难"], "first_phone_minutes": 60, "first_written_minutes": 120,
           "final_hours_after_close": 24, "supplement_days": 30, "supplement_minutes": 60}
REPORTING_RULES = (
    {"grades": ["特别重大", "重大"], **_COMMON, "followup": {"at": ["08:00", "17:00"]}},
    {"grades": ["较大", "一般", None], **_COMMON, "followup": {"every_hours": 24}},
)

FIELDS = (
    FieldSpec("enterprise", "事故发生单位", "Enterprise", "text",
              help_zh="单位全称；个体或无证经营的写明经营者（第十二条：事故发生单位概况）"),
    FieldSpec("sector", "行业领域", "Sector", "choice", choices=SECTORS),
    FieldSpec("accident_type", "事故类别", "Accident type", "choice", choices=ACCIDENT_TYPES,
              help_zh="按 GB 6441《企业职工伤亡事故分类》"),
    FieldSpec("at_risk", "涉险人数", "People at risk", "int", unit="人", minimum=0,
              help_zh="生命受到威胁的人数，含被困、下落不明人员（判断“较大涉险事故”要用）"),
)

_L = ChecklistItem
CHECKLISTS = (
    # Ⅳ级: the county leads (一般事故).
    _L("Ⅳ", "县安委办主任（县应急管理局主要负责人）赶赴现场组织救援（第十五条）",
       "县安委办", 30),
    _L("Ⅳ", "封锁现场、设置警戒区，疏散无关人员", "属地乡镇政府、县公安局", 30),
    _L("Ⅳ", "组织伤员救治，调派急救车辆", "县卫生健康局", 30),
    _L("Ⅳ", "通知负有监管职责的行业主管部门到场", "县应急管理局值班室", 30),
    _L("Ⅳ", "核实伤亡和涉险人数，书面报告县政府和市应急管理局", "县应急管理局", 120),
    _L("Ⅳ", "保护事故现场和相关证据，移动物件须作标志、拍照、绘图（第十六条）",
       "事故单位、县公安局", None),
    # Ⅲ级: the county acts first and supports the city (较大事故).
    _L("Ⅲ", "县政府分管负责人赶赴现场，成立现场指挥部", "县政府", 30),
    _L("Ⅲ", "启动县生产安全事故专项预案，调集专业救援队伍", "县应急管理局", 30),
    _L("Ⅲ", "请求市级专家和救援力量支援，做好对接", "县应急管理局", 60),
    _L("Ⅲ", "每日至少续报一次事故处置进展", "县应急管理局值班室", None),
    # Ⅱ、Ⅰ级: province / State Council lead; the county does first response and support.
    _L("Ⅱ", "县政府主要负责人赶赴现场，开展先期处置", "县政府", 30),
    _L("Ⅱ", "组织受威胁群众转移安置，维护现场秩序和交通管制", "属地乡镇政府、县公安局", 60),
    _L("Ⅱ", "每日 8 时、17 时前续报，配合上级工作组", "县应急管理局", None),
    _L("Ⅰ", "县政府主要负责人赶赴现场，开展先期处置", "县政府", 30),
    _L("Ⅰ", "全力配合国务院工作组，提供现场情况、图纸和人员名单", "县政府", None),
    _L("Ⅰ", "每日 8 时、17 时前续报，统一信息发布口径", "县应急管理局、县委宣传部", None),
)

HAZARD = HazardType(
    id="production_safety",
    name_zh="生产安全事故",
    name_en="Production-safety accident",
    category="事故灾难",
    fields=FIELDS,
    grading=GRADING,
    # 事故灾难 may be warned of (突发事件应对法), but sudden accidents rarely are; none here.
    warning_colours=(),
    reporting_rules=REPORTING_RULES,
    checklists=CHECKLISTS,
    report_sections=("事故发生单位概况", "事故现场情况", "事故简要经过"),
    supplement_days=30,  # 第十三条: 自事故发生之日起30日内伤亡人数变化应当及时补报
)
