"""Roster and resource commands: ``commandcentre roster import|export|list|check|dispatch|
dispatch-status|dispatches|team-status|rules|setting`` and ``commandcentre stock move|transfer|
card``."""

from __future__ import annotations

from datetime import datetime

from ...duty.intake import parse_time
from ...errors import EXIT_FAILED, EXIT_OK, NotFound, ValidationError
from ...i18n import tr
from ...rosters import (
    KINDS,
    ContactService,
    DispatchService,
    EquipmentService,
    ExpertService,
    MemberService,
    RuleBook,
    ShelterService,
    StockService,
    TeamService,
    check,
    export_register,
    import_register,
)
from ...rosters.compliance import kind_label
from ...rosters.resources import format_quantity
from ...settings import Settings
from ...timeutil import format_local
from ..context import Context
from .importing import show_import


def register(sub, common) -> None:
    ro = sub.add_parser("roster", parents=[common],
                        help=tr("队伍与资源：名册导入导出、合规检查、调度"))
    s = ro.add_subparsers(dest="roster_command", required=True, metavar="ACTION")
    p = s.add_parser("import", parents=[common], help=tr("导入名册（.xlsx 或 .csv，管理员）"))
    p.add_argument("path")
    p.add_argument("--kind", required=True, choices=KINDS, help=tr("名册类型"))
    p.add_argument("--dry-run", action="store_true", help=tr("只预览，不写入"))
    p.set_defaults(handler=cmd_import)
    p = s.add_parser("export", parents=[common], help=tr("导出名册（.xlsx 可直接打印，或 .csv）"))
    p.add_argument("--kind", required=True, choices=KINDS, help=tr("名册类型"))
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p.add_argument("--title", help=tr("表格标题"))
    p.set_defaults(handler=cmd_export)
    p = s.add_parser("list", parents=[common], help=tr("列出名册"))
    p.add_argument("--kind", required=True, choices=KINDS, help=tr("名册类型"))
    p.add_argument("--limit", type=int, default=500)
    p.add_argument("--offset", type=int, default=0)
    p.set_defaults(handler=cmd_list)
    p = s.add_parser("check", parents=[common],
                     help=tr("合规检查：人数不足、库存不足或临期、避难场所设施、人员重复"
                             "（有问题时退出码 1）"))
    p.set_defaults(handler=cmd_check)
    p = s.add_parser("dispatch", parents=[common], help=tr("调派队伍、专家、装备或物资到事件"))
    p.add_argument("incident", help=tr("事件编号或名称"))
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--team", metavar="NAME")
    what.add_argument("--expert", metavar="NAME")
    what.add_argument("--equipment", metavar="NAME", help=tr("装备名称、车牌号或编号"))
    what.add_argument("--stock", metavar="ITEM", help=tr("物资名称或编号"))
    p.add_argument("--quantity", type=float, help=tr("数量（物资必填）"))
    p.add_argument("--warehouse", metavar="NAME", help=tr("物资所在仓库（同名物资时）"))
    p.add_argument("--request", action="store_true", help=tr("只登记申请，待批准后再派出"))
    p.add_argument("--to", dest="destination", default="", help=tr("前往地点"))
    p.add_argument("--note", default="")
    p.add_argument("--at", metavar="TIME")
    p.set_defaults(handler=cmd_dispatch)
    p = s.add_parser("dispatch-status", parents=[common], help=tr("更新调度状态"))
    p.add_argument("dispatch", help=tr("调度编号（可只写前 6 位以上）"))
    p.add_argument("status", help=tr("已派、在途、到场、归队或取消"))
    p.add_argument("--note", default="")
    p.add_argument("--at", metavar="TIME")
    p.set_defaults(handler=cmd_dispatch_status)
    p = s.add_parser("dispatches", parents=[common], help=tr("列出调度记录"))
    p.add_argument("incident", nargs="?", help=tr("事件编号或名称（不给出时列出全部）"))
    p.add_argument("--active", action="store_true", help=tr("只列出未结束的调度"))
    p.set_defaults(handler=cmd_dispatches)
    p = s.add_parser("team-status", parents=[common], help=tr("设置队伍状态（如休整、待命）"))
    p.add_argument("team")
    p.add_argument("status")
    p.set_defaults(handler=cmd_team_status)
    p = s.add_parser("rules", parents=[common], help=tr("列出合规规则与设置"))
    p.set_defaults(handler=cmd_rules)
    p = s.add_parser("setting", parents=[common], help=tr("修改名册设置（管理员）"))
    p.add_argument("key", choices=("county.fire_class", "stock.expiry_days"))
    p.add_argument("value")
    p.set_defaults(handler=cmd_setting)

    st = sub.add_parser("stock", parents=[common], help=tr("物资：出入库、调拨、库存卡"))
    s = st.add_subparsers(dest="stock_command", required=True, metavar="ACTION")
    p = s.add_parser("move", parents=[common], help=tr("入库、出库或报损（管理员）"))
    p.add_argument("item", help=tr("物资名称或编号"))
    p.add_argument("--kind", required=True, choices=("入库", "出库", "报损"))
    p.add_argument("--quantity", type=float, required=True)
    p.add_argument("--warehouse", metavar="NAME")
    p.add_argument("--note", default="")
    p.add_argument("--at", metavar="TIME")
    p.set_defaults(handler=cmd_stock_move)
    p = s.add_parser("transfer", parents=[common], help=tr("调拨到另一仓库（管理员）"))
    p.add_argument("item", help=tr("物资名称或编号"))
    p.add_argument("--to-warehouse", dest="to_warehouse", required=True, metavar="NAME")
    p.add_argument("--quantity", type=float, required=True)
    p.add_argument("--warehouse", metavar="NAME", help=tr("调出仓库（同名物资时）"))
    p.add_argument("--note", default="")
    p.add_argument("--at", metavar="TIME")
    p.set_defaults(handler=cmd_stock_transfer)
    p = s.add_parser("card", parents=[common], help=tr("库存卡：每笔出入库与结存"))
    p.add_argument("item")
    p.add_argument("--warehouse", metavar="NAME")
    p.set_defaults(handler=cmd_stock_card)


def _zone(ctx: Context) -> str:
    return Settings(ctx.store()).get("ui.timezone")


def _time(ctx: Context, text: str | None) -> datetime | None:
    return parse_time(text, _zone(ctx)) if text else None


def _incident(ctx: Context, ref: str) -> dict:
    store = ctx.store()
    row = store.get("incident", ref)
    if row:
        return row
    rows = store.query("SELECT * FROM incident WHERE title = ?", (ref.strip(),))
    if len(rows) == 1:
        return rows[0]
    if rows:
        raise ValidationError(tr("有 {n} 个事件叫“{title}”，请用事件编号", n=len(rows), title=ref))
    raise NotFound(tr("没有此事件：{id}", id=ref))


def _warehouse(ctx: Context, name: str) -> dict:
    row = ctx.store().get("warehouse", name) or ctx.store().one(
        "SELECT * FROM warehouse WHERE name = ?", (name.strip(),))
    if row is None:
        raise NotFound(tr("没有此仓库：{name}", name=name))
    return row


def cmd_import(ctx: Context) -> int:
    session = ctx.login()
    return show_import(ctx, lambda: import_register(ctx.store(), session, ctx.args.kind,
                                                    ctx.args.path, dry_run=ctx.args.dry_run),
                       dry_run=ctx.args.dry_run)


def cmd_export(ctx: Context) -> int:
    session = ctx.login()
    n = export_register(ctx.store(), session, ctx.args.kind, ctx.args.output,
                        title=ctx.args.title)
    ctx.emit({"path": ctx.args.output, "rows": n},
             text=tr("已导出 {n} 条到 {path}", n=n, path=ctx.args.output))
    return EXIT_OK


def _list_columns(kind: str) -> list[tuple[str, str]]:
    return {
        "teams": [("name", tr("队伍名称")), ("category", tr("类别")), ("level", tr("级别")),
                  ("headcount", tr("人数")), ("required_min", tr("最低人数")),
                  ("members", tr("名册人数")), ("status", tr("状态")),
                  ("contact_phone", tr("联系电话"))],
        "people": [("team", tr("队伍")), ("name", tr("姓名")), ("role", tr("职务")),
                   ("phone", tr("电话")), ("pdt_id", tr("PDT号")), ("beidou_card", tr("北斗卡号"))],
        "experts": [("name", tr("姓名")), ("hazards", tr("专家库")), ("speciality", tr("专业")),
                    ("employer", tr("工作单位")), ("phone", tr("电话")), ("on_call", tr("值守"))],
        "contacts": [("unit", tr("单位")), ("name", tr("姓名")), ("title", tr("职务")),
                     ("office_phone", tr("办公电话")), ("mobile", tr("手机")),
                     ("duty_phone", tr("值班电话"))],
        "stock": [("warehouse", tr("仓库")), ("item", tr("物资")), ("spec", tr("规格")),
                  ("balance", tr("结存")), ("unit", tr("单位")), ("batch", tr("批次")),
                  ("expiry", tr("有效期至")), ("min_quantity", tr("最低库存"))],
        "shelters": [("name", tr("场所")), ("type", tr("类型")), ("capacity", tr("容量")),
                     ("occupancy", tr("已安置")), ("status", tr("状态")),
                     ("township", tr("乡镇"))],
        "equipment": [("name", tr("装备")), ("kind", tr("类别")), ("owner_unit", tr("所属单位")),
                      ("location", tr("存放地点")), ("status", tr("状态")),
                      ("quantity", tr("数量")), ("out", tr("已派出")),
                      ("requisitionable", tr("可征用"))],
    }[kind]


def cmd_list(ctx: Context) -> int:
    ctx.login()
    store, a = ctx.store(), ctx.args
    page = {"limit": a.limit, "offset": a.offset}
    rows = {"teams": lambda: TeamService(store).list(**page),
            "people": lambda: MemberService(store).list(**page),
            "experts": lambda: ExpertService(store).list(**page),
            "contacts": lambda: ContactService(store).directory()[a.offset:a.offset + a.limit],
            "stock": lambda: StockService(store).items(**page),
            "shelters": lambda: ShelterService(store).list(**page),
            "equipment": lambda: EquipmentService(store).list(**page)}[a.kind]()
    if not ctx.as_json:
        for r in rows:
            for k, v in r.items():
                if isinstance(v, list):
                    r[k] = "、".join(map(str, v))
                elif k in ("balance", "min_quantity", "out") and isinstance(v, float):
                    r[k] = format_quantity(v)
    ctx.table(rows, _list_columns(a.kind))
    return EXIT_OK


def cmd_check(ctx: Context) -> int:
    ctx.login()
    findings = check(ctx.store())
    if ctx.as_json:
        ctx.emit({"ok": not findings, "findings": [f.as_dict() for f in findings]})
    elif not findings:
        print(tr("合规检查通过：未发现问题。"))
    else:
        print(tr("合规检查发现 {n} 个问题：", n=len(findings)))
        for f in findings:
            print(f"  [{kind_label(f.kind)}] {f.message}")
            if f.basis:
                print("      " + tr("依据：{basis}", basis=f.basis))
    return EXIT_FAILED if findings else EXIT_OK


def cmd_dispatch(ctx: Context) -> int:
    session = ctx.login()
    store, a = ctx.store(), ctx.args
    incident = _incident(ctx, a.incident)
    if a.team:
        kind, rid = "team", TeamService(store).find(a.team)["id"]
    elif a.expert:
        kind, rid = "expert", ExpertService(store).find(a.expert)["id"]
    elif a.equipment:
        kind, rid = "equipment", EquipmentService(store).find(a.equipment)["id"]
    else:
        kind, rid = "stock", StockService(store).find(a.stock, warehouse=a.warehouse)["id"]
    did = DispatchService(store).dispatch(
        session, incident["id"], kind, rid, quantity=a.quantity,
        status="申请" if a.request else "已派", destination=a.destination, note=a.note,
        at=_time(ctx, a.at))
    row = DispatchService(store).get(did)
    ctx.emit(row, text=tr("已登记调度 {id}：{name}（{status}）", id=did,
                          name=row["resource_name"], status=row["status"]))
    return EXIT_OK


def cmd_dispatch_status(ctx: Context) -> int:
    session = ctx.login()
    row = DispatchService(ctx.store()).advance(session, ctx.args.dispatch, ctx.args.status,
                                               at=_time(ctx, ctx.args.at), note=ctx.args.note)
    ctx.emit(row, text=tr("调度 {id}：{name} → {status}", id=row["id"],
                          name=row["resource_name"], status=row["status"]))
    return EXIT_OK


def cmd_dispatches(ctx: Context) -> int:
    ctx.login()
    incident = _incident(ctx, ctx.args.incident)["id"] if ctx.args.incident else None
    rows = DispatchService(ctx.store()).list(incident_id=incident, active_only=ctx.args.active)
    zone_name = _zone(ctx)
    if not ctx.as_json:
        for r in rows:
            r["requested"] = format_local(r["requested_at"], zone_name)
            r["quantity"] = format_quantity(r["quantity"])
    ctx.table(rows, [("id", "id"), ("incident", tr("事件")), ("resource_name", tr("调度对象")),
                     ("quantity", tr("数量")), ("status", tr("状态")),
                     ("requested", tr("申请时间"))])
    return EXIT_OK


def cmd_team_status(ctx: Context) -> int:
    session = ctx.login()
    row = TeamService(ctx.store()).set_status(session, ctx.args.team, ctx.args.status)
    ctx.emit(row, text=tr("{name}：{status}", name=row["name"], status=row["status"]))
    return EXIT_OK


def cmd_rules(ctx: Context) -> int:
    ctx.login()
    book = RuleBook(ctx.store())
    data = {"settings": {k: book.setting(k) for k in ("county.fire_class", "stock.expiry_days")},
            "team_minimums": [r.__dict__ for r in book.team_minimum_rules()],
            "shelter_facilities": [{**r.__dict__, "shelter_types": list(r.shelter_types),
                                    "facilities": list(r.facilities)}
                                   for r in book.shelter_facility_rules()]}
    if ctx.as_json:
        ctx.emit(data)
        return EXIT_OK
    for key, value in data["settings"].items():
        print(f"{key} = {value if value != '' else tr('（未设置）')}")
    for r in data["team_minimums"]:
        print(tr("{category}（{level}）{county_class}：不少于 {minimum} 人。依据：{source}",
                 category=r["category"] or "*", level=r["level"] or "*",
                 county_class=r["county_class"], minimum=r["minimum"], source=r["source"]))
    for r in data["shelter_facilities"]:
        print(tr("{types}避难场所应有：{facilities}。依据：{source}",
                 types="、".join(r["shelter_types"]) or "*",
                 facilities="、".join(r["facilities"]), source=r["source"]))
    return EXIT_OK


def cmd_setting(ctx: Context) -> int:
    session = ctx.login()
    value = "" if ctx.args.value in ("-", "none") else ctx.args.value
    RuleBook(ctx.store()).set_setting(session, ctx.args.key, value)
    ctx.emit({"key": ctx.args.key, "value": RuleBook(ctx.store()).setting(ctx.args.key)},
             text=tr("已设置 {key}。", key=ctx.args.key))
    return EXIT_OK


def cmd_stock_move(ctx: Context) -> int:
    session = ctx.login()
    stock = StockService(ctx.store())
    item = stock.find(ctx.args.item, warehouse=ctx.args.warehouse)
    mid = stock.move(session, item["id"], ctx.args.kind, ctx.args.quantity, note=ctx.args.note,
                     at=_time(ctx, ctx.args.at))
    balance = stock.balance(item["id"])
    ctx.emit({"movement_id": mid, "item_id": item["id"], "balance": balance},
             text=tr("{item}（{warehouse}）{kind} {n}{unit}，结存 {balance}{unit}",
                     item=item["item"], warehouse=item["warehouse"], kind=ctx.args.kind,
                     n=format_quantity(ctx.args.quantity), unit=item["unit"],
                     balance=format_quantity(balance)))
    return EXIT_OK


def cmd_stock_transfer(ctx: Context) -> int:
    session = ctx.login()
    stock = StockService(ctx.store())
    item = stock.find(ctx.args.item, warehouse=ctx.args.warehouse)
    target = _warehouse(ctx, ctx.args.to_warehouse)
    ids = stock.transfer(session, item["id"], target["id"], ctx.args.quantity,
                         note=ctx.args.note, at=_time(ctx, ctx.args.at))
    ctx.emit(ids, text=tr("已调拨 {item} {n}{unit}：{a} → {b}", item=item["item"],
                          n=format_quantity(ctx.args.quantity), unit=item["unit"],
                          a=item["warehouse"], b=target["name"]))
    return EXIT_OK


def cmd_stock_card(ctx: Context) -> int:
    ctx.login()
    stock = StockService(ctx.store())
    item = stock.find(ctx.args.item, warehouse=ctx.args.warehouse)
    rows = stock.card(item["id"])
    zone_name = _zone(ctx)
    if not ctx.as_json:
        for r in rows:
            r["when"] = format_local(r["at"], zone_name)
            r["quantity"] = format_quantity(r["quantity"])
            r["balance"] = format_quantity(r["balance"])
    ctx.table(rows, [("when", tr("时间")), ("kind", tr("类型")), ("quantity", tr("数量")),
                     ("balance", tr("结存")), ("note", tr("摘要"))])
    return EXIT_OK
