"""v1.5: incidents in full: hazard fields, the source intake, response-level decisions, grade
assessments and casualty snapshots (histories, never overwritten), reports sent against the
reporting clock, editable reporting rule sets, and the schema ledger of hazard plugins."""

from ..audit import register_table
from .base import Migration, split_sql

for _name in ("response_decision", "grade_assessment", "casualty_snapshot", "report_sent"):
    register_table(_name, append_only=True)
register_table("reporting_rule_set")

_APPEND_ONLY = ("response_decision", "grade_assessment", "casualty_snapshot", "report_sent")

SQL = """
ALTER TABLE incident ADD COLUMN fields_json TEXT NOT NULL DEFAULT '{}';
ALTER TABLE incident ADD COLUMN source_intake_id TEXT REFERENCES intake_record (id);
ALTER TABLE incident ADD COLUMN reporting_rule_set TEXT NOT NULL DEFAULT '';

CREATE TABLE response_decision (
    id           TEXT PRIMARY KEY,
    incident_id  TEXT NOT NULL REFERENCES incident (id),
    level        TEXT NOT NULL CHECK (level IN ('Ⅰ', 'Ⅱ', 'Ⅲ', 'Ⅳ', '终止')),
    decided_by   TEXT NOT NULL,    -- who decided (e.g. 县长、县应急指挥部总指挥)
    decided_at   TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL
);
CREATE INDEX response_decision_incident ON response_decision (incident_id, decided_at);

CREATE TABLE grade_assessment (
    id           TEXT PRIMARY KEY,
    incident_id  TEXT NOT NULL REFERENCES incident (id),
    grade        TEXT CHECK (grade IS NULL OR grade IN ('特别重大', '重大', '较大', '一般')),
    basis        TEXT NOT NULL CHECK (basis IN ('auto', 'manual')),
    reason       TEXT NOT NULL DEFAULT '',
    figures_json TEXT NOT NULL DEFAULT '{}',
    assessed_at  TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    recorded_at  TEXT NOT NULL,
    CHECK (basis = 'auto' OR reason != '')
);
CREATE INDEX grade_assessment_incident ON grade_assessment (incident_id, assessed_at);

CREATE TABLE casualty_snapshot (
    id                 TEXT PRIMARY KEY,
    incident_id        TEXT NOT NULL REFERENCES incident (id),
    at                 TEXT NOT NULL,   -- as of when the figures hold
    deaths             INTEGER NOT NULL DEFAULT 0 CHECK (deaths >= 0),
    missing            INTEGER NOT NULL DEFAULT 0 CHECK (missing >= 0),
    injured            INTEGER NOT NULL DEFAULT 0 CHECK (injured >= 0),
    seriously_injured  INTEGER NOT NULL DEFAULT 0 CHECK (seriously_injured >= 0),
    trapped            INTEGER NOT NULL DEFAULT 0 CHECK (trapped >= 0),
    relocated          INTEGER NOT NULL DEFAULT 0 CHECK (relocated >= 0),
    direct_loss_wan    REAL NOT NULL DEFAULT 0 CHECK (direct_loss_wan >= 0),
    source             TEXT NOT NULL CHECK (length(trim(source)) > 0),
    recorded_by        TEXT NOT NULL,
    recorded_at        TEXT NOT NULL,
    CHECK (seriously_injured <= injured)
);
CREATE INDEX casualty_snapshot_incident ON casualty_snapshot (incident_id, at);

CREATE TABLE report_sent (
    id           TEXT PRIMARY KEY,
    incident_id  TEXT NOT NULL REFERENCES incident (id),
    kind         TEXT NOT NULL CHECK (kind IN ('首报', '续报', '终报', '补报')),
    number       INTEGER NOT NULL DEFAULT 0,   -- 续报一 = 1, 续报二 = 2 …; 0 otherwise
    channel      TEXT NOT NULL CHECK (channel IN ('电话', '书面')),
    sent_at      TEXT NOT NULL,
    sent_by      TEXT NOT NULL,
    recipient    TEXT NOT NULL DEFAULT '',
    signer       TEXT NOT NULL DEFAULT '',     -- 签发人, required for written reports
    document_hash TEXT NOT NULL DEFAULT '',
    recorded_at  TEXT NOT NULL,
    CHECK (channel = '电话' OR signer != '')
);
CREATE INDEX report_sent_incident ON report_sent (incident_id, sent_at);

CREATE TABLE reporting_rule_set (
    id          TEXT PRIMARY KEY,   -- e.g. 'national-493', 'common-30-60', 'strict-15-35'
    name        TEXT NOT NULL,
    rules_json  TEXT NOT NULL,
    builtin     INTEGER NOT NULL DEFAULT 0 CHECK (builtin IN (0, 1)),
    updated_at  TEXT NOT NULL
);

-- Hazard plugins migrate their own tables; this ledger says how far each one got.
CREATE TABLE plugin_schema (
    plugin_id   TEXT PRIMARY KEY,
    version     INTEGER NOT NULL,
    applied_at  TEXT NOT NULL
);
""" + "".join(f"""
CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END;
CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} is append-only'); END;
""" for t in _APPEND_ONLY)

MIGRATION = Migration((1, 5), "incidents: decisions, grades, casualties, reports, rules, plugins",
                      split_sql(SQL), rebaseline=("incident",))
