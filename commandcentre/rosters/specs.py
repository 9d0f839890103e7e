"""The columns of each register as offices head them (表头), with the synonyms they use.

One :class:`Register` per importable / exportable register. A column has the header the export
writes, the other headers an office sheet may use for it (联系电话 / 手机 / 电话 / 手机号码 …),
how to read its cells (see :mod:`commandcentre.tabular`) and whether it is written as text
(phones and ids, so Excel does not turn them into numbers). Headers stay Chinese whatever the
UI language: the sheet is the office's document, and it is read back by the importer.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import tabular as t
from ..i18n import tr


def _fulltime(value: object) -> bool | None:
    text = t.squash(value)
    if text in ("专职", "全职"):
        return True
    if text in ("兼职", "义务"):
        return False
    if text in ("专兼结合", "专兼职"):
        raise t.CellError(tr("专兼职应填“专职”或“兼职”：{text}", text=text))
    return t.flag(value)


def _party(value: object) -> bool | None:
    """政治面貌: 中共党员 / 中共预备党员 count as party members; 群众, 共青团员 … do not."""
    return None if t.is_blank(value) else "党员" in t.squash(value)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    aliases: tuple[str, ...] = ()
    read: Callable[[object], Any] = t.fold
    required: bool = False
    text: bool = False      # exported as text

    def names(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)


@dataclass(frozen=True)
class Register:
    kind: str
    title: str          # the export's title, after the county's name
    columns: tuple[Column, ...]

    def headers(self) -> dict[str, str]:
        """Normalised header text → column key (the first column claiming a text wins)."""
        out: dict[str, str] = {}
        for col in self.columns:
            for name in col.names():
                out.setdefault(t.header_text(name), col.key)
        return out

    @property
    def required(self) -> list[str]:
        return [c.key for c in self.columns if c.required]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


PHONE = ("联系电话", "电话", "手机", "手机号码", "手机号", "联系方式", "移动电话")
C = Column

REGISTERS: dict[str, Register] = {r.kind: r for r in (
    Register("teams", "应急救援队伍名册", (
        C("name", "队伍名称", ("名称", "队伍", "队名", "救援队伍名称", "队伍全称"), required=True),
        C("category", "队伍类别", ("类别", "类型", "队伍类型", "队伍性质"), required=True),
        C("level", "队伍级别", ("级别", "层级", "管理层级"), required=True),
        C("owner_unit", "所属单位", ("主管单位", "隶属单位", "管理单位", "依托单位", "主管部门",
                                   "所属部门")),
        C("fulltime", "专兼职", ("专职/兼职", "专职兼职", "是否专职"), _fulltime),
        C("headcount", "人数", ("队员人数", "总人数", "在编人数", "编制人数", "队伍人数",
                              "现有人数"), t.integer),
        C("specialities", "专长", ("专业特长", "救援专长", "擅长", "救援能力"), t.items),
        C("base", "驻地", ("驻地位置", "驻地地址", "基地", "地址", "驻扎地点")),
        C("township", "所属乡镇", ("乡镇", "乡镇(街道)", "所在乡镇")),
        C("equipment", "主要装备", ("装备", "装备情况", "主要装备器材"), t.items),
        C("contact_phone", "联系电话", (*PHONE[1:], "值班电话"), t.phone, text=True),
        C("status", "状态", ("队伍状态", "当前状态")),
        C("lat", "纬度", (), t.number), C("lon", "经度", (), t.number))),
    Register("people", "应急救援队员名册", (
        C("name", "姓名", ("名字", "队员姓名", "人员姓名"), t.squash, required=True),
        C("team", "所属队伍", ("队伍名称", "队伍", "所在队伍", "队伍名"), required=True),
        C("role", "职务", ("岗位", "队内职务", "角色", "职责")),
        C("phone", "联系电话", PHONE[1:], t.phone, text=True),
        C("pdt_id", "PDT号", ("PDT", "PDT编号", "PDT终端号", "集群号", "对讲机号", "电台号"),
          t.code, text=True),
        C("beidou_card", "北斗卡号", ("北斗号", "北斗终端号", "北斗卡", "北斗ID"), t.code,
          text=True),
        C("sat_phone", "卫星电话", ("卫星电话号码", "天通号", "海事卫星电话"), t.phone, text=True),
        C("party", "党员", ("是否党员", "中共党员"), t.flag),
        C("politics", "政治面貌", (), _party),
        C("militia", "民兵", ("是否民兵",), t.flag),
        C("id_key", "身份证号", ("身份证号码", "证件号码", "身份证", "工号", "人员编号"), t.code,
          text=True),
        C("public_post", "公益性岗位", ("是否公益性岗位",), t.flag))),
    Register("experts", "应急专家名册", (
        C("name", "姓名", ("专家姓名", "名字"), t.squash, required=True),
        C("hazards", "专家库", ("专业领域", "灾种", "领域", "所属专家库", "专家类别"), t.items),
        C("speciality", "专业", ("专长", "专业方向", "擅长领域", "研究方向", "专业特长")),
        C("employer", "工作单位", ("单位", "所在单位", "单位名称")),
        C("title", "职称", ("职务", "职称职务", "职务职称")),
        C("phone", "联系电话", PHONE[1:], t.phone, text=True),
        C("on_call", "应急值守", ("值守", "是否值守", "24小时值守"), t.flag))),
    Register("contacts", "应急通讯录", (
        C("unit", "单位", ("单位名称", "部门", "部门名称", "工作单位"), required=True),
        C("name", "姓名", ("联系人", "名字"), t.squash),
        C("title", "职务", ("职位",)),
        C("office_phone", "办公电话", ("电话", "固定电话", "座机", "办公室电话"), t.phone,
          text=True),
        C("mobile", "手机", ("手机号码", "手机号", "联系电话", "移动电话"), t.phone, text=True),
        C("duty_phone", "24小时值班电话", ("值班电话", "24小时电话", "应急值班电话", "值班室电话"),
          t.phone, text=True),
        C("fax", "传真", ("传真号码",), t.phone, text=True),
        C("note", "备注", ("说明",)))),
    Register("stock", "应急物资储备台账", (
        C("warehouse", "仓库名称", ("仓库", "储备库", "储备点", "储备库名称", "存放仓库"),
          required=True),
        C("item", "物资名称", ("名称", "品名", "物资", "物资品名"), required=True),
        C("spec", "规格型号", ("规格", "型号")),
        C("unit", "单位", ("计量单位",), required=True),
        C("quantity", "数量", ("库存数量", "库存", "现有数量", "实有数量", "储备数量", "在库数量"),
          t.number, required=True),
        C("batch", "批次", ("批号", "批次号", "生产批次"), t.code, text=True),
        C("expiry", "有效期至", ("有效期", "保质期至", "失效日期", "到期日期", "有效日期"), t.day),
        C("min_quantity", "最低库存", ("储备定额", "最低储备", "应储数量", "库存下限"), t.number),
        C("warehouse_level", "仓库级别", ("库级别",)),
        C("reserve_type", "储备方式", ("储备类型", "储备形式")))),
    Register("shelters", "应急避难场所名册", (
        C("name", "场所名称", ("名称", "避难场所名称", "避难场所", "场所"), required=True),
        C("type", "类型", ("场所类型", "类别")),
        C("grade", "等级", ("级别", "场所等级")),
        C("address", "地址", ("位置", "详细地址", "所在位置")),
        C("township", "所属乡镇", ("乡镇", "所在乡镇")),
        C("capacity", "容量", ("可容纳人数", "容纳人数", "设计容量", "容纳人口"), t.integer),
        C("area_m2", "面积", ("有效面积", "占地面积", "有效避难面积"), t.number),
        C("facilities", "配套设施", ("设施", "主要设施"), t.items),
        C("status", "开放状态", ("状态",)),
        C("occupancy", "已安置人数", ("安置人数", "现安置人数"), t.integer),
        C("manager", "管理人", ("负责人", "联系人")),
        C("phone", "联系电话", PHONE[1:], t.phone, text=True),
        C("lat", "纬度", (), t.number), C("lon", "经度", (), t.number))),
    Register("equipment", "应急装备与车辆名册", (
        C("name", "装备名称", ("名称", "设备名称", "车辆名称", "装备"), required=True),
        C("kind", "类别", ("类型", "种类", "装备类别", "装备类型")),
        C("model", "规格型号", ("型号", "规格")),
        C("owner_unit", "所属单位", ("权属单位", "产权单位", "单位", "管理单位")),
        C("location", "存放地点", ("位置", "存放位置", "停放地点")),
        C("status", "状态", ("完好状态", "状况", "技术状况")),
        C("requisitionable", "可征用", ("是否可征用",), t.flag),
        C("plate", "车牌号", ("号牌", "车牌", "号牌号码"), t.code, text=True),
        C("quantity", "数量", (), t.integer))),
)}
KINDS = tuple(REGISTERS)


def register(kind: str) -> Register:
    """The register for ``kind`` (teams, people, experts, contacts, stock, shelters, equipment)."""
    try:
        return REGISTERS[kind]
    except KeyError:
        from ..errors import ValidationError

        raise ValidationError(tr("未知名册类型：{kind}（可选：{choices}）", kind=kind,
                                 choices="、".join(KINDS))) from None
