"""The county register (行政区划与单位): the county, its townships and villages, departments.

Other registers (teams, warehouses, shelters, incidents) point at townships from here.
"""

from __future__ import annotations

import json
from typing import Any

from .accounts import Permission, Session
from .errors import ValidationError
from .i18n import tr
from .storage import Store

UNIT_KINDS = ("county", "township", "village", "department")
TOWNSHIP_SUBKINDS = ("镇", "乡", "街道")


class CountyService:
    """Reading and maintaining administrative units and departments."""

    def __init__(self, store: Store):
        self.store = store

    def county(self) -> dict | None:
        """The county record (one per store), or None for a store not yet set up."""
        return self.store.one("SELECT * FROM org_unit WHERE kind = 'county' LIMIT 1")

    def townships(self) -> list[dict]:
        """Townships (乡镇街道) in register order."""
        return self.store.query("SELECT * FROM org_unit WHERE kind = 'township' ORDER BY sort,"
                                " name")

    def villages(self, township_id: str) -> list[dict]:
        """Villages and communities of one township."""
        return self.store.query("SELECT * FROM org_unit WHERE kind = 'village' AND parent_id = ?"
                                " ORDER BY sort, name", (township_id,))

    def departments(self) -> list[dict]:
        """County departments with their 24 h duty phones."""
        return self.store.query("SELECT * FROM org_unit WHERE kind = 'department' ORDER BY sort,"
                                " name")

    def find(self, kind: str, name: str) -> dict | None:
        """A unit of ``kind`` by exact name."""
        return self.store.one("SELECT * FROM org_unit WHERE kind = ? AND name = ?", (kind, name))

    def township_id(self, name: str | None) -> str | None:
        """The id of the township called ``name`` (None when empty); an unknown name is bad
        input and raises ValidationError."""
        if not name or not name.strip():
            return None
        row = self.find("township", name.strip())
        if row is None:
            raise ValidationError(tr("没有此乡镇：{name}", name=name))
        return row["id"]

    def add_unit(self, session: Session, *, kind: str, name: str, parent_id: str | None = None,
                 **fields: Any) -> str:
        """Add a county, township, village or department; return its id."""
        session.require(Permission.REGISTER_WRITE)
        name = name.strip()
        if kind not in UNIT_KINDS:
            raise ValidationError(tr("未知单位类型：{kind}", kind=kind))
        if not name:
            raise ValidationError(tr("名称不能为空。"))
        if kind == "county" and self.county() is not None:
            raise ValidationError(tr("本库已有县级单位，不能再添加。"))
        if kind == "township" and fields.get("subkind", "镇") not in TOWNSHIP_SUBKINDS:
            raise ValidationError(tr("乡镇类型应为 镇、乡 或 街道。"))
        if kind in ("township", "department") and self.find(kind, name):
            raise ValidationError(tr("已存在同名单位：{name}", name=name))
        if kind == "village" and parent_id is None:
            raise ValidationError(tr("村（社区）必须属于一个乡镇。"))
        if parent_id is None and kind != "county":
            county = self.county()
            parent_id = county["id"] if county else None
        row = {"kind": kind, "name": name, "parent_id": parent_id}
        for key in ("code", "subkind", "population", "lat", "lon", "duty_phone", "contact",
                    "title", "description", "sort"):
            if fields.get(key) is not None:
                row[key] = fields[key]
        if "hazards" in fields:
            row["hazards_json"] = json.dumps(list(fields["hazards"]), ensure_ascii=False)
        with self.store.write(session, Permission.REGISTER_WRITE) as w:
            return w.insert("org_unit", row, action=f"org_unit.add_{kind}")
