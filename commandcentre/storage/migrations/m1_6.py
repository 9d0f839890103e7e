"""v1.6: signed situation reports (信息报送文书), stored immutably with their hash."""

from ..audit import register_table
from .base import Migration, split_sql

# The PDF goes into the trail as a fingerprint, not as a hex copy.
register_table("report_document", secret_columns=("pdf",), append_only=True)

SQL = """
CREATE TABLE report_document (
    id             TEXT PRIMARY KEY,
    incident_id    TEXT NOT NULL REFERENCES incident (id),
    kind           TEXT NOT NULL CHECK (kind IN ('首报', '续报', '终报', '补报')),
    number         INTEGER NOT NULL DEFAULT 0,
    title          TEXT NOT NULL,
    draft_json     TEXT NOT NULL,      -- the reviewed fields, exactly as signed
    pdf            BLOB NOT NULL,
    sha256         TEXT NOT NULL,
    signed_by      TEXT NOT NULL,      -- the account that signed (签发)
    signer_name    TEXT NOT NULL,
    signed_at      TEXT NOT NULL,
    report_sent_id TEXT REFERENCES report_sent (id),
    drill          INTEGER NOT NULL DEFAULT 0 CHECK (drill IN (0, 1)),
    CHECK (length(sha256) = 64)
);
CREATE INDEX report_document_incident ON report_document (incident_id, signed_at);
CREATE TRIGGER report_document_no_update BEFORE UPDATE ON report_document
BEGIN SELECT RAISE(ABORT, 'report_document is append-only'); END;
CREATE TRIGGER report_document_no_delete BEFORE DELETE ON report_document
BEGIN SELECT RAISE(ABORT, 'report_document is append-only'); END;
"""

MIGRATION = Migration((1, 6), "signed situation reports", split_sql(SQL))
