"""v1.8: rosters in full: the contacts directory (通讯录), member profiles and training / drill
records, dispatches of teams, experts, equipment and stock to incidents with their status
history, stock transfers (调拨) as pairs of movements, and the editable rules the compliance
check reads (team minimums, shelter facilities, roster settings).

No column is added to an existing register: an ``ALTER TABLE … ADD COLUMN`` on an audited table
that already holds rows would make every such row differ from its last image in the audit
trail, and ``verify`` would report them all as changed behind the program's back. New facts
about existing records live in new tables keyed by the record's id instead.
"""

from ..audit import register_table
from .base import Migration, split_sql

for _name in ("contact", "member_profile", "member_training", "dispatch", "team_minimum_rule",
              "shelter_facility_rule", "roster_setting"):
    register_table(_name)
_APPEND_ONLY = ("dispatch_event", "stock_transfer")
for _name in _APPEND_ONLY:
    register_table(_name, append_only=True)

_STATUS = "('申请', '已派', '在途', '到场', '归队', '取消')"

SQL = f"""
CREATE TABLE contact (
    id            TEXT PRIMARY KEY,
    unit          TEXT NOT NULL CHECK (length(trim(unit)) > 0),  -- 单位
    name          TEXT NOT NULL DEFAULT '',   -- empty for a unit's duty line
    title         TEXT NOT NULL DEFAULT '',   -- 职务
    office_phone  TEXT NOT NULL DEFAULT '',
    mobile        TEXT NOT NULL DEFAULT '',
    duty_phone    TEXT NOT NULL DEFAULT '',   -- 24 小时值班电话
    fax           TEXT NOT NULL DEFAULT '',
    township_id   TEXT REFERENCES org_unit (id),
    note          TEXT NOT NULL DEFAULT '',
    sort          INTEGER NOT NULL DEFAULT 0,
    CHECK (office_phone != '' OR mobile != '' OR duty_phone != '')
);
CREATE INDEX contact_unit ON contact (unit, name);

-- One row per member that has more than the member table holds; same id as the member.
CREATE TABLE member_profile (
    id           TEXT PRIMARY KEY REFERENCES member (id),
    id_key       TEXT NOT NULL DEFAULT '',   -- 身份证号 or 工号: tells one person on two teams
    public_post  INTEGER NOT NULL DEFAULT 0 CHECK (public_post IN (0, 1)),  -- 公益性岗位
    note         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX member_profile_key ON member_profile (id_key);

CREATE TABLE member_training (
    id           TEXT PRIMARY KEY,
    member_id    TEXT NOT NULL REFERENCES member (id),
    kind         TEXT NOT NULL CHECK (kind IN ('培训', '演练')),
    title        TEXT NOT NULL CHECK (length(trim(title)) > 0),
    held_on      TEXT NOT NULL,              -- YYYY-MM-DD
    hours        REAL CHECK (hours IS NULL OR hours >= 0),
    organiser    TEXT NOT NULL DEFAULT '',
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX member_training_member ON member_training (member_id, held_on);

-- Not append-only: the status and its times change, each change an audited update, and each
-- change is also kept as a dispatch_event and a timeline entry on the incident.
CREATE TABLE dispatch (
    id             TEXT PRIMARY KEY,
    incident_id    TEXT NOT NULL REFERENCES incident (id),
    resource_kind  TEXT NOT NULL CHECK (resource_kind IN ('team', 'expert', 'equipment', 'stock')),
    team_id        TEXT REFERENCES team (id),
    expert_id      TEXT REFERENCES expert (id),
    equipment_id   TEXT REFERENCES equipment (id),
    stock_item_id  TEXT REFERENCES stock_item (id),
    resource_name  TEXT NOT NULL,            -- as it was called when dispatched
    quantity       REAL NOT NULL DEFAULT 1 CHECK (quantity > 0),
    status         TEXT NOT NULL CHECK (status IN {_STATUS}),
    requested_at   TEXT NOT NULL,
    assigned_at    TEXT,
    en_route_at    TEXT,
    on_scene_at    TEXT,
    returned_at    TEXT,
    cancelled_at   TEXT,
    destination    TEXT NOT NULL DEFAULT '',
    movement_id    TEXT REFERENCES stock_movement (id),         -- the 出库 of dispatched stock
    return_movement_id TEXT REFERENCES stock_movement (id),     -- stock put back on 取消
    note           TEXT NOT NULL DEFAULT '',
    created_by     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    CHECK ((team_id IS NOT NULL) + (expert_id IS NOT NULL) + (equipment_id IS NOT NULL)
           + (stock_item_id IS NOT NULL) = 1),
    CHECK (resource_kind != 'team' OR team_id IS NOT NULL),
    CHECK (resource_kind != 'expert' OR expert_id IS NOT NULL),
    CHECK (resource_kind != 'equipment' OR equipment_id IS NOT NULL),
    CHECK (resource_kind != 'stock' OR stock_item_id IS NOT NULL)
);
CREATE INDEX dispatch_incident ON dispatch (incident_id, requested_at);
CREATE INDEX dispatch_team ON dispatch (team_id, status);
CREATE INDEX dispatch_expert ON dispatch (expert_id, status);
CREATE INDEX dispatch_equipment ON dispatch (equipment_id, status);

CREATE TABLE dispatch_event (
    id                 TEXT PRIMARY KEY,
    dispatch_id        TEXT NOT NULL REFERENCES dispatch (id),
    status             TEXT NOT NULL CHECK (status IN {_STATUS}),
    at                 TEXT NOT NULL,
    note               TEXT NOT NULL DEFAULT '',
    timeline_event_id  TEXT NOT NULL REFERENCES timeline_event (id),
    recorded_by        TEXT NOT NULL,
    recorded_at        TEXT NOT NULL
);
CREATE INDEX dispatch_event_dispatch ON dispatch_event (dispatch_id, at);

-- 调拨: the out-movement of one item and the in-movement of another, written together.
CREATE TABLE stock_transfer (
    id               TEXT PRIMARY KEY,
    out_movement_id  TEXT NOT NULL UNIQUE REFERENCES stock_movement (id),
    in_movement_id   TEXT NOT NULL UNIQUE REFERENCES stock_movement (id),
    quantity         REAL NOT NULL CHECK (quantity > 0),
    at               TEXT NOT NULL,
    recorded_by      TEXT NOT NULL
);

-- Rules in data. The program ships presets (commandcentre/rosters/rules.py); a row here with a
-- preset's id replaces it, any other id adds a rule, active = 0 switches one off.
CREATE TABLE team_minimum_rule (
    id            TEXT PRIMARY KEY,
    category      TEXT NOT NULL DEFAULT '',   -- '' = any category
    level         TEXT NOT NULL DEFAULT '',   -- '' = any level
    county_class  TEXT NOT NULL DEFAULT '' CHECK (county_class IN ('', '高危区', '高风险区')),
    minimum       INTEGER NOT NULL CHECK (minimum >= 0),
    source        TEXT NOT NULL CHECK (length(trim(source)) > 0),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at    TEXT NOT NULL
);

CREATE TABLE shelter_facility_rule (
    id               TEXT PRIMARY KEY,
    shelter_types    TEXT NOT NULL DEFAULT '[]',  -- JSON list; [] = every type
    facilities_json  TEXT NOT NULL,               -- JSON list; "应急照明/应急供电" = either
    source           TEXT NOT NULL CHECK (length(trim(source)) > 0),
    active           INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at       TEXT NOT NULL
);

CREATE TABLE roster_setting (
    id          TEXT PRIMARY KEY,
    value_json  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);
""" + "".join(f"""
CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END;
CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END;
""" for t in _APPEND_ONLY)

MIGRATION = Migration((1, 7), "rosters: contacts, training, dispatch, rules", split_sql(SQL))
