"""Per-register import planning: how a parsed row is matched to a record, checked against the
store and the rest of the file, and written. Used by :mod:`.importing`."""

from __future__ import annotations

import json
from typing import Any

from ..errors import ValidationError
from ..i18n import tr
from ..storage import Store, Writer
from .importing import PlannedRow
from .people import contact_row, expert_row, member_row, profile_row
from .resources import (
    EPS,
    StockService,
    equipment_row,
    format_quantity,
    shelter_row,
    stock_item_row,
    warehouse_row,
)
from .teams import norm, team_row


class _Planner:
    """Match by key, refuse repeats within the file, diff against the record."""

    table = ""

    def __init__(self, store: Store):
        self.store = store
        self.seen: dict[Any, int] = {}
        self.detail: dict[str, Any] = {}
        self.index: dict[Any, list[dict]] = {}
        for r in store.query(f"SELECT * FROM {self.table}"):
            self.index.setdefault(self.key_of(r), []).append(r)
        self.townships = {norm(r["name"]): r["id"] for r in
                          store.query("SELECT id, name FROM org_unit WHERE kind = 'township'")}

    # what a planner defines
    def key_of(self, values: dict) -> Any:
        raise NotImplementedError

    def label(self, values: dict) -> str:
        return str(values.get("name", ""))

    def values_of(self, record: dict) -> dict:
        return dict(record)

    def build(self, values: dict) -> dict:
        raise NotImplementedError

    def more(self, n: int, values: dict, row: dict, record: dict | None) -> dict:
        return {}

    # shared
    def township(self, values: dict) -> dict:
        if "township" not in values:
            return {}
        tid = self.townships.get(norm(values["township"]))
        if tid is None:
            raise ValidationError(tr("没有此乡镇：{name}", name=values["township"]))
        return {"township_id": tid}

    def plan(self, n: int, values: dict) -> PlannedRow:
        key = self.key_of(values)
        if key in self.seen:
            raise ValidationError(tr("与第 {row} 行重复（{key}）", row=self.seen[key],
                                     key=self.label(values)))
        found = self.index.get(key, [])
        if len(found) > 1:
            raise ValidationError(tr("名册中已有 {n} 条“{key}”，无法确定更新哪一条",
                                     n=len(found), key=self.label(values)))
        record = found[0] if found else None
        merged = {**self.values_of(record), **values} if record else values
        row = self.build(merged)
        extra = self.more(n, values, row, record)
        self.seen[key] = n
        if record is None:
            return PlannedRow(n, "insert", self.label(values), row, {}, extra)
        changes = {k: v for k, v in row.items() if record.get(k) != v}
        busy = bool(changes) or bool(extra.get("changes"))
        return PlannedRow(n, "update" if busy else "unchanged", self.label(values), row,
                          changes, extra, record["id"])

    def begin(self, w: Writer, detail: dict) -> None:
        self.detail = detail

    def write(self, w: Writer, planned: PlannedRow, table: str | None = None) -> str:
        table = table or self.table
        detail = {**self.detail, "row": planned.row}
        if planned.action == "insert":
            return w.insert(table, planned.values, action=f"{table}.import", detail=detail)
        if planned.changes:
            w.update(table, planned.record_id, planned.changes, action=f"{table}.import",
                     detail=detail)
        return planned.record_id  # type: ignore[return-value]

    def apply(self, w: Writer, planned: PlannedRow) -> None:
        self.write(w, planned)


class TeamPlanner(_Planner):
    table = "team"

    def key_of(self, values: dict) -> Any:
        return norm(values["name"])

    def values_of(self, record: dict) -> dict:
        return {**record, "specialities": json.loads(record["specialities_json"]),
                "equipment": json.loads(record["equipment_json"]),
                "fulltime": bool(record["fulltime"])}

    def build(self, values: dict) -> dict:
        row = team_row(values)
        return {**row, **self.township(values)} if "township" in values else {
            **row, "township_id": values.get("township_id")}


class MemberPlanner(_Planner):
    table = "member"

    def __init__(self, store: Store):
        self.teams = {norm(r["name"]): r for r in store.query("SELECT id, name FROM team")}
        super().__init__(store)
        self.profiles = {r["id"]: r for r in store.query("SELECT * FROM member_profile")}
        self.radio: dict[tuple[str, str], tuple[str | None, str]] = {}
        names = {r["id"]: r["name"] for r in self.teams.values()}
        for r in store.query("SELECT id, name, team_id, pdt_id, beidou_card FROM member"):
            for col in ("pdt_id", "beidou_card"):
                if r[col]:
                    self.radio[(col, r[col])] = (r["id"], f"{r['name']}（{names[r['team_id']]}）")

    def key_of(self, values: dict) -> Any:
        if "team_id" in values:  # a stored member
            return values["team_id"], norm(values["name"])
        team = self.teams.get(norm(values["team"]))
        return (team["id"] if team else "?" + norm(values["team"])), norm(values["name"])

    def label(self, values: dict) -> str:
        return f"{values['name']}（{values.get('team', '')}）"

    def values_of(self, record: dict) -> dict:
        profile = self.profiles.get(record["id"], {})
        return {**record, "id_key": profile.get("id_key", ""),
                "public_post": profile.get("public_post", 0), "note": profile.get("note", "")}

    def build(self, values: dict) -> dict:
        team = self.teams.get(norm(values.get("team", "")))
        if team is None and "team_id" not in values:
            raise ValidationError(tr("没有此队伍：{name}（请先导入队伍名册）", name=values["team"]))
        if values.get("party") is None and values.get("politics") is not None:
            values = {**values, "party": values["politics"]}
        return {**member_row(values), "team_id": team["id"] if team else values["team_id"]}

    def more(self, n: int, values: dict, row: dict, record: dict | None) -> dict:
        mine = record["id"] if record else None
        for col, label in (("pdt_id", tr("PDT 号")), ("beidou_card", tr("北斗卡号"))):
            if not row[col]:
                continue
            owner = self.radio.get((col, row[col]))
            if owner and owner[0] != (mine or f"#{n}"):
                raise ValidationError(tr("{label} {value} 已登记给 {name}", label=label,
                                         value=row[col], name=owner[1]))
        for col in ("pdt_id", "beidou_card"):
            if row[col]:
                self.radio[(col, row[col])] = (mine or f"#{n}", tr(
                    "{name}（文件第 {row} 行）", name=row["name"], row=n))
        merged = {**(self.values_of(record) if record else {}), **values}
        profile = profile_row(merged)
        old = self.profiles.get(mine) if mine else None
        if profile is None or (old and all(old[k] == v for k, v in profile.items())):
            return {}
        return {"profile": profile, "changes": True}

    def apply(self, w: Writer, planned: PlannedRow) -> None:
        mid = self.write(w, planned)
        profile = planned.extra.get("profile")
        if profile is None:
            return
        detail = {**self.detail, "row": planned.row}
        if mid in self.profiles:
            w.update("member_profile", mid, profile, action="member_profile.import",
                     detail=detail)
        else:
            w.insert("member_profile", {"id": mid, **profile}, action="member_profile.import",
                     detail=detail)


class ExpertPlanner(_Planner):
    table = "expert"

    def key_of(self, values: dict) -> Any:
        return norm(values["name"]), norm(values.get("employer", ""))

    def values_of(self, record: dict) -> dict:
        return {**record, "hazards": json.loads(record["hazards_json"])}

    def build(self, values: dict) -> dict:
        return expert_row(values)


class ContactPlanner(_Planner):
    table = "contact"

    def key_of(self, values: dict) -> Any:
        name = norm(values.get("name", ""))
        return norm(values["unit"]), name, "" if name else norm(values.get("title", ""))

    def label(self, values: dict) -> str:
        return " ".join(v for v in (values["unit"], values.get("name") or values.get("title"))
                        if v)

    def build(self, values: dict) -> dict:
        return {**contact_row(values), "township_id": values.get("township_id")}


class ShelterPlanner(TeamPlanner):
    table = "shelter"

    def values_of(self, record: dict) -> dict:
        return {**record, "facilities": json.loads(record["facilities_json"])}

    def build(self, values: dict) -> dict:
        row = shelter_row(values)
        return {**row, **self.township(values)} if "township" in values else {
            **row, "township_id": values.get("township_id")}


class EquipmentPlanner(_Planner):
    table = "equipment"

    def key_of(self, values: dict) -> Any:
        if values.get("plate"):
            return ("plate", norm(values["plate"]))
        return (norm(values["name"]), norm(values.get("owner_unit", "")),
                norm(values.get("location", "")))

    def build(self, values: dict) -> dict:
        return equipment_row(values)


class StockPlanner(_Planner):
    table = "stock_item"

    def __init__(self, store: Store):
        self.warehouses = {norm(r["name"]): r for r in store.query("SELECT * FROM warehouse")}
        self.new_warehouses: dict[str, dict] = {}
        super().__init__(store)
        self.balances = {r["item_id"]: r["b"] for r in store.query(
            "SELECT item_id, sum(quantity) AS b FROM stock_movement GROUP BY item_id")}
        self.stock = StockService(store)
        self.made: dict[str, str] = {}

    def key_of(self, values: dict) -> Any:
        if "warehouse_id" in values:
            wid = values["warehouse_id"]
        else:
            found = self.warehouses.get(norm(values["warehouse"]))
            wid = found["id"] if found else "?" + norm(values["warehouse"])
        return (wid, norm(values["item"]), norm(values.get("spec", "")),
                norm(values.get("batch", "")))

    def label(self, values: dict) -> str:
        return f"{values['warehouse']} {values['item']}"

    def build(self, values: dict) -> dict:
        row = stock_item_row(values)
        wh = self.warehouses.get(norm(values.get("warehouse", "")))
        if wh is None and "warehouse_id" not in values:
            spec = warehouse_row({"name": values["warehouse"],
                                  "level": values.get("warehouse_level"),
                                  "reserve_type": values.get("reserve_type")})
            earlier = self.new_warehouses.setdefault(norm(spec["name"]), spec)
            if (earlier["level"], earlier["reserve_type"]) != (spec["level"],
                                                               spec["reserve_type"]):
                raise ValidationError(tr("仓库“{name}”的级别或储备方式与前面的行不一致",
                                         name=spec["name"]))
            return {**row, "warehouse_id": None, "_warehouse": spec["name"]}
        return {**row, "warehouse_id": wh["id"] if wh else values["warehouse_id"]}

    def more(self, n: int, values: dict, row: dict, record: dict | None) -> dict:
        quantity = values["quantity"]
        if quantity < 0:
            raise ValidationError(tr("数量不能为负数"))
        if record is None:
            return {"opening": quantity} if quantity > EPS else {}
        if record["unit"] != row["unit"]:
            raise ValidationError(tr("计量单位“{unit}”与台账不符（台账：{ledger}）",
                                     unit=row["unit"], ledger=record["unit"]))
        balance = self.balances.get(record["id"], 0.0)
        delta = quantity - balance
        if abs(delta) <= EPS:
            return {}
        note = tr("导入盘点：账面 {book}，实有 {count}", book=format_quantity(balance),
                  count=format_quantity(quantity))
        return {"delta": delta, "note": note, "changes": True}

    def apply(self, w: Writer, planned: PlannedRow) -> None:
        detail = {**self.detail, "row": planned.row}
        name = planned.values.pop("_warehouse", None)
        if name is not None:
            if norm(name) not in self.made:
                spec = self.new_warehouses[norm(name)]
                self.made[norm(name)] = w.insert("warehouse", spec, action="warehouse.import",
                                                 detail=detail)
            planned.values["warehouse_id"] = self.made[norm(name)]
        item_id = self.write(w, planned)
        if planned.extra.get("opening"):
            self.stock.record(w, item_id, "入库", planned.extra["opening"],
                              note=tr("导入期初库存"))
        elif planned.extra.get("delta"):
            delta = planned.extra["delta"]
            self.stock.record(w, item_id, "入库" if delta > 0 else "报损", abs(delta),
                              note=planned.extra["note"])


_PLANNERS = {"teams": TeamPlanner, "people": MemberPlanner, "experts": ExpertPlanner,
             "contacts": ContactPlanner, "stock": StockPlanner, "shelters": ShelterPlanner,
             "equipment": EquipmentPlanner}


def planner_for(kind: str, store: Store) -> _Planner:
    return _PLANNERS[kind](store)
