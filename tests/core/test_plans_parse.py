"""Plan documents to structure: headings and nesting, response levels, actions and their time
limits, front matter, and files that cannot be read. The .docx fixtures are built here with
python-docx, some with real heading styles and some with hand-numbered bold paragraphs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest

from commandcentre.errors import ValidationError
from commandcentre.plans.levels import level_name, minutes_within, parse_action
from commandcentre.plans.numbering import cn_number
from commandcentre.plans.parse import parse_document
from commandcentre.plans.read import read_document

# The nested structure of the Word fixtures: (level, number, title) headings and ("p", text).
OUTLINE = [
    (1, "一、", "总则"), (2, "（一）", "编制目的"), ("p", "为有效应对地震灾害，制定本预案。"),
    (2, "（二）", "适用范围"), ("p", "本预案适用于本县行政区域内地震灾害的应对工作。"),
    (1, "二、", "组织指挥体系"), (2, "（一）", "县抗震救灾指挥部"), ("p", "总指挥由县长担任。"),
    (3, "1.", "指挥部办公室"), ("p", "办公室设在县应急管理局。"),
    (4, "（1）", "值班"), ("p", "办公室实行24小时值班。"),
    (1, "三、", "应急响应"), (2, "（一）", "Ⅳ级响应"), (3, "1.", "启动条件"),
    ("p", "县境内发生4.0级以上5.0级以下地震。"), (3, "2.", "响应措施"),
    ("p", "（1）县应急管理局：接报后30分钟内派出工作组赶赴现场。"),
    ("p", "（2）县地震局：1小时内完成震情会商。"),
    ("p", "（3）各乡镇：立即组织群众避险。"),
    (2, "（二）", "Ⅲ级响应"), (3, "1.", "启动条件"), ("p", "发生5.0级以上地震。"),
    (3, "2.", "响应措施"), ("p", "（1）县人民政府：2小时内成立现场指挥部。"),
    (1, "四、", "后期处置"), ("p", "做好善后工作。"),
    (1, "五、", "附件"), (2, "（一）", "联系方式"),
]
EXPECTED_TREE = [
    (0, "一、总则"), (1, "（一）编制目的"), (1, "（二）适用范围"), (0, "二、组织指挥体系"),
    (1, "（一）县抗震救灾指挥部"), (2, "1.指挥部办公室"), (3, "（1）值班"), (0, "三、应急响应"),
    (1, "（一）Ⅳ级响应"), (2, "1.启动条件"), (2, "2.响应措施"), (1, "（二）Ⅲ级响应"),
    (2, "1.启动条件"), (2, "2.响应措施"), (0, "四、后期处置"), (0, "五、附件"),
    (1, "（一）联系方式"),
]
TITLE = "青峪县地震应急预案"


def write_docx(path: Path, *, styled: bool, title: str = TITLE) -> Path:
    """A plan as offices write it: heading styles (``styled``) or bold numbered paragraphs."""
    document = docx.Document()
    document.add_paragraph(title, style="Title" if styled else None)
    for item in OUTLINE:
        if item[0] == "p":
            document.add_paragraph(item[1])
            continue
        level, number, heading = item
        if styled:
            document.add_heading(number + heading, level=level)
        else:
            document.add_paragraph().add_run(number + heading).bold = True
    table = document.add_table(rows=3, cols=3)
    for row, values in zip(table.rows, [("单位", "联系人", "电话"),
                                        ("县应急管理局", "彭建华", "0875-6213110"),
                                        ("县地震局", "李明", "13908751234")], strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.save(str(path))
    return path


DEMO_MD = """---
title: 青峪县森林草原火灾专项应急预案
type: 专项
hazards: forest_fire, meteorological
issuer: 青峪县人民政府
owner: 县林业和草原局
version: 2025版
status: 实施
issued: 2025-01-10
revised: 2025-01-10
next_evaluation: 2028-01-10
filed: 2025-01-21
last_drill: 2026-03-05
parent: 青峪县突发事件总体应急预案
---

## 一、总则

### （一）编制依据

《中华人民共和国森林法》《雾岭市森林草原火灾应急预案》《青峪县突发事件总体应急预案》等。

## 二、应急响应

### （一）响应分级

按照火灾程度，响应由低到高分为Ⅳ级、Ⅲ级、Ⅱ级、Ⅰ级。

### （二）Ⅳ级响应

#### 1. 启动条件

初判为一般森林草原火灾，乡镇扑救力量到场后2小时内未能有效控制火势。

#### 2. 响应措施

（1）县森防指办公室：接报后30分钟内组织会商，确定增援力量。

（2）县森林草原专业扑火队：接到调令后10分钟内出动，首批不少于30人。

（3）县气象局：接报后1小时内提供火场天气预报，此后每3小时更新一次。

### （三）Ⅲ级响应

#### 1. 启动条件

过火面积超过5公顷。

#### 2. 响应措施

（1）县森防指：总指挥2小时内到达火场，成立现场指挥部。

##### （1）补充说明

## 三、附件

### （一）联系方式

| 单位 | 联系人 | 电话 |
|---|---|---|
| 县应急管理局 | 彭建华 | 0875-6213110 |
"""

PLAIN_TXT = """青峪县岚桥镇危险化学品事故简明操作手册

　　为规范岚桥镇危险化学品事故先期处置，制定本手册。
第一章 总则
第一节 适用范围
　　本手册适用于岚桥化工园区及周边区域。
第二章 应急响应
一、四级响应
启动条件：园区内发生少量泄漏，未造成人员伤亡。
（1）镇应急办：接报后15分钟内到达现场。
（2）园区管委会：组织企业专职消防队处置，半小时内报告镇政府。
（3）立即疏散下风向群众。
二、三级响应
启动条件：发生较大泄漏或火灾。
（1）镇人民政府：1小时内成立现场指挥部。
三、后期处置
（一）善后处理。镇民政办做好受影响群众安置，3日内完成损失统计。
（三）调查评估
　　配合县有关部门调查。
"""


def parse(path):
    return parse_document(read_document(path))


def tree(plan):
    return [(s.depth, s.heading) for s in plan.sections if s.marker != "preamble"]


@pytest.mark.parametrize("styled", [True, False], ids=["heading-styles", "bold-numbered"])
def test_docx_headings_nest_by_their_numbering(tmp_path, styled):
    plan = parse(write_docx(tmp_path / "plan.docx", styled=styled))
    assert plan.meta["title"] == TITLE
    assert tree(plan) == EXPECTED_TREE
    paths = {plan.path(n) for n in range(len(plan.sections))}
    assert "二、组织指挥体系 > （一）县抗震救灾指挥部 > 1.指挥部办公室 > （1）值班" in paths
    by_heading = {s.heading: s for s in plan.sections}
    assert by_heading["（二）适用范围"].text == "本预案适用于本县行政区域内地震灾害的应对工作。"
    assert by_heading["一、总则"].kind == "总则" and by_heading["（一）编制目的"].kind == "总则"
    assert by_heading["三、应急响应"].kind == "应急响应"


@pytest.mark.parametrize("styled", [True, False], ids=["heading-styles", "bold-numbered"])
def test_docx_levels_actions_and_contacts(tmp_path, styled):
    plan = parse(write_docx(tmp_path / "plan.docx", styled=styled))
    levels = {lv.level: lv for lv in plan.levels}
    assert list(levels) == ["Ⅲ", "Ⅳ"]
    four = levels["Ⅳ"]
    assert four.trigger == "县境内发生4.0级以上5.0级以下地震。"
    assert [(a.owner_unit, a.text, a.within_minutes) for a in four.actions] == [
        ("县应急管理局", "接报后30分钟内派出工作组赶赴现场。", 30),
        ("县地震局", "1小时内完成震情会商。", 60),
        ("各乡镇", "立即组织群众避险。", None)]
    assert levels["Ⅲ"].actions[0].within_minutes == 120
    assert {"name": "县应急管理局 彭建华", "phone": "0875-6213110"} in plan.contacts
    assert plan.attachments == ["联系方式"]
    assert plan.meta["type"] == "专项" and plan.meta["hazards"] == ["earthquake"]
    assert "县地震局\t李明\t13908751234" in plan.full_text


def test_markdown_with_front_matter(tmp_path):
    path = tmp_path / "senlin.md"
    path.write_text(DEMO_MD, encoding="utf-8")
    plan = parse(path)
    meta = plan.meta
    assert meta["title"] == "青峪县森林草原火灾专项应急预案"
    assert meta["hazards"] == ["forest_fire", "meteorological"]
    assert (meta["issued_on"], meta["next_evaluation_on"], meta["last_drill_on"]) == (
        "2025-01-10", "2028-01-10", "2026-03-05")
    assert meta["parent_title"] == "青峪县突发事件总体应急预案" and meta["status"] == "实施"
    assert plan.links == [("上级", "青峪县突发事件总体应急预案"),
                          ("引用", "雾岭市森林草原火灾应急预案")]
    assert tree(plan)[:4] == [(0, "一、总则"), (1, "（一）编制依据"), (0, "二、应急响应"),
                              (1, "（一）响应分级")]
    four = plan.levels[1]
    assert four.level == "Ⅳ" and four.title == "（二）Ⅳ级响应"
    assert [(a.owner_unit, a.within_minutes) for a in four.actions] == [
        ("县森防指办公室", 30), ("县森林草原专业扑火队", 10), ("县气象局", 60)]
    # A styled heading below the measures is a heading; with nothing under it, no action.
    three = plan.levels[0]
    assert [a.owner_unit for a in three.actions] == ["县森防指"]
    assert (3, "（1）补充说明") in tree(plan)
    assert plan.contacts == [{"name": "县应急管理局 彭建华", "phone": "0875-6213110"}]
    assert not any("启动条件" in n for n in plan.notes)


def test_plain_text_with_chapters_inline_headings_and_chinese_level_names(tmp_path):
    path = tmp_path / "manual.txt"
    path.write_bytes(PLAIN_TXT.encode("gb18030"))  # offices still save GBK text
    plan = parse(path)
    assert plan.meta["title"] == "青峪县岚桥镇危险化学品事故简明操作手册"
    assert plan.meta["type"] == "乡镇简明操作手册"
    assert plan.meta["hazards"] == ["hazardous_chemicals"]
    assert tree(plan) == [(0, "第一章总则"), (1, "第一节适用范围"), (0, "第二章应急响应"),
                          (1, "一、四级响应"), (1, "二、三级响应"), (1, "三、后期处置"),
                          (2, "（一）善后处理"), (2, "（三）调查评估")]
    assert plan.sections[0].marker == "preamble"
    assert plan.sections[0].text == "为规范岚桥镇危险化学品事故先期处置，制定本手册。"
    four, three = plan.levels[1], plan.levels[0]
    assert four.trigger == "园区内发生少量泄漏，未造成人员伤亡。"
    assert [(a.owner_unit, a.within_minutes) for a in four.actions] == [
        ("镇应急办", 15), ("园区管委会", 30), ("", None)]
    assert three.actions[0].within_minutes == 60
    by_heading = {s.heading: s for s in plan.sections}
    assert by_heading["（一）善后处理"].text == "镇民政办做好受影响群众安置，3日内完成损失统计。"
    notes = "\n".join(plan.notes)
    assert "未写明责任单位" in notes and "立即疏散" in notes
    assert "标题编号不连续：（三）调查评估" in notes
    assert "未注明预案状态" in notes


@pytest.mark.parametrize("text, minutes", [
    ("接报后30分钟内派出工作组", 30), ("1小时内完成会商", 60), ("2小时内到达", 120),
    ("24小时内报送书面报告", 1440), ("半小时内报告", 30), ("两小时内完成转移", 120),
    ("接到指令后15分钟内出动", 15), ("接报后30分钟赶到现场", 30), ("3日内完成统计", 4320),
    ("每2小时报告一次", None), ("连续作业不超过12小时", None), ("实行24小时值班", None),
    ("立即组织群众避险", None), ("每3小时更新一次，接报后1小时内提供预报", 60),
    ("接报后３０分钟内（全角数字）", 30), ("十五分钟内到场", 15),
])
def test_time_limits(text, minutes):
    assert minutes_within(text) == minutes


def test_parse_action_splits_owner_text_and_limit():
    action = parse_action("（1）县应急管理局：接报后30分钟内派出工作组赶赴现场。")
    assert (action.owner_unit, action.text, action.within_minutes) == (
        "县应急管理局", "接报后30分钟内派出工作组赶赴现场。", 30)
    action = parse_action("2. 事发地乡镇（街道）：主要负责人1小时内到达火场。")
    assert action.owner_unit == "事发地乡镇（街道）" and action.within_minutes == 60
    action = parse_action("① 组织群众撤离，做好安置。")
    assert action.owner_unit == "" and action.text == "组织群众撤离，做好安置。"


@pytest.mark.parametrize("text, level", [
    ("Ⅳ", "Ⅳ"), ("IV", "Ⅳ"), ("iv", "Ⅳ"), ("4", "Ⅳ"), ("四", "Ⅳ"), ("Ⅳ级", "Ⅳ"),
    ("一级响应", "Ⅰ"), ("Ⅱ", "Ⅱ"), ("5", None), ("", None), ("特别重大", None),
])
def test_level_names(text, level):
    assert level_name(text) == level


def test_chinese_numbers():
    assert [cn_number(t) for t in ("一", "十", "十二", "二十四", "两", "一百零五", "7", "甲")] == [
        1, 10, 12, 24, 2, 105, 7, None]


def test_markdown_heading_without_numbering_and_level_mention_without_blocks(tmp_path):
    path = tmp_path / "p.md"
    path.write_text("# 青峪县城市内涝应急预案\n\n## 总则\n\n发生内涝时启动Ⅳ级响应。\n\n"
                    "### 工作原则\n\n以人为本。\n", encoding="utf-8")
    plan = parse(path)
    assert plan.meta["title"] == "青峪县城市内涝应急预案"
    assert tree(plan) == [(0, "总则"), (1, "工作原则")]
    assert any("没有找到分级响应" in n for n in plan.notes)


def test_decimal_numbering_of_enterprise_plans(tmp_path):
    document = docx.Document()
    document.add_paragraph("岚桥化工有限公司液氯泄漏现场处置方案")
    for level, text in ((1, "1 事故风险分析"), (2, "1.1 危险性分析"), (2, "1.2 事故类型"),
                        (1, "2 应急工作职责"), (2, "2.1 应急组织"), (3, "2.1.1 现场指挥")):
        document.add_heading(text, level=level)
        document.add_paragraph("正文。")
    document.save(str(tmp_path / "site.docx"))
    plan = parse(tmp_path / "site.docx")
    assert plan.meta["type"] == "企业现场处置方案"
    assert tree(plan) == [(0, "1事故风险分析"), (1, "1.1危险性分析"), (1, "1.2事故类型"),
                          (0, "2应急工作职责"), (1, "2.1应急组织"), (2, "2.1.1现场指挥")]


@pytest.mark.parametrize("name, content, match", [
    ("empty.md", b"", "空"),
    ("blank.txt", b"   \n\n\t\n", "空"),
    ("broken.docx", b"this is not a zip file at all", "Word"),
    ("binary.txt", b"\x00\x01\x02abc\x00" * 20, "编码"),
    ("plan.pdf", b"%PDF-1.4", "不支持"),
    ("only-front.md", "---\ntitle: 某预案\n---\n".encode(), "没有正文"),
    ("only-title.md", "# 青峪县某某应急预案\n".encode(), "只有标题"),
])
def test_unreadable_or_empty_files_give_a_clear_error(tmp_path, name, content, match):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=match) as info:
        parse(path)
    assert name in str(info.value)


def test_zip_without_a_word_document_and_a_missing_file(tmp_path):
    path = tmp_path / "empty.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ValidationError, match="Word"):
        parse(path)
    with pytest.raises(ValidationError, match="无法读取"):
        parse(tmp_path / "missing.md")


@pytest.mark.parametrize("front, match", [
    ("type: 综合", "预案类型"), ("status: 生效", "预案状态"), ("issued: 2025-13-40", "日期"),
    ("hazards: 森林火灾", "插件 id"),
])
def test_bad_front_matter_is_refused(tmp_path, front, match):
    path = tmp_path / "p.md"
    path.write_text(f"---\ntitle: 某预案\n{front}\n---\n\n## 一、总则\n\n正文。\n",
                    encoding="utf-8")
    with pytest.raises(ValidationError, match=match):
        parse(path)


def test_front_matter_accepts_chinese_keys_and_date_forms(tmp_path):
    path = tmp_path / "p.md"
    path.write_text("---\n标题: 青峪县防汛抗旱应急预案\n类型: 专项应急预案\n"
                    "发布日期: 2024年3月5日\n最近演练: 2025/6/1\n颜色: 红\n---\n\n"
                    "## 一、总则\n\n正文。\n", encoding="utf-8")
    plan = parse(path)
    assert plan.meta["type"] == "专项" and plan.meta["issued_on"] == "2024-03-05"
    assert plan.meta["last_drill_on"] == "2025-06-01" and plan.meta["hazards"] == ["flood"]
    assert any("颜色" in n for n in plan.notes)
