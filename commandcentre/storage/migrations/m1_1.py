"""v1.1: the county: administrative units, departments with duty phones, and duty shifts."""

from ..audit import register_table
from .base import Migration, split_sql

register_table("org_unit")
register_table("duty_shift")
register_table("duty_shift_member")

SQL = """
CREATE TABLE org_unit (
    id           TEXT PRIMARY KEY,
    kind         TEXT NOT NULL
                 CHECK (kind IN ('county', 'township', 'village', 'department')),
    parent_id    TEXT REFERENCES org_unit (id),
    code         TEXT NOT NULL DEFAULT '',
    name         TEXT NOT NULL,
    subkind      TEXT NOT NULL DEFAULT '',  -- 镇 / 乡 / 街道, 村 / 社区
    population   INTEGER,
    lat          REAL,
    lon          REAL,
    duty_phone   TEXT NOT NULL DEFAULT '',
    contact      TEXT NOT NULL DEFAULT '',
    title        TEXT NOT NULL DEFAULT '',
    hazards_json TEXT NOT NULL DEFAULT '[]',
    description  TEXT NOT NULL DEFAULT '',
    sort         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX org_unit_parent ON org_unit (parent_id, sort);
CREATE INDEX org_unit_kind ON org_unit (kind, sort);

CREATE TABLE duty_shift (
    id          TEXT PRIMARY KEY,
    starts_at   TEXT NOT NULL,
    ends_at     TEXT NOT NULL,
    template    TEXT NOT NULL DEFAULT '',   -- e.g. '08:00-08:00'
    enhanced    TEXT NOT NULL DEFAULT '',   -- 防火期 / 主汛期 / 节假日 …, empty for ordinary duty
    note        TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    CHECK (ends_at > starts_at)
);
CREATE INDEX duty_shift_time ON duty_shift (starts_at, ends_at);

CREATE TABLE duty_shift_member (
    id          TEXT PRIMARY KEY,
    shift_id    TEXT NOT NULL REFERENCES duty_shift (id),
    account_id  TEXT NOT NULL REFERENCES account (id),
    duty_role   TEXT NOT NULL CHECK (duty_role IN ('leader', 'main', 'deputy', 'extra')),
    UNIQUE (shift_id, account_id)
);
CREATE INDEX duty_shift_member_shift ON duty_shift_member (shift_id);
"""

MIGRATION = Migration((1, 1), "county: units, departments, duty shifts", split_sql(SQL))
