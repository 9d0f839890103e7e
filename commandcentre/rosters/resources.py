"""Resources (物资装备): warehouses and their stock, shelters, equipment and vehicles.

Stock is a card (物资台账): every 入库 / 出库 / 调拨 / 报损 is an append-only movement and the
balance is their sum, never a typed number. A movement that would take a balance below zero is
refused inside the same transaction that would write it, so two writers cannot both spend the
last tent. 调拨 (a transfer) is one out-movement and one in-movement written together.
"""

from __future__ import annotations

import json
import math
from datetime import date, datetime, timedelta
from typing import Any

from ..accounts import Permission, Session
from ..errors import NotFound, ValidationError
from ..i18n import tr
from ..storage import Store, Writer
from ..timeutil import to_storage
from .teams import norm

WAREHOUSE_LEVELS = ("县", "乡镇", "村", "企业")
RESERVE_TYPES = ("实物", "协议", "产能")
MOVEMENT_KINDS = ("入库", "出库", "调拨", "报损")
SHELTER_STATUSES = ("开放", "关闭")
EPS = 1e-9  # quantities are REAL; a balance within this of zero is zero

_RESERVE = {norm(a): t for t, aliases in {
    "实物": ("实物", "实物储备"), "协议": ("协议", "协议储备", "市场储备", "合同储备", "商业储备"),
    "产能": ("产能", "产能储备", "生产能力储备", "生产和技术能力储备")}.items() for a in aliases}
_WLEVEL = {norm(a): t for t, aliases in {
    "县": ("县", "县级", "县(市)"), "乡镇": ("乡镇", "乡", "镇", "街道", "乡镇(街道)", "乡镇级"),
    "村": ("村", "社区", "村(社区)", "村级"), "企业": ("企业", "企业级", "社会")}.items()
    for a in aliases}
_SHELTER_STATUS = {"开放": "开放", "启用": "开放", "已开放": "开放", "关闭": "关闭",
                   "未开放": "关闭", "停用": "关闭", "未启用": "关闭"}


def _text(values: dict[str, Any], key: str) -> str:
    return str(values.get(key) or "").strip()


def _pick(table: dict[str, str], text: str, what: str, choices: tuple[str, ...]) -> str:
    found = table.get(norm(text))
    if found is None:
        raise ValidationError(tr("{what}“{value}”无法识别（可选：{choices}）", what=what,
                                 value=text, choices="、".join(choices)))
    return found


def warehouse_row(values: dict[str, Any]) -> dict[str, Any]:
    name = _text(values, "name")
    if not name:
        raise ValidationError(tr("缺少仓库名称"))
    if not values.get("level") or not values.get("reserve_type"):
        raise ValidationError(tr("新仓库“{name}”需要填写仓库级别和储备方式", name=name))
    return {"name": name,
            "level": _pick(_WLEVEL, values["level"], tr("仓库级别"), WAREHOUSE_LEVELS),
            "reserve_type": _pick(_RESERVE, values["reserve_type"], tr("储备方式"),
                                  RESERVE_TYPES),
            "address": _text(values, "address"), "keeper": _text(values, "keeper"),
            "phone": _text(values, "phone")}


def stock_item_row(values: dict[str, Any]) -> dict[str, Any]:
    """Check a stock line's fields and return the ``stock_item`` row (without warehouse)."""
    item = _text(values, "item")
    if not item:
        raise ValidationError(tr("缺少物资名称"))
    unit = _text(values, "unit")
    if not unit:
        raise ValidationError(tr("缺少计量单位"))
    minimum = values.get("min_quantity") or 0
    if minimum < 0:
        raise ValidationError(tr("最低库存不能为负数"))
    expiry = values.get("expiry")
    return {"item": item, "spec": _text(values, "spec"), "unit": unit,
            "batch": _text(values, "batch"),
            "expiry": expiry.isoformat() if isinstance(expiry, date) else (expiry or None),
            "min_quantity": float(minimum)}


def shelter_row(values: dict[str, Any]) -> dict[str, Any]:
    name = _text(values, "name")
    if not name:
        raise ValidationError(tr("缺少场所名称"))
    capacity = values.get("capacity") or 0
    occupancy = values.get("occupancy") or 0
    if capacity < 0 or occupancy < 0:
        raise ValidationError(tr("容量和安置人数不能为负数"))
    if occupancy > capacity:
        raise ValidationError(tr("安置人数 {n} 超过容量 {capacity}", n=occupancy,
                                 capacity=capacity))
    status = _pick(_SHELTER_STATUS, values.get("status") or "关闭", tr("开放状态"),
                   SHELTER_STATUSES)
    area = values.get("area_m2")
    if area is not None and area < 0:
        raise ValidationError(tr("面积不能为负数"))
    return {"name": name, "type": _text(values, "type"), "grade": _text(values, "grade"),
            "address": _text(values, "address"), "lat": values.get("lat"),
            "lon": values.get("lon"), "capacity": int(capacity), "area_m2": area,
            "facilities_json": json.dumps(list(values.get("facilities") or []),
                                          ensure_ascii=False),
            "status": status, "occupancy": int(occupancy), "manager": _text(values, "manager"),
            "phone": _text(values, "phone")}


def equipment_row(values: dict[str, Any]) -> dict[str, Any]:
    name = _text(values, "name")
    if not name:
        raise ValidationError(tr("缺少装备名称"))
    quantity = values.get("quantity")
    if quantity is not None and quantity < 0:
        raise ValidationError(tr("数量不能为负数"))
    return {"name": name, "kind": _text(values, "kind"), "model": _text(values, "model"),
            "owner_unit": _text(values, "owner_unit"), "location": _text(values, "location"),
            "status": _text(values, "status") or "完好",
            "requisitionable": int(bool(values.get("requisitionable"))),
            "plate": _text(values, "plate") or None,
            "quantity": 1 if quantity is None else int(quantity)}


def _quantity(value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(tr("数量应为数字。"))
    if value <= 0:
        raise ValidationError(tr("数量必须大于零。"))
    return float(value)


class StockService:
    """Stock lines, their cards and balances, movements and transfers."""

    def __init__(self, store: Store):
        self.store = store

    # -- reading ----------------------------------------------------------------------------

    def balance(self, item_id: str) -> float:
        """The item's balance: the sum of its card."""
        return float(self.store.scalar("SELECT coalesce(sum(quantity), 0) FROM stock_movement"
                                       " WHERE item_id = ?", (item_id,)))

    def item(self, item_id: str) -> dict:
        row = self.store.one("SELECT s.*, w.name AS warehouse FROM stock_item s JOIN warehouse"
                             " w ON w.id = s.warehouse_id WHERE s.id = ?", (item_id,))
        if row is None:
            raise NotFound(tr("没有此物资：{name}", name=item_id))
        return {**row, "balance": self.balance(item_id)}

    def find(self, ref: str, *, warehouse: str | None = None, batch: str | None = None) -> dict:
        """A stock line by id, or by item name (narrowed by warehouse and batch) if unique."""
        if self.store.get("stock_item", ref):
            return self.item(ref)
        rows = [r for r in self.items(limit=1_000_000)
                if norm(r["item"]) == norm(ref)
                and (warehouse is None or norm(r["warehouse"]) == norm(warehouse))
                and (batch is None or r["batch"] == batch)]
        if not rows:
            raise NotFound(tr("没有此物资：{name}", name=ref))
        if len(rows) > 1:
            raise ValidationError(tr("“{name}”有 {n} 条库存记录，请指定仓库或用编号：{ids}",
                                     name=ref, n=len(rows), ids="；".join(
                                         f"{r['id']}（{r['warehouse']} {r['batch']}）".strip()
                                         for r in rows)))
        return rows[0]

    def items(self, *, warehouse_id: str | None = None, limit: int = 500, offset: int = 0
              ) -> list[dict]:
        """Stock lines with warehouse name and balance."""
        where, params = ("WHERE s.warehouse_id = ?", [warehouse_id]) if warehouse_id else ("", [])
        return self.store.query(
            "SELECT s.*, w.name AS warehouse, w.level AS warehouse_level,"
            " w.reserve_type, coalesce(b.balance, 0) AS balance FROM stock_item s"
            " JOIN warehouse w ON w.id = s.warehouse_id LEFT JOIN (SELECT item_id,"
            " sum(quantity) AS balance FROM stock_movement GROUP BY item_id) b"
            f" ON b.item_id = s.id {where} ORDER BY w.name, s.item, s.batch LIMIT ? OFFSET ?",
            [*params, limit, offset])

    def card(self, item_id: str) -> list[dict]:
        """The stock card: every movement in order with the running balance after it."""
        running = 0.0
        out = []
        for m in self.store.query("SELECT * FROM stock_movement WHERE item_id = ?"
                                  " ORDER BY at, rowid", (item_id,)):
            running += m["quantity"]
            out.append({**m, "balance": running})
        return out

    def below_minimum(self) -> list[dict]:
        """Lines whose balance is under their minimum stock (最低库存)."""
        return [r for r in self.items(limit=1_000_000)
                if r["min_quantity"] and r["balance"] < r["min_quantity"] - EPS]

    def expiring(self, within_days: int, today: date) -> list[dict]:
        """Lines with stock left that expire within ``within_days`` of ``today`` (or have)."""
        limit = (today + timedelta(days=within_days)).isoformat()
        out = []
        for r in self.items(limit=1_000_000):
            if r["expiry"] and r["expiry"] <= limit and r["balance"] > EPS:
                out.append({**r, "days_left": (date.fromisoformat(r["expiry"]) - today).days})
        return out

    # -- writing ----------------------------------------------------------------------------

    def add_item(self, session: Session, warehouse_id: str, values: dict[str, Any], *,
                 opening: float = 0, note: str = "") -> str:
        """Add a stock line; an opening quantity is its first 入库."""
        session.require(Permission.REGISTER_WRITE)
        if self.store.get("warehouse", warehouse_id) is None:
            raise NotFound(tr("没有此仓库：{name}", name=warehouse_id))
        row = stock_item_row(values)
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            item_id = w.insert("stock_item", {**row, "warehouse_id": warehouse_id},
                               action="stock.item.add")
            if opening:
                self.record(w, item_id, "入库", opening, note=note or tr("期初库存"))
            return item_id

    def record(self, w: Writer, item_id: str, kind: str, quantity: float, *, note: str = "",
               at: datetime | None = None) -> str:
        """Append one movement inside the caller's transaction; refuse a negative balance.

        ``quantity`` is positive; 出库 and 报损 take it out. Used by :meth:`move`, transfers,
        imports and dispatches, which have checked the permission already.
        """
        if kind not in ("入库", "出库", "报损"):
            raise ValidationError(tr("出入库类型应为：入库、出库、报损（调拨请用调拨功能）"))
        quantity = _quantity(quantity)
        signed = quantity if kind == "入库" else -quantity
        return self._append(w, item_id, kind, signed, note, at)

    def _append(self, w: Writer, item_id: str, kind: str, signed: float, note: str,
                at: datetime | None) -> str:
        item = self.store.one("SELECT item, unit FROM stock_item WHERE id = ?", (item_id,))
        if item is None:
            raise NotFound(tr("没有此物资：{name}", name=item_id))
        if signed < 0:
            balance = self.balance(item_id)  # read inside the write transaction: no race
            if balance + signed < -EPS:
                raise ValidationError(tr("{item}库存不足：现有 {balance}{unit}，需要 {need}{unit}",
                                         item=item["item"], balance=format_quantity(balance),
                                         unit=item["unit"], need=format_quantity(-signed)))
        when = to_storage(at or self.store.clock.now())
        return w.insert("stock_movement", {"item_id": item_id, "kind": kind, "quantity": signed,
                                           "at": when, "note": note.strip()},
                        action=f"stock.{kind}")

    def move(self, session: Session, item_id: str, kind: str, quantity: float, *,
             note: str = "", at: datetime | None = None) -> str:
        """Record 入库 / 出库 / 报损 on one line (administrators); return the movement id."""
        session.require(Permission.REGISTER_WRITE)
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            return self.record(w, item_id, kind, quantity, note=note, at=at)

    def transfer(self, session: Session, item_id: str, to_warehouse_id: str, quantity: float,
                 *, note: str = "", at: datetime | None = None) -> dict:
        """调拨: move ``quantity`` of a line to another warehouse, as two movements in one
        transaction (the matching line there is found or created); return the ids."""
        session.require(Permission.REGISTER_WRITE)
        quantity = _quantity(quantity)
        source = self.item(item_id)
        target_wh = self.store.get("warehouse", to_warehouse_id)
        if target_wh is None:
            raise NotFound(tr("没有此仓库：{name}", name=to_warehouse_id))
        if target_wh["id"] == source["warehouse_id"]:
            raise ValidationError(tr("调出和调入是同一个仓库。"))
        key = (source["item"], source["spec"], source["unit"], source["batch"])
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            match = self.store.one(
                "SELECT id FROM stock_item WHERE warehouse_id = ? AND item = ? AND spec = ?"
                " AND unit = ? AND batch = ? AND expiry IS ?", (to_warehouse_id, *key,
                                                              source["expiry"]))
            target_id = match["id"] if match else w.insert("stock_item", {
                "warehouse_id": to_warehouse_id, "item": source["item"], "spec": source["spec"],
                "unit": source["unit"], "batch": source["batch"], "expiry": source["expiry"],
                "min_quantity": 0}, action="stock.item.add")
            text = note.strip() or tr("调拨：{a} → {b}", a=source["warehouse"],
                                       b=target_wh["name"])
            out_id = self._append(w, item_id, "调拨", -quantity, text, at)
            in_id = self._append(w, target_id, "调拨", quantity, text, at)
            tid = w.insert("stock_transfer", {
                "out_movement_id": out_id, "in_movement_id": in_id, "quantity": quantity,
                "at": to_storage(at or self.store.clock.now()),
                "recorded_by": session.username}, action="stock.transfer")
        return {"transfer_id": tid, "out_movement_id": out_id, "in_movement_id": in_id,
                "to_item_id": target_id}


def _add(store: Store, session: Session, table: str, row: dict[str, Any]) -> str:
    session.require(Permission.REGISTER_WRITE)
    with store.write(session, Permission.REGISTER_WRITE) as w:
        return w.insert(table, row, action=f"{table}.add")


def _update(store: Store, session: Session, table: str, current: dict,
            row: dict[str, Any]) -> dict:
    session.require(Permission.REGISTER_WRITE)
    with store.write(session, Permission.REGISTER_WRITE) as w:
        return w.update(table, current["id"], {k: v for k, v in row.items()
                                               if current.get(k) != v},
                        action=f"{table}.update")


def format_quantity(value: float) -> str:
    """A quantity as people write it: 50, not 50.0; 2.5 stays 2.5."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class ShelterService:
    """Shelters (应急避难场所): opening and closing, and people sheltered against capacity."""

    def __init__(self, store: Store):
        self.store = store

    def find(self, ref: str) -> dict:
        row = self.store.get("shelter", ref) or self.store.one(
            "SELECT * FROM shelter WHERE name = ?", (ref.strip(),))
        if row is None:
            raise NotFound(tr("没有此避难场所：{name}", name=ref))
        return row

    def list(self, *, limit: int = 500, offset: int = 0) -> list[dict]:
        return self.store.query("SELECT s.*, o.name AS township FROM shelter s LEFT JOIN"
                                " org_unit o ON o.id = s.township_id ORDER BY s.capacity DESC,"
                                " s.name LIMIT ? OFFSET ?", (limit, offset))

    def add(self, session: Session, values: dict[str, Any], *,
            township_id: str | None = None) -> str:
        """Register a shelter (administrators); ``values`` as for :func:`shelter_row`."""
        return _add(self.store, session, "shelter", {**shelter_row(values),
                                                     "township_id": township_id})

    def update(self, session: Session, ref: str, changes: dict[str, Any]) -> dict:
        """Change a shelter's register fields (same checks as adding)."""
        current = self.find(ref)
        merged = {**current, "facilities": json.loads(current["facilities_json"]), **changes}
        return _update(self.store, session, "shelter", current, shelter_row(merged))

    def set_status(self, session: Session, ref: str, status: str) -> dict:
        """Open or close a shelter (an operator's act during an incident)."""
        shelter = self.find(ref)
        status = _pick(_SHELTER_STATUS, status, tr("开放状态"), SHELTER_STATUSES)
        if status == "关闭" and shelter["occupancy"]:
            raise ValidationError(tr("{name}仍安置 {n} 人，不能关闭", name=shelter["name"],
                                     n=shelter["occupancy"]))
        with self.store.write(session, Permission.INCIDENT_WRITE) as w:
            return w.update("shelter", shelter["id"], {"status": status},
                            action="shelter.status")

    def set_occupancy(self, session: Session, ref: str, people: int) -> dict:
        """Record how many people are sheltered now (never above capacity; only when open)."""
        shelter = self.find(ref)
        if people < 0:
            raise ValidationError(tr("容量和安置人数不能为负数"))
        if people > shelter["capacity"]:
            raise ValidationError(tr("安置人数 {n} 超过容量 {capacity}", n=people,
                                     capacity=shelter["capacity"]))
        if people and shelter["status"] != "开放":
            raise ValidationError(tr("{name}未开放，不能安置人员", name=shelter["name"]))
        with self.store.write(session, Permission.INCIDENT_WRITE) as w:
            return w.update("shelter", shelter["id"], {"occupancy": people},
                            action="shelter.occupancy")


class EquipmentService:
    """Equipment and vehicles (装备与车辆), with what is out on dispatches."""

    def __init__(self, store: Store):
        self.store = store

    def find(self, ref: str) -> dict:
        """By id, plate (车牌号) or unique name."""
        row = self.store.get("equipment", ref) or self.store.one(
            "SELECT * FROM equipment WHERE plate = ?", (ref.strip(),))
        if row:
            return row
        rows = self.store.query("SELECT * FROM equipment WHERE name = ?", (ref.strip(),))
        if len(rows) > 1:
            raise ValidationError(tr("有 {n} 件装备叫 {name}，请用编号或车牌：{ids}", n=len(rows),
                                     name=ref, ids="、".join(
                                         f"{r['id']}（{r['owner_unit']}）" for r in rows)))
        if not rows:
            raise NotFound(tr("没有此装备：{name}", name=ref))
        return rows[0]

    def add(self, session: Session, values: dict[str, Any]) -> str:
        """Register equipment or a vehicle (administrators)."""
        return _add(self.store, session, "equipment", equipment_row(values))

    def update(self, session: Session, ref: str, changes: dict[str, Any]) -> dict:
        """Change a piece of equipment's fields (status, location, 可征用 …)."""
        current = self.find(ref)
        return _update(self.store, session, "equipment", current,
                       equipment_row({**current, **changes}))

    def list(self, *, requisitionable: bool | None = None, limit: int = 500, offset: int = 0
             ) -> list[dict]:
        where = "" if requisitionable is None else \
            f"WHERE e.requisitionable = {int(requisitionable)}"
        return self.store.query(
            "SELECT e.*, coalesce((SELECT sum(d.quantity) FROM dispatch d WHERE"
            " d.equipment_id = e.id AND d.status IN ('已派', '在途', '到场')), 0) AS out"
            f" FROM equipment e {where} ORDER BY e.kind, e.name LIMIT ? OFFSET ?",
            (limit, offset))
