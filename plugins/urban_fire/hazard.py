"""城镇火灾 (urban fire): grading by the fire-grade notice, form, checklists, reporting.

Seed citations are ``file:line`` in /work/shared/seeds (extracted in /work/shared/domain);
"[C]" marks a regulation or standard read on a stored public page (often a mirror: verify
against the official text), "[INF]" this plugin's own inference, "[M]" from memory, unverified.

What is sourced:

- Grading: 公安部《关于调整火灾等级标准的通知》（2007年6月26日; 文号 公消〔2007〕234号 [M]）
  replaced 特大/重大/一般 with four grades: 特别重大火灾 30人以上死亡, 或者100人以上重伤, 或者
  1亿元以上直接财产损失; 重大火灾 10人以上30人以下 / 50人以上100人以下 / 5000万元以上1亿元以下;
  较大火灾 3人以上10人以下 / 10人以上50人以下 / 1000万元以上5000万元以下; 一般火灾 3人以下死亡,
  10人以下重伤, 1000万元以下 — the floor. "'以上'包括本数，'以下'不包括本数" [C, mirror
  http://m.hunanlong.com/c/2751216.html; same table at
  http://dzyyw.com/wangluoyouxi/747207.html]. The figures equal 国务院令第493号 第三条
  (research-standards §1.5), and a repost applies 493号 to fire accidents directly [C,
  http://04293.cn/index.php?a=show&catid=178&id=23800]. The notice says 直接财产损失; the
  criterion keeps the core's key ``direct_loss_wan`` (万元) so a casualty snapshot grades
  directly. Neither research-standards nor the seeds carry this table.
- 补报 within 7 days: 国务院令第493号 第十三条, 伤亡人数变化 30 日内补报, "道路交通事故、火灾事故
  自发生之日起7日内" (research-standards §1.6 [C]).
- Reporting: 493号 第九条 1 h to the county, 第十一条 each level ≤ 2 h; 续报 as production_safety
  (research-standards §1.6 [C]; 原安监总局令第21号 [M]).
- Building types: 高层建筑、大型商业综合体、九小场所、"三合一"场所 (002_ed85d84b272c40f8.txt:187;
  001_44a2f5524b217aa3.txt:421); 人员密集场所、物流仓储、老旧小区 (000_77c36af3f192f3c9.txt:221);
  家庭加工作坊、"三合一"场所, warehouses ≥ 300 ㎡ (004_e9965606c96d1573.txt:137); 城乡消防 as a key
  sector (003_f46a6e80e859aec0.txt:304). The seeds do not define 九小场所 or 三合一; the help texts
  give the usual meaning (seeds-000-004.md §8.4: "三合一场所" = living, production/storage and
  business in one building; 九小 [M]).
- Checklists: "打造应急救援 5 分钟力量调度圈", with 小型站和微型消防站
  (000_77c36af3f192f3c9.txt:112) — the 5-minute dispatch item; 乡镇（二级）专职救援队 and
  村（社区）消防 (001_44a2f5524b217aa3.txt:421);
  493号 第九条 (1 h, the unit's report) and 第十一条 (2 h, the county's report). 《中华人民共和国
  消防法》第四十四条 (人员密集场所发生火灾, 现场工作人员应当立即组织、引导在场人员疏散),
  第四十五条 (优先保障遇险人员的生命安全), 第五十一条 (封闭火灾现场, 调查火灾原因) [M, verify
  the article numbers of the 2021 text]. Other items carry no time limit because no source
  gives one; 切断电源气源 and 临时安置 are ordinary practice [INF].

What is NOT sourced:

- Fire stages 初起、发展、猛烈、下降、熄灭: the usual five-stage model of fire development [M].
- The form repeats 死亡 / 受伤 / 重伤 / 被困 because a fire is first reported with them; their
  keys are the casualty-snapshot columns, so once a snapshot exists it is what grades.
"""

from __future__ import annotations

from commandcentre.hazards import (
    ChecklistItem,
    Criterion,
    FieldSpec,
    GradingTable,
    HazardType,
)

PLUGIN_ID = "urban_fire"
SOURCE = ("公安部《关于调整火灾等级标准的通知》（2007年，公消〔2007〕234号），"
          "等级标准同国务院令第493号第三条")

BUILDING_TYPES = ("高层建筑", "人员密集场所", "九小场所", "三合一场所", "住宅", "厂房仓库", "其他")
FIRE_STAGES = ("初起", "发展", "猛烈", "下降", "熄灭")

GRADING = GradingTable(
    criteria=(
        Criterion("deaths", "死亡", "人", {"特别重大": 30, "重大": 10, "较大": 3},
                  label_en="Deaths"),
        Criterion("seriously_injured", "重伤", "人", {"特别重大": 100, "重大": 50, "较大": 10},
                  label_en="Seriously injured"),
        Criterion("direct_loss_wan", "直接财产损失", "万元",
                  {"特别重大": 10000, "重大": 5000, "较大": 1000}, label_en="Direct property loss"),
    ),
    source=SOURCE,
    floor="一般",
)

_COMMON = {"categories": ["事故灾难"], "first_phone_minutes": 60, "first_written_minutes": 120,
           "final_hours_after_close": 24, "supplement_days": 7, "supplement_minutes": 60}
REPORTING_RULES = (
    {"grades": ["特别重大", "重大"], **_COMMON, "followup": {"at": ["08:00", "17:00"]}},
    {"grades": ["较大", "一般", None], **_COMMON, "followup": {"every_hours": 24}},
)

FIELDS = (
    FieldSpec("building_type", "建筑（场所）类型", "Building type", "choice",
              choices=BUILDING_TYPES,
              help_zh="九小场所：小商店、小餐饮、小旅馆等小型场所；三合一场所：住宿与生产、"
                      "储存、经营合用"),
    FieldSpec("trapped", "被困人数", "Trapped", "int", unit="人", minimum=0),
    FieldSpec("deaths", "死亡", "Deaths", "int", unit="人", minimum=0,
              help_zh="首报数字；有伤亡统计后以伤亡统计为准"),
    FieldSpec("injured", "受伤", "Injured", "int", unit="人", minimum=0),
    FieldSpec("seriously_injured", "其中重伤", "Seriously injured", "int", unit="人", minimum=0,
              help_zh="用于定级"),
    FieldSpec("burned_area_m2", "过火面积", "Burned area", "float", unit="平方米", minimum=0),
    FieldSpec("fire_stage", "火灾阶段", "Fire stage", "choice", choices=FIRE_STAGES),
)

_L = ChecklistItem
CHECKLISTS = (
    # Ⅳ级: the county leads (一般火灾).
    _L("Ⅳ", "核实起火地址、建筑（场所）类型、燃烧物、被困人员和火势", "县应急管理局值班室", None),
    _L("Ⅳ", "调派就近消防救援站、专职消防队和微型消防站出动（5 分钟力量调度圈）",
       "县消防救援大队", 5),
    _L("Ⅳ", "优先搜救被困人员，保障遇险人员生命安全", "县消防救援大队", None),
    _L("Ⅳ", "人员密集场所：现场工作人员立即组织、引导在场人员疏散", "起火场所单位、属地乡镇政府",
       None),
    _L("Ⅳ", "切断现场电源、气源，保障消防供水", "县供电公司、燃气企业、供水企业", None),
    _L("Ⅳ", "调派急救车辆，救治伤员", "县卫生健康局", None),
    _L("Ⅳ", "起火单位为生产经营单位的，单位负责人向县应急管理局报告（第九条）", "起火单位", 60),
    _L("Ⅳ", "书面报告县政府和市应急管理局（第十一条：每级不超过 2 小时）", "县应急管理局", 120),
    _L("Ⅳ", "封闭火灾现场，调查火灾原因", "县消防救援大队", None),
    # Ⅲ级: the county acts first and supports the city (较大火灾).
    _L("Ⅲ", "县政府分管负责人赶赴现场，成立现场指挥部", "县政府", None),
    _L("Ⅲ", "请求市消防救援支队增援，调集县内各专职、志愿消防队", "县消防救援大队", None),
    _L("Ⅲ", "疏散周边群众，开设临时安置点", "属地乡镇政府", None),
    _L("Ⅲ", "每日至少续报一次处置进展", "县应急管理局值班室", None),
    # Ⅱ、Ⅰ级: province / State Council lead; the county does first response and support.
    _L("Ⅱ", "县政府主要负责人赶赴现场，开展先期处置", "县政府", None),
    _L("Ⅱ", "组织周边群众大范围转移安置，实行交通管制", "属地乡镇政府、县公安局", None),
    _L("Ⅱ", "每日 8 时、17 时前续报，配合上级工作组", "县应急管理局", None),
    _L("Ⅰ", "县政府主要负责人赶赴现场，开展先期处置", "县政府", None),
    _L("Ⅰ", "全力配合国务院工作组，提供建筑图纸、场所人员名单", "县政府", None),
    _L("Ⅰ", "每日 8 时、17 时前续报，统一信息发布口径", "县应急管理局、县委宣传部", None),
)

HAZARD = HazardType(
    id=PLUGIN_ID,
    name_zh="城镇火灾",
    name_en="Urban fire",
    category="事故灾难",
    fields=FIELDS,
    grading=GRADING,
    warning_colours=(),  # sudden accidents are not warned of (as production_safety)
    reporting_rules=REPORTING_RULES,
    checklists=CHECKLISTS,
    report_sections=("起火场所概况", "火场态势", "人员搜救与疏散", "消防力量投入"),
    supplement_days=7,  # 493号 第十三条: 火灾事故 7 日内补报
)
