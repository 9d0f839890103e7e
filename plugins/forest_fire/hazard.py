"""森林草原火灾 (forest and grassland fire): grading, form, fire season, checklists.

Sources:

- Grading: 《国家森林草原火灾应急预案》（2020年）1.4 事件分级, which takes the thresholds of
  《森林防火条例》（2008年修订）第四十条: 特别重大 受害森林面积1000公顷以上、或死亡30人以上、
  或重伤100人以上; 重大 100–1000公顷 / 10–30人 / 50–100人; 较大 1–100公顷 / 3–10人 / 10–50人;
  一般 1公顷以下或者其他林地起火 (the floor). "以上包括本数，以下不包括本数". Text read on a
  mirror (https://www.y5000.com/whjc/wsbk/59089.html); a county must check them against its own
  plan, and grassland fires (草原防火条例) are not graded by this table yet.
- 补报 within 7 days: 国务院令第493号 第十三条 ("道路交通事故、火灾事故自发生之日起7日内").
- 首报 30 min by phone, 1 h in writing: common county practice (research-standards §1.6 [M]);
  续报 at 08:00 and 17:00 while the fire burns.
- 防火期: the seeds give no dates (seed 003, 003_f46a6e80e859aec0.txt:392); 01-01 to 06-15 is
  this plugin's default and the county sets its own through ``plugin.forest_fire.fire_season``
  (凉山州 2022 禁火令 ran 01-01 to 06-30, seed 003 [EXT]).
- Detection sources: seed 003 (003_f46a6e80e859aec0.txt:388, 396): 地面雷达、高分卫星、无人机、
  护林员 and the public; fire-danger level 1–5 (seed 003 [EXT], 四川 火险预警).
- "打早、打小、打了" (003_f46a6e80e859aec0.txt:396, 434); 24 小时森林草原火灾扑灭率 ≥ 95 %
  (seed 001, 001_44a2f5524b217aa3.txt:445); 专业人员负责现场指挥, 扑火队员和群众生命安全第一
  (003_f46a6e80e859aec0.txt:400); 航空护林直升机 (003_f46a6e80e859aec0.txt:404).
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

SOURCE = ("《国家森林草原火灾应急预案》（2020年）1.4 事件分级，标准同《森林防火条例》第四十条；"
          "请与本县森林草原火灾应急预案核对")

DETECTION = ("瞭望", "视频", "卫星", "雷达", "无人机", "护林员", "群众")
TERRAIN = ("平缓地", "丘陵", "山地", "高山峡谷", "草原")
SEASON_SETTING = "plugin.forest_fire.fire_season"
SEASON_DEFAULT = {"start": "01-01", "end": "06-15"}

GRADING = GradingTable(
    criteria=(
        Criterion("damaged_forest_ha", "受害森林面积", "公顷",
                  {"特别重大": 1000, "重大": 100, "较大": 1}, label_en="Damaged forest area"),
        Criterion("deaths", "死亡", "人", {"特别重大": 30, "重大": 10, "较大": 3},
                  label_en="Deaths"),
        Criterion("seriously_injured", "重伤", "人", {"特别重大": 100, "重大": 50, "较大": 10},
                  label_en="Seriously injured"),
    ),
    source=SOURCE,
    floor="一般",
)

REPORTING_RULES = (
    {"grades": ["特别重大", "重大", "较大", "一般", None], "categories": ["自然灾害"],
     "first_phone_minutes": 30, "first_written_minutes": 60,
     "followup": {"at": ["08:00", "17:00"]}, "final_hours_after_close": 24,
     "supplement_days": 7, "supplement_minutes": 60},
)

# The fire clock: detection → first force on the fire line → under control → out.
CLOCK = (
    ("detected_at", "发现时间", "Detected at", "首次发现火情的时间"),
    ("first_force_at", "首支力量到场", "First force on scene", "打早：首支扑火力量到达火场"),
    ("controlled_at", "火势控制", "Under control", "打小：明火得到控制、不再蔓延"),
    ("extinguished_at", "明火扑灭", "Out", "打了：明火全部扑灭（24 小时扑灭率以此计算）"),
)
FIRST_FORCE_TARGET_MIN = 30  # the Ⅳ级 checklist's first force within 30 minutes
EXTINGUISH_TARGET_H = 24  # 24 小时森林草原火灾扑灭率 ≥ 95 % (001_44a2f5524b217aa3.txt:445)

FIELDS = (
    FieldSpec("detection_source", "发现方式", "Detected by", "choice", choices=DETECTION),
    FieldSpec("burned_area_ha", "过火面积", "Burned area", "float", unit="公顷", minimum=0,
              help_zh="火烧过的全部面积，含非林地"),
    FieldSpec("damaged_forest_ha", "受害森林面积", "Damaged forest area", "float", unit="公顷",
              minimum=0, help_zh="林木受害的森林面积，用于定级；不足 1 公顷也要填写"),
    FieldSpec("fire_line_km", "火线长度", "Fire line length", "float", unit="公里", minimum=0),
    FieldSpec("terrain", "地形", "Terrain", "choice", choices=TERRAIN),
    FieldSpec("wind", "风向风力", "Wind", "text", help_zh="如：西北风 4 级，阵风 6 级"),
    FieldSpec("fire_danger_level", "森林火险等级", "Fire danger level", "int", minimum=1,
              maximum=5, help_zh="1–5 级，以当日气象部门发布为准"),
    FieldSpec("commander", "现场指挥员", "On-scene commander", "text",
              help_zh="须为专业人员；未参加演练者不宜担任（见“扑火指挥员”台账）"),
    # 打早、打小、打了 (003_f46a6e80e859aec0.txt:396, 434): the four times of the fire clock.
    *(FieldSpec(key, label, label_en, "datetime", help_zh=help_zh) for key, label, label_en,
      help_zh in CLOCK),
)

_L = ChecklistItem
CHECKLISTS = (
    # Ⅳ级 (一般): 打早、打小 — the first force within 30 minutes of the report.
    _L("Ⅳ", "核实火点位置、火势、蔓延方向和受威胁目标", "县应急管理局值班室", 15),
    _L("Ⅳ", "电话报告县政府和市森林草原防灭火指挥部办公室", "县森防指办", 30),
    _L("Ⅳ", "属地乡镇半专业扑火队出动（首支扑火力量）", "属地乡镇政府", 30),
    _L("Ⅳ", "县专业扑火队增援到场", "县森林消防专业队", 90),
    _L("Ⅳ", "明确由专业人员担任现场指挥员", "县森防指", 60),
    _L("Ⅳ", "转移受威胁群众，开设隔离带，保护村庄和重要设施", "属地乡镇政府", 120),
    _L("Ⅳ", "力争 24 小时内扑灭明火（24 小时扑灭率目标 ≥ 95%）", "前线指挥部", 1440),
    _L("Ⅳ", "打了：清理余火，留足人员看守火场，验收后撤离", "前线指挥部", None),
    # Ⅲ级 (较大): the county commander goes, the city is asked for help.
    _L("Ⅲ", "县森防指总指挥赶赴现场，成立前线指挥部", "县政府", 60),
    _L("Ⅲ", "调集县内全部专业、半专业扑火力量和森林消防队伍", "县森防指", 60),
    _L("Ⅲ", "请求市森防指增派力量、申请航空护林直升机", "县森防指办", 60),
    _L("Ⅲ", "扑火队员和群众生命安全放在第一位；未参加演练者不担任指挥员", "前线指挥部", None),
    # Ⅱ、Ⅰ级: province / nation lead; the county holds the line and supports.
    _L("Ⅱ", "县政府主要负责人赶赴现场，配合省级工作组", "县政府", 60),
    _L("Ⅱ", "组织林区及周边群众大范围转移安置", "属地乡镇政府、县民政局", 120),
    _L("Ⅱ", "每日 8 时、17 时前续报火场动态", "县森防指办", None),
    _L("Ⅰ", "县政府主要负责人在前线指挥部坐镇，配合国家工作组", "县政府", 60),
    _L("Ⅰ", "保障扑火队伍食宿、油料和通信，开通紧急运输通道", "县政府办、县交通运输局", 120),
    _L("Ⅰ", "每日 8 时、17 时前续报火场动态，统一信息发布口径", "县森防指办、县委宣传部", None),
)

FIRE_SEASON = Season("fire_season", "森林防火期", SEASON_DEFAULT["start"],
                     SEASON_DEFAULT["end"], setting=SEASON_SETTING)

HAZARD = HazardType(
    id="forest_fire",
    name_zh="森林草原火灾",
    name_en="Forest and grassland fire",
    category="自然灾害",
    fields=FIELDS,
    grading=GRADING,
    warning_colours=("红", "橙", "黄", "蓝"),  # 森林火险预警 uses all four
    reporting_rules=REPORTING_RULES,
    seasons=(FIRE_SEASON,),
    checklists=CHECKLISTS,
    report_sections=("火场态势", "扑救力量投入", "受威胁目标与群众转移", "气象条件与火险等级"),
    supplement_days=7,  # 国务院令第493号 第十三条: 火灾事故 7 日内补报
    # The commander is looked up in the 扑火指挥员 register: no drill on record → a warning
    # (专业人员负责现场指挥, 003_f46a6e80e859aec0.txt:400).
    register_links={"commander": "commanders"},
)
