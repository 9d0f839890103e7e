"""v1.2: rosters and resources: teams, members, experts, warehouses and stock, shelters,
equipment, radio channels. Stock balances are derived from movements, never typed."""

from ..audit import register_table
from .base import Migration, split_sql

for _name in ("team", "member", "expert", "warehouse", "stock_item", "shelter", "equipment",
              "radio_channel"):
    register_table(_name)
register_table("stock_movement", append_only=True)

SQL = """
CREATE TABLE team (
    id               TEXT PRIMARY KEY,
    name             TEXT NOT NULL UNIQUE,
    category         TEXT NOT NULL,
    level            TEXT NOT NULL CHECK (level IN ('县', '乡镇', '村', '企业', '社会')),
    owner_unit       TEXT NOT NULL DEFAULT '',
    fulltime         INTEGER NOT NULL DEFAULT 0 CHECK (fulltime IN (0, 1)),
    headcount        INTEGER NOT NULL DEFAULT 0 CHECK (headcount >= 0),
    specialities_json TEXT NOT NULL DEFAULT '[]',
    equipment_json   TEXT NOT NULL DEFAULT '[]',
    base             TEXT NOT NULL DEFAULT '',
    township_id      TEXT REFERENCES org_unit (id),
    lat              REAL,
    lon              REAL,
    contact_phone    TEXT NOT NULL DEFAULT '',
    status           TEXT NOT NULL DEFAULT '待命'
                     CHECK (status IN ('待命', '出动', '在途', '到场', '归队', '休整'))
);

CREATE TABLE member (
    id          TEXT PRIMARY KEY,
    team_id     TEXT NOT NULL REFERENCES team (id),
    name        TEXT NOT NULL,
    role        TEXT NOT NULL DEFAULT '队员',
    phone       TEXT NOT NULL DEFAULT '',
    pdt_id      TEXT UNIQUE,
    beidou_card TEXT UNIQUE,
    sat_phone   TEXT NOT NULL DEFAULT '',
    party       INTEGER NOT NULL DEFAULT 0 CHECK (party IN (0, 1)),
    militia     INTEGER NOT NULL DEFAULT 0 CHECK (militia IN (0, 1))
);
CREATE INDEX member_team ON member (team_id);

CREATE TABLE expert (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    hazards_json TEXT NOT NULL DEFAULT '[]',
    speciality  TEXT NOT NULL DEFAULT '',
    employer    TEXT NOT NULL DEFAULT '',
    title       TEXT NOT NULL DEFAULT '',
    phone       TEXT NOT NULL DEFAULT '',
    on_call     INTEGER NOT NULL DEFAULT 0 CHECK (on_call IN (0, 1))
);

CREATE TABLE warehouse (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    level        TEXT NOT NULL CHECK (level IN ('县', '乡镇', '村', '企业')),
    reserve_type TEXT NOT NULL CHECK (reserve_type IN ('实物', '协议', '产能')),
    address      TEXT NOT NULL DEFAULT '',
    township_id  TEXT REFERENCES org_unit (id),
    lat          REAL,
    lon          REAL,
    keeper       TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE stock_item (
    id           TEXT PRIMARY KEY,
    warehouse_id TEXT NOT NULL REFERENCES warehouse (id),
    item         TEXT NOT NULL,
    spec         TEXT NOT NULL DEFAULT '',
    unit         TEXT NOT NULL,
    batch        TEXT NOT NULL DEFAULT '',
    expiry       TEXT,
    min_quantity REAL NOT NULL DEFAULT 0
);
CREATE INDEX stock_item_warehouse ON stock_item (warehouse_id);

CREATE TABLE stock_movement (
    id          TEXT PRIMARY KEY,
    item_id     TEXT NOT NULL REFERENCES stock_item (id),
    kind        TEXT NOT NULL CHECK (kind IN ('入库', '出库', '调拨', '报损')),
    quantity    REAL NOT NULL,   -- signed: + into this item's stock, - out of it
    at          TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX stock_movement_item ON stock_movement (item_id, at);
CREATE TRIGGER stock_movement_no_update BEFORE UPDATE ON stock_movement
BEGIN SELECT RAISE(ABORT, 'stock_movement is append-only'); END;
CREATE TRIGGER stock_movement_no_delete BEFORE DELETE ON stock_movement
BEGIN SELECT RAISE(ABORT, 'stock_movement is append-only'); END;

CREATE TABLE shelter (
    id           TEXT PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE,
    type         TEXT NOT NULL DEFAULT '',
    grade        TEXT NOT NULL DEFAULT '',
    address      TEXT NOT NULL DEFAULT '',
    township_id  TEXT REFERENCES org_unit (id),
    lat          REAL,
    lon          REAL,
    capacity     INTEGER NOT NULL DEFAULT 0 CHECK (capacity >= 0),
    area_m2      REAL,
    facilities_json TEXT NOT NULL DEFAULT '[]',
    status       TEXT NOT NULL DEFAULT '关闭' CHECK (status IN ('开放', '关闭')),
    occupancy    INTEGER NOT NULL DEFAULT 0 CHECK (occupancy >= 0),
    manager      TEXT NOT NULL DEFAULT '',
    phone        TEXT NOT NULL DEFAULT ''
);

CREATE TABLE equipment (
    id              TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL DEFAULT '',
    model           TEXT NOT NULL DEFAULT '',
    owner_unit      TEXT NOT NULL DEFAULT '',
    location        TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL DEFAULT '完好',
    requisitionable INTEGER NOT NULL DEFAULT 0 CHECK (requisitionable IN (0, 1)),
    plate           TEXT,
    quantity        INTEGER NOT NULL DEFAULT 1 CHECK (quantity >= 0)
);

CREATE TABLE radio_channel (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    address     TEXT NOT NULL DEFAULT '',   -- frequency, talk-group or card number
    use         TEXT NOT NULL DEFAULT ''
);
"""

MIGRATION = Migration((1, 2), "rosters and resources", split_sql(SQL))
