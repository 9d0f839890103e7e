"""Registers of the forest-fire plugin (plugin API 1.1), each in its own table:

- 禁火令 (fire bans): the county issues them in the 防火期 — "及时规范发布禁火令"
  (003_f46a6e80e859aec0.txt:392); 凉山州's 2022 禁火令 ran 01-01 to 06-30 (seed 003 [EXT]).
- 野外用火巡查 (patrol log of fire use in the open): the seven kinds of fire use patrols must
  watch in the 防火期 — 营造林生产活动用火、农事用火、丧葬祭祀等民俗用火、工矿企业生产用火、
  踏青旅游生活用火、成人吸烟、小孩玩火 (003_f46a6e80e859aec0.txt:392); 野外用火审批 by the county
  (same line).
- 扑火指挥员 (fire-line commanders): 专业人员负责现场指挥 (003_f46a6e80e859aec0.txt:400), and
  the plan's 强化针对性应急演练 (same line): a commander with no drill on record is flagged.
"""

from __future__ import annotations

import re

from commandcentre.hazards import FieldSpec, RegisterSpec, RowCheck

FIRE_USES = ("营造林生产活动用火", "农事用火", "丧葬祭祀等民俗用火", "工矿企业生产用火",
             "踏青旅游生活用火", "成人吸烟", "小孩玩火")
ACTIONS = ("劝阻并熄灭", "收缴火种", "依法处罚", "移交公安", "已审批，现场监护")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SEED_392 = "003_f46a6e80e859aec0.txt:392"


def _date_ok(value) -> bool:
    return value is None or bool(_DATE.match(str(value)))


FIRE_BANS = RegisterSpec(
    key="fire_bans", name_zh="禁火令", name_en="Fire bans",
    fields=(
        FieldSpec("title", "禁火令名称", "Title", "text"),
        FieldSpec("number", "文号", "Reference", "text"),
        FieldSpec("issued_by", "发布机关", "Issued by", "text"),
        FieldSpec("start", "起始日期", "From", "text", help_zh="YYYY-MM-DD"),
        FieldSpec("end", "截止日期", "To", "text", help_zh="YYYY-MM-DD"),
        FieldSpec("scope", "适用范围", "Scope", "text", help_zh="如：全县林区及林缘 100 米范围"),
    ),
    title="title",
    aliases={"start": ("开始日期", "生效日期"), "end": ("结束日期",)},
    checks=(
        RowCheck("dates", "起止日期应写作 YYYY-MM-DD，且截止不早于起始",
                 lambda r: not (_date_ok(r["start"]) and _date_ok(r["end"])) or bool(
                     r["start"] and r["end"] and r["end"] < r["start"]), source=SEED_392),
        RowCheck("no_issuer", "未写发布机关", lambda r: not r["issued_by"], source=SEED_392),
    ),
    source=SEED_392,
    demo=({"title": "青峪县2026年森林草原防火期禁火令", "number": "青府通〔2026〕3号",
           "issued_by": "青峪县人民政府", "start": "2026-01-01", "end": "2026-06-15",
           "scope": "全县林区、草原及林缘 100 米范围内"},),
)

PATROLS = RegisterSpec(
    key="patrols", name_zh="野外用火巡查", name_en="Fire-use patrols",
    fields=(
        FieldSpec("place", "地点", "Place", "text"),
        FieldSpec("day", "日期", "Date", "text", help_zh="YYYY-MM-DD"),
        FieldSpec("patroller", "巡护员", "Patroller", "text"),
        FieldSpec("fire_use", "用火类别", "Kind of fire use", "choice", choices=FIRE_USES),
        FieldSpec("approved", "已审批", "Approved", "bool",
                  help_zh="野外用火须经县级审批（003:392）"),
        FieldSpec("action", "处置", "Action taken", "choice", choices=ACTIONS),
    ),
    title="place",
    aliases={"patroller": ("护林员", "巡查人"), "fire_use": ("用火类型",)},
    checks=(
        RowCheck("unapproved", "发现未经审批的野外用火，应依法处置并登记处置结果",
                 lambda r: r["fire_use"] is not None and r["approved"] is False
                 and r["action"] in (None, "已审批，现场监护"), source=SEED_392),
    ),
    source=SEED_392,
    demo=({"place": "老鹰岩林区", "township": "竹箐乡", "day": "2026-03-02",
           "patroller": "杨正华", "fire_use": "丧葬祭祀等民俗用火", "approved": False,
           "action": "劝阻并熄灭"},
          {"place": "鹿子坪村后山", "township": "竹箐乡", "day": "2026-03-05",
           "patroller": "杨正华", "fire_use": "农事用火", "approved": False}),
)

COMMANDERS = RegisterSpec(
    key="commanders", name_zh="扑火指挥员", name_en="Fire-line commanders",
    fields=(
        FieldSpec("name", "姓名", "Name", "text"),
        FieldSpec("unit", "单位", "Unit", "text"),
        FieldSpec("post", "职务", "Post", "text"),
        FieldSpec("professional", "专业人员", "Professional", "bool"),
        FieldSpec("last_drill", "最近一次演练", "Last drill", "text", help_zh="YYYY-MM-DD"),
        FieldSpec("phone", "电话", "Phone", "text"),
    ),
    title="name",
    checks=(
        RowCheck("no_drill", "无演练记录，不宜担任现场指挥员",
                 lambda r: not r["last_drill"], source="003_f46a6e80e859aec0.txt:400"),
        RowCheck("not_professional", "非专业人员，现场指挥应由专业人员担任",
                 lambda r: r["professional"] is False, source="003_f46a6e80e859aec0.txt:400"),
    ),
    source="003_f46a6e80e859aec0.txt:400",
    demo=({"name": "李国强", "unit": "青峪县森林草原专业扑火队", "post": "队长",
           "professional": True, "last_drill": "2026-04-18", "phone": "13908750101"},
          {"name": "王德明", "unit": "竹箐乡人民政府", "post": "副乡长", "professional": False,
           "phone": "13908750102", "township": "竹箐乡"}),
)

REGISTERS = (FIRE_BANS, PATROLS, COMMANDERS)
