"""Importing registers from office sheets: real .xlsx files built the way offices make them
(merged title row, 填报单位 line, 序号, numeric phones, full-width digits, merged team cells, a
制表人 line), all or nothing, the dry run's exact rejects, and exports that import back."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from commandcentre.errors import PermissionDenied, ValidationError
from commandcentre.rosters import (
    KINDS,
    ImportRejected,
    MemberService,
    StockService,
    TeamService,
    export_register,
    import_register,
    preview_import,
)
from commandcentre.storage.verify import verify_store
from tests.core import roster_support as _support
from tests.core.roster_support import ADMIN, OBSERVER, OPERATOR, counts, office_sheet

# Fixtures shared by the roster tests (roster_schema is autouse: see roster_support).
rdemo = _support.rdemo
rdemo_path = _support.rdemo_path
roster_schema = _support.roster_schema

PEOPLE_HEADER = ["姓  名", "所属队伍", "职务", "手机号码", "PDT号", "北斗卡号", "政治面貌",
                 "是否民兵", "身份证号"]
WATER = "青峪县水域救援队"


def _people_rows(bad: bool) -> list[list]:
    rows = [
        ["张　伟", WATER, "队员", 13800138001.0, "３２０９９０１", 4209901.0, "中共党员", "是",
         "530000199001011234"],
        ["李  娜", None, "队员", "１３８００１３８００２", 3209902, None, "群众", "否", None],
        ["王强", None, "班长", "138 0013 8003", None, None, None, "√", None],
    ]
    if bad:
        rows += [
            ["赵六", "不存在的队伍", "队员", 13800138004.0, None, None, None, None, None],
            ["钱七", WATER, "队员", 1380013800.0, None, None, None, None, None],
            ["孙八", WATER, "队员", 13800138006.0, None, None, None, None,
             5.30000199001011e17],
            ["周九", WATER, "队员", 13800138007.0, "3609001", None, None, "也许", None],
        ]
    return rows


def _people_sheet(tmp_path, *, bad: bool):
    rows = _people_rows(bad)
    return office_sheet(tmp_path / ("bad.xlsx" if bad else "good.xlsx"), "青峪县应急救援队员花名册",
                        PEOPLE_HEADER, rows, merge_down={1: [(0, 2)]})


def test_a_bad_row_means_nothing_is_written_and_the_dry_run_names_every_reject(rdemo,
                                                                                tmp_path):
    path = _people_sheet(tmp_path, bad=True)
    before = counts(rdemo)
    with pytest.raises(ImportRejected) as info:
        import_register(rdemo, ADMIN, "people", path)
    assert counts(rdemo) == before  # no member, no profile, no audit row
    preview = import_register(rdemo, ADMIN, "people", path, dry_run=True)
    assert counts(rdemo) == before
    assert info.value.problems == preview.problems
    # title, 填报单位 line, header at row 3; data rows 4..10; blank line and 制表人 skipped
    assert preview.header_row == 3 and preview.skipped == 2
    rejects = {r.row: r.reasons for r in preview.rejects}
    assert sorted(rejects) == [7, 8, 9, 10]
    assert rejects[7] == ["没有此队伍：不存在的队伍（请先导入队伍名册）"]
    assert rejects[8] == ["手机号码：手机号码应为 11 位：1380013800"]
    assert "身份证号：编号被 Excel 当作数字保存" in rejects[9][0]
    assert rejects[10] == ["是否民兵：应填“是”或“否”：也许"]
    assert preview.rejects[0].message.startswith("第 7 行：")
    assert [(r.row, r.action) for r in preview.rows] == [(4, "insert"), (5, "insert"),
                                                          (6, "insert")]


def test_a_good_sheet_imports_whole_and_normalised(rdemo, rdemo_path, tmp_path):
    path = _people_sheet(tmp_path, bad=False)
    before = counts(rdemo)
    preview = import_register(rdemo, ADMIN, "people", path)
    assert preview.written and preview.counts["insert"] == 3
    after = counts(rdemo)
    assert after["member"] == before["member"] + 3
    assert after["member_profile"] == before["member_profile"] + 1
    assert after["audit_log"] == before["audit_log"] + 4  # one audit row per row written
    team = TeamService(rdemo).find(WATER)
    new = {m["name"]: m for m in MemberService(rdemo).list(team_id=team["id"])
           if m["name"] in ("张伟", "李娜", "王强")}
    assert new["张伟"]["phone"] == "13800138001" and new["张伟"]["pdt_id"] == "3209901"
    assert new["张伟"]["beidou_card"] == "4209901" and new["张伟"]["party"] == 1
    assert new["张伟"]["militia"] == 1 and new["张伟"]["id_key"] == "530000199001011234"
    assert new["李娜"]["phone"] == "13800138002" and new["李娜"]["party"] == 0
    assert new["王强"]["phone"] == "13800138003" and new["王强"]["role"] == "班长"
    # the same file again changes nothing
    again = import_register(rdemo, ADMIN, "people", path)
    assert again.counts["unchanged"] == 3 and counts(rdemo)["audit_log"] == after["audit_log"]
    rdemo.close()
    assert verify_store(rdemo_path).ok


def test_radio_ids_must_be_unique_in_the_file_and_the_register(rdemo, tmp_path):
    path = office_sheet(tmp_path / "dup.xlsx", "名册", ["姓名", "所属队伍", "PDT号"], [
        ["甲", WATER, "3209999"], ["乙", WATER, "3209999"], ["丙", WATER, "3601001"],
        ["甲", WATER, None]])
    preview = preview_import(rdemo, ADMIN, "people", path)
    reasons = {r.row: r.reasons[0] for r in preview.rejects}
    assert reasons[5] == "PDT 号 3209999 已登记给 甲（文件第 4 行）"
    assert reasons[6].startswith("PDT 号 3601001 已登记给 邹凯（")
    assert reasons[7] == "与第 4 行重复（甲（青峪县水域救援队））"


def test_teams_with_aliases_and_a_reimport_that_keeps_the_status(rdemo, tmp_path):
    header = ["队伍名称", "队伍类型", "层级", "专职/兼职", "队员人数", "救援专长", "所属乡镇",
              "联系电话", "联系人"]
    path = office_sheet(tmp_path / "teams.xlsx", "青峪县应急救援队伍统计表", header, [
        ["澜溪镇黑泥沟村应急分队", "村应急分队", "村（社区）", "兼职", "１２人", "巡查、转移群众",
         "澜溪镇", 13800000001.0, "王五"],
        [WATER, "水域救援", "县级", "专职", 20, None, None, None, None],
        ["坏队伍", "狮子队", "县", None, 10, None, None, None, None],
        ["没乡镇的队", "乡镇应急队", "乡镇", None, 30, None, "不存在镇", None, None],
    ])
    TeamService(rdemo).set_status(OPERATOR, WATER, "到场")
    preview = preview_import(rdemo, ADMIN, "teams", path)
    assert preview.ignored == ["联系人"]
    assert {r.row: r.reasons[0] for r in preview.rejects} == {
        6: "队伍类别“狮子队”不在名录中（可选：综合性消防救援、森林消防、专业扑火队、半专业扑火队、"
           "矿山救援、防汛抗洪抢险、地震和地质灾害救援、水域救援、航空救援、应急通信保障、电力保障、"
           "企业专职、乡镇应急队、村（社区）应急分队、社会救援力量、志愿者、军警）",
        7: "没有此乡镇：不存在镇"}
    fixed = office_sheet(tmp_path / "teams2.xlsx", "统计表", header[:8], [
        r[:8] for r in (["澜溪镇黑泥沟村应急分队", "村应急分队", "村（社区）", "兼职", "１２人",
                         "巡查、转移群众", "澜溪镇", 13800000001.0],
                        [WATER, "水域救援", "县级", "专职", 20, None, None, None])])
    result = import_register(rdemo, ADMIN, "teams", fixed)
    assert [r.action for r in result.rows] == ["insert", "update"]
    assert result.rows[1].changes == {"headcount": 20}
    new = TeamService(rdemo).find("澜溪镇黑泥沟村应急分队")
    assert (new["category"], new["level"], new["headcount"], new["contact_phone"]) == (
        "村（社区）应急分队", "村", 12, "13800000001")
    assert TeamService(rdemo).find(WATER)["status"] == "到场"  # a blank cell erases nothing


def test_stock_counts_become_movements_and_new_warehouses_need_their_kind(rdemo, tmp_path):
    header = ["仓库名称", "物资名称", "规格型号", "计量单位", "库存数量", "批次", "有效期至",
              "储备定额", "仓库级别", "储备方式"]
    store = rdemo
    tent = next(r for r in StockService(store).items(limit=10_000)
                if r["item"] == "帐篷" and r["warehouse"] == "青峪县救灾物资储备库")
    rows = [
        ["青峪县救灾物资储备库", "帐篷", tent["spec"], "顶", tent["balance"] - 20, tent["batch"],
         None, None, None, None],
        ["黑泥沟村储备点", "救生衣", "成人", "件", "３０", "2026-03", 46538, 20, "村", "实物储备"],
        ["黑泥沟村储备点", "手电筒", None, "只", 50, None, "2027年5月31日", None, "村", "实物"],
        ["没登记的库", "棉被", None, "床", 10, None, None, None, None, None],
        ["青峪县救灾物资储备库", "棉被", "", "床", -5, None, None, None, None, None],
    ]
    path = office_sheet(tmp_path / "stock.xlsx", "应急物资储备台账", header, rows)
    preview = preview_import(store, ADMIN, "stock", path)
    assert {r.row: r.reasons[0] for r in preview.rejects} == {
        7: "新仓库“没登记的库”需要填写仓库级别和储备方式", 8: "数量不能为负数"}
    path = office_sheet(tmp_path / "stock2.xlsx", "台账", header, rows[:3])
    result = import_register(store, ADMIN, "stock", path)
    assert result.counts == {"insert": 2, "update": 1, "unchanged": 0, "rejected": 0,
                             "skipped": 2}
    assert StockService(store).balance(tent["id"]) == tent["balance"] - 20
    card = StockService(store).card(tent["id"])
    assert card[-1]["kind"] == "报损" and card[-1]["quantity"] == -20
    assert "导入盘点" in card[-1]["note"]
    wh = store.one("SELECT * FROM warehouse WHERE name = '黑泥沟村储备点'")
    assert (wh["level"], wh["reserve_type"]) == ("村", "实物")
    vests = StockService(store).items(warehouse_id=wh["id"])
    assert {(v["item"], v["balance"], v["expiry"]) for v in vests} == {
        ("救生衣", 30, "2027-05-31"), ("手电筒", 50, "2027-05-31")}


def test_shelters_refuse_more_people_than_capacity(rdemo, tmp_path):
    header = ["场所名称", "类型", "容纳人数", "已安置人数", "开放状态", "配套设施"]
    path = office_sheet(tmp_path / "s.xlsx", "避难场所", header, [
        ["黑泥沟村小学", "室内", 300, 20, "开放", "应急供水、厕所"],
        ["沙坝村广场", "室外", 100, 150, "开放", None]])
    preview = preview_import(rdemo, ADMIN, "shelters", path)
    assert [r.message for r in preview.rejects] == ["第 5 行：安置人数 150 超过容量 100"]


def test_contacts_and_experts_from_sheets(rdemo, tmp_path):
    contacts = office_sheet(tmp_path / "c.xlsx", "应急通讯录", ["单位", "姓名", "职务", "办公电话",
                                                        "手机", "24小时值班电话"], [
        ["县气象局", "杨帆", "局长", "0875-6211234", 13908750001.0, "0875-6211000"],
        ["县气象局值班室", None, None, None, None, "０８７５－６２１１０００"],
        ["县水务局", "周涛", "副局长", None, None, None]])
    preview = preview_import(rdemo, ADMIN, "contacts", contacts)
    assert [r.message for r in preview.rejects] == [
        "第 6 行：至少需要一个电话（办公电话、手机或值班电话）"]
    header = ["专家姓名", "专业领域", "工作单位", "手机", "是否值守"]
    experts = office_sheet(tmp_path / "e.xlsx", "专家库", header, [
        ["杨 帆", "气象灾害、防汛抗旱", "县气象局", 13908750001.0, "是"]])
    assert import_register(rdemo, ADMIN, "experts", experts).counts["insert"] == 1
    row = rdemo.one("SELECT * FROM expert WHERE name = '杨帆'")
    assert row["hazards_json"] == '["气象灾害", "防汛抗旱"]' and row["on_call"] == 1


def test_only_administrators_import_and_anyone_may_preview(rdemo, tmp_path):
    path = _people_sheet(tmp_path, bad=False)
    with pytest.raises(PermissionDenied):
        import_register(rdemo, OPERATOR, "people", path)
    assert preview_import(rdemo, OBSERVER, "people", path).ok
    with pytest.raises(ValidationError, match="未知名册类型"):
        preview_import(rdemo, ADMIN, "ships", path)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_every_register_exports_and_imports_back_unchanged(rdemo, tmp_path, suffix):
    import_register(rdemo, ADMIN, "contacts", office_sheet(
        tmp_path / "c.xlsx", "通讯录", ["单位", "姓名", "手机"],
        [["县气象局", "杨帆", 13908750001]]))
    for kind in KINDS:
        out = tmp_path / f"{kind}{suffix}"
        n = export_register(rdemo, ADMIN, kind, out)
        assert n > 0, kind
        preview = preview_import(rdemo, ADMIN, kind, out)
        assert preview.ok and preview.counts["unchanged"] == n, (kind, preview.problems,
                                                                 [(r.key, r.changes) for r in
                                                                  preview.rows
                                                                  if r.action != "unchanged"])


def test_the_exported_people_sheet_keeps_phones_and_ids_as_text(rdemo, tmp_path):
    out = tmp_path / "people.xlsx"
    export_register(rdemo, ADMIN, "people", out, title="青峪县应急救援队员名册")
    ws = load_workbook(out).active
    assert ws["A1"].value == "青峪县应急救援队员名册" and ws["A1"].font.b
    assert ws["A2"].value.startswith("导出时间：")
    header = [c.value for c in ws[3]]
    assert header[:4] == ["姓名", "所属队伍", "职务", "联系电话"] and "政治面貌" not in header
    phone = ws.cell(row=4, column=4)
    assert phone.data_type == "s" and phone.number_format == "@" and len(phone.value) == 11
    assert ws.freeze_panes == "A4"


def test_empty_and_headerless_files(rdemo, tmp_path):
    path = office_sheet(tmp_path / "empty.xlsx", "名册", ["姓名", "所属队伍"], [])
    with pytest.raises(ValidationError, match="没有数据行"):
        preview_import(rdemo, ADMIN, "people", path)
    with pytest.raises(ValidationError, match="未找到表头"):
        preview_import(rdemo, ADMIN, "stock", path)


def test_dates_are_read_as_the_office_wrote_them(rdemo, tmp_path):
    path = office_sheet(tmp_path / "d.xlsx", "台账", ["仓库名称", "物资名称", "单位", "数量",
                                                    "有效期至"], [
        ["青峪县救灾物资储备库", "药箱", "个", 5, datetime(2027, 1, 2)],
        ["青峪县救灾物资储备库", "药品", "盒", 5, "2027.1.3"]])
    rows = preview_import(rdemo, ADMIN, "stock", path).rows
    assert [r.values["expiry"] for r in rows] == [date(2027, 1, 2).isoformat(), "2027-01-03"]
