"""v1.7: the contingency-plan library (应急预案库): plans with their register fields, the
section tree, response levels and their actions, links to other plans (衔接), the
character-level search index over the sections, and plan activations on incidents with their
checklists (响应措施清单) and the done / undone events on them."""

from ...search import FTS_TOKENIZE
from ..audit import register_table
from .base import Migration, split_sql

register_table("plan")  # the lifecycle fields (status, dates, owner) change; audited
_APPEND_ONLY = ("plan_section", "plan_level", "plan_action", "plan_link", "plan_activation",
                "checklist_item", "checklist_event")
for _name in _APPEND_ONLY:
    register_table(_name, append_only=True)

SQL = f"""
CREATE TABLE plan (
    id                  TEXT PRIMARY KEY,
    title               TEXT NOT NULL CHECK (length(trim(title)) > 0),
    type                TEXT NOT NULL
                        CHECK (type IN ('总体', '专项', '部门', '乡镇简明操作手册',
                                        '企业现场处置方案', '重大活动', '专项救援行动方案')),
    hazards             TEXT NOT NULL DEFAULT '',  -- ',forest_fire,flood,': plugin ids
    issuer              TEXT NOT NULL DEFAULT '',  -- 发布单位
    owner               TEXT NOT NULL DEFAULT '',  -- 牵头 / 管理单位
    version             TEXT NOT NULL DEFAULT '',
    status              TEXT NOT NULL
                        CHECK (status IN ('编制', '评审', '公布', '备案', '实施', '废止')),
    issued_on           TEXT,   -- calendar dates, YYYY-MM-DD
    revised_on          TEXT,
    next_evaluation_on  TEXT,
    filed_on            TEXT,
    last_drill_on       TEXT,
    parent_title        TEXT NOT NULL DEFAULT '',  -- the higher plan (衔接), by title
    supersedes_id       TEXT UNIQUE REFERENCES plan (id),  -- the older version it replaces
    source_name         TEXT NOT NULL,
    source_format       TEXT NOT NULL CHECK (source_format IN ('docx', 'md', 'txt')),
    source_sha256       TEXT NOT NULL,
    full_text           TEXT NOT NULL,
    contacts_json       TEXT NOT NULL DEFAULT '[]',
    attachments_json    TEXT NOT NULL DEFAULT '[]',
    notes_json          TEXT NOT NULL DEFAULT '[]',  -- what the importer could not place
    imported_by         TEXT NOT NULL,
    imported_at         TEXT NOT NULL,
    doc_from            INTEGER NOT NULL,  -- its sections' plan_section.doc run from … to
    doc_to              INTEGER NOT NULL   -- (a filtered search looks only there)
);
CREATE INDEX plan_title ON plan (title);
CREATE INDEX plan_sha ON plan (source_sha256);

CREATE TABLE plan_section (
    id          TEXT PRIMARY KEY,
    doc         INTEGER NOT NULL UNIQUE,  -- the plan_fts rowid (stable, unlike a rowid)
    plan_id     TEXT NOT NULL REFERENCES plan (id),
    parent_id   TEXT REFERENCES plan_section (id),
    ordinal     INTEGER NOT NULL,         -- document order within the plan
    depth       INTEGER NOT NULL,
    number      TEXT NOT NULL DEFAULT '', -- 一、 / （一） / 1. as written
    title       TEXT NOT NULL DEFAULT '',
    marker      TEXT NOT NULL,            -- numbering style; 'preamble' for text before
    kind        TEXT NOT NULL DEFAULT '', -- 总则 / 应急响应 / 保障措施 …
    path        TEXT NOT NULL DEFAULT '', -- 五、应急响应 > （二）Ⅳ级响应
    body        TEXT NOT NULL DEFAULT '',
    UNIQUE (plan_id, ordinal)
);
CREATE INDEX plan_section_parent ON plan_section (parent_id);

CREATE TABLE plan_level (
    id          TEXT PRIMARY KEY,
    plan_id     TEXT NOT NULL REFERENCES plan (id),
    level       TEXT NOT NULL CHECK (level IN ('Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ')),
    section_id  TEXT NOT NULL REFERENCES plan_section (id),
    title       TEXT NOT NULL,
    trigger_text TEXT NOT NULL DEFAULT '',  -- 启动条件
    UNIQUE (plan_id, level)
);

CREATE TABLE plan_action (
    id              TEXT PRIMARY KEY,
    plan_id         TEXT NOT NULL REFERENCES plan (id),
    level           TEXT NOT NULL CHECK (level IN ('Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ')),
    ordinal         INTEGER NOT NULL,
    owner_unit      TEXT NOT NULL DEFAULT '',
    text            TEXT NOT NULL CHECK (length(trim(text)) > 0),
    within_minutes  INTEGER CHECK (within_minutes IS NULL OR within_minutes >= 0),
    section_id      TEXT NOT NULL REFERENCES plan_section (id),
    UNIQUE (plan_id, level, ordinal)
);

CREATE TABLE plan_link (
    id            TEXT PRIMARY KEY,
    plan_id       TEXT NOT NULL REFERENCES plan (id),
    relation      TEXT NOT NULL CHECK (relation IN ('上级', '同级', '引用')),
    target_title  TEXT NOT NULL CHECK (length(trim(target_title)) > 0)
);
CREATE INDEX plan_link_plan ON plan_link (plan_id);

-- Derived index, rebuilt from plan_section when needed; rowid = plan_section.doc; tokens
-- from commandcentre.plans.index (one per character, one per Roman numeral).
-- title: the section's number and heading (the plan's title for the text before the first
-- heading); body: the section's own text.
CREATE VIRTUAL TABLE plan_fts USING fts5 (
    title, body, content='', tokenize='{FTS_TOKENIZE}'
);

CREATE TABLE plan_activation (
    id             TEXT PRIMARY KEY,
    incident_id    TEXT NOT NULL REFERENCES incident (id),
    plan_id        TEXT NOT NULL REFERENCES plan (id),
    level          TEXT NOT NULL CHECK (level IN ('Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ')),
    activated_at   TEXT NOT NULL,
    supersedes_id  TEXT UNIQUE REFERENCES plan_activation (id),  -- the level it replaces
    reason         TEXT NOT NULL DEFAULT '',
    recorded_by    TEXT NOT NULL,
    recorded_at    TEXT NOT NULL
);
CREATE INDEX plan_activation_incident ON plan_activation (incident_id, activated_at);

CREATE TABLE checklist_item (
    id               TEXT PRIMARY KEY,
    activation_id    TEXT NOT NULL REFERENCES plan_activation (id),
    action_id        TEXT NOT NULL REFERENCES plan_action (id),
    ordinal          INTEGER NOT NULL,
    owner_unit       TEXT NOT NULL DEFAULT '',
    text             TEXT NOT NULL,
    due_at           TEXT,             -- activated_at + within_minutes, when the plan says
    carried_from_id  TEXT REFERENCES checklist_item (id),  -- same measure, previous level
    UNIQUE (activation_id, ordinal)
);

CREATE TABLE checklist_event (
    id           TEXT PRIMARY KEY,
    item_id      TEXT NOT NULL REFERENCES checklist_item (id),
    done         INTEGER NOT NULL CHECK (done IN (0, 1)),  -- 1 完成, 0 撤销完成
    at           TEXT NOT NULL,
    by_name      TEXT NOT NULL,
    note         TEXT NOT NULL DEFAULT '',
    recorded_at  TEXT NOT NULL
);
CREATE INDEX checklist_event_item ON checklist_event (item_id, at);
""" + "".join(f"""
CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END;
CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END;
""" for t in _APPEND_ONLY)

# v1.6 is the signed situation reports (m1_6); this step comes after it.
MIGRATION = Migration((1, 8), "plans: library, sections, search index, activation checklists",
                      split_sql(SQL))
