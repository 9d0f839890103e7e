"""Exporting a register as a sheet a person can print (.xlsx) or Excel can open (.csv).

The columns are the register's own headers (:mod:`.specs`), so an exported file imports back
unchanged. Stock is exported with each line's balance (the sum of its card).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ..accounts import Permission, Session
from ..county import CountyService
from ..settings import Settings
from ..storage import Store
from ..tabular import save_table
from ..timeutil import to_local
from .specs import register

_YES = {True: "是", False: "否"}


def _flag(value: object) -> str:
    return _YES[bool(value)]


def _teams(store: Store) -> list[dict]:
    rows = store.query("SELECT t.*, o.name AS township FROM team t LEFT JOIN org_unit o"
                       " ON o.id = t.township_id ORDER BY CASE t.level WHEN '县' THEN 0"
                       " WHEN '乡镇' THEN 1 WHEN '村' THEN 2 WHEN '企业' THEN 3 ELSE 4 END,"
                       " t.name")
    for r in rows:
        r["fulltime"] = "专职" if r["fulltime"] else "兼职"
        r["specialities"] = json.loads(r["specialities_json"])
        r["equipment"] = json.loads(r["equipment_json"])
    return rows


def _people(store: Store) -> list[dict]:
    rows = store.query(
        "SELECT m.*, t.name AS team, coalesce(p.id_key, '') AS id_key,"
        " coalesce(p.public_post, 0) AS public_post FROM member m JOIN team t"
        " ON t.id = m.team_id LEFT JOIN member_profile p ON p.id = m.id"
        " ORDER BY t.name, CASE m.role WHEN '队长' THEN 0 WHEN '副队长' THEN 1"
        " WHEN '班长' THEN 2 ELSE 3 END, m.name")
    for r in rows:
        for key in ("party", "militia", "public_post"):
            r[key] = _flag(r[key])
    return rows


def _experts(store: Store) -> list[dict]:
    rows = store.query("SELECT * FROM expert ORDER BY name")
    for r in rows:
        r["hazards"] = json.loads(r["hazards_json"])
        r["on_call"] = _flag(r["on_call"])
    return rows


def _contacts(store: Store) -> list[dict]:
    return store.query("SELECT * FROM contact ORDER BY sort, unit, name")


def _stock(store: Store) -> list[dict]:
    return store.query(
        "SELECT s.*, w.name AS warehouse, w.level AS warehouse_level, w.reserve_type,"
        " coalesce((SELECT sum(quantity) FROM stock_movement m WHERE m.item_id = s.id), 0)"
        " AS quantity FROM stock_item s JOIN warehouse w ON w.id = s.warehouse_id"
        " ORDER BY w.name, s.item, s.batch")


def _shelters(store: Store) -> list[dict]:
    rows = store.query("SELECT s.*, o.name AS township FROM shelter s LEFT JOIN org_unit o"
                       " ON o.id = s.township_id ORDER BY s.name")
    for r in rows:
        r["facilities"] = json.loads(r["facilities_json"])
    return rows


def _equipment(store: Store) -> list[dict]:
    rows = store.query("SELECT * FROM equipment ORDER BY kind, name")
    for r in rows:
        r["requisitionable"] = _flag(r["requisitionable"])
    return rows


_ROWS: dict[str, Callable[[Store], list[dict]]] = {
    "teams": _teams, "people": _people, "experts": _experts, "contacts": _contacts,
    "stock": _stock, "shelters": _shelters, "equipment": _equipment}
_SKIP = {"people": {"politics"}}  # read-only synonyms of another column


def export_rows(store: Store, kind: str) -> tuple[list[str], list[list], list[int]]:
    """(headers, rows, text column indexes) of the ``kind`` register."""
    reg = register(kind)
    cols = [c for c in reg.columns if c.key not in _SKIP.get(kind, set())]
    rows = [[r.get(c.key) for c in cols] for r in _ROWS[kind](store)]
    return [c.header for c in cols], rows, [n for n, c in enumerate(cols) if c.text]


def export_register(store: Store, session: Session, kind: str, path: str | Path, *,
                    title: str | None = None) -> int:
    """Write the ``kind`` register to ``path`` (.xlsx or .csv); return the number of rows."""
    session.require(Permission.READ)
    reg = register(kind)
    headers, rows, text = export_rows(store, kind)
    if title is None:
        county = CountyService(store).county()
        title = (county["name"] if county else "") + reg.title
    now = to_local(store.clock.now(), Settings(store).get("ui.timezone"))
    # The sheet is the office's document: its words stay Chinese whatever the UI language.
    subtitle = "导出时间：{y}年{m}月{d}日 {t}　共 {n} 条".format(
        y=now.year, m=now.month, d=now.day, t=f"{now:%H:%M}", n=len(rows))
    save_table(path, title, headers, rows, text_columns=text, subtitle=subtitle)
    return len(rows)
