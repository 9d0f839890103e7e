"""v1.3: incidents and their append-only timeline."""

from ..audit import register_table
from .base import Migration, split_sql

register_table("incident")
register_table("timeline_event", append_only=True)

SQL = """
CREATE TABLE incident (
    id           TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    hazard       TEXT NOT NULL,
    category     TEXT NOT NULL
                 CHECK (category IN ('自然灾害', '事故灾难', '公共卫生事件', '社会安全事件')),
    township_id  TEXT REFERENCES org_unit (id),
    place        TEXT NOT NULL DEFAULT '',
    lat          REAL,
    lon          REAL,
    occurred_at  TEXT NOT NULL,
    received_at  TEXT NOT NULL,
    closed_at    TEXT,
    grade        TEXT CHECK (grade IS NULL OR grade IN ('特别重大', '重大', '较大', '一般')),
    sensitive    INTEGER NOT NULL DEFAULT 0 CHECK (sensitive IN (0, 1)),
    drill        INTEGER NOT NULL DEFAULT 0 CHECK (drill IN (0, 1)),
    status       TEXT NOT NULL DEFAULT '处置中' CHECK (status IN ('处置中', '已结束')),
    summary      TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);
CREATE INDEX incident_received ON incident (received_at);

CREATE TABLE timeline_event (
    id           TEXT PRIMARY KEY,
    incident_id  TEXT NOT NULL REFERENCES incident (id),
    at           TEXT NOT NULL,
    kind         TEXT NOT NULL
                 CHECK (kind IN ('intake', 'note', 'decision', 'snapshot', 'report',
                                 'dispatch', 'radio')),
    text         TEXT NOT NULL,
    data_json    TEXT NOT NULL DEFAULT '{}',
    corrects_id  TEXT REFERENCES timeline_event (id),
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX timeline_event_incident ON timeline_event (incident_id, at);
CREATE TRIGGER timeline_event_no_update BEFORE UPDATE ON timeline_event
BEGIN SELECT RAISE(ABORT, 'timeline_event is append-only'); END;
CREATE TRIGGER timeline_event_no_delete BEFORE DELETE ON timeline_event
BEGIN SELECT RAISE(ABORT, 'timeline_event is append-only'); END;
"""

MIGRATION = Migration((1, 3), "incidents and the timeline", split_sql(SQL))
