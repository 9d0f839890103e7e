"""v1.0: the platform: settings, accounts and the hash-chained audit trail."""

from ..audit import register_table
from .base import Migration, split_sql

register_table("setting")
register_table("account", secret_columns=("password_hash",))

SQL = """
CREATE TABLE setting (
    id          TEXT PRIMARY KEY,          -- the setting's key, e.g. 'security.max_failed_logins'
    value_json  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE account (
    id                  TEXT PRIMARY KEY,
    username            TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name        TEXT NOT NULL,
    role                TEXT NOT NULL
                        CHECK (role IN ('operator', 'leader', 'administrator', 'observer')),
    unit                TEXT NOT NULL DEFAULT '',
    phone               TEXT NOT NULL DEFAULT '',
    password_hash       TEXT NOT NULL,
    active              INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    failed_logins       INTEGER NOT NULL DEFAULT 0,
    locked_until        TEXT,
    last_login_at       TEXT,
    password_changed_at TEXT NOT NULL,
    created_at          TEXT NOT NULL
);

CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    op           TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete', 'event')),
    action       TEXT NOT NULL,
    table_name   TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    before_json  TEXT,
    after_json   TEXT,
    detail_json  TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE
);
CREATE INDEX audit_log_record ON audit_log (table_name, record_id, seq);

-- The trail is append-only for the program too; tampering needs a tool and shows in verify.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
"""

MIGRATION = Migration((1, 0), "platform: settings, accounts, audit trail", split_sql(SQL))
