"""v1.4: the duty room: intake records (值班电话记录) with their 接→报→传→跟→办结 steps, the
character-level search index over them, and handover sheets (交接班)."""

from ...search import FTS_TOKENIZE
from ..audit import register_table
from .base import Migration, split_sql

register_table("intake_record", append_only=True)
register_table("intake_step", append_only=True)
register_table("handover")

SQL = f"""
CREATE TABLE intake_record (
    id               TEXT PRIMARY KEY,
    root_id          TEXT NOT NULL,   -- the first version's id; itself for an original
    corrects_id      TEXT UNIQUE REFERENCES intake_record (id),  -- one correction per version
    serial           TEXT NOT NULL,   -- 接报编号, shared by all versions of one record
    received_at      TEXT NOT NULL,
    channel          TEXT NOT NULL
                     CHECK (channel IN ('电话', '传真', '短信', '电台', '北斗', '上级通知',
                                        '群众报告', '网络', '其他')),
    kind             TEXT NOT NULL
                     CHECK (kind IN ('突发事件', '上级交办', '工作通知', '情况反映', '咨询',
                                     '其他')),
    caller_unit      TEXT NOT NULL DEFAULT '',
    caller_name      TEXT NOT NULL DEFAULT '',
    caller_title     TEXT NOT NULL DEFAULT '',
    caller_phone     TEXT NOT NULL DEFAULT '',
    location         TEXT NOT NULL DEFAULT '',
    township_id      TEXT REFERENCES org_unit (id),
    content          TEXT NOT NULL CHECK (length(trim(content)) > 0),
    caller_notified  TEXT NOT NULL DEFAULT '',  -- whom the caller has already told
    receiver_id      TEXT NOT NULL REFERENCES account (id),
    important        INTEGER NOT NULL DEFAULT 0 CHECK (important IN (0, 1)),  -- 要情
    drill            INTEGER NOT NULL DEFAULT 0 CHECK (drill IN (0, 1)),
    correction_reason TEXT NOT NULL DEFAULT '',
    recorded_by      TEXT NOT NULL,
    recorded_at      TEXT NOT NULL,
    CHECK ((corrects_id IS NULL AND root_id = id AND correction_reason = '')
           OR (corrects_id IS NOT NULL AND root_id != id AND correction_reason != ''))
);
CREATE INDEX intake_record_received ON intake_record (received_at);
CREATE INDEX intake_record_root ON intake_record (root_id);
CREATE INDEX intake_record_serial ON intake_record (serial);
CREATE TRIGGER intake_record_no_update BEFORE UPDATE ON intake_record
BEGIN SELECT RAISE(ABORT, 'intake_record is append-only'); END;
CREATE TRIGGER intake_record_no_delete BEFORE DELETE ON intake_record
BEGIN SELECT RAISE(ABORT, 'intake_record is append-only'); END;

CREATE TABLE intake_step (
    id           TEXT PRIMARY KEY,
    root_id      TEXT NOT NULL REFERENCES intake_record (id),
    step         TEXT NOT NULL CHECK (step IN ('报', '传', '跟', '办结', '关联事件')),
    at           TEXT NOT NULL,
    by_id        TEXT NOT NULL REFERENCES account (id),
    target       TEXT NOT NULL DEFAULT '',   -- 报: to which leader; 传: to which units
    note         TEXT NOT NULL DEFAULT '',
    incident_id  TEXT REFERENCES incident (id),
    recorded_at  TEXT NOT NULL
);
CREATE INDEX intake_step_root ON intake_step (root_id, at);
CREATE TRIGGER intake_step_no_update BEFORE UPDATE ON intake_step
BEGIN SELECT RAISE(ABORT, 'intake_step is append-only'); END;
CREATE TRIGGER intake_step_no_delete BEFORE DELETE ON intake_step
BEGIN SELECT RAISE(ABORT, 'intake_step is append-only'); END;

-- Derived index, rebuilt from intake_record when needed; rowid = intake_record.rowid.
CREATE VIRTUAL TABLE intake_fts USING fts5 (
    content, caller, place, content='', tokenize='{FTS_TOKENIZE}'
);

CREATE TABLE handover (
    id                 TEXT PRIMARY KEY,
    shift_id           TEXT REFERENCES duty_shift (id),
    outgoing_id        TEXT NOT NULL REFERENCES account (id),
    incoming_id        TEXT REFERENCES account (id),
    created_at         TEXT NOT NULL,
    open_items_json    TEXT NOT NULL DEFAULT '[]',  -- the open intake serials at creation
    pending_json       TEXT NOT NULL DEFAULT '[]',  -- pending reports and their deadlines
    instructions       TEXT NOT NULL DEFAULT '',    -- 上级交办
    equipment          TEXT NOT NULL DEFAULT '',    -- equipment and link state
    notes              TEXT NOT NULL DEFAULT '',
    outgoing_signed_at TEXT,
    incoming_signed_at TEXT,
    status             TEXT NOT NULL DEFAULT '待交接' CHECK (status IN ('待交接', '已交接'))
);
CREATE INDEX handover_created ON handover (created_at);
"""

MIGRATION = Migration((1, 4), "duty room: intake records, search index, handover",
                      split_sql(SQL))
